package dev.pushdoctor.sample.walk

import dev.pushdoctor.sample.diagnosis.DiagnosisModel
import uniffi.pushdoctor_ffi.AgentException
import uniffi.pushdoctor_ffi.ChoiceItem
import uniffi.pushdoctor_ffi.DiagnosisReport
import uniffi.pushdoctor_ffi.PushDoctorAgent
import uniffi.pushdoctor_ffi.QuestionItem
import uniffi.pushdoctor_ffi.StepItem

/** Where the guided walk stands. */
sealed class WalkState {
    /** The diagnosis as it stands now. */
    abstract val model: DiagnosisModel

    /** The rows the walk has taken so far (answered by the phone or by the person). */
    abstract val path: List<StepItem>

    /** The seed's [question] waits for the person's choice. */
    data class Asking(val question: QuestionItem, override val path: List<StepItem>, override val model: DiagnosisModel) :
        WalkState()

    /** No question left: [model]'s outcome and actions say what to do. */
    data class Concluded(override val path: List<StepItem>, override val model: DiagnosisModel) : WalkState()
}

/**
 * The guided walk through the seed's questions: shows the question the
 * agent's report leaves, sends the person's choice with `answer` and moves
 * on to the next report's question until none is left. The agent decides
 * every step; this only keeps the state a screen shows.
 */
class GuidedWalk(private val agent: PushDoctorAgent, start: DiagnosisReport) {
    /** The agent's report as it stands (what the diagnosis screen shows next). */
    var report: DiagnosisReport = start
        private set

    /** The state now. */
    var state: WalkState = stateOf(start)
        private set

    /** How many questions the person answered in this walk. */
    var answered: Int = 0
        private set

    /**
     * Sends [choice] (one of the current question's choices) and returns
     * the new state. A choice from another question, or an answer after the
     * walk concluded, is an [IllegalArgumentException] / [IllegalStateException]
     * naming it; an answer the agent refuses is its [AgentException].
     */
    fun choose(choice: ChoiceItem): WalkState {
        val asking = state as? WalkState.Asking
            ?: throw IllegalStateException("the walk has concluded: there is no question to answer with '${choice.label}'")
        require(choice in asking.question.choices) {
            "'${choice.label}' is not a choice of the question '${asking.question.text}'"
        }
        report = agent.answer(asking.question.row, choice.value)
        state = stateOf(report)
        answered += 1
        return state
    }

    private fun stateOf(report: DiagnosisReport): WalkState {
        val model = DiagnosisModel.from(report)
        val question = report.nextQuestion
        return if (question != null) WalkState.Asking(question, report.path, model) else WalkState.Concluded(report.path, model)
    }
}
