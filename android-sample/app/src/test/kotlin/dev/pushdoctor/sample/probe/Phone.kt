package dev.pushdoctor.sample.probe

import android.Manifest
import android.app.ActivityManager
import android.app.Application
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.usage.UsageStatsManager
import android.content.Context
import android.content.Intent
import android.net.ConnectivityManager
import android.net.NetworkCapabilities
import android.os.Build
import android.os.PowerManager
import android.provider.Settings
import kotlinx.coroutines.runBlocking
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.shadows.ShadowNetworkCapabilities
import uniffi.pushdoctor_ffi.AgentConfig
import uniffi.pushdoctor_ffi.AppObservations
import uniffi.pushdoctor_ffi.DiagnosisReport
import uniffi.pushdoctor_ffi.Platform
import uniffi.pushdoctor_ffi.PushDoctorAgent
import uniffi.pushdoctor_ffi.SettingsTarget

/** The notification channel the sample posts MFA pushes on. */
const val MFA_CHANNEL = "mfa"

/**
 * The Robolectric phone a test sets up through the framework's shadows,
 * healthy to begin with: Wi-Fi up and validated, notifications on with the
 * MFA channel at high importance (and `POST_NOTIFICATIONS` granted on 13+),
 * Do Not Disturb off, Battery Saver off and the app exempt, not background
 * restricted, the active standby bucket, Data Saver off, a push token.
 * Each test then breaks one thing, as a person's phone would be.
 */
class Phone {
    val app: Application = RuntimeEnvironment.getApplication()
    val connectivity: ConnectivityManager = service()
    val notifications: NotificationManager = service()
    val power: PowerManager = service()
    val activity: ActivityManager = service()
    var tokenRegistered: Boolean? = true

    init {
        wifi()
        Settings.Global.putInt(app.contentResolver, Settings.Global.AIRPLANE_MODE_ON, 0)
        shadowOf(notifications).setNotificationsEnabled(true)
        notifications.createNotificationChannel(NotificationChannel(MFA_CHANNEL, "MFA requests", NotificationManager.IMPORTANCE_HIGH))
        if (Build.VERSION.SDK_INT >= 33) shadowOf(app).grantPermissions(Manifest.permission.POST_NOTIFICATIONS)
        notifications.setInterruptionFilter(NotificationManager.INTERRUPTION_FILTER_ALL)
        shadowOf(power).setIsPowerSaveMode(false)
        shadowOf(power).setIgnoringBatteryOptimizations(app.packageName, true)
        if (Build.VERSION.SDK_INT >= 28) {
            shadowOf(activity).setBackgroundRestricted(false)
            shadowOf(service<UsageStatsManager>()).setCurrentAppStandbyBucket(UsageStatsManager.STANDBY_BUCKET_ACTIVE)
        }
        shadowOf(connectivity).setRestrictBackgroundStatus(ConnectivityManager.RESTRICT_BACKGROUND_STATUS_DISABLED)
    }

    /** The framework's [T] on this phone. */
    inline fun <reified T : Any> service(): T = checkNotNull(app.getSystemService(T::class.java)) { "no ${T::class.java.simpleName}" }

    /** A validated Wi-Fi network with internet is the active one. */
    fun wifi() {
        val caps = ShadowNetworkCapabilities.newInstance()
        shadowOf(caps).addTransportType(NetworkCapabilities.TRANSPORT_WIFI)
        shadowOf(caps).addCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET)
        shadowOf(caps).addCapability(NetworkCapabilities.NET_CAPABILITY_VALIDATED)
        shadowOf(connectivity).setDefaultNetworkActive(true)
        shadowOf(connectivity).setNetworkCapabilities(connectivity.activeNetwork, caps)
    }

    /** No network at all: what ConnectivityManager reports with Wi-Fi and mobile data off. */
    fun offline() {
        shadowOf(connectivity).setActiveNetworkInfo(null)
    }

    /** The real probe on this phone. */
    fun probe() = AndroidPlatformProbe(app, MFA_CHANNEL, { tokenRegistered })

    /**
     * Runs the real agent (the Rust library, through JNA) with the real
     * probe on this phone: no push arrived, the common complaint.
     */
    fun diagnose(observations: AppObservations = AppObservations(pushReceived = false)): Diagnosed {
        val agent = PushDoctorAgent(
            AgentConfig(
                platform = Platform.ANDROID,
                // Generous: the first framework calls in a fresh Robolectric
                // sandbox load classes; a late answer would be an unknown fact.
                callbackTimeoutMs = 20_000L,
                echoToPlatformLog = false,
            ),
            probe(),
        )
        val report = runBlocking { agent.runDiagnostics(observations, null) }
        return Diagnosed(agent, report, this)
    }

    /** The next Activity this phone's app started, or `null`. */
    fun nextStarted(): Intent? = shadowOf(app).nextStartedActivity
}

/** A run's report, with its agent still open so that the test can open its settings. */
class Diagnosed(val agent: PushDoctorAgent, val report: DiagnosisReport, private val phone: Phone) : AutoCloseable {
    /** Asks the agent to open [target] (it calls the probe's openSettings) and returns the Intent started. */
    fun open(target: SettingsTarget): Intent {
        check(agent.openSettings(target)) { "openSettings($target) returned false" }
        return checkNotNull(phone.nextStarted()) { "openSettings($target) started no Activity" }
    }

    override fun close() {
        runBlocking { agent.shutdown() }
        agent.close()
    }
}
