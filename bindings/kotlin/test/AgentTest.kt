// The real library, driven from Kotlin on the JVM through JNA: a platform
// probe with controllable answers, every kind of misbehaving callback, many
// Kotlin threads logging at once, typed errors, and a shut-down agent.

import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import kotlinx.coroutines.withTimeoutOrNull
import uniffi.pushdoctor_ffi.AgentConfig
import uniffi.pushdoctor_ffi.AgentEvent
import uniffi.pushdoctor_ffi.EventListener
import uniffi.pushdoctor_ffi.AgentException
import uniffi.pushdoctor_ffi.AppObservations
import uniffi.pushdoctor_ffi.ChannelImportance
import uniffi.pushdoctor_ffi.DeviceFacts
import uniffi.pushdoctor_ffi.FocusFacts
import uniffi.pushdoctor_ffi.LogEntry
import uniffi.pushdoctor_ffi.NetworkFacts
import uniffi.pushdoctor_ffi.NotificationFacts
import uniffi.pushdoctor_ffi.PlatformProbe
import uniffi.pushdoctor_ffi.PowerFacts
import uniffi.pushdoctor_ffi.ProgressListener
import uniffi.pushdoctor_ffi.PushDoctorAgent
import java.io.File
import java.nio.file.Files
import java.util.concurrent.CountDownLatch
import java.util.concurrent.atomic.AtomicInteger
import kotlin.concurrent.thread

enum class Behaviour { ANSWER, HANG, THROW, LATE }

/** A phone whose answers the test chooses. */
class FakePhone(
    private val notificationsEnabled: Boolean = true,
    private val notifications: Behaviour = Behaviour.ANSWER,
    private val connected: Boolean = true,
    private val focusOn: Boolean = false,
    private val channel: ChannelImportance? = null,
) : PlatformProbe {
    val opened = mutableListOf<String>()

    override suspend fun network() = NetworkFacts(connected = connected, airplaneMode = false, transport = "wifi")

    override suspend fun notifications(): NotificationFacts {
        when (notifications) {
            Behaviour.ANSWER -> {}
            Behaviour.HANG -> delay(Long.MAX_VALUE)
            Behaviour.THROW -> throw IllegalStateException("NotificationManager is gone")
            Behaviour.LATE -> delay(900)
        }
        return NotificationFacts(enabled = notificationsEnabled, mfaChannelImportance = channel)
    }

    override suspend fun focus() = FocusFacts(active = focusOn)

    override suspend fun power() = PowerFacts(batterySaver = false)

    override suspend fun device() = DeviceFacts(model = "Pixel 8", osVersion = "15", appVersion = "6.2.0")

    override fun openSettings(target: String): Boolean {
        opened += target
        return true
    }
}

fun agent(phone: PlatformProbe, logDir: File? = null) = PushDoctorAgent(
    AgentConfig(
        platform = "android",
        logDirectory = logDir?.path,
        callbackTimeoutMs = 300uL,
        echoToPlatformLog = false,
    ),
    phone,
)

class AgentTest {
    @Test
    fun pushNotReceivedWithNotificationsOff() = runBlocking {
        val phone = FakePhone(notificationsEnabled = false)
        agent(phone).use { agent ->
            val report = agent.runDiagnostics(AppObservations(pushReceived = false), null)
            assertEquals("push_not_received", report.scenario)
            assertEquals(listOf("enable_notifications", "resend_push"), report.actions.map { it.id })
            assertEquals(
                listOf("Settings > Apps > miniOrange Authenticator > Notifications > Allow"),
                report.actions[0].steps,
            )
            assertTrue(agent.openSettings(report.actions[0].settingsTarget!!))
            assertEquals(listOf("app_notification_settings"), phone.opened)
            agent.shutdown()
        }
    }

    /**
     * App notifications on, but the MFA channel blocked: the check beyond
     * the seed names it, and its fix opens the channel's own settings.
     */
    @Test
    fun aBlockedMfaChannelFailsWithItsFix() = runBlocking {
        val phone = FakePhone(channel = ChannelImportance.NONE)
        agent(phone).use { agent ->
            val report = agent.runDiagnostics(AppObservations(pushReceived = false), null)
            val channel = report.findings.single { it.check == "notifications.mfa_channel" }
            assertEquals("fail", channel.status)
            assertTrue(channel.detail, channel.detail.contains("blocked"))
            assertEquals("pass", report.findings.single { it.check == "notifications.enabled" }.status)
            val fix = report.actions.single { it.id == "enable_mfa_channel" }
            assertEquals("notification_channel", fix.settingsTarget)
            assertTrue(fix.steps.toString(), fix.steps.single().startsWith("Settings > Apps > miniOrange Authenticator > Notifications"))
            assertTrue(agent.openSettings(fix.settingsTarget!!))
            assertEquals(listOf("notification_channel"), phone.opened)
            agent.shutdown()
        }
        // A channel with sound is no problem.
        agent(FakePhone(channel = ChannelImportance.HIGH)).use { agent ->
            val report = agent.runDiagnostics(AppObservations(pushReceived = false), null)
            assertEquals("pass", report.findings.single { it.check == "notifications.mfa_channel" }.status)
            assertFalse(report.actions.toString(), report.actions.any { it.id == "enable_mfa_channel" })
            agent.shutdown()
        }
    }

