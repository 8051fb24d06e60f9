package dev.pushdoctor.sample.accept

import uniffi.pushdoctor_ffi.AppPresence
import uniffi.pushdoctor_ffi.AttemptEvent
import uniffi.pushdoctor_ffi.AttemptOutcome
import uniffi.pushdoctor_ffi.Decision
import uniffi.pushdoctor_ffi.PushDelivery
import uniffi.pushdoctor_ffi.PushDoctorAgent
import uniffi.pushdoctor_ffi.PushEvent
import uniffi.pushdoctor_ffi.RequestStoryItem

/**
 * A login request and its Accept button, simulated: the sample has no MFA
 * service, so a "push" is a request id made here, and Accept succeeds or,
 * with [failing] on, fails the way an overloaded service does (HTTP 503).
 * Both are recorded in the agent's history exactly as an authenticator's
 * push handler and Accept call record theirs (docs/integration.md), so
 * the push history, the diagnosis and the automatic bundle respond to them
 * as they would to real ones.
 */
class SimulatedAccept(
    private val agent: PushDoctorAgent,
    private val clock: () -> Long = System::currentTimeMillis,
) {
    /** Accept fails (HTTP 503 "unavailable") while this is on. */
    @Volatile
    var failing: Boolean = false

    private var requests = 0
    private val tries = mutableMapOf<String, Int>()

    /** The request the next Accept answers: the latest push, or null before the first. */
    var current: String? = null
        private set

    /** A push arrives and is shown: records it and makes it the [current] request. */
    @Synchronized
    fun receivePush(): String {
        requests += 1
        val requestId = "sample-$requests-${clock()}"
        val now = clock()
        agent.recordPush(
            PushEvent(
                requestId = requestId,
                receivedMs = now,
                sentMs = now - SIMULATED_PUSH_LATENCY_MS,
                shownMs = now,
                delivery = PushDelivery.NOTIFICATION,
                presence = AppPresence.FOREGROUND,
            ),
        )
        current = requestId
        return requestId
    }

    /**
     * The person taps Accept on the [current] request (a push is made
     * first when there is none): records the attempt, its try number
     * counting up per request, and returns how it ended.
     */
    @Synchronized
    fun tapAccept(): AttemptOutcome {
        val requestId = current ?: receivePush()
        val tryNumber = (tries[requestId] ?: 0) + 1
        tries[requestId] = tryNumber
        val started = clock()
        val outcome = if (failing) {
            AttemptOutcome.HttpError(status = 503, serverCode = "unavailable")
        } else {
            AttemptOutcome.Success
        }
        agent.recordAttempt(
            AttemptEvent(
                requestId = requestId,
                decision = Decision.ACCEPT,
                startedMs = started,
                endedMs = started + SIMULATED_CALL_MS,
                outcome = outcome,
                tryNumber = tryNumber,
            ),
        )
        // An answered request is done; the next tap needs a new push.
        if (outcome is AttemptOutcome.Success) current = null
        return outcome
    }

    /** The push history screen's rows, newest first. */
    suspend fun history(limit: Int = 20): List<RequestStoryItem> = agent.pushHistory(limit)

    private companion object {
        // What the simulated service takes: plausible numbers, so that the
        // history's latencies read like a phone's.
        const val SIMULATED_PUSH_LATENCY_MS = 800L
        const val SIMULATED_CALL_MS = 1_200L
    }
}
