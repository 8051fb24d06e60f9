package dev.pushdoctor.sample.ui

import android.app.Application
import android.app.NotificationChannel
import android.app.NotificationManager
import dev.pushdoctor.sample.R
import dev.pushdoctor.sample.SampleAgentConfig
import dev.pushdoctor.sample.SampleChannels
import dev.pushdoctor.sample.SampleServices
import dev.pushdoctor.sample.probe.AndroidPlatformProbe
import dev.pushdoctor.sample.probe.PushTokenSource
import dev.pushdoctor.sample.share.LogShareProvider
import uniffi.pushdoctor_ffi.ProcessConfig
import uniffi.pushdoctor_ffi.initPlatform

/**
 * Sets up, once per process, what every screen uses: the agent's process
 * (threads and Rust's logger), the MFA notification channel (whose
 * importance the probe reads), and [services].
 */
class SampleApplication : Application() {
    lateinit var services: SampleServices
        private set

    override fun onCreate() {
        super.onCreate()
        initPlatform(ProcessConfig(workerThreads = 2))
        createMfaChannel()
        // The sample has no push provider of its own (FCM's SDK is on
        // Google's repository, not Maven Central): it cannot tell whether a
        // token is registered, so it says so and the fact stays unknown. An
        // authenticator answers from its own push code here.
        val pushToken = PushTokenSource { null }
        services = SampleServices(
            SampleAgentConfig.of(filesDir),
            AndroidPlatformProbe(this, SampleChannels.MFA_REQUESTS, pushToken),
            LogShareProvider.sharedBundles(this),
        )
        services.logs.info("Sample", "started")
    }

    private fun createMfaChannel() {
        val channel = NotificationChannel(
            SampleChannels.MFA_REQUESTS,
            getString(R.string.mfa_channel_name),
            NotificationManager.IMPORTANCE_HIGH,
        ).apply { description = getString(R.string.mfa_channel_description) }
        // Without the service there is no channel to make; the probe then
        // reports the channel's importance as unknown.
        getSystemService(NotificationManager::class.java)?.createNotificationChannel(channel)
    }
}
