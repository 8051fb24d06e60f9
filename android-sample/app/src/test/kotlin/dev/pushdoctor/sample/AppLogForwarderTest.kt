package dev.pushdoctor.sample

import dev.pushdoctor.sample.logging.AppLogForwarder
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import uniffi.pushdoctor_ffi.BundleReason
import uniffi.pushdoctor_ffi.PushDoctorAgent
import java.io.File
import java.nio.file.Files
import java.util.zip.ZipFile

/** The app's own logs reach the agent's capture in batches: on the timer, on flush, on close. */
class AppLogForwarderTest {
    private fun logsInBundle(agent: PushDoctorAgent, dir: File, name: String): String = runBlocking {
        val path = agent.buildBundle(File(dir, name).path, BundleReason.QA_RUN)
        ZipFile(path).use { zip -> zip.getInputStream(zip.getEntry("logs.txt")).bufferedReader().readText() }
    }

    @Test
    fun recordsReachTheCaptureOnTheTimerWithoutAFlush() {
        val dir = Files.createTempDirectory("pushdoctor-sample-logs").toFile()
        try {
            testAgent(ExamplePhone(), dir).use { agent ->
                AppLogForwarder(agent, flushEveryMs = 50).use { logs ->
                    logs.info("Accept", "tapped for request sample-7")
                    logs.warn("Push", "late by 900ms")
                    // Not flushed by hand: the timer hands them over.
                    var text = ""
                    for (attempt in 0 until 40) {
                        Thread.sleep(100)
                        text = logsInBundle(agent, dir, "timer-$attempt.zip")
                        if (text.contains("late by 900ms")) break
                    }
                    // logs.txt: a line per record, oldest first (docs/bundle.md).
                    val lines = text.lines().filter { it.contains(" app Accept ") || it.contains(" app Push ") }
                    assertEquals(text, 2, lines.size)
                    assertTrue(lines[0], lines[0].contains(" I app Accept (main): ") && lines[0].endsWith(": tapped for request sample-7"))
                    assertTrue(lines[1], lines[1].contains(" W app Push (main): ") && lines[1].endsWith(": late by 900ms"))
                }
                runBlocking { agent.shutdown() }
            }
        } finally {
            dir.deleteRecursively()
        }
    }

    @Test
    fun closeFlushesWhatIsLeftAndLaterRecordsAreIgnored() {
        val dir = Files.createTempDirectory("pushdoctor-sample-logs").toFile()
        try {
            testAgent(ExamplePhone(), dir).use { agent ->
                val logs = AppLogForwarder(agent, flushEveryMs = 3_600_000)
                logs.error("Sample", "before close")
                logs.close()
                logs.info("Sample", "after close") // dropped, not thrown
                logs.close() // a second close does nothing
                val text = logsInBundle(agent, dir, "closed.zip")
                assertTrue(text, text.contains("before close"))
                assertTrue(text, !text.contains("after close"))
                runBlocking { agent.shutdown() }
            }
        } finally {
            dir.deleteRecursively()
        }
    }

    @Test
    fun aTimerThatNeverFiresIsRefusedByName() {
        testAgent(ExamplePhone()).use { agent ->
            try {
                AppLogForwarder(agent, flushEveryMs = 0)
                fail("a zero interval was taken")
            } catch (e: IllegalArgumentException) {
                assertTrue(e.message, e.message!!.contains("flushEveryMs"))
            }
        }
    }
}
