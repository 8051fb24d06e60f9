// What app code can do to the agent through its callbacks, and what the
// agent does to app code: a cancelled run or a passed deadline cancels the
// probe coroutines in flight, and anything a callback throws (any
// Throwable, kotlin.Error included) is an unknown fact with its reason, never
// an uncaught exception. Waits are on latches with generous bounds; nothing
// here asserts how long anything took.

import uniffi.pushdoctor_ffi.*
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Before
import org.junit.Test
import uniffi.pushdoctor_ffi.AgentConfig
import uniffi.pushdoctor_ffi.AgentEvent
import uniffi.pushdoctor_ffi.AgentException
import uniffi.pushdoctor_ffi.AppObservations
import uniffi.pushdoctor_ffi.DeviceFacts
import uniffi.pushdoctor_ffi.EventListener
import uniffi.pushdoctor_ffi.FocusFacts
import uniffi.pushdoctor_ffi.NetworkFacts
import uniffi.pushdoctor_ffi.NotificationFacts
import uniffi.pushdoctor_ffi.PlatformProbe
import uniffi.pushdoctor_ffi.PowerFacts
import uniffi.pushdoctor_ffi.ProgressListener
import uniffi.pushdoctor_ffi.PushDoctorAgent
import uniffi.pushdoctor_ffi.uniffiForeignFutureHandleCount
import com.sun.jna.Callback
import com.sun.jna.Native
import java.util.Collections
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/** Generous: a bound for a busy machine, not a claim about speed. */
const val WAIT_SECONDS = 10L

/** A phone whose every fact takes 30 s, counting the calls that are running
 *  and those that ended by a CancellationException. */
class SlowPhone : PlatformProbe {
    val started = CountDownLatch(5)
    val cancelled = CountDownLatch(5)
    val running = AtomicInteger(0)
    val finishedUncancelled = AtomicInteger(0)

    private suspend fun <T> slow(value: T): T {
        running.incrementAndGet()
        started.countDown()
        try {
            delay(30_000)
        } catch (e: CancellationException) {
            running.decrementAndGet()
            cancelled.countDown()
            throw e
        }
        running.decrementAndGet()
        finishedUncancelled.incrementAndGet()
        return value
    }

    override suspend fun network() = slow(NetworkFacts(connected = true))
    override suspend fun notifications() = slow(NotificationFacts(enabled = true))
    override suspend fun focus() = slow(FocusFacts(active = false))
    override suspend fun power() = slow(PowerFacts(batterySaver = false))
    override suspend fun device() = slow(DeviceFacts(model = "Pixel 8"))
    override fun openSettings(target: SettingsTarget) = false
}

/** A phone whose `method` throws what `thrower` throws, at once or after
 *  suspending (so from another thread); the other methods answer. */
class ThrowingPhone(private val thrower: () -> Nothing) : PlatformProbe {
    @Volatile var method = ""
    @Volatile var afterSuspending = false

    private suspend fun <T> answer(name: String, value: T): T {
        if (name == method) {
            if (afterSuspending) delay(10)
            thrower()
        }
        return value
    }

    override suspend fun network() = answer("network", NetworkFacts(connected = true, airplaneMode = false))
    override suspend fun notifications() = answer("notifications", NotificationFacts(enabled = true))
    override suspend fun focus() = answer("focus", FocusFacts(active = false))
    override suspend fun power() = answer("power", PowerFacts(batterySaver = false))
    override suspend fun device() = answer("device", DeviceFacts(model = "Pixel 8"))
    override fun openSettings(target: SettingsTarget): Boolean {
        if (method == "openSettings") thrower()
        return true
    }
}

/** A real stack overflow, not a constructed one. */
fun overflow(depth: Int): Int = overflow(depth + 1) + 1

/** Every kind of Throwable app code throws, with the class the reason names. */
val throwers: List<Pair<String, () -> Nothing>> = listOf(
    "kotlin.NotImplementedError" to { TODO("read the MFA channel") },
    "java.lang.Error" to { throw Error("a bug in the probe") },
    "java.lang.StackOverflowError" to { throw StackOverflowError() },
    "java.lang.StackOverflowError" to { overflow(0); throw IllegalStateException("unreachable") },
    "java.lang.OutOfMemoryError" to { throw OutOfMemoryError("simulated") },
    "java.lang.IllegalStateException" to { throw IllegalStateException("NotificationManager is gone") },
)

