package dev.pushdoctor.sample

import dev.pushdoctor.sample.accept.AutomaticBundle
import dev.pushdoctor.sample.share.SharedBundles
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import uniffi.pushdoctor_ffi.BundleReason
import java.io.File
import java.nio.file.Files
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import java.util.zip.ZipFile

/** What the Application wires together, with the app's own configuration, on the real agent. */
class SampleServicesTest {
    @Test
    fun theAppsConfigurationKeepsLogsAndMakesTheAutomaticBundleInItsFolders() {
        val filesDir = Files.createTempDirectory("pushdoctor-sample-files").toFile()
        try {
            val config = SampleAgentConfig.of(filesDir)
            assertEquals(File(filesDir, "pushdoctor/logs").path, config.logDirectory)
            assertEquals(File(filesDir, "pushdoctor/auto-bundles").path, config.autoBundle?.directory)
            val services = SampleServices(config, ExamplePhone(), SharedBundles(File(filesDir, "shared"), "test.logs"))
            val heard = LinkedBlockingQueue<AutomaticBundle>()
            services.onAutomaticBundle = { heard.add(it) }
            services.logs.info("Sample", "before the failures")
            services.accept.failing = true
            repeat(3) { services.accept.tapAccept() }

            val bundle = heard.poll(30, TimeUnit.SECONDS) ?: throw AssertionError("no automatic bundle was heard")
            assertEquals(3, bundle.failures)
            assertEquals(SampleAgentConfig.automaticBundleDirectory(filesDir).canonicalFile, File(bundle.path).parentFile.canonicalFile)
            assertEquals(bundle, services.automaticBundles.latest)

            // The app's own record, forwarded in a batch, is in a bundle built afterwards.
            services.logs.flush()
            val path = runBlocking { services.agent.buildBundle(File(filesDir, "button.zip").path, BundleReason.BUTTON) }
            val logs = ZipFile(path).use { zip -> zip.getInputStream(zip.getEntry("logs.txt")).bufferedReader().readText() }
            assertTrue(logs, logs.lines().any { it.contains(" app Sample ") && it.endsWith(": before the failures") })
            // The automatic bundle's own note, forwarded by the services.
            assertTrue(logs, logs.contains("the agent built a bundle after 3 failed Accepts"))

            runBlocking { services.agent.shutdown() }
            services.close()
            assertTrue(File(filesDir, "pushdoctor/logs").isDirectory)
        } finally {
            filesDir.deleteRecursively()
        }
    }
}
