package dev.pushdoctor.sample

import uniffi.pushdoctor_ffi.AgentConfig
import uniffi.pushdoctor_ffi.AutoBundleConfig
import uniffi.pushdoctor_ffi.Platform
import java.io.File

/** Where the sample keeps what the agent writes, and the agent's configuration. */
object SampleAgentConfig {
    /** The agent's folders under the app's private files folder [filesDir]. */
    fun logDirectory(filesDir: File) = File(filesDir, "pushdoctor/logs")

    fun automaticBundleDirectory(filesDir: File) = File(filesDir, "pushdoctor/auto-bundles")

    /**
     * Logs persisted in the app's private folder (so the automatic bundle
     * is on, with the agent's defaults: three failures in ten minutes),
     * echoed to logcat.
     */
    fun of(filesDir: File) = AgentConfig(
        platform = Platform.ANDROID,
        logDirectory = logDirectory(filesDir).path,
        echoToPlatformLog = true,
        autoBundle = AutoBundleConfig(enabled = true, directory = automaticBundleDirectory(filesDir).path),
    )
}
