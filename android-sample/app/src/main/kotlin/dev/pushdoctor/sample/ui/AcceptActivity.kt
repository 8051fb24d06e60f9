package dev.pushdoctor.sample.ui

import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.Switch
import android.widget.TextView
import dev.pushdoctor.sample.R
import dev.pushdoctor.sample.accept.AutomaticBundle
import kotlinx.coroutines.launch
import uniffi.pushdoctor_ffi.AgentException
import uniffi.pushdoctor_ffi.AttemptOutcome

/**
 * A simulated login request whose Accept can be made to fail: shows the
 * push history, and the bundle the agent prepares by itself after
 * repeated failures, with a button to send it.
 */
class AcceptActivity : ScreenActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_accept)
        setTitle(R.string.accept_title)
        val accept = services.accept
        val request = view<TextView>(R.id.request)
        val result = view<TextView>(R.id.result)
        val makeFail = view<Switch>(R.id.make_fail)
        makeFail.isChecked = accept.failing
        makeFail.setOnCheckedChangeListener { _, on -> accept.failing = on }

        view<Button>(R.id.new_push).setOnClickListener {
            request.text = getString(R.string.accept_request, accept.receivePush())
            result.text = ""
            refreshHistory()
        }
        view<Button>(R.id.accept).setOnClickListener {
            try {
                result.text = when (val outcome = accept.tapAccept()) {
                    is AttemptOutcome.Success -> getString(R.string.accept_ok)
                    else -> getString(R.string.accept_failed, describe(outcome))
                }
                request.text = accept.current?.let { getString(R.string.accept_request, it) } ?: ""
            } catch (e: AgentException) {
                result.text = getString(R.string.accept_failed, e.message)
            }
            refreshHistory()
        }
        services.automaticBundles.latest?.let(::showBundle)
        refreshHistory()
    }

    override fun onResume() {
        super.onResume()
        services.onAutomaticBundle = { bundle -> runOnUiThread { showBundle(bundle) } }
    }

    override fun onPause() {
        services.onAutomaticBundle = null
        super.onPause()
    }

    private fun showBundle(bundle: AutomaticBundle) {
        view<TextView>(R.id.bundle).apply {
            text = getString(R.string.auto_bundle_ready, bundle.failures, (bundle.bytes / 1024).toInt())
            visibility = View.VISIBLE
        }
        view<Button>(R.id.send_bundle).apply {
            visibility = View.VISIBLE
            setOnClickListener {
                scope.launch {
                    try {
                        shareBundle(services.sharer.shareExisting(bundle.path))
                    } catch (e: IllegalArgumentException) {
                        view<TextView>(R.id.result).text = getString(R.string.share_failed, e.message)
                    } catch (e: AgentException) {
                        view<TextView>(R.id.result).text = getString(R.string.share_failed, e.message)
                    } catch (e: java.io.IOException) {
                        view<TextView>(R.id.result).text = getString(R.string.share_failed, e.message)
                    }
                }
            }
        }
        refreshHistory()
    }

    private fun refreshHistory() {
        val history = view<TextView>(R.id.history)
        scope.launch {
            history.text = try {
                val rows = services.accept.history()
                if (rows.isEmpty()) {
                    getString(R.string.history_empty)
                } else {
                    rows.joinToString("\n") { getString(R.string.history_row, it.requestId, getString(Labels.state(it.state)), it.attempts) }
                }
            } catch (e: AgentException) {
                e.message ?: e.toString()
            }
        }
    }

    private fun describe(outcome: AttemptOutcome): String = when (outcome) {
        is AttemptOutcome.HttpError -> outcome.serverCode?.let { getString(R.string.http_error_code, outcome.status, it) }
            ?: getString(R.string.http_error, outcome.status)
        else -> outcome.toString()
    }
}
