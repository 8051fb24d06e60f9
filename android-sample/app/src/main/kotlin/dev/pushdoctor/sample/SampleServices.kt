package dev.pushdoctor.sample

import dev.pushdoctor.sample.accept.AutomaticBundle
import dev.pushdoctor.sample.accept.AutomaticBundles
import dev.pushdoctor.sample.accept.SimulatedAccept
import dev.pushdoctor.sample.logging.AppLogForwarder
import dev.pushdoctor.sample.share.LogSharer
import dev.pushdoctor.sample.share.SharedBundles
import uniffi.pushdoctor_ffi.AgentConfig
import uniffi.pushdoctor_ffi.DiagnosisReport
import uniffi.pushdoctor_ffi.PlatformProbe
import uniffi.pushdoctor_ffi.PushDoctorAgent

/**
 * What the app keeps for its whole process, made once by the Application:
 * the one agent over the app's probe, the app's log forwarding, the
 * simulated Accept, the sharer, and the latest diagnosis the screens pass
 * between them. A screen registers [onAutomaticBundle] while it is shown.
 */
class SampleServices(config: AgentConfig, probe: PlatformProbe, sharedBundles: SharedBundles) : AutoCloseable {
    val agent = PushDoctorAgent(config, probe)
    val logs = AppLogForwarder(agent)
    val accept = SimulatedAccept(agent)
    val sharer = LogSharer(agent, sharedBundles)

    /** The newest diagnosis (from a run or the walk's answers), for the next screen to show. */
    @Volatile
    var latest: DiagnosisReport? = null

    /** Told of each automatic bundle, on the agent's thread; null while no screen listens. */
    @Volatile
    var onAutomaticBundle: ((AutomaticBundle) -> Unit)? = null

    val automaticBundles = AutomaticBundles(
        agent,
        onBundle = { bundle ->
            logs.warn(TAG, "the agent built a bundle after ${bundle.failures} failed Accepts: ${bundle.bytes} bytes")
            onAutomaticBundle?.invoke(bundle)
        },
        onFailure = { reason -> logs.error(TAG, "the automatic bundle failed: $reason") },
    )

    /** Stops listening, flushes the app's logs and lets go of the agent (its threads stop when it is freed). */
    override fun close() {
        automaticBundles.close()
        logs.close()
        agent.close()
    }

    private companion object {
        const val TAG = "Sample"
    }
}
