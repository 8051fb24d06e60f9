package dev.pushdoctor.sample.probe

import android.Manifest
import android.app.ApplicationExitInfo
import android.app.NotificationChannel
import android.app.NotificationChannelGroup
import android.app.NotificationManager
import android.app.usage.UsageStatsManager
import android.content.Intent
import android.net.ConnectivityManager
import android.net.NetworkCapabilities
import android.net.Uri
import android.os.Build
import android.os.PowerManager
import android.provider.Settings
import dev.pushdoctor.sample.SampleTestRunner
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.annotation.Implementation
import org.robolectric.annotation.Implements
import org.robolectric.shadows.ShadowBuild
import org.robolectric.shadows.ShadowNetworkCapabilities
import org.robolectric.shadows.ShadowPowerManager
import uniffi.pushdoctor_ffi.ActionId
import uniffi.pushdoctor_ffi.CheckId
import uniffi.pushdoctor_ffi.CheckStatus
import uniffi.pushdoctor_ffi.DiagnosisReport
import uniffi.pushdoctor_ffi.ProbeName
import uniffi.pushdoctor_ffi.ScenarioId
import uniffi.pushdoctor_ffi.SettingsTarget

/**
 * The real probe on Robolectric's framework, connected to the real Rust
 * library: each test breaks one setting through the framework's shadows,
 * runs a diagnosis, and checks what the core concluded and the Intent
 * that opening the fix's settings started.
 */
@RunWith(SampleTestRunner::class)
class AndroidPlatformProbeTest {
    private fun DiagnosisReport.status(check: CheckId) = findings.single { it.check == check }.status

    private fun DiagnosisReport.action(id: ActionId) = actions.single { it.id == id }

    private fun assertAppIntent(expected: String, intent: Intent, app: String) {
        assertEquals(expected, intent.action)
        assertEquals(Uri.fromParts("package", app, null), intent.data)
        assertTrue("started from the probe's application context", intent.flags and Intent.FLAG_ACTIVITY_NEW_TASK != 0)
    }

    @Test
    fun aHealthyPhoneAnswersEveryFactAndLeadsToTheAdminsReport() {
        val phone = Phone()
        phone.diagnose().use { run ->
            val report = run.report
            assertEquals(emptyList<Any>(), report.probeIssues)
            assertEquals(ScenarioId.PUSH_NOT_RECEIVED, report.scenario)
            assertEquals(ScenarioId.ADMIN_VERIFY_STATUS, report.destination)
            for (check in listOf(
                CheckId.NETWORK_CONNECTED, CheckId.NOTIFICATIONS_ENABLED, CheckId.MFA_CHANNEL,
                CheckId.NOTIFICATION_PERMISSION, CheckId.FOCUS_OFF, CheckId.BATTERY_SAVER_OFF,
                CheckId.BATTERY_OPTIMIZATION_EXEMPT, CheckId.BACKGROUND_UNRESTRICTED, CheckId.STANDBY_BUCKET,
                CheckId.DATA_SAVER, CheckId.PUSH_TOKEN_REGISTERED,
            )) {
                assertEquals(check.toString(), CheckStatus.PASS, report.status(check))
            }
            assertTrue(report.json, report.json.contains("\"sdk_int\": 35") || report.json.contains("\"sdk_int\":35"))
        }
    }

    @Test
    fun noActiveNetworkIsEnableNetworkOpeningTheWirelessSettings() {
        val phone = Phone()
        phone.offline()
        phone.diagnose().use { run ->
            val report = run.report
            assertEquals(ScenarioId.PUSH_NOT_RECEIVED, report.scenario)
            assertEquals(CheckStatus.FAIL, report.status(CheckId.NETWORK_CONNECTED))
            assertEquals(ActionId.ENABLE_NETWORK, report.actions.first().id)
            val target = report.action(ActionId.ENABLE_NETWORK).settingsTarget
            assertEquals(SettingsTarget.NETWORK_SETTINGS, target)
            assertEquals(Settings.ACTION_WIRELESS_SETTINGS, run.open(target!!).action)
        }
    }

    @Test
    fun airplaneModeWithoutANetworkIsNamedAsTheCause() {
        val phone = Phone()
        phone.offline()
        Settings.Global.putInt(phone.app.contentResolver, Settings.Global.AIRPLANE_MODE_ON, 1)
        phone.diagnose().use { run ->
            val airplane = run.report.findings.single { it.check == CheckId.NETWORK_AIRPLANE_MODE }
            assertEquals(airplane.detail, CheckStatus.FAIL, airplane.status)
            assertEquals(Settings.ACTION_WIRELESS_SETTINGS, run.open(run.report.actions.first().settingsTarget!!).action)
        }
    }

