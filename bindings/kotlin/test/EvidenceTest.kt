// The evidence-first diagnosis through the FFI: each scenario the device's
// evidence decides on its own (no person's answer), with the problem
// (scenario), where the flow leads (destination), the outcome or the one
// question left, the best candidate with its evidence, and the phone's own
// reasons.

import uniffi.pushdoctor_ffi.*
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import uniffi.pushdoctor_ffi.AgentEvent
import uniffi.pushdoctor_ffi.AppObservations
import uniffi.pushdoctor_ffi.ChannelImportance
import uniffi.pushdoctor_ffi.DataSaver
import uniffi.pushdoctor_ffi.DeviceFacts
import uniffi.pushdoctor_ffi.DiagnosisReport
import uniffi.pushdoctor_ffi.EventListener
import uniffi.pushdoctor_ffi.FocusFacts
import uniffi.pushdoctor_ffi.NetworkFacts
import uniffi.pushdoctor_ffi.NotificationFacts
import uniffi.pushdoctor_ffi.PlatformProbe
import uniffi.pushdoctor_ffi.PowerFacts
import uniffi.pushdoctor_ffi.StandbyBucket

/**
 * An Android phone on which every setting, the seed's and the phone's own,
 * is healthy, except the MFA channel's importance when the test sets it.
 */
class HealthyPhone(private val channel: ChannelImportance = ChannelImportance.HIGH) : PlatformProbe {
    override suspend fun network() = NetworkFacts(
        connected = true, airplaneMode = false, transport = "wifi", vpn = false, proxy = false,
        validated = true, captivePortal = false, dataSaver = DataSaver.OFF,
    )

    override suspend fun notifications() =
        NotificationFacts(enabled = true, mfaChannelImportance = channel, permissionGranted = true)

    override suspend fun focus() = FocusFacts(active = false)

    override suspend fun power() = PowerFacts(
        batterySaver = false, batteryOptimizationExempt = true, backgroundRestricted = false,
        standbyBucket = StandbyBucket.ACTIVE,
    )

    override suspend fun device() = DeviceFacts(
        model = "Pixel 8", osVersion = "15", appVersion = "6.2.0", manufacturer = "Google", sdkInt = 35,
        forceStopped = false, pushTokenRegistered = true,
    )

    override fun openSettings(target: SettingsTarget) = false
}

class EvidenceTest {
    /** Runs one diagnosis, and checks the event says what the report says. */
    private fun diagnose(observations: AppObservations, phone: PlatformProbe = HealthyPhone()): DiagnosisReport =
        runBlocking {
            agent(phone).use { agent ->
                val events = mutableListOf<AgentEvent>()
                val subscription = agent.subscribe(object : EventListener {
                    override fun onEvent(event: AgentEvent) {
                        synchronized(events) { events += event }
                    }
                })
                val report = agent.runDiagnostics(observations, null)
                subscription.cancel()
                agent.shutdown()
                val finished = synchronized(events) { events.filterIsInstance<AgentEvent.DiagnosisFinished>() }
                assertEquals(
                    listOf(AgentEvent.DiagnosisFinished(report.scenario, report.destination, report.escalation)),
                    finished,
                )
                report
            }
        }

    /** The best candidate is [scenario], and [check] is among the evidence for it, from [source]. */
    private fun assertFirstCandidate(report: DiagnosisReport, scenario: ScenarioId, check: CheckId, source: EvidenceSource) {
        val first = report.candidates.first()
        assertEquals(report.candidates.toString(), scenario, first.scenario)
        assertTrue(first.toString(), first.score > 0)
        val evidence = first.evidenceFor.single { it.check == check }
        assertEquals(evidence.toString(), source, evidence.source)
        assertTrue(first.toString(), first.against.isEmpty())
    }

    /** The evidence decides: an outcome, and nobody is asked anything. */
    private fun assertDecided(report: DiagnosisReport, scenario: ScenarioId, destination: ScenarioId, outcome: OutcomeId) {
        assertEquals(report.json, scenario, report.scenario)
        assertEquals(report.json, destination, report.destination)
        assertEquals(report.json, outcome, report.outcome?.id)
        assertNull(report.json, report.nextQuestion)
    }

    @Test
    fun aCompletedMfaIsPushOk() {
        val report = diagnose(
            AppObservations(pushReceived = true, acceptTapped = true, acceptResponded = true, mfaCompleted = true),
        )
        assertDecided(report, ScenarioId.PUSH_OK, ScenarioId.PUSH_OK, OutcomeId.ALL_DONE)
        assertFirstCandidate(report, ScenarioId.PUSH_OK, CheckId.MFA_COMPLETED, EvidenceSource.SNAPSHOT)
        assertTrue(report.actions.toString(), report.actions.isEmpty())
        assertTrue(report.reasons.toString(), report.reasons.isEmpty())
    }

    @Test
    fun anAcceptUnansweredThriceSharesLogs() {
        val report = diagnose(
            AppObservations(
                pushReceived = true, acceptTapped = true, acceptResponded = false, retryCount = 3, mfaCompleted = false,
            ),
        )
        assertDecided(report, ScenarioId.ACCEPT_NOT_RESPONDING, ScenarioId.ACCEPT_NOT_RESPONDING, OutcomeId.SHARE_LOGS)
        assertFirstCandidate(report, ScenarioId.ACCEPT_NOT_RESPONDING, CheckId.ACCEPT_RESPONDED, EvidenceSource.SNAPSHOT)
        assertEquals(Escalation.SHARE_LOGS, report.escalation)
        assertEquals(listOf(ActionId.SHARE_LOGS), report.actions.map { it.id })
    }

