package dev.pushdoctor.sample.settings

import android.app.Activity
import android.app.Application
import android.content.Intent
import android.content.pm.ActivityInfo
import android.content.pm.ResolveInfo
import android.net.Uri
import android.provider.Settings
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import dev.pushdoctor.sample.SampleTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import uniffi.pushdoctor_ffi.SettingsTarget

/**
 * Each settings target's Intent as the framework starts it, and the
 * fallbacks when a maker's build lacks the screen (Robolectric then
 * refuses every Intent no installed activity answers, as Android does).
 */
@RunWith(SampleTestRunner::class)
class SettingsIntentsTest {
    private val app: Application = RuntimeEnvironment.getApplication()
    private val appUri = Uri.fromParts("package", app.packageName, null)
    private val intents = SettingsIntents(app, CHANNEL)

    private fun opened(target: SettingsTarget): Intent {
        assertTrue("open($target)", intents.open(target))
        val intent = shadowOf(app).nextStartedActivity
        assertNull("one Activity per open", shadowOf(app).nextStartedActivity)
        return intent
    }

    /** Only these screens exist on this phone, each answered by the Settings app. */
    private fun onlyScreens(vararg screens: Intent) {
        shadowOf(app).checkActivities(true)
        for (screen in screens) {
            val info = ResolveInfo().apply {
                activityInfo = ActivityInfo().apply {
                    packageName = "com.android.settings"
                    name = "com.android.settings.Screen"
                }
            }
            shadowOf(app.packageManager).addResolveInfoForIntent(screen, info)
        }
    }

    @Test
    fun everyAndroidTargetOpensItsOwnScreen() {
        val expected = mapOf(
            SettingsTarget.NETWORK_SETTINGS to Settings.ACTION_WIRELESS_SETTINGS,
            SettingsTarget.APP_NOTIFICATION_SETTINGS to Settings.ACTION_APP_NOTIFICATION_SETTINGS,
            SettingsTarget.NOTIFICATION_CHANNEL to Settings.ACTION_CHANNEL_NOTIFICATION_SETTINGS,
            SettingsTarget.FOCUS to Settings.ACTION_ZEN_MODE_PRIORITY_SETTINGS,
            SettingsTarget.BATTERY_SAVER to Settings.ACTION_BATTERY_SAVER_SETTINGS,
            SettingsTarget.BATTERY_OPTIMIZATION to Settings.ACTION_IGNORE_BATTERY_OPTIMIZATION_SETTINGS,
            SettingsTarget.APP_DETAILS to Settings.ACTION_APPLICATION_DETAILS_SETTINGS,
            SettingsTarget.DATA_SAVER to Settings.ACTION_IGNORE_BACKGROUND_DATA_RESTRICTIONS_SETTINGS,
            SettingsTarget.VPN to Settings.ACTION_VPN_SETTINGS,
            SettingsTarget.DATE_TIME to Settings.ACTION_DATE_SETTINGS,
        )
        // Every target but iOS's Background App Refresh is listed.
        assertEquals(SettingsTarget.entries.toSet() - SettingsTarget.BACKGROUND_REFRESH, expected.keys)
        for ((target, action) in expected) {
            val intent = opened(target)
            assertEquals(target.toString(), action, intent.action)
            assertTrue("$target from the application context: a new task", intent.flags and Intent.FLAG_ACTIVITY_NEW_TASK != 0)
        }
    }

    @Test
    fun theAppsOwnScreensNameTheApp() {
        assertEquals(app.packageName, opened(SettingsTarget.APP_NOTIFICATION_SETTINGS).getStringExtra(Settings.EXTRA_APP_PACKAGE))
        val channel = opened(SettingsTarget.NOTIFICATION_CHANNEL)
        assertEquals(app.packageName, channel.getStringExtra(Settings.EXTRA_APP_PACKAGE))
        assertEquals(CHANNEL, channel.getStringExtra(Settings.EXTRA_CHANNEL_ID))
        assertEquals(appUri, opened(SettingsTarget.APP_DETAILS).data)
        assertEquals(appUri, opened(SettingsTarget.DATA_SAVER).data)
    }

