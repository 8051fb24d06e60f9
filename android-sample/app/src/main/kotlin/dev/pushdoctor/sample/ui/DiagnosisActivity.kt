package dev.pushdoctor.sample.ui

import android.content.Intent
import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.LinearLayout
import android.widget.TextView
import dev.pushdoctor.sample.R
import dev.pushdoctor.sample.diagnosis.ActionButton
import dev.pushdoctor.sample.diagnosis.ActionTap
import dev.pushdoctor.sample.diagnosis.DiagnosisModel
import dev.pushdoctor.sample.diagnosis.Evidence
import dev.pushdoctor.sample.diagnosis.TapResult

/**
 * The diagnosis: what to do first, each action a button that opens its
 * settings screen (or shows its words), the question left, why, when to
 * escalate, and the evidence on demand.
 */
class DiagnosisActivity : ScreenActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_diagnosis)
        setTitle(R.string.diagnosis_title)
    }

    // Shown anew on each return: the walk may have changed the diagnosis,
    // and a setting fixed in the settings screen is read on the next run.
    override fun onResume() {
        super.onResume()
        val report = services.latest
        if (report == null) {
            view<TextView>(R.id.headline).setText(R.string.no_diagnosis)
            return
        }
        show(DiagnosisModel.from(report))
    }

    private fun show(model: DiagnosisModel) {
        view<TextView>(R.id.headline).setText(Labels.scenario(model.scenario))

        val first = view<LinearLayout>(R.id.first_step).apply { removeAllViews() }
        val more = view<LinearLayout>(R.id.more_steps).apply { removeAllViews() }
        val firstStep = model.firstStep
        if (firstStep == null) {
            first.addView(text(getString(R.string.nothing_to_do)))
        } else {
            addAction(first, firstStep)
        }
        val rest = model.actions.drop(1)
        view<View>(R.id.more_title).visibility = if (rest.isEmpty()) View.GONE else View.VISIBLE
        rest.forEach { addAction(more, it) }

        val question = view<Button>(R.id.question)
        val next = model.question
        if (next != null) {
            question.visibility = View.VISIBLE
            question.text = getString(R.string.question_waiting, next.text)
            question.setOnClickListener { startActivity(Intent(this, WalkActivity::class.java)) }
        } else {
            question.visibility = View.GONE
        }

        view<TextView>(R.id.why).text = model.why ?: getString(Labels.scenario(model.scenario))
        view<TextView>(R.id.escalation).setText(Labels.escalation(model.escalation))

        val unknown = model.unknownFacts.joinToString("\n") { getString(R.string.unknown_fact_line, it.probe.name.lowercase(), it.reason) }
        view<View>(R.id.unknown_title).visibility = if (unknown.isEmpty()) View.GONE else View.VISIBLE
        view<TextView>(R.id.unknown).text = unknown

        val evidence = view<TextView>(R.id.evidence)
        evidence.text = model.evidence.joinToString("\n\n") { describe(it) }
        val toggle = view<Button>(R.id.toggle_evidence)
        toggle.setOnClickListener {
            val showing = evidence.visibility == View.VISIBLE
            evidence.visibility = if (showing) View.GONE else View.VISIBLE
            toggle.setText(if (showing) R.string.show_evidence else R.string.hide_evidence)
        }
    }

    /** An action's button, its words, and a "Why this?" that shows the evidence behind it. */
    private fun addAction(parent: LinearLayout, action: ActionButton) {
        val words = text("").apply { visibility = View.GONE }
        parent.addView(Button(this).apply {
            text = action.title
            setOnClickListener {
                services.logs.info("Diagnosis", "action ${action.id} tapped")
                when (val result = ActionTap(services.agent).tap(action)) {
                    is TapResult.OpenedSettings -> words.visibility = View.GONE
                    is TapResult.ShowGuidance -> {
                        result.error?.let { services.logs.warn("Diagnosis", "settings for ${action.id}: $it") }
                        val body = (listOf(result.guidance) + result.steps).joinToString("\n")
                        words.text = if (result.target != null) getString(R.string.no_settings_screen, body) else body
                        words.visibility = View.VISIBLE
                    }
                }
            }
        })
        parent.addView(words)
        if (action.because.isNotEmpty()) {
            val because = text(action.because.joinToString("\n") { describe(it) }).apply { visibility = View.GONE }
            parent.addView(Button(this, null, android.R.attr.borderlessButtonStyle).apply {
                setText(R.string.evidence_for_action)
                setOnClickListener { because.visibility = if (because.visibility == View.VISIBLE) View.GONE else View.VISIBLE }
            })
            parent.addView(because)
        }
    }

    private fun describe(evidence: Evidence) =
        getString(R.string.evidence_line, evidence.title, getString(Labels.status(evidence.status)), evidence.source.name.lowercase()) +
            "\n" + evidence.detail

    private fun text(value: String) = TextView(this).apply {
        text = value
        setTextAppearance(android.R.style.TextAppearance_Material_Body1)
    }
}
