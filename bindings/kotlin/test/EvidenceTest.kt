// The evidence-first diagnosis through the FFI: each scenario the device's
// evidence decides on its own (no person's answer), with the problem
// (scenario), where the flow leads (destination), the outcome or the one
// question left, the best candidate with its evidence, and the phone's own
// reasons.

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

    override fun openSettings(target: String) = false
}

class EvidenceTest {
    /** Runs one diagnosis, and checks the event says what the report says. */
    private fun diagnose(observations: AppObservations, phone: PlatformProbe = HealthyPhone()): DiagnosisReport =
        runBlocking {
            agent(phone).use { agent ->
                val events = mutableListOf<AgentEvent>()
                agent.subscribe(object : EventListener {
                    override fun onEvent(event: AgentEvent) {
                        synchronized(events) { events += event }
                    }
                })
                val report = agent.runDiagnostics(observations, null)
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
    private fun assertFirstCandidate(report: DiagnosisReport, scenario: String, check: String, source: String) {
        val first = report.candidates.first()
        assertEquals(report.candidates.toString(), scenario, first.scenario)
        assertTrue(first.toString(), first.score > 0)
        val evidence = first.evidenceFor.single { it.check == check }
        assertEquals(evidence.toString(), source, evidence.source)
        assertTrue(first.toString(), first.against.isEmpty())
    }

    /** The evidence decides: an outcome, and nobody is asked anything. */
    private fun assertDecided(report: DiagnosisReport, scenario: String, destination: String, outcome: String) {
        assertEquals(report.json, scenario, report.scenario)
        assertEquals(report.json, destination, report.destination)
        assertEquals(report.json, outcome, report.outcome)
        assertNull(report.json, report.nextQuestion)
    }

    @Test
    fun aCompletedMfaIsPushOk() {
        val report = diagnose(
            AppObservations(pushReceived = true, acceptTapped = true, acceptResponded = true, mfaCompleted = true),
        )
        assertDecided(report, "push_ok", "push_ok", "all_done")
        assertFirstCandidate(report, "push_ok", "mfa.completed", "snapshot")
        assertTrue(report.actions.toString(), report.actions.isEmpty())
        assertTrue(report.reasons.toString(), report.reasons.isEmpty())
    }

    @Test
    fun anAcceptUnansweredThriceSharesLogs() {
        val report = diagnose(
            AppObservations(
                pushReceived = true, acceptTapped = true, acceptResponded = false, retryCount = 3u, mfaCompleted = false,
            ),
        )
        assertDecided(report, "accept_not_responding", "accept_not_responding", "share_logs")
        assertFirstCandidate(report, "accept_not_responding", "accept.responded", "snapshot")
        assertEquals("share_logs", report.escalation)
        assertEquals(listOf("share_logs"), report.actions.map { it.id })
    }

    @Test
    fun aRequestListedUnderPendingIsApprovedFromThere() {
        val report = diagnose(AppObservations(pushReceived = true, requestInPendingTab = true))
        assertDecided(report, "push_not_visible", "push_not_visible", "approve_from_pending")
        assertFirstCandidate(report, "push_not_visible", "pending.listed", "snapshot")
        assertEquals(listOf("approve_request"), report.actions.map { it.id })
    }

    /** No push on a healthy phone: the problem stays push_not_received, the flow leads to the admin. */
    @Test
    fun noPushOnAHealthyPhoneLeadsToTheAdminsReport() {
        val report = diagnose(AppObservations(pushReceived = false))
        assertEquals(report.json, "push_not_received", report.scenario)
        assertEquals(report.json, "admin_verify_status", report.destination)
        assertNull(report.json, report.outcome)
        assertEquals("admin_verify_status.report", report.nextQuestion?.row)
        assertFirstCandidate(report, "push_not_received", "push.received", "snapshot")
        assertTrue(report.reasons.toString(), report.reasons.isEmpty())
        // Every setting the flow asks about was answered by the phone.
        assertTrue(report.json, report.findings.none { it.status == "fail" && it.check != "push.received" })
    }

    /** The admin's MFA Report alone, nothing from the device: Denied is a new push. */
    @Test
    fun aDeniedReportAloneResendsThePush() {
        val report = diagnose(AppObservations(mfaReportStatus = "Denied"))
        assertDecided(report, "admin_verify_status", "admin_verify_status", "report_denied")
        assertFirstCandidate(report, "admin_verify_status", "admin.mfa_report", "mfa_report")
        assertEquals(listOf("resend_push"), report.actions.map { it.id })
    }

    /** Delivered, no push on a healthy phone: reconfigure first, then the admin resets the MFA. */
    @Test
    fun deliveredButNeverShownReconfiguresThenResets() {
        val notYet = diagnose(
            AppObservations(pushReceived = false, mfaReportStatus = "Delivered", accountReconfigured = false),
        )
        assertDecided(notYet, "push_not_received", "reconfigure_account", "reconfigure")
        assertFirstCandidate(notYet, "push_not_received", "push.received", "snapshot")
        assertEquals(listOf("reconfigure_account"), notYet.actions.map { it.id })
        // The report's Delivered weighs for the admin's scenario too, less than the device's evidence.
        val admin = notYet.candidates.single { it.scenario == "admin_verify_status" }
        assertEquals("mfa_report", admin.evidenceFor.single().source)
        assertTrue(notYet.candidates.toString(), admin.score < notYet.candidates.first().score)

        val done = diagnose(
            AppObservations(pushReceived = false, mfaReportStatus = "Delivered", accountReconfigured = true),
        )
        assertDecided(done, "push_not_received", "admin_reset_mfa", "reset_mfa")
        assertFirstCandidate(done, "push_not_received", "push.received", "snapshot")
        assertEquals("request_mfa_reset", done.actions.last().id)
    }

    /** A blocked MFA channel is the phone's own reason, beyond the seed, with its fix. */
    @Test
    fun aBlockedChannelOnAnOtherwiseHealthyPhoneIsTheReason() {
        val report = diagnose(AppObservations(pushReceived = false), HealthyPhone(ChannelImportance.NONE))
        assertEquals(report.json, "push_not_received", report.scenario)
        assertFirstCandidate(report, "push_not_received", "push.received", "snapshot")
        val reason = report.reasons[0]
        assertEquals(report.reasons.toString(), "notifications.mfa_channel", reason.check)
        assertEquals("enable_mfa_channel", reason.fix)
        assertEquals(false, reason.fromSeed)
        assertTrue(reason.detail, reason.detail.contains("blocked"))
        assertEquals(1, report.reasons.size)
        val fix = report.actions.single { it.id == reason.fix }
        assertEquals("notification_channel", fix.settingsTarget)
        // With the reason found, the flow does not send the problem on to the admin.
        assertEquals(report.json, "push_not_received", report.destination)
    }
}