val probeMethods = mapOf(
    "network" to ProbeName.NETWORK,
    "notifications" to ProbeName.NOTIFICATIONS,
    "focus" to ProbeName.FOCUS,
    "power" to ProbeName.POWER,
    "device" to ProbeName.DEVICE,
)

fun agentWith(phone: PlatformProbe, callbackTimeoutMs: Long) = PushDoctorAgent(
    AgentConfig(platform = Platform.ANDROID, callbackTimeoutMs = callbackTimeoutMs, echoToPlatformLog = false),
    phone,
)

class TrustTest {
    private val uncaught = Collections.synchronizedList(mutableListOf<Throwable>())
    private val escapedToJna = Collections.synchronizedList(mutableListOf<Throwable>())
    private var previousHandler: Thread.UncaughtExceptionHandler? = null
    private var previousJnaHandler: Callback.UncaughtExceptionHandler? = null

    // Where a throw that escapes uniffi's handlers ends: from a coroutine,
    // the thread's uncaught-exception handler (on Android, the end of the
    // app); from a synchronous callback, JNA's, which logs it and hands
    // Rust a made-up success (openSettings answered `false`).
    @Before
    fun recordUncaughtExceptions() {
        previousHandler = Thread.getDefaultUncaughtExceptionHandler()
        Thread.setDefaultUncaughtExceptionHandler { _, e -> uncaught += e }
        previousJnaHandler = Native.getCallbackExceptionHandler()
        Native.setCallbackExceptionHandler { _, e -> escapedToJna += e }
    }

    @After
    fun restoreTheHandlers() {
        Thread.setDefaultUncaughtExceptionHandler(previousHandler)
        Native.setCallbackExceptionHandler(previousJnaHandler)
    }

    private fun assertNothingUncaught() {
        assertTrue("the uncaught-exception handler was reached: $uncaught", uncaught.isEmpty())
        assertTrue("a callback's throw escaped to JNA: $escapedToJna", escapedToJna.isEmpty())
    }

