//! Check ids and what a check can conclude: the words findings are made of.
//! How each check is decided is the engine's (`engine::checks`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Every check the engine knows, with its stable dotted id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CheckId {
    /// Passes when the push notification arrived.
    #[serde(rename = "push.received")]
    PushReceived,
    /// Passes when Accept or Deny was tapped.
    #[serde(rename = "accept.tapped")]
    AcceptTapped,
    /// Passes when Accept responded to the tap.
    #[serde(rename = "accept.responded")]
    AcceptResponded,
    /// Passes when the MFA step completed.
    #[serde(rename = "mfa.completed")]
    MfaCompleted,
    /// Passes when the push was resent and tried again.
    #[serde(rename = "accept.retried")]
    AcceptRetried,
    /// Passes when a later attempt worked (not applicable before any retry).
    #[serde(rename = "accept.retry_succeeded")]
    AcceptRetrySucceeded,
    /// Passes unless Accept still fails after multiple retries.
    #[serde(rename = "accept.retries_under_limit")]
    AcceptRetriesUnderLimit,
    /// Passes when the request is visible inside the app.
    #[serde(rename = "request.visible_in_app")]
    RequestVisibleInApp,
    /// Passes when the request is listed under Pending.
    #[serde(rename = "pending.listed")]
    PendingListed,
    /// Passes when the request showed up after refreshing the Pending tab.
    #[serde(rename = "pending.visible_after_refresh")]
    PendingVisibleAfterRefresh,
    /// Passes when Wi-Fi or mobile data is connected.
    #[serde(rename = "network.connected")]
    NetworkConnected,
    /// Passes when Airplane Mode is off, or on with the device still connected.
    #[serde(rename = "network.airplane_mode")]
    NetworkAirplaneMode,
    /// Passes when the captive-portal check URL gave its known answer: no sign-in page holds the connection.
    #[serde(rename = "network.captive_portal")]
    CaptivePortal,
    /// Passes when the MFA service answered over DNS, TCP, TLS and HTTP; a failure names the stage.
    #[serde(rename = "network.backend_reachable")]
    BackendReachable,
    /// Passes when the MFA service's answer is not a server error.
    #[serde(rename = "service.available")]
    ServiceAvailable,
    /// Passes when an endpoint of the platform's push service (FCM / APNs) could be reached.
    #[serde(rename = "network.push_service_reachable")]
    PushServiceReachable,
    /// Fails when a VPN is on and something could not be reached through it.
    #[serde(rename = "network.proxy_or_vpn")]
    ProxyOrVpn,
    /// Passes when the device clock is within the limit of the MFA service's `Date`.
    #[serde(rename = "clock.skew")]
    ClockSkew,
    /// Android: passes when Data Saver is off or the app has unrestricted data.
    #[serde(rename = "network.data_saver")]
    DataSaver,
    /// Passes when the app-wide notifications switch is on.
    #[serde(rename = "notifications.enabled")]
    NotificationsEnabled,
    /// Android 13+: passes when `POST_NOTIFICATIONS` is granted.
    #[serde(rename = "notifications.permission")]
    NotificationPermission,
    /// Android: passes when the MFA pushes' channel is neither blocked nor silenced.
    #[serde(rename = "notifications.mfa_channel")]
    MfaChannel,
    /// iOS: passes when the notification authorization is `authorized` or `ephemeral`.
    #[serde(rename = "notifications.authorized")]
    NotificationsAuthorized,
    /// iOS: passes when the alert style shows the push (banner or alert).
    #[serde(rename = "notifications.alert_style")]
    AlertStyle,
    /// iOS: passes when the pushes are not held for the Scheduled Summary.
    #[serde(rename = "notifications.immediate_delivery")]
    ImmediateDelivery,
    /// Passes when Focus / Do Not Disturb is off, or the app is an allowed exception.
    #[serde(rename = "focus.off")]
    FocusOff,
    /// Passes when Battery Saver / Low Power Mode is off.
    #[serde(rename = "battery_saver.off")]
    BatterySaverOff,
    /// Android: passes when the app is exempt from battery optimisation.
    #[serde(rename = "power.battery_optimization_exempt")]
    BatteryOptimizationExempt,
    /// Android: passes when the app's background activity is not restricted.
    #[serde(rename = "power.background_unrestricted")]
    BackgroundUnrestricted,
    /// Android: passes when the App Standby bucket does not ration the app's pushes.
    #[serde(rename = "power.standby_bucket")]
    StandbyBucket,
    /// iOS: passes when Background App Refresh is on for the app.
    #[serde(rename = "background_refresh.enabled")]
    BackgroundRefreshEnabled,
    /// Android: passes when the app is not force-stopped, a state FCM delivers nothing to.
    #[serde(rename = "app.not_force_stopped")]
    AppNotForceStopped,
    /// Passes when the app holds a push token (FCM registration or APNs device token).
    #[serde(rename = "push.token_registered")]
    PushTokenRegistered,
    /// Passes when the push arrived after the settings were fixed.
    #[serde(rename = "push.received_after_fixes")]
    PushReceivedAfterFixes,
    /// Passes while the account has not been reconfigured yet: reconfiguring is still left to try.
    #[serde(rename = "account.reconfigure_untried")]
    AccountReconfigureUntried,
    /// Passes when the admin's MFA Report shows `Success` or `Received`.
    #[serde(rename = "admin.mfa_report")]
    AdminMfaReport,
}

