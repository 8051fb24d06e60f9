// The push and Accept history from Kotlin: a simulated Accept that fails
// three times makes exactly one automatic bundle event, and the bundle
// holds the history and a diagnosis that says share_logs without anyone
// answering a question.

import uniffi.pushdoctor_ffi.*
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import java.nio.file.Files
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import java.util.zip.ZipFile

/** The app's own Accept call, made to fail: what the person sees as "nothing happens". */
class FailingAcceptButton(private val agent: PushDoctorAgent) {
    fun tap(requestId: String, tryNumber: Int, at: Long) {
        agent.recordAttempt(
            AttemptEvent(
                requestId = requestId,
                decision = Decision.ACCEPT,
                startedMs = at,
                endedMs = at + 1_500,
                outcome = AttemptOutcome.HttpError(status = 503, serverCode = "unavailable"),
                tryNumber = tryNumber,
            ),
        )
    }
}

class HistoryTest {
    private val t0 = 1_795_772_400_000L

    private fun entry(zip: ZipFile, name: String): String? =
        zip.getEntry(name)?.let { zip.getInputStream(it).bufferedReader().readText() }

    @Test
    fun threeFailedAcceptsMakeOneBundleThatSaysShareLogs() = runBlocking {
        val dir = Files.createTempDirectory("pushdoctor-history").toFile()
        val events = LinkedBlockingQueue<AgentEvent>()
        agent(FakePhone(), dir).use { agent ->
            val subscription = agent.subscribe(object : EventListener {
                override fun onEvent(event: AgentEvent) {
                    events.add(event)
                }
            })
            agent.recordPush(
                PushEvent(
                    requestId = "req-42",
                    receivedMs = t0,
                    sentMs = t0 - 900,
                    shownMs = t0 + 50,
                    delivery = PushDelivery.NOTIFICATION,
                    presence = AppPresence.BACKGROUND,
                ),
            )
            val button = FailingAcceptButton(agent)
            button.tap("req-42", 1, t0 + 2_000)
            button.tap("req-42", 2, t0 + 6_000)
            button.tap("req-42", 3, t0 + 12_000)

            val built = mutableListOf<AgentEvent.AutomaticBundleBuilt>()
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
            while (System.nanoTime() < deadline) {
                val wait = if (built.isEmpty()) deadline - System.nanoTime() else TimeUnit.MILLISECONDS.toNanos(700)
                when (val event = events.poll(wait, TimeUnit.NANOSECONDS) ?: break) {
                    is AgentEvent.AutomaticBundleBuilt -> built += event
                    is AgentEvent.AutomaticBundleFailed -> fail("the automatic bundle failed: ${event.reason}")
                    else -> {}
                }
            }
            assertEquals("exactly one bundle event", 1, built.size)
            val bundle = built[0]
            assertEquals(3, bundle.failures)

            ZipFile(bundle.path).use { zip ->
                val history = entry(zip, "accept_history.ndjson")
                assertNotNull("the bundle holds the history", history)
                assertEquals(3, history!!.lines().count { it.contains("\"kind\":\"attempt\"") })
                assertEquals(1, history.lines().count { it.contains("\"kind\":\"push\"") })
                val diagnosis = entry(zip, "diagnosis.json")!!
                assertTrue(diagnosis, Regex("\"outcome\"\\s*:\\s*\\{\\s*\"id\"\\s*:\\s*\"share_logs\"").containsMatchIn(diagnosis))
                assertTrue(entry(zip, "manifest.json")!!.contains("\"reason\": \"repeated_accept_failures\""))
            }

            // What the person can look at before agreeing to send it.
            val preview = agent.bundlePreview(bundle.path)
            assertEquals(BundleReason.REPEATED_ACCEPT_FAILURES, preview.reason)
            assertTrue(preview.entries.contains("accept_history.ndjson"))
            assertEquals(4L, preview.historyEvents)

            // The "Push history" screen, newest first.
            val stories = agent.pushHistory(10)
            assertEquals(listOf("req-42"), stories.map { it.requestId })
            assertEquals(RequestState.FAILED, stories[0].state)
            assertEquals(3, stories[0].attempts)

            // The diagnosis the button would show concludes the same, unasked.
            val report = agent.runDiagnostics(AppObservations(), null)
            assertEquals(OutcomeId.SHARE_LOGS, report.outcome?.id)
            assertNull(report.nextQuestion)
            assertEquals(3, report.history?.failuresInARow)
            subscription.cancel()
            agent.shutdown()
        }
        dir.deleteRecursively()
        Unit
    }

    @Test
    fun anImpossibleEventIsATypedError() {
        agent(FakePhone()).use { agent ->
            try {
                agent.recordAttempt(
                    AttemptEvent(
                        requestId = "r",
                        decision = Decision.DENY,
                        startedMs = t0,
                        endedMs = t0 - 1,
                        outcome = AttemptOutcome.Success,
                    ),
                )
                fail("an attempt ending before it starts was taken")
            } catch (e: AgentException.InvalidArgument) {
                assertTrue(e.reason, e.reason.contains("ended_ms"))
            }
        }
    }
}
