package dev.pushdoctor.sample.diagnosis

import uniffi.pushdoctor_ffi.ActionId
import uniffi.pushdoctor_ffi.ActionItem
import uniffi.pushdoctor_ffi.CheckId
import uniffi.pushdoctor_ffi.CheckStatus
import uniffi.pushdoctor_ffi.DiagnosisReport
import uniffi.pushdoctor_ffi.Escalation
import uniffi.pushdoctor_ffi.EvidenceSource
import uniffi.pushdoctor_ffi.OutcomeItem
import uniffi.pushdoctor_ffi.ProbeIssue
import uniffi.pushdoctor_ffi.QuestionItem
import uniffi.pushdoctor_ffi.ScenarioId
import uniffi.pushdoctor_ffi.SettingsTarget

/**
 * What the diagnosis screen shows, in the order docs/integration.md ("The
 * result screen") gives: what to do first, the other actions, the one
 * question left, why, when to escalate; the evidence waits behind a
 * "details" button. Built from the agent's typed report, never from its
 * JSON, and holding no resource ids: the screen maps the enums to strings.
 */
data class DiagnosisModel(
    /** The problem the evidence shows; null while nothing points at one. */
    val scenario: ScenarioId?,
    /** Where the flow leads; differs from [scenario] when it sends the problem on. */
    val destination: ScenarioId?,
    /** The walk's conclusion, once there is one. */
    val outcome: OutcomeItem?,
    /** The action that matters, or null when there is nothing to do. */
    val firstStep: ActionButton?,
    /** Every action, in the agent's order ([firstStep] is the first). */
    val actions: List<ActionButton>,
    /** The question the guided walk asks next, if any. */
    val question: QuestionItem?,
    /** The first reason's sentence; null: the screen shows the scenario's title. */
    val why: String?,
    val escalation: Escalation,
    /** Every check, failing ones first: the "details" view. */
    val evidence: List<Evidence>,
    /** Facts the phone could not give, and why. */
    val unknownFacts: List<ProbeIssue>,
    /** The whole diagnosis as the core's JSON, for support and the report writer. */
    val json: String,
) {
    /** Nothing left to do: the walk concluded and said so. */
    val resolved: Boolean get() = outcome?.resolved == true

    companion object {
        /** The screen's model of [report]. */
        fun from(report: DiagnosisReport): DiagnosisModel {
            val evidence = report.findings
                .map { Evidence(it.check, it.title, it.status, it.source, it.detail, it.fields) }
                .sortedBy { STATUS_ORDER.indexOf(it.status) }
            val byCheck = evidence.associateBy { it.check }
            val actions = report.actions.map { action ->
                // The evidence behind an action: the reasons it fixes.
                val because = report.reasons.filter { it.fix == action.id }.mapNotNull { byCheck[it.check] }
                ActionButton.from(action, because)
            }
            return DiagnosisModel(
                scenario = report.scenario,
                destination = report.destination,
                outcome = report.outcome,
                firstStep = actions.firstOrNull(),
                actions = actions,
                question = report.nextQuestion,
                why = report.reasons.firstOrNull()?.detail,
                escalation = report.escalation,
                evidence = evidence,
                unknownFacts = report.probeIssues,
                json = report.json,
            )
        }

        // Failing checks first: they are why the screen says what it says.
        // Every status is listed: one missing would sort first (index -1).
        private val STATUS_ORDER = listOf(CheckStatus.FAIL, CheckStatus.UNKNOWN, CheckStatus.PASS, CheckStatus.NOT_APPLICABLE)
    }
}

/**
 * One action as a button: a settings screen to open when it has a
 * [settingsTarget], its [guidance] (and [steps]) to show otherwise or when
 * the phone has no such screen.
 */
data class ActionButton(
    val id: ActionId,
    val title: String,
    val guidance: String,
    val steps: List<String>,
    val settingsTarget: SettingsTarget?,
    val escalation: Escalation,
    /** The failing checks this action fixes, shown on demand. */
    val because: List<Evidence>,
) {
    /** The button opens a settings screen rather than showing text. */
    val opensSettings: Boolean get() = settingsTarget != null

    companion object {
        /** [action] as a button, with the evidence behind it. */
        fun from(action: ActionItem, because: List<Evidence>) = ActionButton(
            id = action.id,
            title = action.title,
            guidance = action.guidance,
            steps = action.steps,
            settingsTarget = action.settingsTarget,
            escalation = action.escalation,
            because = because,
        )
    }
}

/** One check's finding, as the "details" view lists it. */
data class Evidence(
    val check: CheckId,
    val title: String,
    val status: CheckStatus,
    /** Where the deciding fact came from (the phone, a person, the admin's report). */
    val source: EvidenceSource,
    val detail: String,
    /** The snapshot fields the check read, dotted. */
    val fields: List<String>,
)