impl CheckId {
    /// In the order a report lists them: the request's story first, then
    /// the device's settings, then the admin side.
    pub const ALL: [CheckId; 36] = [
        CheckId::PushReceived,
        CheckId::AcceptTapped,
        CheckId::AcceptResponded,
        CheckId::MfaCompleted,
        CheckId::AcceptRetried,
        CheckId::AcceptRetrySucceeded,
        CheckId::AcceptRetriesUnderLimit,
        CheckId::RequestVisibleInApp,
        CheckId::PendingListed,
        CheckId::PendingVisibleAfterRefresh,
        CheckId::NetworkConnected,
        CheckId::NetworkAirplaneMode,
        CheckId::CaptivePortal,
        CheckId::BackendReachable,
        CheckId::ServiceAvailable,
        CheckId::PushServiceReachable,
        CheckId::ProxyOrVpn,
        CheckId::ClockSkew,
        CheckId::DataSaver,
        CheckId::NotificationsEnabled,
        CheckId::NotificationPermission,
        CheckId::MfaChannel,
        CheckId::NotificationsAuthorized,
        CheckId::AlertStyle,
        CheckId::ImmediateDelivery,
        CheckId::FocusOff,
        CheckId::BatterySaverOff,
        CheckId::BatteryOptimizationExempt,
        CheckId::BackgroundUnrestricted,
        CheckId::StandbyBucket,
        CheckId::BackgroundRefreshEnabled,
        CheckId::AppNotForceStopped,
        CheckId::PushTokenRegistered,
        CheckId::PushReceivedAfterFixes,
        CheckId::AccountReconfigureUntried,
        CheckId::AdminMfaReport,
    ];

