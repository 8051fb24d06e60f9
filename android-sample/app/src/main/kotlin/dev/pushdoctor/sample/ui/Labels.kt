package dev.pushdoctor.sample.ui

import android.app.Activity
import dev.pushdoctor.sample.R
import dev.pushdoctor.sample.SampleServices
import uniffi.pushdoctor_ffi.CheckStatus
import uniffi.pushdoctor_ffi.Escalation
import uniffi.pushdoctor_ffi.ProgressStep
import uniffi.pushdoctor_ffi.RequestState
import uniffi.pushdoctor_ffi.ScenarioId

/** The app's words for the agent's enums: every `when` is exhaustive, so a new value fails to compile here. */
object Labels {
    fun scenario(id: ScenarioId?): Int = when (id) {
        ScenarioId.PUSH_OK -> R.string.scenario_push_ok
        ScenarioId.ACCEPT_NOT_RESPONDING -> R.string.scenario_accept_not_responding
        ScenarioId.PUSH_NOT_VISIBLE -> R.string.scenario_push_not_visible
        ScenarioId.PUSH_NOT_RECEIVED -> R.string.scenario_push_not_received
        ScenarioId.ADMIN_VERIFY_STATUS -> R.string.scenario_admin_verify_status
        ScenarioId.RECONFIGURE_ACCOUNT -> R.string.scenario_reconfigure_account
        ScenarioId.ADMIN_RESET_MFA -> R.string.scenario_admin_reset_mfa
        null -> R.string.scenario_none
    }

    fun escalation(escalation: Escalation): Int = when (escalation) {
        Escalation.NONE -> R.string.escalation_none
        Escalation.RETRY -> R.string.escalation_retry
        Escalation.SHARE_LOGS -> R.string.escalation_share_logs
        Escalation.CONTACT_ADMIN -> R.string.escalation_contact_admin
        Escalation.RECONFIGURE_ACCOUNT -> R.string.escalation_reconfigure_account
        Escalation.ADMIN_RESET_MFA -> R.string.escalation_admin_reset_mfa
    }

    fun step(step: ProgressStep): Int = when (step) {
        ProgressStep.PLATFORM -> R.string.step_platform
        ProgressStep.NETWORK -> R.string.step_network
        ProgressStep.DIAGNOSIS -> R.string.step_diagnosis
        ProgressStep.DONE -> R.string.step_done
    }

    fun status(status: CheckStatus): Int = when (status) {
        CheckStatus.PASS -> R.string.status_pass
        CheckStatus.FAIL -> R.string.status_fail
        CheckStatus.UNKNOWN -> R.string.status_unknown
        CheckStatus.NOT_APPLICABLE -> R.string.status_not_applicable
    }

    fun state(state: RequestState): Int = when (state) {
        RequestState.ARRIVED -> R.string.state_arrived
        RequestState.SHOWN -> R.string.state_shown
        RequestState.ACCEPTED -> R.string.state_accepted
        RequestState.DENIED -> R.string.state_denied
        RequestState.FAILED -> R.string.state_failed
    }
}

/** The process's services, from any screen. */
val Activity.services: SampleServices get() = (application as SampleApplication).services
