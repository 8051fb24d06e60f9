package dev.pushdoctor.sample

import dev.pushdoctor.sample.accept.AutomaticBundle
import dev.pushdoctor.sample.accept.AutomaticBundles
import dev.pushdoctor.sample.accept.SimulatedAccept
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import uniffi.pushdoctor_ffi.AppObservations
import uniffi.pushdoctor_ffi.AttemptOutcome
import uniffi.pushdoctor_ffi.OutcomeId
import uniffi.pushdoctor_ffi.RequestState
import java.io.File
import java.nio.file.Files
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import java.util.zip.ZipFile

/** The simulated Accept screen: its history and the automatic bundle, on the real agent. */
class SimulatedAcceptTest {
    private fun <T> withAgent(body: suspend (uniffi.pushdoctor_ffi.PushDoctorAgent, File) -> T): T {
        val dir = Files.createTempDirectory("pushdoctor-sample-accept").toFile()
        try {
            return runBlocking {
                testAgent(ExamplePhone(), dir).use { agent -> body(agent, dir).also { agent.shutdown() } }
            }
        } finally {
            dir.deleteRecursively()
        }
    }

    @Test
    fun aWorkingAcceptAnswersTheRequestAndTheHistorySaysAccepted() = withAgent { agent, _ ->
        val accept = SimulatedAccept(agent)
        val request = accept.receivePush()
        assertEquals(request, accept.current)
        assertEquals(AttemptOutcome.Success, accept.tapAccept())
        assertNull("an answered request needs a new push", accept.current)
        val story = accept.history().single()
        assertEquals(request, story.requestId)
        assertEquals(RequestState.ACCEPTED, story.state)
        assertEquals(1, story.attempts)
        assertEquals(800L, story.pushLatencyMs)
    }

    @Test
    fun threeFailedAcceptsShowInTheHistoryAndFireTheAutomaticBundleOnce() = withAgent { agent, dir ->
        val bundles = LinkedBlockingQueue<AutomaticBundle>()
        val failures = LinkedBlockingQueue<String>()
        AutomaticBundles(agent, onBundle = { bundles.add(it) }, onFailure = { failures.add(it) }).use { watcher ->
            val accept = SimulatedAccept(agent)
            accept.failing = true
            val request = accept.receivePush()
            repeat(3) {
                val outcome = accept.tapAccept()
                assertEquals(AttemptOutcome.HttpError(status = 503, serverCode = "unavailable"), outcome)
            }
            assertEquals("a failed request stays the one to answer", request, accept.current)

            val bundle = bundles.poll(30, TimeUnit.SECONDS) ?: throw AssertionError("no automatic bundle; failures: $failures")
            assertEquals(3, bundle.failures)
            assertEquals(bundle, watcher.latest)
            assertTrue(bundle.path, bundle.path.startsWith(dir.path))
            assertTrue(File(bundle.path).length() == bundle.bytes)
            ZipFile(bundle.path).use { zip ->
                val history = zip.getInputStream(zip.getEntry("accept_history.ndjson")).bufferedReader().readText()
                assertEquals(history, 3, history.lines().count { it.contains("\"kind\":\"attempt\"") && it.contains(request) })
                assertEquals(history, 1, history.lines().count { it.contains("\"kind\":\"push\"") })
            }
            // Once: the next failures within the cooldown make no second bundle.
            accept.tapAccept()
            assertNull(bundles.poll(1, TimeUnit.SECONDS))
            assertTrue(failures.toString(), failures.isEmpty())

            val story = accept.history().single()
            assertEquals(RequestState.FAILED, story.state)
            assertEquals(4, story.attempts)
            // The diagnosis the screen offers concludes from the history, unasked.
            val report = agent.runDiagnostics(AppObservations(), null)
            assertEquals(report.json, OutcomeId.SHARE_LOGS, report.outcome?.id)
            assertEquals(4, report.history?.failuresInARow)

            // Made to work again: the same request is accepted on the next try.
            accept.failing = false
            assertEquals(AttemptOutcome.Success, accept.tapAccept())
            assertEquals(RequestState.ACCEPTED, accept.history().single().state)
        }
    }
}
