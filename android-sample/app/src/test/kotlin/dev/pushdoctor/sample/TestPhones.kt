package dev.pushdoctor.sample

import uniffi.pushdoctor_ffi.AgentConfig
import uniffi.pushdoctor_ffi.ChannelImportance
import uniffi.pushdoctor_ffi.DataSaver
import uniffi.pushdoctor_ffi.DeviceFacts
import uniffi.pushdoctor_ffi.FocusFacts
import uniffi.pushdoctor_ffi.NetworkFacts
import uniffi.pushdoctor_ffi.NotificationFacts
import uniffi.pushdoctor_ffi.Platform
import uniffi.pushdoctor_ffi.PlatformException
import uniffi.pushdoctor_ffi.PlatformProbe
import uniffi.pushdoctor_ffi.PowerFacts
import uniffi.pushdoctor_ffi.PushDoctorAgent
import uniffi.pushdoctor_ffi.SettingsTarget
import uniffi.pushdoctor_ffi.StandbyBucket
import java.io.File

/**
 * One example phone's facts, handed to the real agent the way a
 * `PlatformProbe` hands them: this is how the bindings diagnose a given
 * snapshot (the facts become the snapshot, the core judges it). The
 * screens' logic is tested on the agent's real reports; the Android probe
 * itself is tested against the framework in the probe's own tests.
 * Healthy in every setting unless the test turns one off. [openSettings]
 * records each target and answers [opens] (or throws [openThrows]).
 */
class ExamplePhone(
    private val notificationsEnabled: Boolean = true,
    private val connected: Boolean = true,
    var opens: Boolean = true,
    var openThrows: Boolean = false,
) : PlatformProbe {
    val opened = mutableListOf<SettingsTarget>()

    override suspend fun network() = NetworkFacts(
        connected = connected, airplaneMode = false, transport = if (connected) "wifi" else null, vpn = false,
        proxy = false, validated = connected, captivePortal = false, dataSaver = DataSaver.OFF,
    )

    override suspend fun notifications() =
        NotificationFacts(enabled = notificationsEnabled, mfaChannelImportance = ChannelImportance.HIGH, permissionGranted = true)

    override suspend fun focus() = FocusFacts(active = false, appAllowed = false)

    override suspend fun power() = PowerFacts(
        batterySaver = false, batteryOptimizationExempt = true, backgroundRestricted = false,
        standbyBucket = StandbyBucket.ACTIVE,
    )

    override suspend fun device() = DeviceFacts(
        model = "Pixel 8", osVersion = "15", appVersion = "1.0", locale = "en_GB", manufacturer = "Google",
        sdkInt = 35, forceStopped = false, pushTokenRegistered = true,
    )

    override fun openSettings(target: SettingsTarget): Boolean {
        synchronized(opened) { opened += target }
        if (openThrows) throw PlatformException.Unexpected("the settings app is missing")
        return opens
    }
}

/** A phone whose every fact is unavailable: the walk must ask the person what the phone could not say. */
class SilentPhone : PlatformProbe {
    private fun none(): Nothing = throw PlatformException.NotAvailable("this test's phone answers nothing")
    override suspend fun network(): NetworkFacts = none()
    override suspend fun notifications(): NotificationFacts = none()
    override suspend fun focus(): FocusFacts = none()
    override suspend fun power(): PowerFacts = none()
    override suspend fun device(): DeviceFacts = none()
    override fun openSettings(target: SettingsTarget) = false
}

/** An agent over [phone], its logs kept in [logDir] when given (which turns the automatic bundle on). */
fun testAgent(phone: PlatformProbe, logDir: File? = null) = PushDoctorAgent(
    AgentConfig(
        platform = Platform.ANDROID,
        logDirectory = logDir?.path,
        callbackTimeoutMs = 2_000L,
        echoToPlatformLog = false,
    ),
    phone,
)
