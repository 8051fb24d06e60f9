package dev.pushdoctor.sample

import dev.pushdoctor.sample.walk.GuidedWalk
import dev.pushdoctor.sample.walk.WalkState
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import uniffi.pushdoctor_ffi.ActionId
import uniffi.pushdoctor_ffi.Answer
import uniffi.pushdoctor_ffi.AppObservations
import uniffi.pushdoctor_ffi.ChoiceItem
import uniffi.pushdoctor_ffi.EvidenceSource
import uniffi.pushdoctor_ffi.MfaReportStatus
import uniffi.pushdoctor_ffi.OutcomeId
import uniffi.pushdoctor_ffi.PlatformProbe
import uniffi.pushdoctor_ffi.PushDoctorAgent
import uniffi.pushdoctor_ffi.RowId
import uniffi.pushdoctor_ffi.SettingsTarget

/** The guided walk through the seed's questions, on the real agent. */
class GuidedWalkTest {
    private fun <T> walk(phone: PlatformProbe, body: (GuidedWalk) -> T): T = runBlocking {
        testAgent(phone).use { agent: PushDoctorAgent ->
            body(GuidedWalk(agent, agent.runDiagnostics(AppObservations(), null))).also { agent.shutdown() }
        }
    }

    private fun asking(walk: GuidedWalk): WalkState.Asking =
        walk.state as? WalkState.Asking ?: throw AssertionError("expected a question, the walk is ${walk.state}")

    /** Picks the choice labelled [label] of the current question. */
    private fun GuidedWalk.say(label: String): WalkState = choose(asking(this).question.choices.single { it.label == label })

    @Test
    fun yesToTheFirstScenariosThreeQuestionsIsAllDone() = walk(ExamplePhone()) { walk ->
        val texts = mutableListOf<String>()
        while (walk.state is WalkState.Asking) {
            val question = asking(walk).question
            texts += question.text
            assertEquals(listOf("Yes", "No"), question.choices.map { it.label })
            walk.say("Yes")
        }
        assertEquals(
            listOf(
                "Did you receive the push notification on your device?",
                "Did you tap Accept or Deny?",
                "Did the MFA step complete successfully?",
            ),
            texts,
        )
        val done = walk.state as WalkState.Concluded
        assertEquals(OutcomeId.ALL_DONE, done.model.outcome?.id)
        assertTrue(done.model.resolved)
        assertEquals(listOf(RowId.PUSH_OK_RECEIVED, RowId.PUSH_OK_TAPPED, RowId.PUSH_OK_COMPLETED), done.path.map { it.row })
        assertTrue(done.path.toString(), done.path.all { it.answeredBy == EvidenceSource.PERSON })
        assertEquals(3, walk.answered)
        try {
            walk.choose(ChoiceItem(Answer.Yes, "Yes"))
            fail("an answer after the walk concluded was taken")
        } catch (e: IllegalStateException) {
            assertTrue(e.message, e.message!!.contains("concluded"))
        }
    }

    @Test
    fun noPushOnAHealthyPhoneSkipsTheSettingsThePhoneAnsweredAndAsksForTheAdminsReport() = walk(ExamplePhone()) { walk ->
        walk.say("No")
        val report = asking(walk)
        assertEquals(RowId.ADMIN_REPORT, report.question.row)
        assertEquals("Escalate to admin (Check Scenario 5)", report.question.beforeAnswering)
        assertEquals(
            listOf("Success", "Denied", "Delivered", "Received").map { "MFA Report shows status: $it" },
            report.question.choices.map { it.label },
        )
        // The settings questions were answered by the phone's own facts, not asked.
        val byPhone = report.path.filter { it.answeredBy == EvidenceSource.SNAPSHOT }.map { it.row }
        assertTrue(report.path.toString(), RowId.NOT_RECEIVED_CONNECTIVITY in byPhone)
        assertTrue(report.path.toString(), RowId.NOT_RECEIVED_NOTIFICATIONS in byPhone)
        assertEquals(1, walk.answered)

        walk.choose(report.question.choices.single { it.value == Answer.Report(MfaReportStatus.DENIED) })
        val denied = walk.state as WalkState.Concluded
        assertEquals(OutcomeId.REPORT_DENIED, denied.model.outcome?.id)
        assertEquals(ActionId.RESEND_PUSH, denied.model.firstStep?.id)
    }

    @Test
    fun aPhoneThatCannotAnswerAsksThePersonEachSettingAndNoInternetLeadsToTheNetworkSettings() = walk(SilentPhone()) { walk ->
        walk.say("No")
        assertEquals(RowId.NOT_RECEIVED_CONNECTIVITY, asking(walk).question.row)
        assertEquals("Is your internet connection active? (WiFi or mobile data)", asking(walk).question.text)
        val state = walk.say("No")
        val network = state.model.actions.single { it.id == ActionId.ENABLE_NETWORK }
        assertEquals(SettingsTarget.NETWORK_SETTINGS, network.settingsTarget)
        assertEquals(ActionId.ENABLE_NETWORK, state.model.firstStep?.id)
        assertEquals(EvidenceSource.PERSON, state.path.single { it.row == RowId.NOT_RECEIVED_CONNECTIVITY }.answeredBy)
    }

    @Test
    fun aChoiceOfAnotherQuestionIsRefusedByName() = walk(ExamplePhone()) { walk ->
        val foreign = ChoiceItem(Answer.Report(MfaReportStatus.SUCCESS), "MFA Report shows status: Success")
        try {
            walk.choose(foreign)
            fail("a choice of another question was taken")
        } catch (e: IllegalArgumentException) {
            assertTrue(e.message, e.message!!.contains("MFA Report shows status: Success"))
            assertTrue(e.message, e.message!!.contains("Did you receive the push notification on your device?"))
        }
        assertEquals(0, walk.answered)
        assertEquals(RowId.PUSH_OK_RECEIVED, asking(walk).question.row)
    }
}
