package dev.pushdoctor.sample

import dev.pushdoctor.sample.diagnosis.ActionTap
import dev.pushdoctor.sample.diagnosis.DiagnosisModel
import dev.pushdoctor.sample.diagnosis.DiagnosisRun
import dev.pushdoctor.sample.diagnosis.Progress
import dev.pushdoctor.sample.diagnosis.TapResult
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import uniffi.pushdoctor_ffi.ActionId
import uniffi.pushdoctor_ffi.AppObservations
import uniffi.pushdoctor_ffi.CheckId
import uniffi.pushdoctor_ffi.CheckStatus
import uniffi.pushdoctor_ffi.EvidenceSource
import uniffi.pushdoctor_ffi.OutcomeId
import uniffi.pushdoctor_ffi.ProgressStep
import uniffi.pushdoctor_ffi.ScenarioId
import uniffi.pushdoctor_ffi.SettingsTarget

/** The diagnosis screen's model and its buttons, from the real agent's diagnosis of example phones. */
class DiagnosisModelTest {
    private fun diagnose(phone: ExamplePhone, observations: AppObservations, progress: MutableList<Progress>? = null) =
        runBlocking {
            testAgent(phone).use { agent ->
                DiagnosisModel.from(DiagnosisRun(agent).run(observations) { step -> progress?.let { synchronized(it) { it += step } } })
                    .also { agent.shutdown() }
            }
        }

    @Test
    fun notificationsOffIsWhatToDoFirstAndItsButtonOpensTheAppsNotificationSettings() = runBlocking {
        val phone = ExamplePhone(notificationsEnabled = false)
        testAgent(phone).use { agent ->
            val model = DiagnosisModel.from(DiagnosisRun(agent).run(AppObservations(pushReceived = false)) {})
            assertEquals(model.json, ScenarioId.PUSH_NOT_RECEIVED, model.scenario)
            val first = model.firstStep!!
            assertEquals(ActionId.ENABLE_NOTIFICATIONS, first.id)
            assertEquals(SettingsTarget.APP_NOTIFICATION_SETTINGS, first.settingsTarget)
            assertTrue(first.opensSettings)
            assertTrue(first.title, first.title.isNotBlank())
            // The evidence behind the button: the failing check it fixes, from the phone.
            val because = first.because.single()
            assertEquals(CheckId.NOTIFICATIONS_ENABLED, because.check)
            assertEquals(CheckStatus.FAIL, because.status)
            assertEquals(EvidenceSource.SNAPSHOT, because.source)
            assertTrue(because.fields.toString(), "notifications.enabled" in because.fields)
            // Why: the first reason's words, which are that check's.
            assertEquals(because.detail, model.why)
            // Details: every check, failing ones first.
            val statuses = model.evidence.map { it.status }
            assertEquals(statuses.sortedBy { listOf(CheckStatus.FAIL, CheckStatus.UNKNOWN, CheckStatus.PASS, CheckStatus.NOT_APPLICABLE).indexOf(it) }, statuses)
            assertTrue(model.evidence.any { it.status == CheckStatus.PASS && it.check == CheckId.NETWORK_CONNECTED })
            assertTrue(model.json, model.json.contains("\"push_not_received\""))
            assertTrue(model.unknownFacts.isEmpty())

            // The button: the agent asks the app's probe to open the target.
            assertEquals(TapResult.OpenedSettings(SettingsTarget.APP_NOTIFICATION_SETTINGS), ActionTap(agent).tap(first))
            assertEquals(listOf(SettingsTarget.APP_NOTIFICATION_SETTINGS), phone.opened)
            agent.shutdown()
        }
    }

    @Test
    fun noNetworkOpensTheNetworkSettingsFirst() {
        val model = diagnose(ExamplePhone(connected = false), AppObservations(pushReceived = false))
        assertEquals(ActionId.ENABLE_NETWORK, model.firstStep?.id)
        assertEquals(SettingsTarget.NETWORK_SETTINGS, model.firstStep?.settingsTarget)
        assertEquals(CheckId.NETWORK_CONNECTED, model.firstStep?.because?.single()?.check)
    }

    @Test
    fun aPhoneWithoutTheScreenOrAThrowingProbeShowsTheGuidanceInstead() = runBlocking {
        val phone = ExamplePhone(notificationsEnabled = false, opens = false)
        testAgent(phone).use { agent ->
            val first = DiagnosisModel.from(DiagnosisRun(agent).run(AppObservations(pushReceived = false)) {}).firstStep!!
            val missing = ActionTap(agent).tap(first) as TapResult.ShowGuidance
            assertEquals(first.guidance, missing.guidance)
            assertEquals(SettingsTarget.APP_NOTIFICATION_SETTINGS, missing.target)
            assertNull(missing.error)

            phone.openThrows = true
            val threw = ActionTap(agent).tap(first) as TapResult.ShowGuidance
            assertEquals(first.guidance, threw.guidance)
            assertTrue(threw.error.toString(), threw.error!!.contains("the settings app is missing"))
            assertEquals(2, phone.opened.size)
            agent.shutdown()
        }
    }

    @Test
    fun anActionWithoutASettingsScreenShowsItsWordsAndOpensNothing() = runBlocking {
        val phone = ExamplePhone()
        testAgent(phone).use { agent ->
            // Accept unanswered after three retries: share the logs, no settings screen.
            val model = DiagnosisModel.from(
                DiagnosisRun(agent).run(
                    AppObservations(pushReceived = true, acceptTapped = true, acceptResponded = false, retryCount = 3, mfaCompleted = false),
                ) {},
            )
            assertEquals(OutcomeId.SHARE_LOGS, model.outcome?.id)
            val share = model.firstStep!!
            assertEquals(ActionId.SHARE_LOGS, share.id)
            assertFalse(share.opensSettings)
            val result = ActionTap(agent).tap(share)
            assertEquals(TapResult.ShowGuidance(share.guidance, share.steps, null, null), result)
            assertTrue(phone.opened.isEmpty())
            agent.shutdown()
        }
    }

    @Test
    fun aHealthyPhoneWithACompletedLoginHasNothingToDo() {
        val model = diagnose(
            ExamplePhone(),
            AppObservations(pushReceived = true, acceptTapped = true, acceptResponded = true, mfaCompleted = true),
        )
        assertEquals(ScenarioId.PUSH_OK, model.scenario)
        assertTrue(model.resolved)
        assertNull(model.firstStep)
        assertNull(model.why)
        assertNull(model.question)
    }

    @Test
    fun theRunReportsItsProgressUpToDone() {
        val progress = mutableListOf<Progress>()
        diagnose(ExamplePhone(), AppObservations(pushReceived = false), progress)
        val steps = synchronized(progress) { progress.toList() }
        assertEquals(steps.toString(), ProgressStep.PLATFORM, steps.first().step)
        assertEquals(steps.toString(), ProgressStep.DONE, steps.last().step)
        assertEquals(100, steps.last().percent)
        assertEquals(steps.map { it.percent }.sorted(), steps.map { it.percent })
    }

    @Test
    fun percentStaysWithinZeroAndAHundred() {
        assertEquals(0, Progress(ProgressStep.PLATFORM, 0, 0).percent)
        assertEquals(50, Progress(ProgressStep.DIAGNOSIS, 1, 2).percent)
        assertEquals(100, Progress(ProgressStep.DONE, 5, 3).percent)
        assertEquals(0, Progress(ProgressStep.PLATFORM, -1, 3).percent)
    }
}