    /** Waits until uniffi holds no foreign future: no probe call is in flight. */
    private fun assertNoProbeCallInFlight() {
        val until = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS)
        while (uniffiForeignFutureHandleCount() != 0 && System.nanoTime() < until) Thread.sleep(10)
        assertEquals("foreign futures still held", 0, uniffiForeignFutureHandleCount())
    }

    /** Cancelling `runDiagnostics` (the coroutine's cancel(), or withTimeout)
     *  cancels every probe coroutine in flight, not only the run. */
    @Test
    fun cancellingARunCancelsTheProbeCoroutinesInFlight() = runBlocking {
        for (how in listOf("cancel", "withTimeout")) {
            val phone = SlowPhone()
            agentWith(phone, 60_000L).use { agent ->
                when (how) {
                    "cancel" -> {
                        val run = launch(Dispatchers.Default) {
                            agent.runDiagnostics(AppObservations(pushReceived = false), null)
                        }
                        assertTrue("$how: the probes started", phone.started.await(WAIT_SECONDS, TimeUnit.SECONDS))
                        delay(100)
                        run.cancelAndJoin()
                    }
                    else -> {
                        val result = withTimeoutOrNull(100) {
                            agent.runDiagnostics(AppObservations(pushReceived = false), null)
                        }
                        assertNull(how, result)
                    }
                }
                assertTrue(
                    "$how: every probe coroutine saw CancellationException",
                    phone.cancelled.await(WAIT_SECONDS, TimeUnit.SECONDS),
                )
                assertEquals("$how: probe calls still running", 0, phone.running.get())
                assertEquals(how, 0, phone.finishedUncancelled.get())
                assertNoProbeCallInFlight()
                // The agent is still usable after a cancelled run.
                assertEquals(ActionId.ENABLE_NOTIFICATIONS, agent.answer(RowId.NOT_RECEIVED_NOTIFICATIONS, Answer.No).actions[0].id)
                agent.shutdown()
            }
        }
        assertNothingUncaught()
    }

    /** A probe that hangs past its deadline is an unknown fact, and its
     *  coroutine is cancelled too, not left running. */
    @Test
    fun aProbePastItsDeadlineIsCancelledOnTheKotlinSide() = runBlocking {
        val phone = SlowPhone()
        agentWith(phone, 300L).use { agent ->
            val report = agent.runDiagnostics(AppObservations(pushReceived = false), null)
            assertEquals(probeMethods.values.toSet(), report.probeIssues.map { it.probe }.toSet())
            assertTrue(report.probeIssues.toString(), report.probeIssues.all { it.reason == "no answer within 300 ms" })
            assertTrue("every probe coroutine saw CancellationException", phone.cancelled.await(WAIT_SECONDS, TimeUnit.SECONDS))
            assertEquals(0, phone.running.get())
            assertEquals(0, phone.finishedUncancelled.get())
            assertNoProbeCallInFlight()
            agent.shutdown()
        }
        assertNothingUncaught()
    }

    /** Any Throwable from any probe method, thrown at once or after
     *  suspending: the fact is unknown with a reason naming what was thrown
     *  (not a timeout), the agent goes on, and nothing reaches the thread's
     *  uncaught-exception handler. */
    @Test
    fun anyThrowableFromAProbeIsAnUnknownFactNotACrash() = runBlocking {
        for ((name, thrower) in throwers) {
            val phone = ThrowingPhone(thrower)
            agentWith(phone, 5_000L).use { agent ->
                for (afterSuspending in listOf(false, true)) {
                    for ((method, probe) in probeMethods) {
                        phone.method = method
                        phone.afterSuspending = afterSuspending
                        val case = "$name from $method${if (afterSuspending) " after suspending" else ""}"
                        val report = agent.runDiagnostics(AppObservations(pushReceived = false), null)
                        assertEquals(case, listOf(probe), report.probeIssues.map { it.probe })
                        val reason = report.probeIssues[0].reason
                        assertTrue("$case: $reason", reason.startsWith("threw $name"))
                        assertFalse("$case: $reason", reason.contains('\n'))
                        assertNothingUncaught()
                    }
                }
                // Later calls still work.
                phone.method = ""
                val report = agent.runDiagnostics(AppObservations(pushReceived = false), null)
                assertEquals(name, emptyList<String>(), report.probeIssues.map { it.probe })
                agent.shutdown()
            }
        }
        assertNothingUncaught()
    }

    /** The synchronous probe method: any Throwable is a typed error naming
     *  it, not a crash and not a made-up answer. */
    @Test
    fun anyThrowableFromOpenSettingsIsATypedError() {
        for ((name, thrower) in throwers) {
            val phone = ThrowingPhone(thrower)
            agentWith(phone, 5_000L).use { agent ->
                phone.method = "openSettings"
                try {
                    val answer = agent.openSettings(SettingsTarget.FOCUS)
                    fail("$name from openSettings is an error, not `$answer`")
                } catch (e: AgentException.Platform) {
                    assertTrue("$name: ${e.reason}", e.reason.startsWith("threw $name"))
                    assertFalse(e.reason, e.reason.contains('\n'))
                }
                phone.method = ""
                assertTrue(agent.openSettings(SettingsTarget.FOCUS))
                runBlocking { agent.shutdown() }
            }
        }
        assertNothingUncaught()
    }

    /** Listeners that throw any Throwable end neither the run nor the other
     *  listeners' events. */
    @Test
    fun anyThrowableFromAListenerEndsNothing() = runBlocking {
        for ((name, thrower) in throwers) {
            val thrown = AtomicInteger(0)
            val events = Collections.synchronizedList(mutableListOf<AgentEvent>())
            agentWith(FakePhone(notificationsEnabled = false), 5_000L).use { agent ->
                val subscription = agent.subscribe(object : EventListener {
                    override fun onEvent(event: AgentEvent) {
                        thrown.incrementAndGet()
                        thrower()
                    }
                })
                val others = agent.subscribe(object : EventListener {
                    override fun onEvent(event: AgentEvent) {
                        events += event
                    }
                })
                val progress = object : ProgressListener {
                    override fun onProgress(step: ProgressStep, done: Int, total: Int) {
                        thrown.incrementAndGet()
                        thrower()
                    }
                }
                val report = agent.runDiagnostics(AppObservations(pushReceived = false), progress)
                assertEquals(name, ScenarioId.PUSH_NOT_RECEIVED, report.scenario)
                assertEquals(name, listOf(ActionId.ENABLE_NOTIFICATIONS, ActionId.RESEND_PUSH), report.actions.map { it.id })
                // Three progress steps and one event, each of which threw.
                assertEquals(name, 4, thrown.get())
                assertEquals(name, 1, events.count { it is AgentEvent.DiagnosisFinished })
                // Ending them here also keeps them reachable until here: on
                // the JVM an unused local may be collected (and so ended)
                // before the end of its scope.
                subscription.cancel()
                others.cancel()
                agent.shutdown()
            }
        }
        assertNothingUncaught()
    }
}