    @Test
    fun dataSaverOnForTheAppOpensItsUnrestrictedDataSwitch() {
        val phone = Phone()
        shadowOf(phone.connectivity).setRestrictBackgroundStatus(ConnectivityManager.RESTRICT_BACKGROUND_STATUS_ENABLED)
        phone.diagnose().use { run ->
            val report = run.report
            assertEquals(CheckStatus.FAIL, report.status(CheckId.DATA_SAVER))
            val fix = report.action(ActionId.ALLOW_BACKGROUND_DATA)
            assertEquals(SettingsTarget.DATA_SAVER, fix.settingsTarget)
            assertAppIntent(Settings.ACTION_IGNORE_BACKGROUND_DATA_RESTRICTIONS_SETTINGS, run.open(fix.settingsTarget!!), phone.app.packageName)
        }
    }

    @Test
    fun aMeteredNetworkIsToldApartFromAnUnmeteredOne() = runBlocking {
        val phone = Phone()
        // Phone() starts on Wi-Fi without NET_CAPABILITY_NOT_METERED: a
        // metered hotspot.
        assertEquals(true, phone.probe().network().metered)
        val unmetered = ShadowNetworkCapabilities.newInstance()
        shadowOf(unmetered).addTransportType(NetworkCapabilities.TRANSPORT_WIFI)
        shadowOf(unmetered).addCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET)
        shadowOf(unmetered).addCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED)
        shadowOf(phone.connectivity).setNetworkCapabilities(phone.connectivity.activeNetwork, unmetered)
        assertEquals(false, phone.probe().network().metered)
        phone.offline()
        assertNull("no network: nothing to be metered", phone.probe().network().metered)
    }

    @Test
    fun dataSaverOnWithTheAppExemptPasses() {
        val phone = Phone()
        shadowOf(phone.connectivity).setRestrictBackgroundStatus(ConnectivityManager.RESTRICT_BACKGROUND_STATUS_WHITELISTED)
        phone.diagnose().use { run ->
            val saver = run.report.findings.single { it.check == CheckId.DATA_SAVER }
            assertEquals(saver.detail, CheckStatus.PASS, saver.status)
            assertTrue(saver.detail, saver.detail.contains("on_exempt"))
        }
    }

    @Test
    fun aBlockedMfaChannelOpensThatChannelsSettings() {
        val phone = Phone()
        // The person blocks the channel in Settings; here, the channel is
        // created again at IMPORTANCE_NONE, the state the framework then reports.
        phone.notifications.deleteNotificationChannel(MFA_CHANNEL)
        phone.notifications.createNotificationChannel(NotificationChannel(MFA_CHANNEL, "MFA requests", NotificationManager.IMPORTANCE_NONE))
        phone.diagnose().use { run ->
            val report = run.report
            assertEquals(CheckStatus.PASS, report.status(CheckId.NOTIFICATIONS_ENABLED))
            assertEquals(CheckStatus.FAIL, report.status(CheckId.MFA_CHANNEL))
            val fix = report.action(ActionId.ENABLE_MFA_CHANNEL)
            val intent = run.open(fix.settingsTarget!!)
            assertEquals(Settings.ACTION_CHANNEL_NOTIFICATION_SETTINGS, intent.action)
            assertEquals(phone.app.packageName, intent.getStringExtra(Settings.EXTRA_APP_PACKAGE))
            assertEquals(MFA_CHANNEL, intent.getStringExtra(Settings.EXTRA_CHANNEL_ID))
        }
    }

    @Test
    fun aChannelInABlockedGroupIsBlocked() {
        val phone = Phone()
        val group = NotificationChannelGroup("accounts", "Accounts").apply { setBlocked(true) }
        phone.notifications.createNotificationChannelGroup(group)
        phone.notifications.deleteNotificationChannel(MFA_CHANNEL)
        phone.notifications.createNotificationChannel(
            NotificationChannel(MFA_CHANNEL, "MFA requests", NotificationManager.IMPORTANCE_HIGH).apply { setGroup("accounts") },
        )
        phone.diagnose().use { run ->
            val channel = run.report.findings.single { it.check == CheckId.MFA_CHANNEL }
            assertEquals(channel.detail, CheckStatus.FAIL, channel.status)
            assertTrue(channel.detail, channel.detail.contains("blocked"))
        }
    }

    /** The maker comes from Build.MANUFACTURER: on a Xiaomi phone the core names it. */
    @Test
    fun aXiaomiPhoneNotExemptIsNamed() {
        ShadowBuild.setManufacturer("Xiaomi")
        val phone = Phone()
        shadowOf(phone.power).setIgnoringBatteryOptimizations(phone.app.packageName, false)
        phone.diagnose().use { run ->
            val exempt = run.report.findings.single { it.check == CheckId.BATTERY_OPTIMIZATION_EXEMPT }
            assertEquals(exempt.detail, CheckStatus.FAIL, exempt.status)
            assertTrue(exempt.detail, exempt.detail.contains("Xiaomi"))
        }
    }

    /** Android 11+: the last exit's reason tells a force stop. */
    @Test
    fun aForceStopIsTheLastExitsReason() {
        val phone = Phone()
        shadowOf(phone.activity).addApplicationExitInfo(phone.app.packageName, 0, ApplicationExitInfo.REASON_USER_STOPPED, 0)
        phone.diagnose().use { run ->
            assertEquals(CheckStatus.FAIL, run.report.status(CheckId.APP_NOT_FORCE_STOPPED))
        }
        val crashed = Phone()
        shadowOf(crashed.activity).addApplicationExitInfo(crashed.app.packageName, 0, ApplicationExitInfo.REASON_CRASH, 0)
        crashed.diagnose().use { run ->
            assertEquals(CheckStatus.PASS, run.report.status(CheckId.APP_NOT_FORCE_STOPPED))
        }
    }

    @Test
    fun notificationsOffIsEnableNotificationsOpeningTheAppsNotificationSettings() {
        val phone = Phone()
        shadowOf(phone.notifications).setNotificationsEnabled(false)
        phone.diagnose().use { run ->
            val report = run.report
            assertEquals(ScenarioId.PUSH_NOT_RECEIVED, report.scenario)
            assertEquals(CheckStatus.FAIL, report.status(CheckId.NOTIFICATIONS_ENABLED))
            assertEquals(ActionId.ENABLE_NOTIFICATIONS, report.actions.first().id)
            val target = report.action(ActionId.ENABLE_NOTIFICATIONS).settingsTarget
            assertEquals(SettingsTarget.APP_NOTIFICATION_SETTINGS, target)
            val intent = run.open(target!!)
            assertEquals(Settings.ACTION_APP_NOTIFICATION_SETTINGS, intent.action)
            assertEquals(phone.app.packageName, intent.getStringExtra(Settings.EXTRA_APP_PACKAGE))
            assertTrue(intent.flags and Intent.FLAG_ACTIVITY_NEW_TASK != 0)
        }
    }

    @Test
    fun doNotDisturbOnIsDisableFocusOpeningItsSettings() {
        val phone = Phone()
        phone.notifications.setInterruptionFilter(NotificationManager.INTERRUPTION_FILTER_PRIORITY)
        phone.diagnose().use { run ->
            val report = run.report
            assertEquals(CheckStatus.FAIL, report.status(CheckId.FOCUS_OFF))
            val fix = report.action(ActionId.DISABLE_FOCUS)
            assertEquals(SettingsTarget.FOCUS, fix.settingsTarget)
            assertEquals(Settings.ACTION_ZEN_MODE_PRIORITY_SETTINGS, run.open(fix.settingsTarget!!).action)
        }
    }

    @Test
    fun doNotDisturbOnWithAChannelThatBypassesItPasses() {
        val phone = Phone()
        phone.notifications.getNotificationChannel(MFA_CHANNEL).also {
            it.setBypassDnd(true)
            phone.notifications.createNotificationChannel(it)
        }
        phone.notifications.setInterruptionFilter(NotificationManager.INTERRUPTION_FILTER_PRIORITY)
        phone.diagnose().use { run ->
            val focus = run.report.findings.single { it.check == CheckId.FOCUS_OFF }
            assertEquals(focus.detail, CheckStatus.PASS, focus.status)
            assertTrue(run.report.actions.none { it.id == ActionId.DISABLE_FOCUS })
        }
    }

    @Test
    fun powerSaveOnAndNotExemptOpensBatterySaverAndTheOptimisationList() {
        val phone = Phone()
        shadowOf(phone.power).setIsPowerSaveMode(true)
        shadowOf(phone.power).setIgnoringBatteryOptimizations(phone.app.packageName, false)
        phone.diagnose().use { run ->
            val report = run.report
            assertEquals(CheckStatus.FAIL, report.status(CheckId.BATTERY_SAVER_OFF))
            assertEquals(CheckStatus.FAIL, report.status(CheckId.BATTERY_OPTIMIZATION_EXEMPT))
            val saver = report.action(ActionId.DISABLE_BATTERY_SAVER)
            assertEquals(SettingsTarget.BATTERY_SAVER, saver.settingsTarget)
            assertEquals(Settings.ACTION_BATTERY_SAVER_SETTINGS, run.open(saver.settingsTarget!!).action)
            val exempt = report.action(ActionId.EXEMPT_FROM_BATTERY_OPTIMIZATION)
            assertEquals(SettingsTarget.BATTERY_OPTIMIZATION, exempt.settingsTarget)
            // The app does not hold REQUEST_IGNORE_BATTERY_OPTIMIZATIONS: the list, not the dialog.
            assertEquals(Settings.ACTION_IGNORE_BATTERY_OPTIMIZATION_SETTINGS, run.open(exempt.settingsTarget!!).action)
        }
    }

    @Test
    fun backgroundRestrictedIsAllowBackgroundActivityOpeningTheAppsPage() {
        val phone = Phone()
        shadowOf(phone.activity).setBackgroundRestricted(true)
        phone.diagnose().use { run ->
            val report = run.report
            assertEquals(CheckStatus.FAIL, report.status(CheckId.BACKGROUND_UNRESTRICTED))
            val fix = report.action(ActionId.ALLOW_BACKGROUND_ACTIVITY)
            assertEquals(SettingsTarget.APP_DETAILS, fix.settingsTarget)
            assertAppIntent(Settings.ACTION_APPLICATION_DETAILS_SETTINGS, run.open(fix.settingsTarget!!), phone.app.packageName)
        }
    }

    @Test
    fun theRestrictedStandbyBucketIsFixedByTheBatteryOptimisationExemption() {
        val phone = Phone()
        shadowOf(phone.service<UsageStatsManager>()).setCurrentAppStandbyBucket(UsageStatsManager.STANDBY_BUCKET_RESTRICTED)
        phone.diagnose().use { run ->
            val report = run.report
            val bucket = report.findings.single { it.check == CheckId.STANDBY_BUCKET }
            assertEquals(CheckStatus.FAIL, bucket.status)
            assertTrue(bucket.detail, bucket.detail.contains("restricted"))
            // An exempt app leaves the restricted bucket (Android's own rule).
            val fix = report.reasons.single { it.check == CheckId.STANDBY_BUCKET }.fix
            assertEquals(ActionId.EXEMPT_FROM_BATTERY_OPTIMIZATION, fix)
            val target = report.action(fix!!).settingsTarget
            assertEquals(SettingsTarget.BATTERY_OPTIMIZATION, target)
            assertEquals(Settings.ACTION_IGNORE_BATTERY_OPTIMIZATION_SETTINGS, run.open(target!!).action)
        }
    }

    @Test
    fun android13WithoutPostNotificationsFailsTheNotificationPermission() {
        val phone = Phone()
        shadowOf(phone.app).denyPermissions(Manifest.permission.POST_NOTIFICATIONS)
        phone.diagnose().use { run ->
            val report = run.report
            assertEquals(CheckStatus.FAIL, report.status(CheckId.NOTIFICATION_PERMISSION))
            val fix = report.reasons.single { it.check == CheckId.NOTIFICATION_PERMISSION }.fix!!
            val target = report.action(fix).settingsTarget!!
            assertEquals(SettingsTarget.APP_NOTIFICATION_SETTINGS, target)
            val intent = run.open(target)
            assertEquals(Settings.ACTION_APP_NOTIFICATION_SETTINGS, intent.action)
            assertEquals(phone.app.packageName, intent.getStringExtra(Settings.EXTRA_APP_PACKAGE))
        }
    }

    /**
     * Android 8.0 has no POST_NOTIFICATIONS (nor background restriction or
     * standby buckets): the probe leaves them unknown, and the core reads
     * sdk_int to call the permission not applicable. Notifications off is
     * still found and fixed.
     */
    @Test
    @Config(sdk = [26])
    fun android8HasNoNotificationPermissionToAskFor() {
        val phone = Phone()
        assertEquals(26, Build.VERSION.SDK_INT)
        shadowOf(phone.notifications).setNotificationsEnabled(false)
        phone.diagnose().use { run ->
            val report = run.report
            assertEquals(emptyList<Any>(), report.probeIssues)
            val permission = report.findings.single { it.check == CheckId.NOTIFICATION_PERMISSION }
            assertEquals(permission.detail, CheckStatus.NOT_APPLICABLE, permission.status)
            assertTrue(permission.detail, permission.detail.contains("26"))
            assertEquals(CheckStatus.UNKNOWN, report.status(CheckId.BACKGROUND_UNRESTRICTED))
            assertEquals(CheckStatus.UNKNOWN, report.status(CheckId.STANDBY_BUCKET))
            assertEquals(CheckStatus.FAIL, report.status(CheckId.NOTIFICATIONS_ENABLED))
            val intent = run.open(report.action(ActionId.ENABLE_NOTIFICATIONS).settingsTarget!!)
            assertEquals(Settings.ACTION_APP_NOTIFICATION_SETTINGS, intent.action)
            assertEquals(phone.app.packageName, intent.getStringExtra(Settings.EXTRA_APP_PACKAGE))
        }
    }

    /**
     * PowerManager throws: the power facts are unknown, with the call
     * named, and the run still ends on the other facts, which still decide
     * (notifications off here).
     */
    @Test
    @Config(shadows = [ThrowingPowerManager::class])
    fun aFrameworkCallThatThrowsLeavesItsFactsUnknownAndTheRunEnds() {
        val phone = Phone()
        shadowOf(phone.notifications).setNotificationsEnabled(false)
        phone.diagnose().use { run ->
            val report = run.report
            val issue = report.probeIssues.single()
            assertEquals(ProbeName.POWER, issue.probe)
            assertTrue(issue.reason, issue.reason.contains("PowerManager.isPowerSaveMode threw java.lang.IllegalStateException: power service died"))
            assertEquals(CheckStatus.UNKNOWN, report.status(CheckId.BATTERY_SAVER_OFF))
            assertEquals(CheckStatus.UNKNOWN, report.status(CheckId.BACKGROUND_UNRESTRICTED))
            assertEquals(CheckStatus.PASS, report.status(CheckId.NETWORK_CONNECTED))
            assertEquals(ScenarioId.PUSH_NOT_RECEIVED, report.scenario)
            assertEquals(ActionId.ENABLE_NOTIFICATIONS, report.actions.first().id)
            assertEquals(Settings.ACTION_APP_NOTIFICATION_SETTINGS, run.open(SettingsTarget.APP_NOTIFICATION_SETTINGS).action)
        }
    }

    /** A SecurityException is the trait's NotPermitted, named as such. */
    @Test
    @Config(shadows = [ForbiddenPowerManager::class])
    fun aSecurityExceptionIsNotPermitted() {
        Phone().diagnose().use { run ->
            val issue = run.report.probeIssues.single()
            assertEquals(ProbeName.POWER, issue.probe)
            assertTrue(issue.reason, issue.reason.startsWith("not permitted: PowerManager.isIgnoringBatteryOptimizations"))
        }
    }

    @Test
    fun noPushTokenFailsItsCheck() {
        val phone = Phone()
        phone.tokenRegistered = false
        phone.diagnose().use { run ->
            assertEquals(CheckStatus.FAIL, run.report.status(CheckId.PUSH_TOKEN_REGISTERED))
            assertTrue(run.report.actions.any { it.id == ActionId.REGISTER_FOR_PUSH })
            assertNull(run.report.action(ActionId.REGISTER_FOR_PUSH).settingsTarget)
            assertFalse(run.report.actions.any { it.id == ActionId.ENABLE_NOTIFICATIONS })
        }
    }
}

/** A PowerManager whose service died: the framework throws from the binder call. */
@Implements(PowerManager::class)
class ThrowingPowerManager : ShadowPowerManager() {
    @Implementation
    override fun isPowerSaveMode(): Boolean = throw IllegalStateException("power service died")
}

/** A PowerManager that refuses the app, as a maker's build may. */
@Implements(PowerManager::class)
class ForbiddenPowerManager : ShadowPowerManager() {
    @Implementation
    override fun isIgnoringBatteryOptimizations(packageName: String): Boolean =
        throw SecurityException("the app may not ask")
}
