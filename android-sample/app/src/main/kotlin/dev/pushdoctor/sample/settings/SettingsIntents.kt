package dev.pushdoctor.sample.settings

import android.app.Activity
import android.content.ActivityNotFoundException
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.os.Build
import android.provider.Settings
import uniffi.pushdoctor_ffi.SettingsTarget

/**
 * The settings screen behind each [SettingsTarget], as Android intents.
 *
 * Each target has a list of intents, the exact screen first and broader
 * ones after it: makers' builds lack some screens (no channel page, no
 * Data Saver list), and a broader screen the person can navigate from is
 * better than nothing. [open] starts the first one the device has.
 *
 * @param context what starts the screens; an application context (the
 *   probe's) starts them in a new task.
 * @param mfaChannelId the notification channel the MFA pushes use.
 */
class SettingsIntents(private val context: Context, private val mfaChannelId: String) {
    private val packageName: String = context.packageName
    private val appUri: Uri = Uri.fromParts("package", packageName, null)

    /**
     * The intents for [target], best first; empty where Android has no such
     * screen (Background App Refresh is iOS's).
     */
    fun candidates(target: SettingsTarget): List<Intent> = when (target) {
        SettingsTarget.APP_NOTIFICATION_SETTINGS -> appNotifications() + appDetails() + everything()
        SettingsTarget.NOTIFICATION_CHANNEL -> listOf(
            Intent(Settings.ACTION_CHANNEL_NOTIFICATION_SETTINGS)
                .putExtra(Settings.EXTRA_APP_PACKAGE, packageName)
                .putExtra(Settings.EXTRA_CHANNEL_ID, mfaChannelId),
        ) + appNotifications() + appDetails() + everything()
        SettingsTarget.FOCUS -> listOf(
            Intent(Settings.ACTION_ZEN_MODE_PRIORITY_SETTINGS),
            // Do Not Disturb's main page: not a public constant, but the
            // action AOSP and most makers' Settings apps answer.
            Intent(ZEN_MODE_SETTINGS),
            Intent(Settings.ACTION_SOUND_SETTINGS),
        ) + everything()
        SettingsTarget.BATTERY_SAVER -> listOf(Intent(Settings.ACTION_BATTERY_SAVER_SETTINGS)) + everything()
        SettingsTarget.BATTERY_OPTIMIZATION -> requestExemption() + listOf(
            Intent(Settings.ACTION_IGNORE_BATTERY_OPTIMIZATION_SETTINGS),
        ) + appDetails() + everything()
        SettingsTarget.APP_DETAILS -> appDetails() + listOf(
            Intent(Settings.ACTION_MANAGE_APPLICATIONS_SETTINGS),
        ) + everything()
        SettingsTarget.DATA_SAVER -> listOf(
            Intent(Settings.ACTION_IGNORE_BACKGROUND_DATA_RESTRICTIONS_SETTINGS, appUri),
        ) + dataUsage() + appDetails() + everything()
        SettingsTarget.NETWORK_SETTINGS -> listOf(Intent(Settings.ACTION_WIRELESS_SETTINGS)) + everything()
        SettingsTarget.VPN -> listOf(
            Intent(Settings.ACTION_VPN_SETTINGS),
            Intent(Settings.ACTION_WIRELESS_SETTINGS),
        ) + everything()
        SettingsTarget.DATE_TIME -> listOf(Intent(Settings.ACTION_DATE_SETTINGS)) + everything()
        SettingsTarget.BACKGROUND_REFRESH -> emptyList()
    }

    /**
     * Starts the first of [target]'s [candidates] the device has; `false`
     * when it has none (or the target is not Android's). A screen the
     * device lacks, or will not let this app start, moves on to the next.
     */
    fun open(target: SettingsTarget): Boolean {
        for (intent in candidates(target)) {
            if (context !is Activity) intent.addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
            try {
                context.startActivity(intent)
                return true
            } catch (_: ActivityNotFoundException) {
                // This build lacks the screen: try the broader one.
            } catch (_: SecurityException) {
                // A maker's screen that is not exported: try the broader one.
            }
        }
        return false
    }

    private fun appNotifications() = listOf(
        Intent(Settings.ACTION_APP_NOTIFICATION_SETTINGS).putExtra(Settings.EXTRA_APP_PACKAGE, packageName),
    )

    private fun appDetails() = listOf(Intent(Settings.ACTION_APPLICATION_DETAILS_SETTINGS, appUri))

    private fun everything() = listOf(Intent(Settings.ACTION_SETTINGS))

    /**
     * The system's own "Allow the app to ignore battery optimisations?"
     * dialog, which only an app holding REQUEST_IGNORE_BATTERY_OPTIMIZATIONS
     * may start (Play's policy limits who may declare it).
     */
    private fun requestExemption(): List<Intent> {
        val held = context.checkSelfPermission(REQUEST_IGNORE_BATTERY_OPTIMIZATIONS) == PackageManager.PERMISSION_GRANTED
        return if (held) listOf(Intent(Settings.ACTION_REQUEST_IGNORE_BATTERY_OPTIMIZATIONS, appUri)) else emptyList()
    }

    /** Data usage, where Data Saver's list lives, is a public screen from Android 9. */
    private fun dataUsage(): List<Intent> =
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) listOf(Intent(Settings.ACTION_DATA_USAGE_SETTINGS)) else emptyList()

    private companion object {
        const val ZEN_MODE_SETTINGS = "android.settings.ZEN_MODE_SETTINGS"
        const val REQUEST_IGNORE_BATTERY_OPTIMIZATIONS = "android.permission.REQUEST_IGNORE_BATTERY_OPTIMIZATIONS"
    }
}
