package dev.pushdoctor.sample.probe

import android.Manifest
import android.app.ActivityManager
import android.app.ApplicationExitInfo
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.usage.UsageStatsManager
import android.content.Context
import android.content.pm.PackageManager
import android.net.ConnectivityManager
import android.net.NetworkCapabilities
import android.os.Build
import android.os.PowerManager
import android.provider.Settings
import dev.pushdoctor.sample.settings.SettingsIntents
import java.util.Locale
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runInterruptible
import uniffi.pushdoctor_ffi.ChannelImportance
import uniffi.pushdoctor_ffi.DataSaver
import uniffi.pushdoctor_ffi.DeviceFacts
import uniffi.pushdoctor_ffi.FocusFacts
import uniffi.pushdoctor_ffi.NetworkFacts
import uniffi.pushdoctor_ffi.NotificationFacts
import uniffi.pushdoctor_ffi.PlatformException
import uniffi.pushdoctor_ffi.PlatformProbe
import uniffi.pushdoctor_ffi.PowerFacts
import uniffi.pushdoctor_ffi.SettingsTarget
import uniffi.pushdoctor_ffi.StandbyBucket

/**
 * The agent's [PlatformProbe] on Android: every fact read from the
 * framework's own managers (docs/bindings.md, "The platform probe").
 *
 * - A fact whose API this Android version lacks is left `null` (unknown);
 *   the core then asks the person, or knows from `sdkInt` that it does not
 *   apply (`POST_NOTIFICATIONS` before Android 13).
 * - A framework call that fails makes its whole method fail with the
 *   trait's typed error, naming the call: [PlatformException.NotPermitted]
 *   for a `SecurityException`, [PlatformException.NotAvailable] for a
 *   missing system service, [PlatformException.Unexpected] for anything
 *   else. The agent reports it in `probeIssues`; the other methods' facts
 *   still count, and the run still ends.
 * - Hangs are not handled here: the agent's `callbackTimeoutMs` drops a
 *   method that is late, and cancels its coroutine.
 *
 * @param context any context of the app; the application's is kept, so
 *   the probe may outlive an Activity.
 * @param mfaChannelId the notification channel the MFA pushes are posted on.
 * @param pushToken the app's own answer to "is a push token registered?".
 * @param io where the framework's binder calls run: never the caller's
 *   thread, and interruptible when the run is cancelled.
 */
