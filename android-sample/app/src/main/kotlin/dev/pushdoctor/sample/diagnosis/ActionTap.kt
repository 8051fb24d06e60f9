package dev.pushdoctor.sample.diagnosis

import uniffi.pushdoctor_ffi.AgentException
import uniffi.pushdoctor_ffi.PushDoctorAgent
import uniffi.pushdoctor_ffi.SettingsTarget

/** What tapping an action's button did, for the screen to show. */
sealed class TapResult {
    /** The settings screen [target] was opened. */
    data class OpenedSettings(val target: SettingsTarget) : TapResult()

    /**
     * Show the action's guidance instead: the action has no settings
     * screen ([target] null), the phone lacks that screen, or opening it
     * failed ([error] says why, for the log).
     */
    data class ShowGuidance(val guidance: String, val steps: List<String>, val target: SettingsTarget?, val error: String?) :
        TapResult()
}

/**
 * A tap on an action's button: opens its settings screen through the
 * agent (which asks the app's own `PlatformProbe.openSettings`, so the one
 * mapping from target to Intent is the probe's), falling back to the
 * action's words.
 */
class ActionTap(private val agent: PushDoctorAgent) {
    /** Opens [button]'s screen, or says to show its guidance. Called on the main thread. */
    fun tap(button: ActionButton): TapResult {
        val target = button.settingsTarget
            ?: return TapResult.ShowGuidance(button.guidance, button.steps, null, null)
        return try {
            if (agent.openSettings(target)) {
                TapResult.OpenedSettings(target)
            } else {
                TapResult.ShowGuidance(button.guidance, button.steps, target, null)
            }
        } catch (e: AgentException) {
            // A probe that threw (AgentException.Platform) or an agent shut down:
            // the person still gets the words.
            TapResult.ShowGuidance(button.guidance, button.steps, target, e.message)
        }
    }
}