    @Test
    fun aRequestListedUnderPendingIsApprovedFromThere() {
        val report = diagnose(AppObservations(pushReceived = true, requestInPendingTab = true))
        assertDecided(report, ScenarioId.PUSH_NOT_VISIBLE, ScenarioId.PUSH_NOT_VISIBLE, OutcomeId.APPROVE_FROM_PENDING)
        assertFirstCandidate(report, ScenarioId.PUSH_NOT_VISIBLE, CheckId.PENDING_LISTED, EvidenceSource.SNAPSHOT)
        assertEquals(listOf(ActionId.APPROVE_REQUEST), report.actions.map { it.id })
    }

    /** No push on a healthy phone: the problem stays push_not_received, the flow leads to the admin. */
    @Test
    fun noPushOnAHealthyPhoneLeadsToTheAdminsReport() {
        val report = diagnose(AppObservations(pushReceived = false))
        assertEquals(report.json, ScenarioId.PUSH_NOT_RECEIVED, report.scenario)
        assertEquals(report.json, ScenarioId.ADMIN_VERIFY_STATUS, report.destination)
        assertNull(report.json, report.outcome?.id)
        assertEquals(RowId.ADMIN_REPORT, report.nextQuestion?.row)
        assertFirstCandidate(report, ScenarioId.PUSH_NOT_RECEIVED, CheckId.PUSH_RECEIVED, EvidenceSource.SNAPSHOT)
        assertTrue(report.reasons.toString(), report.reasons.isEmpty())
        // Every setting the flow asks about was answered by the phone.
        assertTrue(report.json, report.findings.none { it.status == CheckStatus.FAIL && it.check != CheckId.PUSH_RECEIVED })
    }

    /** The admin's MFA Report alone, nothing from the device: Denied is a new push. */
    @Test
    fun aDeniedReportAloneResendsThePush() {
        val report = diagnose(AppObservations(mfaReportStatus = MfaReportStatus.DENIED))
        assertDecided(report, ScenarioId.ADMIN_VERIFY_STATUS, ScenarioId.ADMIN_VERIFY_STATUS, OutcomeId.REPORT_DENIED)
        assertFirstCandidate(report, ScenarioId.ADMIN_VERIFY_STATUS, CheckId.ADMIN_MFA_REPORT, EvidenceSource.MFA_REPORT)
        assertEquals(listOf(ActionId.RESEND_PUSH), report.actions.map { it.id })
    }

    /** Delivered, no push on a healthy phone: reconfigure first, then the admin resets the MFA. */
    @Test
    fun deliveredButNeverShownReconfiguresThenResets() {
        val notYet = diagnose(
            AppObservations(pushReceived = false, mfaReportStatus = MfaReportStatus.DELIVERED, accountReconfigured = false),
        )
        assertDecided(notYet, ScenarioId.PUSH_NOT_RECEIVED, ScenarioId.RECONFIGURE_ACCOUNT, OutcomeId.RECONFIGURE)
        assertFirstCandidate(notYet, ScenarioId.PUSH_NOT_RECEIVED, CheckId.PUSH_RECEIVED, EvidenceSource.SNAPSHOT)
        assertEquals(listOf(ActionId.RECONFIGURE_ACCOUNT), notYet.actions.map { it.id })
        // The report's Delivered weighs for the admin's scenario too, less than the device's evidence.
        val admin = notYet.candidates.single { it.scenario == ScenarioId.ADMIN_VERIFY_STATUS }
        assertEquals(EvidenceSource.MFA_REPORT, admin.evidenceFor.single().source)
        assertTrue(notYet.candidates.toString(), admin.score < notYet.candidates.first().score)

        val done = diagnose(
            AppObservations(pushReceived = false, mfaReportStatus = MfaReportStatus.DELIVERED, accountReconfigured = true),
        )
        assertDecided(done, ScenarioId.PUSH_NOT_RECEIVED, ScenarioId.ADMIN_RESET_MFA, OutcomeId.RESET_MFA)
        assertFirstCandidate(done, ScenarioId.PUSH_NOT_RECEIVED, CheckId.PUSH_RECEIVED, EvidenceSource.SNAPSHOT)
        assertEquals(ActionId.REQUEST_MFA_RESET, done.actions.last().id)
    }

    /** A blocked MFA channel is the phone's own reason, beyond the seed, with its fix. */
    @Test
    fun aBlockedChannelOnAnOtherwiseHealthyPhoneIsTheReason() {
        val report = diagnose(AppObservations(pushReceived = false), HealthyPhone(ChannelImportance.NONE))
        assertEquals(report.json, ScenarioId.PUSH_NOT_RECEIVED, report.scenario)
        assertFirstCandidate(report, ScenarioId.PUSH_NOT_RECEIVED, CheckId.PUSH_RECEIVED, EvidenceSource.SNAPSHOT)
        val reason = report.reasons[0]
        assertEquals(report.reasons.toString(), CheckId.MFA_CHANNEL, reason.check)
        assertEquals(ActionId.ENABLE_MFA_CHANNEL, reason.fix)
        assertEquals(false, reason.fromSeed)
        assertTrue(reason.detail, reason.detail.contains("blocked"))
        assertEquals(1, report.reasons.size)
        val fix = report.actions.single { it.id == reason.fix }
        assertEquals(SettingsTarget.NOTIFICATION_CHANNEL, fix.settingsTarget)
        // With the reason found, the flow does not send the problem on to the admin.
        assertEquals(report.json, ScenarioId.PUSH_NOT_RECEIVED, report.destination)
    }
}