    /**
     * Every scenario of the seed, reached through the FFI: `destination` is
     * where the flow leads, `scenario` the problem the evidence shows (no
     * push stays the problem when the flow sends it on to the admin).
     */
    @Test
    fun everySeedScenarioEndToEnd() = runBlocking {
        data class Case(
            val phone: FakePhone,
            val observations: AppObservations,
            val scenario: String,
            val destination: String,
            val outcome: String?,
        )
        val cases = listOf(
            Case(FakePhone(), AppObservations(pushReceived = true, acceptTapped = true, acceptResponded = true, mfaCompleted = true), "push_ok", "push_ok", "all_done"),
            Case(FakePhone(), AppObservations(pushReceived = true, acceptTapped = true, acceptResponded = false, retryCount = 3u, retrySucceeded = false), "accept_not_responding", "accept_not_responding", "share_logs"),
            Case(FakePhone(), AppObservations(pushReceived = true, acceptTapped = false, requestVisibleInApp = false, requestInPendingTab = true), "push_not_visible", "push_not_visible", "approve_from_pending"),
            Case(FakePhone(connected = false), AppObservations(pushReceived = false), "push_not_received", "push_not_received", null),
            Case(FakePhone(), AppObservations(pushReceived = false, mfaReportStatus = "Success"), "push_not_received", "admin_verify_status", "report_approved"),
            Case(FakePhone(), AppObservations(pushReceived = false, mfaReportStatus = "Delivered", accountReconfigured = false), "push_not_received", "reconfigure_account", "reconfigure"),
            Case(FakePhone(), AppObservations(pushReceived = false, mfaReportStatus = "Delivered", accountReconfigured = true), "push_not_received", "admin_reset_mfa", "reset_mfa"),
        )
        for (case in cases) {
            agent(case.phone).use { agent ->
                val report = agent.runDiagnostics(case.observations, null)
                assertEquals(case.toString(), case.scenario, report.scenario)
                assertEquals(case.toString(), case.destination, report.destination)
                assertEquals(case.toString(), case.outcome, report.outcome)
                agent.shutdown()
            }
        }
    }

    @Test
    fun eventsReachSubscribers() = runBlocking {
        val events = mutableListOf<AgentEvent>()
        val dir = Files.createTempDirectory("pushdoctor-events").toFile()
        agent(FakePhone(notifications = Behaviour.THROW)).use { agent ->
            agent.subscribe(object : EventListener {
                override fun onEvent(event: AgentEvent) {
                    synchronized(events) { events += event }
                }
            })
            agent.runDiagnostics(AppObservations(pushReceived = false), null)
            agent.buildBundle(File(dir, "b.zip").path, "button")
            agent.shutdown()
        }
        dir.deleteRecursively()
        assertTrue(events.toString(), events.any { it is AgentEvent.PlatformFactUnknown && it.probe == "notifications" })
        assertTrue(events.toString(), events.any { it is AgentEvent.DiagnosisFinished && it.scenario == "push_not_received" })
        assertTrue(events.toString(), events.any { it is AgentEvent.BundleBuilt && it.bytes > 0uL })
    }

    @Test
    fun aRunIsCancellable() = runBlocking {
        val slow = PushDoctorAgent(
            AgentConfig(platform = "ios", callbackTimeoutMs = 60_000uL, echoToPlatformLog = false),
            FakePhone(notifications = Behaviour.HANG),
        )
        slow.use { agent ->
            // Ended by the cancel, not by the minute-long deadline (that the
            // hanging probe is cancelled too is TrustTest's).
            val result = withTimeoutOrNull(300) { agent.runDiagnostics(AppObservations(pushReceived = false), null) }
            assertEquals(null, result)
            // The agent is still usable after a cancelled run.
            agent.log(LogEntry("info", "t", "still alive", 0L, null, emptyList()))
            agent.shutdown()
        }
    }

    @Test
    fun acceptFailingAfterMultipleRetriesSharesLogs() = runBlocking {
        agent(FakePhone()).use { agent ->
            val report = agent.runDiagnostics(
                AppObservations(pushReceived = true, acceptTapped = true, acceptResponded = false, retryCount = 3u, retrySucceeded = false),
                null,
            )
            assertEquals("accept_not_responding", report.scenario)
            assertEquals("share_logs", report.escalation)
            assertEquals(listOf("share_logs"), report.actions.map { it.id })
            agent.shutdown()
        }
    }

    @Test
    fun pushOkIsAllDone() = runBlocking {
        agent(FakePhone()).use { agent ->
            val report = agent.runDiagnostics(
                AppObservations(pushReceived = true, acceptTapped = true, acceptResponded = true, mfaCompleted = true),
                null,
            )
            assertEquals("push_ok", report.scenario)
            assertEquals("all_done", report.outcome)
            assertTrue(report.actions.isEmpty())
            agent.shutdown()
        }
    }

