// The retry helper from Kotlin: the app's own Accept call implemented in
// Kotlin (a service that fails twice with 503, then confirms), retried by
// the core with one idempotency key per tap, every step told to the
// listener, and every call in the push history without recordAttempt.

import uniffi.pushdoctor_ffi.*
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import java.io.IOException
import java.util.Collections

/** The app's transport: 503 to the first [failures] calls, then success. */
class FlakyService(private val failures: Int, private val throwFirst: Boolean = false) : AcceptTransport {
    val calls: MutableList<AcceptCall> = Collections.synchronizedList(mutableListOf())

    override suspend fun send(call: AcceptCall): AcceptResponse {
        calls.add(call)
        if (throwFirst && calls.size == 1) throw IOException("unexpected end of stream")
        return if (calls.size <= failures) {
            AcceptResponse(outcome = AttemptOutcome.HttpError(status = 503, serverCode = null), retryAfter = null)
        } else {
            AcceptResponse(outcome = AttemptOutcome.Success, retryAfter = null)
        }
    }
}

/** Keeps every state, as a screen would show them. */
class StateRecorder : RetryListener {
    val states: MutableList<RetryState> = Collections.synchronizedList(mutableListOf())

    override fun onState(state: RetryState) {
        states.add(state)
    }
}

fun retryAgent() = PushDoctorAgent(
    AgentConfig(platform = Platform.ANDROID, echoToPlatformLog = false),
    FakePhone(),
)

val quickRetries = RetryPolicy(baseDelayMs = 10L, maxDelayMs = 50L)

class RetryTest {
    @Test
    fun twoFailuresThenASuccessAreRetriedWithOneKeyAndLandInThePushHistory() = runBlocking {
        retryAgent().use { agent ->
            val service = FlakyService(failures = 2)
            val recorder = StateRecorder()
            val result = agent.approveWithTransport("req-kt-1", Decision.ACCEPT, service, quickRetries, recorder)

            assertEquals(RetryState.Succeeded(tryNumber = 3), result.state)
            assertEquals(listOf(1, 2, 3), service.calls.map { it.tryNumber })
            assertEquals(setOf(result.idempotencyKey), service.calls.map { it.idempotencyKey }.toSet())
            assertEquals(32, result.idempotencyKey.length)
            assertEquals(
                listOf(AttemptOutcome.HttpError(503, null), AttemptOutcome.HttpError(503, null), AttemptOutcome.Success),
                result.attempts.map { it.outcome },
            )
            val steps = recorder.states.map { it::class.simpleName }
            assertEquals(listOf("Sending", "Retrying", "Sending", "Retrying", "Sending", "Succeeded"), steps)
            assertEquals(result.state, recorder.states.last())

            val row = agent.pushHistory(10).first { it.requestId == "req-kt-1" }
            assertEquals(3, row.attempts)
            assertEquals(RequestState.ACCEPTED, row.state)
            agent.shutdown()
        }
    }

    @Test
    fun anIOExceptionFromTheAppsStackIsAConnectionErrorAndRetried() = runBlocking {
        retryAgent().use { agent ->
            val service = FlakyService(failures = 1, throwFirst = true)
            val result = agent.approveWithTransport("req-kt-2", Decision.DENY, service, quickRetries, null)
            assertEquals(RetryState.Succeeded(tryNumber = 2), result.state)
            assertEquals(AttemptOutcome.ConnectionError(ConnectionErrorKind.OTHER), result.attempts[0].outcome)
            assertEquals(RequestState.DENIED, agent.pushHistory(10).first { it.requestId == "req-kt-2" }.state)
            agent.shutdown()
        }
    }

    @Test
    fun aServiceThatKeepsFailingEndsInShareLogs() = runBlocking {
        retryAgent().use { agent ->
            val service = FlakyService(failures = Int.MAX_VALUE)
            val result = agent.approveWithTransport(
                "req-kt-3", Decision.ACCEPT, service, RetryPolicy(maxAttempts = 3, baseDelayMs = 10L, maxDelayMs = 50L), null,
            )
            assertEquals(RetryState.FailedShareLogs(ShareLogsReason.AttemptsExhausted), result.state)
            assertEquals(3, service.calls.size)
            assertEquals(RequestState.FAILED, agent.pushHistory(10).first { it.requestId == "req-kt-3" }.state)
            agent.shutdown()
        }
    }

    @Test
    fun aBadPolicyIsATypedErrorNamingTheField() = runBlocking {
        retryAgent().use { agent ->
            val service = FlakyService(failures = 0)
            try {
                agent.approveWithTransport("req-kt-4", Decision.ACCEPT, service, RetryPolicy(maxAttempts = -2), null)
                fail("a negative max_attempts was accepted")
            } catch (e: AgentException.InvalidArgument) {
                assertTrue(e.reason, e.reason.contains("RetryPolicy.max_attempts is -2"))
            }
            assertTrue(service.calls.isEmpty())
            agent.shutdown()
        }
    }
}