class AndroidPlatformProbe(
    context: Context,
    private val mfaChannelId: String,
    private val pushToken: PushTokenSource,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) : PlatformProbe {
    private val context: Context = context.applicationContext ?: context
    private val settings = SettingsIntents(this.context, mfaChannelId)

    override suspend fun network(): NetworkFacts = facts {
        val connectivity = service<ConnectivityManager>("ConnectivityManager")
        val active = call("ConnectivityManager.getActiveNetwork") { connectivity.activeNetwork }
        val caps = active?.let { call("ConnectivityManager.getNetworkCapabilities") { connectivity.getNetworkCapabilities(it) } }
        val link = active?.let { call("ConnectivityManager.getLinkProperties") { connectivity.getLinkProperties(it) } }
        NetworkFacts(
            // No active network is a known "not connected"; an active one
            // whose capabilities are gone (it just dropped) is unknown.
            connected = if (active == null) false else caps?.hasCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET),
            airplaneMode = call("Settings.Global.AIRPLANE_MODE_ON") {
                Settings.Global.getInt(context.contentResolver, Settings.Global.AIRPLANE_MODE_ON, 0) != 0
            },
            transport = caps?.let(::transportOf),
            vpn = caps?.hasTransport(NetworkCapabilities.TRANSPORT_VPN),
            proxy = if (active == null) null else link?.let { it.httpProxy != null },
            validated = caps?.hasCapability(NetworkCapabilities.NET_CAPABILITY_VALIDATED),
            captivePortal = caps?.hasCapability(NetworkCapabilities.NET_CAPABILITY_CAPTIVE_PORTAL),
            dataSaver = dataSaverOf(call("ConnectivityManager.getRestrictBackgroundStatus") { connectivity.restrictBackgroundStatus }),
            // Data Saver restricts background data only on a metered network.
            metered = caps?.let { !it.hasCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED) },
        )
    }

    override suspend fun notifications(): NotificationFacts = facts {
        val notifications = service<NotificationManager>("NotificationManager")
        NotificationFacts(
            enabled = call("NotificationManager.areNotificationsEnabled") { notifications.areNotificationsEnabled() },
            mfaChannelImportance = mfaChannel(notifications)?.let { importance(notifications, it) },
            // Before Android 13 there is no such permission: left unknown,
            // and the core reads sdkInt to call it not applicable.
            permissionGranted = if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU) {
                call("Context.checkSelfPermission(POST_NOTIFICATIONS)") {
                    context.checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) == PackageManager.PERMISSION_GRANTED
                }
            } else {
                null
            },
        )
    }

    override suspend fun focus(): FocusFacts = facts {
        val notifications = service<NotificationManager>("NotificationManager")
        val filter = call("NotificationManager.getCurrentInterruptionFilter") { notifications.currentInterruptionFilter }
        val active = when (filter) {
            NotificationManager.INTERRUPTION_FILTER_ALL -> false
            NotificationManager.INTERRUPTION_FILTER_PRIORITY,
            NotificationManager.INTERRUPTION_FILTER_ALARMS,
            NotificationManager.INTERRUPTION_FILTER_NONE -> true
            else -> null // INTERRUPTION_FILTER_UNKNOWN
        }
        val appAllowed = when (filter) {
            // Only "priority only" lets anything through: a channel that
            // may bypass Do Not Disturb. Alarms-only and total silence let
            // no app's notifications through.
            NotificationManager.INTERRUPTION_FILTER_PRIORITY -> mfaChannel(notifications)?.let {
                call("NotificationChannel.canBypassDnd") { it.canBypassDnd() }
            }
            NotificationManager.INTERRUPTION_FILTER_ALARMS,
            NotificationManager.INTERRUPTION_FILTER_NONE -> false
            else -> null
        }
        FocusFacts(active = active, appAllowed = appAllowed)
    }

    override suspend fun power(): PowerFacts = facts {
        val power = service<PowerManager>("PowerManager")
        val pie = Build.VERSION.SDK_INT >= Build.VERSION_CODES.P
        PowerFacts(
            batterySaver = call("PowerManager.isPowerSaveMode") { power.isPowerSaveMode },
            batteryOptimizationExempt = call("PowerManager.isIgnoringBatteryOptimizations") {
                power.isIgnoringBatteryOptimizations(context.packageName)
            },
            // Both exist from Android 9; before it, unknown.
            backgroundRestricted = if (pie) {
                val activity = service<ActivityManager>("ActivityManager")
                call("ActivityManager.isBackgroundRestricted") { activity.isBackgroundRestricted }
            } else {
                null
            },
            standbyBucket = if (pie) {
                val usage = service<UsageStatsManager>("UsageStatsManager")
                bucketOf(call("UsageStatsManager.getAppStandbyBucket") { usage.appStandbyBucket })
            } else {
                null
            },
        )
    }

    override suspend fun device(): DeviceFacts = facts {
        DeviceFacts(
            model = Build.MODEL,
            osVersion = Build.VERSION.RELEASE,
            appVersion = call("PackageManager.getPackageInfo") {
                @Suppress("DEPRECATION") // the flags overload is Android 13's; this one works on all
                context.packageManager.getPackageInfo(context.packageName, 0).versionName
            },
            locale = context.resources.configuration.locales.get(0)?.let(::localeOf),
            manufacturer = Build.MANUFACTURER,
            sdkInt = Build.VERSION.SDK_INT,
            forceStopped = if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.R) lastExitWasForceStop() else null,
            pushTokenRegistered = call("PushTokenSource.isRegistered") { pushToken.isRegistered() },
        )
    }

    /** Opens [target]'s screen through [SettingsIntents]; `false` when this phone has none. */
    override fun openSettings(target: SettingsTarget): Boolean = settings.open(target)

    /** The channel's importance; a channel in a group the person blocked (Android 9+) shows nothing. */
    private fun importance(notifications: NotificationManager, channel: NotificationChannel): ChannelImportance? {
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
            val group = channel.group?.let {
                call("NotificationManager.getNotificationChannelGroup") { notifications.getNotificationChannelGroup(it) }
            }
            if (group?.isBlocked == true) return ChannelImportance.NONE
        }
        return importanceOf(channel.importance)
    }

    /** The MFA channel, or `null` when the app has not created it (yet). */
    private fun mfaChannel(notifications: NotificationManager): NotificationChannel? =
        call("NotificationManager.getNotificationChannel") { notifications.getNotificationChannel(mfaChannelId) }

    /** Android 11+: whether the app's last exit was the person's Force stop. */
    private fun lastExitWasForceStop(): Boolean {
        val activity = service<ActivityManager>("ActivityManager")
        val last = call("ActivityManager.getHistoricalProcessExitReasons") {
            activity.getHistoricalProcessExitReasons(context.packageName, 0, 1).firstOrNull()
        }
        return last?.reason == ApplicationExitInfo.REASON_USER_STOPPED
    }

    private inline fun <reified T : Any> service(name: String): T =
        context.getSystemService(T::class.java)
            ?: throw PlatformException.NotAvailable("no $name on this device")

    /** Runs one method's reads off the caller's thread. */
    private suspend fun <T> facts(read: () -> T): T = runInterruptible(io) { read() }

    /**
     * One framework call, whose failure becomes the trait's typed error
     * naming it: the agent reports that reason in `probeIssues`.
     */
    private inline fun <T> call(what: String, read: () -> T): T = try {
        read()
    } catch (e: CancellationException) {
        throw e
    } catch (e: PlatformException) {
        throw e
    } catch (e: SecurityException) {
        throw PlatformException.NotPermitted("$what: ${e.javaClass.simpleName}: ${e.message}")
    } catch (e: Exception) {
        throw PlatformException.Unexpected("$what threw ${e.javaClass.name}: ${e.message}")
    }

    private companion object {
        fun transportOf(caps: NetworkCapabilities): String = when {
            caps.hasTransport(NetworkCapabilities.TRANSPORT_WIFI) -> "wifi"
            caps.hasTransport(NetworkCapabilities.TRANSPORT_CELLULAR) -> "cellular"
            caps.hasTransport(NetworkCapabilities.TRANSPORT_ETHERNET) -> "ethernet"
            else -> "other"
        }

        fun dataSaverOf(status: Int): DataSaver? = when (status) {
            ConnectivityManager.RESTRICT_BACKGROUND_STATUS_DISABLED -> DataSaver.OFF
            ConnectivityManager.RESTRICT_BACKGROUND_STATUS_ENABLED -> DataSaver.ON
            ConnectivityManager.RESTRICT_BACKGROUND_STATUS_WHITELISTED -> DataSaver.ON_EXEMPT
            else -> null
        }

        fun importanceOf(importance: Int): ChannelImportance? = when (importance) {
            NotificationManager.IMPORTANCE_NONE -> ChannelImportance.NONE
            NotificationManager.IMPORTANCE_MIN -> ChannelImportance.MIN
            NotificationManager.IMPORTANCE_LOW -> ChannelImportance.LOW
            NotificationManager.IMPORTANCE_DEFAULT -> ChannelImportance.DEFAULT
            NotificationManager.IMPORTANCE_HIGH, NotificationManager.IMPORTANCE_MAX -> ChannelImportance.HIGH
            else -> null // IMPORTANCE_UNSPECIFIED
        }

        /** A bucket outside the public five (the system's hidden "exempted") is unknown. */
        fun bucketOf(bucket: Int): StandbyBucket? = when (bucket) {
            UsageStatsManager.STANDBY_BUCKET_ACTIVE -> StandbyBucket.ACTIVE
            UsageStatsManager.STANDBY_BUCKET_WORKING_SET -> StandbyBucket.WORKING_SET
            UsageStatsManager.STANDBY_BUCKET_FREQUENT -> StandbyBucket.FREQUENT
            UsageStatsManager.STANDBY_BUCKET_RARE -> StandbyBucket.RARE
            UsageStatsManager.STANDBY_BUCKET_RESTRICTED -> StandbyBucket.RESTRICTED
            else -> null
        }

        /** `en_GB`, or `en` without a country: the snapshot's form, without a script or extensions. */
        fun localeOf(locale: Locale): String =
            if (locale.country.isEmpty()) locale.language else "${locale.language}_${locale.country}"
    }
}