    @Test
    fun backgroundRefreshIsIosOnly() {
        assertEquals(emptyList<Intent>(), intents.candidates(SettingsTarget.BACKGROUND_REFRESH))
        assertFalse(intents.open(SettingsTarget.BACKGROUND_REFRESH))
        assertNull(shadowOf(app).nextStartedActivity)
    }

    @Test
    fun anAppHoldingTheExemptionPermissionAsksForItDirectly() {
        shadowOf(app).grantPermissions("android.permission.REQUEST_IGNORE_BATTERY_OPTIMIZATIONS")
        val intent = opened(SettingsTarget.BATTERY_OPTIMIZATION)
        assertEquals(Settings.ACTION_REQUEST_IGNORE_BATTERY_OPTIMIZATIONS, intent.action)
        assertEquals(appUri, intent.data)
    }

    @Test
    fun withoutTheChannelScreenTheAppsNotificationSettingsOpen() {
        onlyScreens(Intent(Settings.ACTION_APP_NOTIFICATION_SETTINGS), Intent(Settings.ACTION_SETTINGS))
        val intent = opened(SettingsTarget.NOTIFICATION_CHANNEL)
        assertEquals(Settings.ACTION_APP_NOTIFICATION_SETTINGS, intent.action)
        assertEquals(app.packageName, intent.getStringExtra(Settings.EXTRA_APP_PACKAGE))
    }

    @Test
    fun withoutDoNotDisturbsPagesTheSoundSettingsOpen() {
        onlyScreens(Intent(Settings.ACTION_SOUND_SETTINGS), Intent(Settings.ACTION_SETTINGS))
        assertEquals(Settings.ACTION_SOUND_SETTINGS, opened(SettingsTarget.FOCUS).action)
    }

    @Test
    fun withoutAnySpecificScreenTheSettingsAppOpens() {
        onlyScreens(Intent(Settings.ACTION_SETTINGS))
        for (target in SettingsTarget.entries - SettingsTarget.BACKGROUND_REFRESH) {
            assertEquals(target.toString(), Settings.ACTION_SETTINGS, opened(target).action)
        }
    }

    @Test
    fun aPhoneWithNoSettingsAppOpensNothing() {
        onlyScreens()
        for (target in SettingsTarget.entries) {
            assertFalse(target.toString(), intents.open(target))
        }
        assertNull(shadowOf(app).nextStartedActivity)
    }

    @Test
    fun fromAnActivityTheScreenOpensInItsTask() {
        val activity = Robolectric.buildActivity(Activity::class.java).setup().get()
        assertTrue(SettingsIntents(activity, CHANNEL).open(SettingsTarget.BATTERY_SAVER))
        val intent = shadowOf(activity).nextStartedActivity
        assertEquals(Settings.ACTION_BATTERY_SAVER_SETTINGS, intent.action)
        assertEquals(0, intent.flags and Intent.FLAG_ACTIVITY_NEW_TASK)
    }

    /** Android 8.0 has no public Data usage screen: Data Saver falls back to the app's page. */
    @Test
    @Config(sdk = [26])
    fun dataSaverOnAndroid8FallsBackToTheAppsPage() {
        val actions = intents.candidates(SettingsTarget.DATA_SAVER).map { it.action }
        assertEquals(
            listOf(
                Settings.ACTION_IGNORE_BACKGROUND_DATA_RESTRICTIONS_SETTINGS,
                Settings.ACTION_APPLICATION_DETAILS_SETTINGS,
                Settings.ACTION_SETTINGS,
            ),
            actions,
        )
    }

    private companion object {
        const val CHANNEL = "mfa"
    }
}
