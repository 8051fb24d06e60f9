package dev.pushdoctor.sample.diagnosis

import uniffi.pushdoctor_ffi.AppObservations
import uniffi.pushdoctor_ffi.DiagnosisReport
import uniffi.pushdoctor_ffi.ProgressListener
import uniffi.pushdoctor_ffi.ProgressStep
import uniffi.pushdoctor_ffi.PushDoctorAgent

/** How far a run is: [step] is starting, [done] of [total] steps are finished. */
data class Progress(val step: ProgressStep, val done: Int, val total: Int) {
    /** 0 to 100, for a progress bar. */
    val percent: Int get() = if (total <= 0) 0 else (done.coerceIn(0, total) * 100) / total
}

/**
 * The "Run diagnostics" button's work: one run of the agent, its progress
 * handed to [onProgress] (on the agent's thread: the screen hops to the
 * main thread). The report is kept by the app (the next screen shows it)
 * and turned into the screen's model with [DiagnosisModel.from].
 */
class DiagnosisRun(private val agent: PushDoctorAgent) {
    /** Runs the diagnosis with what the app observed; cancelling the coroutine cancels the run. */
    suspend fun run(observations: AppObservations, onProgress: (Progress) -> Unit): DiagnosisReport {
        val listener = object : ProgressListener {
            override fun onProgress(step: ProgressStep, done: Int, total: Int) = onProgress(Progress(step, done, total))
        }
        return agent.runDiagnostics(observations, listener)
    }
}