    @Test
    fun misbehavingCallbacksBecomeUnknownFactsWithinTheDeadline() = runBlocking {
        for ((behaviour, reason) in listOf(
            Behaviour.HANG to "no answer within 300 ms",
            Behaviour.LATE to "no answer within 300 ms",
            Behaviour.THROW to "threw java.lang.IllegalStateException: NotificationManager is gone",
        )) {
            agent(FakePhone(notifications = behaviour)).use { agent ->
                // The reason says the deadline ended the call (not how long
                // the run took: timing flakes on a busy machine).
                val report = agent.runDiagnostics(AppObservations(pushReceived = false), null)
                assertEquals(1, report.probeIssues.size)
                assertEquals("notifications", report.probeIssues[0].probe)
                assertTrue(report.probeIssues[0].reason, report.probeIssues[0].reason.startsWith(reason))
                assertEquals("push_not_received.notifications", report.nextQuestion?.row)
                // The person answers what the phone could not.
                val answered = agent.answer("push_not_received.notifications", "no")
                assertEquals("enable_notifications", answered.actions[0].id)
                agent.shutdown()
            }
        }
    }

    @Test
    fun progressIsStreamed() = runBlocking {
        val steps = mutableListOf<String>()
        agent(FakePhone()).use { agent ->
            agent.runDiagnostics(
                AppObservations(pushReceived = false),
                object : ProgressListener {
                    override fun onProgress(step: String, done: UInt, total: UInt) {
                        synchronized(steps) { steps += step }
                    }
                },
            )
            agent.shutdown()
        }
        assertEquals(listOf("platform", "diagnosis", "done"), steps)
    }

    @Test
    fun thousandsOfLogCallsFromManyThreadsWhileADiagnosisRuns() {
        val dir = Files.createTempDirectory("pushdoctor-kt").toFile()
        agent(FakePhone(notifications = Behaviour.LATE), File(dir, "logs")).use { agent ->
            val start = CountDownLatch(1)
            val workers = (0 until 4).map { t ->
                thread {
                    start.await()
                    for (i in 0 until 250) {
                        agent.log(LogEntry("info", "Accept", "thread $t record $i for bob@example.com", 1_790_000_000_000L + i, "t$t", emptyList()))
                    }
                }
            }
            runBlocking {
                val diagnosis = async { agent.runDiagnostics(AppObservations(pushReceived = false), null) }
                start.countDown()
                workers.forEach { it.join() }
                assertNotNull(diagnosis.await().scenario)
            }
            val bundle = runBlocking { agent.buildBundle(File(dir, "b.zip").path, "repeated_accept_failures") }
            val names = java.util.zip.ZipFile(bundle).use { zip -> zip.entries().toList().map { it.name } }
            assertTrue(names.containsAll(listOf("manifest.json", "logs.ndjson", "logs.txt", "snapshot.json", "diagnosis.json")))
            val text = java.util.zip.ZipFile(bundle).use { zip -> zip.getInputStream(zip.getEntry("logs.txt")).readBytes().decodeToString() }
            assertEquals(1000, text.lines().count { it.contains(" record ") })
            assertFalse("e-mail addresses are scrubbed", text.contains("bob@example.com"))
            agent.shutdown()
        }
        dir.deleteRecursively()
    }

    @Test
    fun coreErrorsArriveAsTypedExceptions() = runBlocking {
        agent(FakePhone()).use { agent ->
            try {
                agent.runDiagnostics(AppObservations(mfaReportStatus = "Sent"), null)
                fail("a bad status is refused")
            } catch (e: AgentException.InvalidArgument) {
                assertTrue(e.reason, e.reason.contains("Sent"))
            }
            try {
                agent.answer("no.such.row", "yes")
                fail("an unknown row is refused")
            } catch (e: AgentException.InvalidArgument) {
                assertTrue(e.reason.contains("no.such.row"))
            }
            agent.shutdown()
        }
        try {
            agent(FakePhone()).use { }
            PushDoctorAgent(AgentConfig(platform = "windows"), FakePhone())
            fail("an unknown platform is refused")
        } catch (e: AgentException.InvalidArgument) {
            assertTrue(e.reason.contains("windows"))
        }
    }

    @Test
    fun aShutDownAgentSaysSoAndAClosedOneDoesNotCrash() = runBlocking {
        val agent = agent(FakePhone())
        agent.shutdown()
        try {
            agent.runDiagnostics(AppObservations(), null)
            fail("a shut-down agent refuses work")
        } catch (e: AgentException.Closed) {
        }
        agent.log(LogEntry("info", "t", "ignored after shutdown", 0L, null, emptyList()))
        agent.close()
        try {
            agent.answer("push_ok.received", "yes")
            fail("a closed object refuses calls")
        } catch (e: IllegalStateException) {
        }
    }
}