    /// The stable dotted id used in every public format (`notifications.enabled`).
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::PushReceived => "push.received",
            CheckId::AcceptTapped => "accept.tapped",
            CheckId::AcceptResponded => "accept.responded",
            CheckId::MfaCompleted => "mfa.completed",
            CheckId::AcceptRetried => "accept.retried",
            CheckId::AcceptRetrySucceeded => "accept.retry_succeeded",
            CheckId::AcceptRetriesUnderLimit => "accept.retries_under_limit",
            CheckId::RequestVisibleInApp => "request.visible_in_app",
            CheckId::PendingListed => "pending.listed",
            CheckId::PendingVisibleAfterRefresh => "pending.visible_after_refresh",
            CheckId::NetworkConnected => "network.connected",
            CheckId::NetworkAirplaneMode => "network.airplane_mode",
            CheckId::CaptivePortal => "network.captive_portal",
            CheckId::BackendReachable => "network.backend_reachable",
            CheckId::ServiceAvailable => "service.available",
            CheckId::PushServiceReachable => "network.push_service_reachable",
            CheckId::ProxyOrVpn => "network.proxy_or_vpn",
            CheckId::DataSaver => "network.data_saver",
            CheckId::NotificationPermission => "notifications.permission",
            CheckId::MfaChannel => "notifications.mfa_channel",
            CheckId::NotificationsAuthorized => "notifications.authorized",
            CheckId::AlertStyle => "notifications.alert_style",
            CheckId::ImmediateDelivery => "notifications.immediate_delivery",
            CheckId::BatteryOptimizationExempt => "power.battery_optimization_exempt",
            CheckId::BackgroundUnrestricted => "power.background_unrestricted",
            CheckId::StandbyBucket => "power.standby_bucket",
            CheckId::AppNotForceStopped => "app.not_force_stopped",
            CheckId::PushTokenRegistered => "push.token_registered",
            CheckId::ClockSkew => "clock.skew",
            CheckId::NotificationsEnabled => "notifications.enabled",
            CheckId::FocusOff => "focus.off",
            CheckId::BatterySaverOff => "battery_saver.off",
            CheckId::BackgroundRefreshEnabled => "background_refresh.enabled",
            CheckId::PushReceivedAfterFixes => "push.received_after_fixes",
            CheckId::AccountReconfigureUntried => "account.reconfigure_untried",
            CheckId::AdminMfaReport => "admin.mfa_report",
        }
    }

    /// What a pass means, for a person.
    pub fn title(self) -> &'static str {
        match self {
            CheckId::PushReceived => "The push notification arrived",
            CheckId::AcceptTapped => "Accept or Deny was tapped",
            CheckId::AcceptResponded => "Accept responded",
            CheckId::MfaCompleted => "The MFA step completed",
            CheckId::AcceptRetried => "The push was resent and tried again",
            CheckId::AcceptRetrySucceeded => "A later attempt worked",
            CheckId::AcceptRetriesUnderLimit => "Not still failing after multiple retries",
            CheckId::RequestVisibleInApp => "The request is visible inside the app",
            CheckId::PendingListed => "The request is listed under Pending",
            CheckId::PendingVisibleAfterRefresh => "The request showed up after refreshing",
            CheckId::NetworkConnected => "Wi-Fi or mobile data is connected",
            CheckId::NetworkAirplaneMode => "Airplane Mode is not cutting the device off",
            CheckId::CaptivePortal => "No captive portal is holding the connection",
            CheckId::BackendReachable => "The MFA service can be reached",
            CheckId::ServiceAvailable => "The MFA service answers normally",
            CheckId::PushServiceReachable => "The push service (FCM / APNs) can be reached",
            CheckId::ProxyOrVpn => "No VPN or proxy is in the way",
            CheckId::DataSaver => "Data Saver does not hold back the app's data (Android)",
            CheckId::NotificationPermission => {
                "The app may post notifications (Android 13+ permission)"
            }
            CheckId::MfaChannel => "The MFA notification channel is on, with sound (Android)",
            CheckId::NotificationsAuthorized => "iOS authorizes the app's notifications",
            CheckId::AlertStyle => "The app's notifications show as banners or alerts (iOS)",
            CheckId::ImmediateDelivery => {
                "The app's notifications are delivered at once, not in a summary (iOS)"
            }
            CheckId::BatteryOptimizationExempt => {
                "The app is exempt from battery optimisation (Android)"
            }
            CheckId::BackgroundUnrestricted => "The app may run in the background (Android)",
            CheckId::StandbyBucket => "App Standby does not ration the app (Android)",
            CheckId::AppNotForceStopped => "The app is not force-stopped (Android)",
            CheckId::PushTokenRegistered => "The app is registered for pushes (FCM / APNs)",
            CheckId::ClockSkew => "The device clock is right",
            CheckId::NotificationsEnabled => "Notifications are allowed for the app",
            CheckId::FocusOff => "Focus / Do Not Disturb is off",
            CheckId::BatterySaverOff => "Battery Saver / Low Power Mode is off",
            CheckId::BackgroundRefreshEnabled => "Background App Refresh is on (iOS)",
            CheckId::PushReceivedAfterFixes => "The push arrived after the fixes",
            CheckId::AccountReconfigureUntried => "The account has not been reconfigured yet",
            CheckId::AdminMfaReport => "The MFA Report shows a healthy status",
        }
    }

    /// The part before the dot: what a JUnit report groups the check under.
    pub fn group(self) -> &'static str {
        let id = self.as_str();
        &id[..id.find('.').unwrap_or(id.len())]
    }

    /// A state of the phone that a person can change (a setting, or the
    /// app's own state that opening it repairs). A failing one is a
    /// problem to fix whichever path the diagnosis took.
    pub fn is_device_setting(self) -> bool {
        matches!(
            self,
            CheckId::NetworkConnected
                | CheckId::NetworkAirplaneMode
                | CheckId::NotificationsEnabled
                | CheckId::FocusOff
                | CheckId::BatterySaverOff
                | CheckId::BackgroundRefreshEnabled
                | CheckId::ClockSkew
        ) || self.is_platform_fact()
    }

    /// Read from the platform's facts beyond the seed (added in 0.2):
    /// notification channel and permission, iOS authorization and
    /// delivery, Android power management and Data Saver, the app's
    /// stopped state and push token.
    pub fn is_platform_fact(self) -> bool {
        matches!(
            self,
            CheckId::DataSaver
                | CheckId::NotificationPermission
                | CheckId::MfaChannel
                | CheckId::NotificationsAuthorized
                | CheckId::AlertStyle
                | CheckId::ImmediateDelivery
                | CheckId::BatteryOptimizationExempt
                | CheckId::BackgroundUnrestricted
                | CheckId::StandbyBucket
                | CheckId::AppNotForceStopped
                | CheckId::PushTokenRegistered
        )
    }

    /// The seed's troubleshooting flow asks about this check. The network
    /// probes' checks and the platform facts are Push Doctor's own: a
    /// reason the seed names ranks before them when both explain a case.
    pub fn is_from_seed(self) -> bool {
        !(self.is_network_probe() || self.is_platform_fact())
    }

    /// Measured by the active network probes (`docs/network.md`) rather
    /// than reported by the platform. Their fixes, too, apply whichever
    /// path the diagnosis took: a blocked push service stops the next
    /// push as surely as a setting does.
    pub fn is_network_probe(self) -> bool {
        matches!(
            self,
            CheckId::CaptivePortal
                | CheckId::BackendReachable
                | CheckId::ServiceAvailable
                | CheckId::PushServiceReachable
                | CheckId::ProxyOrVpn
                | CheckId::ClockSkew
        )
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The healthy state the check names holds.
    Pass,
    /// The healthy state does not hold: this is a reason, with its fix.
    Fail,
    /// The evidence to decide is missing: the flow asks instead.
    Unknown,
    /// The check does not apply here (another platform, an older Android, no retry yet).
    NotApplicable,
}

