package dev.pushdoctor.sample.accept

import uniffi.pushdoctor_ffi.AgentEvent
import uniffi.pushdoctor_ffi.EventListener
import uniffi.pushdoctor_ffi.PushDoctorAgent
import uniffi.pushdoctor_ffi.Subscription

/**
 * Hears the bundles the agent makes by itself after repeated Accept
 * failures, and hands each to [onBundle] (on the agent's thread: the
 * screen hops to the main thread). Nothing is sent: the screen offers to
 * share it. Keeps its [Subscription] until [close], as the agent asks.
 */
class AutomaticBundles(
    agent: PushDoctorAgent,
    private val onBundle: (AutomaticBundle) -> Unit,
    private val onFailure: (String) -> Unit = {},
) : AutoCloseable {
    /** The newest bundle made, or null. */
    @Volatile
    var latest: AutomaticBundle? = null
        private set

    private val subscription: Subscription = agent.subscribe(object : EventListener {
        override fun onEvent(event: AgentEvent) {
            when (event) {
                is AgentEvent.AutomaticBundleBuilt -> {
                    val bundle = AutomaticBundle(event.path, event.bytes, event.failures)
                    latest = bundle
                    onBundle(bundle)
                }
                is AgentEvent.AutomaticBundleFailed -> onFailure(event.reason)
                else -> {}
            }
        }
    })

    override fun close() {
        subscription.cancel()
        subscription.close()
    }
}

/** A bundle the agent made by itself: where, how big, after how many failures. */
data class AutomaticBundle(val path: String, val bytes: Long, val failures: Int)
