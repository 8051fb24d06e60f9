// The real library, driven from Kotlin on the JVM through JNA: a platform
// probe with controllable answers, every kind of misbehaving callback, many
// Kotlin threads logging at once, typed errors, and a shut-down agent.

import uniffi.pushdoctor_ffi.*
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
    val opened = mutableListOf<SettingsTarget>()

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

    override fun openSettings(target: SettingsTarget): Boolean {
        opened += target
        return true
    }
}

fun agent(phone: PlatformProbe, logDir: File? = null) = PushDoctorAgent(
    AgentConfig(
        platform = Platform.ANDROID,
        logDirectory = logDir?.path,
        callbackTimeoutMs = 300L,
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
            assertEquals(ScenarioId.PUSH_NOT_RECEIVED, report.scenario)
            assertEquals(listOf(ActionId.ENABLE_NOTIFICATIONS, ActionId.RESEND_PUSH), report.actions.map { it.id })
            assertEquals(
                listOf("Settings > Apps > miniOrange Authenticator > Notifications > Allow"),
                report.actions[0].steps,
            )
            assertTrue(agent.openSettings(report.actions[0].settingsTarget!!))
            assertEquals(listOf(SettingsTarget.APP_NOTIFICATION_SETTINGS), phone.opened)
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
            val channel = report.findings.single { it.check == CheckId.MFA_CHANNEL }
            assertEquals(CheckStatus.FAIL, channel.status)
            assertTrue(channel.detail, channel.detail.contains("blocked"))
            assertEquals(CheckStatus.PASS, report.findings.single { it.check == CheckId.NOTIFICATIONS_ENABLED }.status)
            val fix = report.actions.single { it.id == ActionId.ENABLE_MFA_CHANNEL }
            assertEquals(SettingsTarget.NOTIFICATION_CHANNEL, fix.settingsTarget)
            assertTrue(fix.steps.toString(), fix.steps.single().startsWith("Settings > Apps > miniOrange Authenticator > Notifications"))
            assertTrue(agent.openSettings(fix.settingsTarget!!))
            assertEquals(listOf(SettingsTarget.NOTIFICATION_CHANNEL), phone.opened)
            agent.shutdown()
        }
        // A channel with sound is no problem.
        agent(FakePhone(channel = ChannelImportance.HIGH)).use { agent ->
            val report = agent.runDiagnostics(AppObservations(pushReceived = false), null)
            assertEquals(CheckStatus.PASS, report.findings.single { it.check == CheckId.MFA_CHANNEL }.status)
            assertFalse(report.actions.toString(), report.actions.any { it.id == ActionId.ENABLE_MFA_CHANNEL })
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
            val scenario: ScenarioId,
            val destination: ScenarioId,
            val outcome: OutcomeId?,
        )
        val cases = listOf(
            Case(FakePhone(), AppObservations(pushReceived = true, acceptTapped = true, acceptResponded = true, mfaCompleted = true), ScenarioId.PUSH_OK, ScenarioId.PUSH_OK, OutcomeId.ALL_DONE),
            Case(FakePhone(), AppObservations(pushReceived = true, acceptTapped = true, acceptResponded = false, retryCount = 3, retrySucceeded = false), ScenarioId.ACCEPT_NOT_RESPONDING, ScenarioId.ACCEPT_NOT_RESPONDING, OutcomeId.SHARE_LOGS),
            Case(FakePhone(), AppObservations(pushReceived = true, acceptTapped = false, requestVisibleInApp = false, requestInPendingTab = true), ScenarioId.PUSH_NOT_VISIBLE, ScenarioId.PUSH_NOT_VISIBLE, OutcomeId.APPROVE_FROM_PENDING),
            Case(FakePhone(connected = false), AppObservations(pushReceived = false), ScenarioId.PUSH_NOT_RECEIVED, ScenarioId.PUSH_NOT_RECEIVED, null),
            Case(FakePhone(), AppObservations(pushReceived = false, mfaReportStatus = MfaReportStatus.SUCCESS), ScenarioId.PUSH_NOT_RECEIVED, ScenarioId.ADMIN_VERIFY_STATUS, OutcomeId.REPORT_APPROVED),
            Case(FakePhone(), AppObservations(pushReceived = false, mfaReportStatus = MfaReportStatus.DELIVERED, accountReconfigured = false), ScenarioId.PUSH_NOT_RECEIVED, ScenarioId.RECONFIGURE_ACCOUNT, OutcomeId.RECONFIGURE),
            Case(FakePhone(), AppObservations(pushReceived = false, mfaReportStatus = MfaReportStatus.DELIVERED, accountReconfigured = true), ScenarioId.PUSH_NOT_RECEIVED, ScenarioId.ADMIN_RESET_MFA, OutcomeId.RESET_MFA),
        )
        for (case in cases) {
            agent(case.phone).use { agent ->
                val report = agent.runDiagnostics(case.observations, null)
                assertEquals(case.toString(), case.scenario, report.scenario)
                assertEquals(case.toString(), case.destination, report.destination)
                assertEquals(case.toString(), case.outcome, report.outcome?.id)
                agent.shutdown()
            }
        }
    }

    @Test
    fun eventsReachSubscribers() = runBlocking {
        val events = mutableListOf<AgentEvent>()
        val dir = Files.createTempDirectory("pushdoctor-events").toFile()
        agent(FakePhone(notifications = Behaviour.THROW)).use { agent ->
            val subscription = agent.subscribe(object : EventListener {
                override fun onEvent(event: AgentEvent) {
                    synchronized(events) { events += event }
                }
            })
            agent.runDiagnostics(AppObservations(pushReceived = false), null)
            agent.buildBundle(File(dir, "b.zip").path, BundleReason.BUTTON)
            // Once cancelled, the listener hears nothing more.
            subscription.cancel()
            val heard = synchronized(events) { events.size }
            agent.runDiagnostics(AppObservations(pushReceived = false), null)
            assertEquals(heard, synchronized(events) { events.size })
            agent.shutdown()
        }
        dir.deleteRecursively()
        assertTrue(events.toString(), events.any { it is AgentEvent.PlatformFactUnknown && it.probe == ProbeName.NOTIFICATIONS })
        assertTrue(events.toString(), events.any { it is AgentEvent.DiagnosisFinished && it.scenario == ScenarioId.PUSH_NOT_RECEIVED })
        assertTrue(events.toString(), events.any { it is AgentEvent.BundleBuilt && it.bytes > 0L })
    }

    @Test
    fun aRunIsCancellable() = runBlocking {
        val slow = PushDoctorAgent(
            AgentConfig(platform = Platform.IOS, callbackTimeoutMs = 60_000L, echoToPlatformLog = false),
            FakePhone(notifications = Behaviour.HANG),
        )
        slow.use { agent ->
            // Ended by the cancel, not by the minute-long deadline (that the
            // hanging probe is cancelled too is TrustTest's).
            val result = withTimeoutOrNull(300) { agent.runDiagnostics(AppObservations(pushReceived = false), null) }
            assertEquals(null, result)
            // The agent is still usable after a cancelled run.
            agent.log(LogEntry(LogLevel.INFO, "t", "still alive"))
            agent.shutdown()
        }
    }

    @Test
    fun acceptFailingAfterMultipleRetriesSharesLogs() = runBlocking {
        agent(FakePhone()).use { agent ->
            val report = agent.runDiagnostics(
                AppObservations(pushReceived = true, acceptTapped = true, acceptResponded = false, retryCount = 3, retrySucceeded = false),
                null,
            )
            assertEquals(ScenarioId.ACCEPT_NOT_RESPONDING, report.scenario)
            assertEquals(Escalation.SHARE_LOGS, report.escalation)
            assertEquals(listOf(ActionId.SHARE_LOGS), report.actions.map { it.id })
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
            assertEquals(ScenarioId.PUSH_OK, report.scenario)
            assertEquals(OutcomeId.ALL_DONE, report.outcome?.id)
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
                assertEquals(ProbeName.NOTIFICATIONS, report.probeIssues[0].probe)
                assertTrue(report.probeIssues[0].reason, report.probeIssues[0].reason.startsWith(reason))
                assertEquals(RowId.NOT_RECEIVED_NOTIFICATIONS, report.nextQuestion?.row)
                // The person answers what the phone could not.
                val answered = agent.answer(RowId.NOT_RECEIVED_NOTIFICATIONS, Answer.No)
                assertEquals(ActionId.ENABLE_NOTIFICATIONS, answered.actions[0].id)
                agent.shutdown()
            }
        }
    }

    @Test
    fun progressIsStreamed() = runBlocking {
        val steps = mutableListOf<ProgressStep>()
        agent(FakePhone()).use { agent ->
            agent.runDiagnostics(
                AppObservations(pushReceived = false),
                object : ProgressListener {
                    override fun onProgress(step: ProgressStep, done: Int, total: Int) {
                        synchronized(steps) { steps += step }
                    }
                },
            )
            agent.shutdown()
        }
        assertEquals(listOf(ProgressStep.PLATFORM, ProgressStep.DIAGNOSIS, ProgressStep.DONE), steps)
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
                        agent.log(LogEntry(LogLevel.INFO, "Accept", "thread $t record $i for bob@example.com", 1_790_000_000_000L + i, "t$t", emptyList()))
                    }
                }
            }
            runBlocking {
                val diagnosis = async { agent.runDiagnostics(AppObservations(pushReceived = false), null) }
                start.countDown()
                workers.forEach { it.join() }
                assertNotNull(diagnosis.await().scenario)
            }
            val bundle = runBlocking { agent.buildBundle(File(dir, "b.zip").path, BundleReason.REPEATED_ACCEPT_FAILURES) }
            val names = java.util.zip.ZipFile(bundle).use { zip -> zip.entries().toList().map { it.name } }
            assertTrue(names.containsAll(listOf("manifest.json", "logs.txt", "snapshot.json", "diagnosis.json")))
            val text = java.util.zip.ZipFile(bundle).use { zip -> zip.getInputStream(zip.getEntry("logs.txt")).readBytes().decodeToString() }
            assertEquals(1000, text.lines().count { it.contains(" record ") })
            assertFalse("e-mail addresses are scrubbed", text.contains("bob@example.com"))
            runBlocking { agent.shutdown() }
        }
        dir.deleteRecursively()
    }

    @Test
    fun badArgumentsArriveAsTypedExceptionsNamingTheField() = runBlocking {
        agent(FakePhone()).use { agent ->
            try {
                agent.runDiagnostics(AppObservations(retryCount = -1), null)
                fail("a negative count is refused")
            } catch (e: AgentException.InvalidArgument) {
                assertTrue(e.reason, e.reason.contains("AppObservations.retry_count is -1"))
            }
            try {
                // A yes/no row does not take an MFA Report status.
                agent.answer(RowId.PUSH_OK_RECEIVED, Answer.Report(MfaReportStatus.DENIED))
                fail("a status for a yes/no row is refused")
            } catch (e: AgentException.InvalidArgument) {
            }
            agent.shutdown()
        }
        try {
            PushDoctorAgent(AgentConfig(platform = Platform.ANDROID, callbackTimeoutMs = -400L), FakePhone())
            fail("a negative deadline is refused")
        } catch (e: AgentException.InvalidArgument) {
            assertTrue(e.reason, e.reason.contains("AgentConfig.callback_timeout_ms is -400"))
        }
        // The process-wide set-up checks its sizes before it starts anything
        // (so this test may run in any order with the others).
        try {
            initPlatform(ProcessConfig(workerThreads = 0))
            fail("no worker threads is refused")
        } catch (e: AgentException.InvalidArgument) {
            assertTrue(e.reason, e.reason.contains("ProcessConfig.worker_threads is 0"))
        }
    }

    /** The typed report says what the JSON says: labels, escalation, sources, the path. */
    @Test
    fun theTypedReportCarriesLabelsEscalationSourcesAndThePath() = runBlocking {
        agent(FakePhone()).use { agent ->
            val report = agent.runDiagnostics(AppObservations(pushReceived = false), null)
            val question = report.nextQuestion!!
            assertEquals(RowId.ADMIN_REPORT, question.row)
            assertEquals(ScenarioId.ADMIN_VERIFY_STATUS, question.scenario)
            assertEquals(
                listOf(MfaReportStatus.SUCCESS, MfaReportStatus.DENIED, MfaReportStatus.DELIVERED, MfaReportStatus.RECEIVED).map { Answer.Report(it) },
                question.choices.map { it.value },
            )
            assertTrue(question.choices.toString(), question.choices.all { it.label.isNotBlank() })
            val pushReceived = report.findings.single { it.check == CheckId.PUSH_RECEIVED }
            assertEquals(EvidenceSource.SNAPSHOT, pushReceived.source)
            assertEquals(listOf("observations.push_received"), pushReceived.fields)
            assertTrue(report.json, report.path.isNotEmpty())
            assertEquals(Platform.ANDROID, report.platform)
            val answered = agent.answer(RowId.ADMIN_REPORT, Answer.Report(MfaReportStatus.DENIED))
            assertEquals(OutcomeId.REPORT_DENIED, answered.outcome?.id)
            assertTrue(answered.outcome!!.summary.isNotBlank())
            assertEquals(Escalation.RETRY, answered.actions.single { it.id == ActionId.RESEND_PUSH }.escalation)
            assertEquals(answered.path.map { it.row }, answered.path.map { it.row }.distinct())
            agent.shutdown()
        }
    }

    /** A throwing openSettings is the platform's failure, not an I/O one. */
    @Test
    fun aThrowingOpenSettingsIsAPlatformError() = runBlocking {
        val phone = object : PlatformProbe by FakePhone() {
            override fun openSettings(target: SettingsTarget): Boolean = throw PlatformException.NotPermitted("no activity")
        }
        PushDoctorAgent(AgentConfig(platform = Platform.ANDROID, echoToPlatformLog = false), phone).use { agent ->
            try {
                agent.openSettings(SettingsTarget.FOCUS)
                fail("the throw is reported")
            } catch (e: AgentException.Platform) {
                assertTrue(e.reason, e.reason.contains("no activity"))
            }
            agent.shutdown()
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
        agent.log(LogEntry(LogLevel.INFO, "t", "ignored after shutdown", 0L, null, emptyList()))
        agent.close()
        try {
            agent.answer(RowId.PUSH_OK_RECEIVED, Answer.Yes)
            fail("a closed object refuses calls")
        } catch (e: IllegalStateException) {
        }
    }
}