impl CheckStatus {
    /// The stable id used in every public format (`not_applicable`).
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Unknown => "unknown",
            CheckStatus::NotApplicable => "not_applicable",
        }
    }
}

/// Where the fact that decided a finding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceSource {
    /// A field of the device snapshot.
    Snapshot,
    /// The admin's MFA Report status.
    MfaReport,
    /// Another fact that logically implies this one.
    Derived,
    /// A measurement of the active network probes (the snapshot's `probes`).
    Probe,
    /// A person's answer during the guided walk.
    Person,
    /// Nothing: the fact is not known.
    None,
}

impl EvidenceSource {
    /// The id written in a diagnosis's JSON (`snapshot`, `mfa_report`, …),
    /// for the bindings, which carry ids as strings.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceSource::Snapshot => "snapshot",
            EvidenceSource::MfaReport => "mfa_report",
            EvidenceSource::Derived => "derived",
            EvidenceSource::Probe => "probe",
            EvidenceSource::Person => "person",
            EvidenceSource::None => "none",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bindings carry `as_str`, the JSON carries serde's name: they
    /// must be one id.
    #[test]
    fn evidence_source_as_str_is_its_json_name() {
        use EvidenceSource as S;
        for source in [
            S::Snapshot,
            S::MfaReport,
            S::Derived,
            S::Probe,
            S::Person,
            S::None,
        ] {
            let json = serde_json::to_value(source).unwrap();
            assert_eq!(json.as_str(), Some(source.as_str()), "{source:?}");
        }
    }
}
