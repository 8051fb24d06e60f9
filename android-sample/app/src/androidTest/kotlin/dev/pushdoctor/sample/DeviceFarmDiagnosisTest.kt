package dev.pushdoctor.sample

import android.os.Build
import android.os.SystemClock
import android.test.InstrumentationTestCase
import android.test.InstrumentationTestRunner
import dev.pushdoctor.sample.report.ReportWriter
import dev.pushdoctor.sample.ui.SampleApplication
import kotlinx.coroutines.runBlocking
import uniffi.pushdoctor_ffi.AppObservations
import uniffi.pushdoctor_ffi.ProbeName
import java.io.File

/**
 * What a device farm runs on each of its phones: one diagnosis with the
 * app's real probe and the real library, written where the farm collects
 * it, `diagnosis.json` and `junit.xml` in
 * `/sdcard/Android/data/dev.pushdoctor.sample/files/pushdoctor-farm/`
 * (the app's external files folder: no permission needed to write it,
 * readable by `adb pull` and by Firebase Test Lab's `--directories-to-pull`),
 * and also in the runner's `additionalTestOutputDir` when the farm passes
 * one. JUnit 3 through the framework's own runner: androidx.test is not
 * on Maven Central.
 *
 * The phone's settings are the farm's, so the test asserts that the
 * diagnosis ran and was written, not what it found.
 */
class DeviceFarmDiagnosisTest : InstrumentationTestCase() {
    fun testTheDiagnosisIsWrittenWhereTheFarmCollectsIt() {
        val context = instrumentation.targetContext
        val services = (context.applicationContext as SampleApplication).services
        val started = SystemClock.elapsedRealtime()
        // Nothing observed about a login: the phone's own facts decide.
        val report = runBlocking { services.agent.runDiagnostics(AppObservations(), null) }
        val elapsed = SystemClock.elapsedRealtime() - started
        val device = "${Build.MANUFACTURER} ${Build.MODEL} (API ${Build.VERSION.SDK_INT})"

        val folders = listOfNotNull(
            context.getExternalFilesDir(null)?.let { File(it, FARM_FOLDER) },
            (instrumentation as? InstrumentationTestRunner)?.arguments?.getString(ADDITIONAL_OUTPUT)?.let(::File),
        )
        assertFalse("the app has no external files folder on this device", folders.isEmpty())
        for (folder in folders) {
            val written = ReportWriter(folder).write(report, device, elapsed)
            assertEquals(report.json, written.json.readText())
            assertTrue(written.junitXml.readText().contains("<testsuite name="))
        }
        // The real probe answered on a real phone: the device's facts are
        // framework constants, which no setting can hide.
        assertTrue(report.probeIssues.toString(), report.probeIssues.none { it.probe == ProbeName.DEVICE })
        services.logs.info("Farm", "diagnosis written for $device: ${report.scenario} → ${report.destination}")
    }

    private companion object {
        const val FARM_FOLDER = "pushdoctor-farm"
        // The instrumentation argument AGP and farms use for files to collect.
        const val ADDITIONAL_OUTPUT = "additionalTestOutputDir"
    }
}
