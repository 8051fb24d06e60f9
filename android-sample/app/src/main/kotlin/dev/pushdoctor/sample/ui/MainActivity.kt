package dev.pushdoctor.sample.ui

import android.content.Intent
import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.ProgressBar
import android.widget.Switch
import android.widget.TextView
import dev.pushdoctor.sample.R
import dev.pushdoctor.sample.diagnosis.DiagnosisRun
import kotlinx.coroutines.launch
import uniffi.pushdoctor_ffi.AgentException
import uniffi.pushdoctor_ffi.AppObservations

/** "Run diagnostics" with its progress, and the way to the other screens. */
class MainActivity : ScreenActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_main)
        val run = view<Button>(R.id.run)
        val progress = view<ProgressBar>(R.id.progress)
        val status = view<TextView>(R.id.status)
        val pushMissing = view<Switch>(R.id.push_missing)

        run.setOnClickListener {
            run.isEnabled = false
            progress.visibility = View.VISIBLE
            progress.progress = 0
            status.setText(R.string.running)
            services.logs.info("Sample", "diagnosis started")
            // What the app observed: the person says the request did not
            // arrive; the rest is the phone's, the history's, or asked later.
            val observations = AppObservations(pushReceived = if (pushMissing.isChecked) false else null)
            scope.launch {
                try {
                    val report = DiagnosisRun(services.agent).run(observations) { step ->
                        runOnUiThread {
                            progress.progress = step.percent
                            status.setText(Labels.step(step.step))
                        }
                    }
                    services.latest = report
                    status.text = getString(Labels.scenario(report.scenario))
                    startActivity(Intent(this@MainActivity, DiagnosisActivity::class.java))
                } catch (e: AgentException) {
                    status.text = getString(R.string.run_failed, e.message)
                } finally {
                    run.isEnabled = true
                    progress.visibility = View.GONE
                }
            }
        }
        view<Button>(R.id.walk).setOnClickListener { startActivity(Intent(this, WalkActivity::class.java)) }
        view<Button>(R.id.accept).setOnClickListener { startActivity(Intent(this, AcceptActivity::class.java)) }
        view<Button>(R.id.send_logs).setOnClickListener { button ->
            button.isEnabled = false
            status.setText(R.string.building_bundle)
            services.logs.flush() // the latest app records belong in the bundle
            scope.launch {
                try {
                    shareBundle(services.sharer.buildAndShare())
                    status.text = ""
                } catch (e: AgentException) {
                    status.text = getString(R.string.share_failed, e.message)
                } catch (e: java.io.IOException) {
                    status.text = getString(R.string.share_failed, e.message)
                } finally {
                    button.isEnabled = true
                }
            }
        }
    }
}
