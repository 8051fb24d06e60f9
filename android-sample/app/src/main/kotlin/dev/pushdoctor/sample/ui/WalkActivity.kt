package dev.pushdoctor.sample.ui

import android.content.Intent
import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.LinearLayout
import android.widget.TextView
import dev.pushdoctor.sample.R
import dev.pushdoctor.sample.walk.GuidedWalk
import dev.pushdoctor.sample.walk.WalkState
import kotlinx.coroutines.launch
import uniffi.pushdoctor_ffi.AgentException
import uniffi.pushdoctor_ffi.AppObservations

/** The guided walk: the seed's questions, one at a time, each choice a button with the seed's label. */
class WalkActivity : ScreenActivity() {
    private var walk: GuidedWalk? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_walk)
        setTitle(R.string.walk_title)
        view<Button>(R.id.show_diagnosis).setOnClickListener {
            startActivity(Intent(this, DiagnosisActivity::class.java))
            finish()
        }
        val start = services.latest
        if (start != null) {
            begin(GuidedWalk(services.agent, start))
        } else {
            // No diagnosis yet: the walk starts from what the phone says, knowing nothing of the login.
            view<TextView>(R.id.question).setText(R.string.running)
            scope.launch {
                try {
                    val report = services.agent.runDiagnostics(AppObservations(), null)
                    services.latest = report
                    begin(GuidedWalk(services.agent, report))
                } catch (e: AgentException) {
                    view<TextView>(R.id.question).text = getString(R.string.run_failed, e.message)
                }
            }
        }
    }

    private fun begin(walk: GuidedWalk) {
        this.walk = walk
        show(walk.state)
    }

    private fun show(state: WalkState) {
        val walk = walk ?: return
        val choices = view<LinearLayout>(R.id.choices).apply { removeAllViews() }
        view<TextView>(R.id.path).text = state.path.joinToString("\n") { getString(R.string.walk_path_line, it.question, it.answer.name.lowercase()) }
        when (state) {
            is WalkState.Asking -> {
                view<TextView>(R.id.counter).text = getString(R.string.walk_progress, walk.answered + 1)
                view<TextView>(R.id.question).text = state.question.text
                view<TextView>(R.id.before).text =
                    state.question.beforeAnswering?.let { getString(R.string.walk_before, it) } ?: ""
                for (choice in state.question.choices) {
                    choices.addView(Button(this).apply {
                        text = choice.label
                        setOnClickListener {
                            try {
                                show(walk.choose(choice))
                                services.latest = walk.report
                            } catch (e: AgentException) {
                                services.logs.error("Walk", "the answer was refused: ${e.message}")
                            }
                        }
                    })
                }
                view<View>(R.id.show_diagnosis).visibility = View.GONE
            }
            is WalkState.Concluded -> {
                view<TextView>(R.id.counter).setText(R.string.walk_done)
                view<TextView>(R.id.question).text =
                    state.model.outcome?.summary ?: getString(Labels.scenario(state.model.scenario))
                view<TextView>(R.id.before).text = ""
                view<View>(R.id.show_diagnosis).visibility = View.VISIBLE
            }
        }
    }
}
