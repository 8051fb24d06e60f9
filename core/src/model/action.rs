//! What a person can be told to do, with the seed's own wording and the
//! platform's settings paths exactly as the seed gives them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::seed;
use crate::model::CheckId;
use crate::model::Maker;
use crate::model::Platform;

/// Every action the flow can call for, with its stable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionId {
    /// Turn on Wi-Fi or mobile data and turn off Airplane Mode.
    EnableNetwork,
    /// Allow the app's notifications in the phone's settings.
    EnableNotifications,
    /// Turn off Focus (iOS) or Do Not Disturb (Android), or exempt the app.
    DisableFocus,
    /// Turn off Low Power Mode (iOS) or Battery Saver (Android), or exempt the app.
    DisableBatterySaver,
    /// iOS: turn on Background App Refresh for the app.
    EnableBackgroundRefresh,
    /// A captive portal holds the connection: sign in to the Wi-Fi network.
    SignInToNetwork,
    /// A VPN or proxy stands between the phone and the service: turn it off.
    DisableVpnOrProxy,
    /// This network blocks the service or the push service: try another one.
    SwitchNetwork,
    /// The clock is off far enough to break TLS and one-time codes: set it automatically.
    EnableAutomaticTime,
    /// The service itself is failing: try later, then tell the admin.
    WaitForService,
    /// The service refused the connection (down, or its port closed):
    /// another network will not help; tell the admin.
    ReportServiceDown,
    /// The health URL answered 4xx: the URL is wrong; check it.
    CheckServiceUrl,
    /// Android: turn on the notification channel the MFA pushes use.
    EnableMfaChannel,
    /// iOS: show the app's notifications as alerts, not silently.
    ShowNotificationAlerts,
    /// iOS: deliver the app's notifications at once, not in a scheduled summary.
    DeliverImmediately,
    /// Android: exempt the app from battery optimisation so pushes wake it.
    ExemptFromBatteryOptimization,
    /// Android: lift the restriction on the app's background activity.
    AllowBackgroundActivity,
    /// Android: let the app use data while Data Saver is on.
    AllowBackgroundData,
    /// Android: open a force-stopped app once, since a stopped app gets no pushes.
    OpenApp,
    /// The app has no push token: let it register again (open it online).
    RegisterForPush,
    /// Tap Accept or Deny to complete the MFA step.
    ApproveRequest,
    /// Open the app's Pending tab, where the request waits.
    OpenPendingTab,
    /// Pull down on the Pending tab to refresh it.
    RefreshPending,
    /// Retry the login so that a new push is sent.
    ResendPush,
    /// Send the app's logs to the developer.
    ShareLogs,
    /// Hand over to the admin, who checks the MFA Report.
    EscalateToAdmin,
    /// The last resort: reconfigure the account in the Authenticator app.
    ReconfigureAccount,
    /// Ask the admin to reset the user's MFA.
    RequestMfaReset,
}

/// How far up the support ladder a diagnosis goes. Ordered: a diagnosis's
/// level is the highest level among its actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Escalation {
    /// Nothing beyond what the person can do on the phone right now.
    None,
    /// Retry the login so that a new push is sent.
    Retry,
    /// Send the app's logs to the developer.
    ShareLogs,
    /// The admin checks the MFA Report.
    ContactAdmin,
    /// Reconfigure the account in the Authenticator app.
    ReconfigureAccount,
    /// The admin resets the user's MFA.
    AdminResetMfa,
}

impl Escalation {
    /// The stable id used in every public format (`contact_admin`).
    pub fn as_str(self) -> &'static str {
        match self {
            Escalation::None => "none",
            Escalation::Retry => "retry",
            Escalation::ShareLogs => "share_logs",
            Escalation::ContactAdmin => "contact_admin",
            Escalation::ReconfigureAccount => "reconfigure_account",
            Escalation::AdminResetMfa => "admin_reset_mfa",
        }
    }
}

/// A place in the phone's settings the app can open directly. The platform
/// layer maps each to its own deep link (an Android settings intent, an iOS
/// settings URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingsTarget {
    /// The Wi-Fi and mobile data settings.
    NetworkSettings,
    /// The app's own notification settings.
    AppNotificationSettings,
    /// Focus (iOS) or Do Not Disturb (Android).
    Focus,
    /// Low Power Mode (iOS) or Battery Saver (Android).
    BatterySaver,
    /// iOS: Background App Refresh.
    BackgroundRefresh,
    /// The VPN settings (Android has a screen of its own; iOS opens Settings).
    Vpn,
    /// The date and time settings, where automatic time is turned on.
    DateTime,
    /// Android: the settings of the notification channel the MFA pushes
    /// use (added in 0.2).
    NotificationChannel,
    /// Android: the app's battery optimisation exemption (added in 0.2).
    BatteryOptimization,
    /// Android: the app's info page, where background use is allowed
    /// (added in 0.2).
    AppDetails,
    /// Android: Data Saver's unrestricted-data list (added in 0.2).
    DataSaver,
}

impl SettingsTarget {
    /// Every target, in the order `docs/bindings.md` lists them.
    pub const ALL: [SettingsTarget; 11] = [
        SettingsTarget::NetworkSettings,
        SettingsTarget::AppNotificationSettings,
        SettingsTarget::Focus,
        SettingsTarget::BatterySaver,
        SettingsTarget::BackgroundRefresh,
        SettingsTarget::Vpn,
        SettingsTarget::DateTime,
        SettingsTarget::NotificationChannel,
        SettingsTarget::BatteryOptimization,
        SettingsTarget::AppDetails,
        SettingsTarget::DataSaver,
    ];

    /// The stable id the platform layer maps to its deep link.
    pub fn as_str(self) -> &'static str {
        match self {
            SettingsTarget::NetworkSettings => "network_settings",
            SettingsTarget::AppNotificationSettings => "app_notification_settings",
            SettingsTarget::Focus => "focus",
            SettingsTarget::BatterySaver => "battery_saver",
            SettingsTarget::BackgroundRefresh => "background_refresh",
            SettingsTarget::Vpn => "vpn",
            SettingsTarget::DateTime => "date_time",
            SettingsTarget::NotificationChannel => "notification_channel",
            SettingsTarget::BatteryOptimization => "battery_optimization",
            SettingsTarget::AppDetails => "app_details",
            SettingsTarget::DataSaver => "data_saver",
        }
    }
}

/// One thing to do, rendered for one platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// Which action this is; the rest is its rendering for the platform.
    pub id: ActionId,
    /// A short imperative title for a button or a list.
    pub title: String,
    /// The seed's "what to do", word for word.
    pub guidance: String,
    /// The settings path on this platform, as the seed gives it; empty where
    /// the seed gives none.
    pub steps: Vec<String>,
    /// Where a deep link can take the person, if anywhere.
    pub settings_target: Option<SettingsTarget>,
    /// The support level this action implies.
    pub escalation: Escalation,
}

impl ActionId {
    /// Every action, in the order the flow's tables meet them.
    pub const ALL: [ActionId; 28] = [
        ActionId::EnableNetwork,
        ActionId::EnableNotifications,
        ActionId::DisableFocus,
        ActionId::DisableBatterySaver,
        ActionId::EnableBackgroundRefresh,
        ActionId::SignInToNetwork,
        ActionId::DisableVpnOrProxy,
        ActionId::SwitchNetwork,
        ActionId::EnableAutomaticTime,
        ActionId::WaitForService,
        ActionId::ReportServiceDown,
        ActionId::CheckServiceUrl,
        ActionId::EnableMfaChannel,
        ActionId::ShowNotificationAlerts,
        ActionId::DeliverImmediately,
        ActionId::ExemptFromBatteryOptimization,
        ActionId::AllowBackgroundActivity,
        ActionId::AllowBackgroundData,
        ActionId::OpenApp,
        ActionId::RegisterForPush,
        ActionId::ApproveRequest,
        ActionId::OpenPendingTab,
        ActionId::RefreshPending,
        ActionId::ResendPush,
        ActionId::ShareLogs,
        ActionId::EscalateToAdmin,
        ActionId::ReconfigureAccount,
        ActionId::RequestMfaReset,
    ];

    /// The stable id used in every public format (`enable_notifications`).
    pub fn as_str(self) -> &'static str {
        match self {
            ActionId::EnableNetwork => "enable_network",
            ActionId::EnableNotifications => "enable_notifications",
            ActionId::DisableFocus => "disable_focus",
            ActionId::DisableBatterySaver => "disable_battery_saver",
            ActionId::EnableBackgroundRefresh => "enable_background_refresh",
            ActionId::SignInToNetwork => "sign_in_to_network",
            ActionId::DisableVpnOrProxy => "disable_vpn_or_proxy",
            ActionId::SwitchNetwork => "switch_network",
            ActionId::EnableAutomaticTime => "enable_automatic_time",
            ActionId::WaitForService => "wait_for_service",
            ActionId::ReportServiceDown => "report_service_down",
            ActionId::CheckServiceUrl => "check_service_url",
            ActionId::EnableMfaChannel => "enable_mfa_channel",
            ActionId::ShowNotificationAlerts => "show_notification_alerts",
            ActionId::DeliverImmediately => "deliver_immediately",
            ActionId::ExemptFromBatteryOptimization => "exempt_from_battery_optimization",
            ActionId::AllowBackgroundActivity => "allow_background_activity",
            ActionId::AllowBackgroundData => "allow_background_data",
            ActionId::OpenApp => "open_app",
            ActionId::RegisterForPush => "register_for_push",
            ActionId::ApproveRequest => "approve_request",
            ActionId::OpenPendingTab => "open_pending_tab",
            ActionId::RefreshPending => "refresh_pending",
            ActionId::ResendPush => "resend_push",
            ActionId::ShareLogs => "share_logs",
            ActionId::EscalateToAdmin => "escalate_to_admin",
            ActionId::ReconfigureAccount => "reconfigure_account",
            ActionId::RequestMfaReset => "request_mfa_reset",
        }
    }

    /// The check whose failure this action fixes, for the device settings.
    pub fn fixes(self) -> Option<CheckId> {
        match self {
            ActionId::EnableNetwork => Some(CheckId::NetworkConnected),
            ActionId::EnableNotifications => Some(CheckId::NotificationsEnabled),
            ActionId::DisableFocus => Some(CheckId::FocusOff),
            ActionId::DisableBatterySaver => Some(CheckId::BatterySaverOff),
            ActionId::EnableBackgroundRefresh => Some(CheckId::BackgroundRefreshEnabled),
            ActionId::SignInToNetwork => Some(CheckId::CaptivePortal),
            ActionId::DisableVpnOrProxy => Some(CheckId::ProxyOrVpn),
            ActionId::SwitchNetwork => Some(CheckId::BackendReachable),
            ActionId::EnableAutomaticTime => Some(CheckId::ClockSkew),
            ActionId::WaitForService => Some(CheckId::ServiceAvailable),
            ActionId::EnableMfaChannel => Some(CheckId::MfaChannel),
            ActionId::ShowNotificationAlerts => Some(CheckId::AlertStyle),
            ActionId::DeliverImmediately => Some(CheckId::ImmediateDelivery),
            ActionId::ExemptFromBatteryOptimization => Some(CheckId::BatteryOptimizationExempt),
            ActionId::AllowBackgroundActivity => Some(CheckId::BackgroundUnrestricted),
            ActionId::AllowBackgroundData => Some(CheckId::DataSaver),
            ActionId::OpenApp => Some(CheckId::AppNotForceStopped),
            ActionId::RegisterForPush => Some(CheckId::PushTokenRegistered),
            _ => None,
        }
    }

    /// Whether this action fixes `check` (airplane mode is fixed by the same
    /// action as connectivity: the seed gives them one row; a network that
    /// blocks the push service, like one that blocks the MFA service, is
    /// left for another; allowing the app's notifications is what grants
    /// Android 13's permission and lifts an iOS authorization; an app
    /// exempt from battery optimisation leaves App Standby's rationing).
    pub fn is_fix_for(self, check: CheckId) -> bool {
        self.fixes() == Some(check)
            || matches!(
                (self, check),
                (ActionId::EnableNetwork, CheckId::NetworkAirplaneMode)
                    | (ActionId::SwitchNetwork, CheckId::PushServiceReachable)
                    | (
                        ActionId::EnableNotifications,
                        CheckId::NotificationPermission | CheckId::NotificationsAuthorized
                    )
                    | (
                        ActionId::ExemptFromBatteryOptimization,
                        CheckId::StandbyBucket
                    )
            )
    }

    /// The action that fixes a failing device setting.
    pub fn fixing(check: CheckId) -> Option<ActionId> {
        ActionId::ALL.into_iter().find(|a| a.is_fix_for(check))
    }

    /// The check whose answer shows that the person already did this: once
    /// the Pending tab's contents are known, it was opened.
    pub fn done_once_known(self) -> Option<CheckId> {
        match self {
            ActionId::OpenPendingTab => Some(CheckId::PendingListed),
            ActionId::RefreshPending => Some(CheckId::PendingVisibleAfterRefresh),
            _ => None,
        }
    }

    /// How far up the support ladder this action goes.
    pub fn escalation(self) -> Escalation {
        match self {
            ActionId::ResendPush => Escalation::Retry,
            ActionId::ShareLogs => Escalation::ShareLogs,
            ActionId::EscalateToAdmin
            | ActionId::WaitForService
            | ActionId::ReportServiceDown
            | ActionId::CheckServiceUrl => Escalation::ContactAdmin,
            ActionId::ReconfigureAccount => Escalation::ReconfigureAccount,
            ActionId::RequestMfaReset => Escalation::AdminResetMfa,
            _ => Escalation::None,
        }
    }

    /// A short imperative title for a button or a list, in the platform's own words (Focus on iOS, Do Not Disturb on Android).
    pub fn title(self, platform: Platform) -> &'static str {
        match (self, platform) {
            (ActionId::EnableNetwork, _) => "Turn on Wi-Fi or mobile data",
            (ActionId::EnableNotifications, _) => "Allow notifications for the app",
            (ActionId::DisableFocus, Platform::Ios) => "Turn off Focus",
            (ActionId::DisableFocus, Platform::Android) => "Turn off Do Not Disturb",
            (ActionId::DisableBatterySaver, Platform::Ios) => "Turn off Low Power Mode",
            (ActionId::DisableBatterySaver, Platform::Android) => "Turn off Battery Saver",
            (ActionId::EnableBackgroundRefresh, _) => "Turn on Background App Refresh",
            (ActionId::SignInToNetwork, _) => "Sign in to the Wi-Fi network",
            (ActionId::DisableVpnOrProxy, _) => "Turn off the VPN or proxy",
            (ActionId::SwitchNetwork, _) => "Try another network",
            (ActionId::EnableAutomaticTime, _) => "Turn on automatic date and time",
            (ActionId::WaitForService, _) => "Try again later, then tell the admin",
            (ActionId::ReportServiceDown, _) => "Tell the admin the service refuses connections",
            (ActionId::CheckServiceUrl, _) => "Check the MFA service's URL",
            (ActionId::EnableMfaChannel, _) => "Turn on the app's sign-in notifications channel",
            (ActionId::ShowNotificationAlerts, _) => "Show the app's notifications as banners",
            (ActionId::DeliverImmediately, _) => "Deliver the app's notifications immediately",
            (ActionId::ExemptFromBatteryOptimization, _) => {
                "Let the app run without battery optimisation"
            }
            (ActionId::AllowBackgroundActivity, _) => "Allow the app's background activity",
            (ActionId::AllowBackgroundData, _) => "Give the app unrestricted data",
            (ActionId::OpenApp, _) => "Open the app once",
            (ActionId::RegisterForPush, _) => "Let the app register for pushes again",
            (ActionId::ApproveRequest, _) => "Approve or deny the request",
            (ActionId::OpenPendingTab, _) => "Open the Pending tab",
            (ActionId::RefreshPending, _) => "Refresh the Pending tab",
            (ActionId::ResendPush, _) => "Retry the login to resend the push",
            (ActionId::ShareLogs, _) => "Share the app's logs with the developer",
            (ActionId::EscalateToAdmin, _) => "Escalate to the admin",
            (ActionId::ReconfigureAccount, _) => "Reconfigure the account in the app",
            (ActionId::RequestMfaReset, _) => "Ask the admin to reset MFA",
        }
    }

    /// The seed's "what to do" for this action, on this platform. The
    /// seed predates the network probes and the platform facts: their
    /// actions' words are Push Doctor's own ([`ActionId::is_from_seed`]).
    pub fn guidance(self, platform: Platform) -> &'static str {
        match (self, platform) {
            (ActionId::SignInToNetwork, _) => NETWORK_SIGN_IN,
            (ActionId::DisableVpnOrProxy, _) => NETWORK_VPN,
            (ActionId::SwitchNetwork, _) => NETWORK_SWITCH,
            (ActionId::EnableAutomaticTime, _) => NETWORK_CLOCK,
            (ActionId::WaitForService, _) => NETWORK_SERVICE,
            (ActionId::ReportServiceDown, _) => NETWORK_REFUSED,
            (ActionId::CheckServiceUrl, _) => NETWORK_WRONG_URL,
            (ActionId::EnableMfaChannel, _) => FACT_MFA_CHANNEL,
            (ActionId::ShowNotificationAlerts, _) => FACT_ALERTS,
            (ActionId::DeliverImmediately, _) => FACT_SUMMARY,
            (ActionId::ExemptFromBatteryOptimization, _) => FACT_BATTERY_OPTIMIZATION,
            (ActionId::AllowBackgroundActivity, _) => FACT_BACKGROUND,
            (ActionId::AllowBackgroundData, _) => FACT_DATA_SAVER,
            (ActionId::OpenApp, _) => FACT_FORCE_STOPPED,
            (ActionId::RegisterForPush, _) => FACT_PUSH_TOKEN,
            (ActionId::EnableNetwork, _) => seed::DO_ENABLE_NETWORK,
            (ActionId::EnableNotifications, Platform::Ios) => seed::DO_NOTIFICATIONS_IOS,
            (ActionId::EnableNotifications, Platform::Android) => seed::DO_NOTIFICATIONS_ANDROID,
            (ActionId::DisableFocus | ActionId::DisableBatterySaver, _) => {
                seed::DO_DISABLE_OR_EXEMPT
            }
            (ActionId::EnableBackgroundRefresh, _) => seed::DO_BACKGROUND_REFRESH,
            (ActionId::ApproveRequest, _) => seed::DO_COMPLETE_MFA,
            (ActionId::OpenPendingTab, _) => seed::DO_GO_TO_PENDING,
            (ActionId::RefreshPending, _) => seed::DO_REFRESH_PENDING,
            (ActionId::ResendPush, _) => seed::DO_RETRY_LOGIN,
            (ActionId::ShareLogs, _) => seed::DO_SHARE_LOGS,
            (ActionId::EscalateToAdmin, _) => seed::DO_ESCALATE,
            (ActionId::ReconfigureAccount, _) => seed::ABOUT_RECONFIGURE_ACCOUNT,
            (ActionId::RequestMfaReset, _) => seed::ABOUT_ADMIN_RESET_MFA,
        }
    }

    /// The settings path on this platform, where the seed gives one (or,
    /// for the actions of Push Doctor's own, where the platform has it).
    pub fn steps(self, platform: Platform) -> &'static [&'static str] {
        match (self, platform) {
            (ActionId::EnableMfaChannel, Platform::Android) => &[
                "Settings > Apps > miniOrange Authenticator > Notifications > the sign-in requests channel > Allow, set to Default (sound and pop on screen)",
            ],
            (ActionId::ShowNotificationAlerts, Platform::Ios) => &[
                "Settings > Notifications > miniOrange Authenticator > Alerts: Lock Screen, Notification Center and Banners",
            ],
            (ActionId::DeliverImmediately, Platform::Ios) => &[
                "Settings > Notifications > miniOrange Authenticator > Notification Delivery > Immediate Delivery",
            ],
            (ActionId::ExemptFromBatteryOptimization, Platform::Android) => &[
                "Settings > Apps > miniOrange Authenticator > App battery usage > Unrestricted (older Android: Settings > Apps > Special app access > Battery optimization > All apps > miniOrange Authenticator > Don't optimize)",
            ],
            (ActionId::AllowBackgroundActivity, Platform::Android) => &[
                "Settings > Apps > miniOrange Authenticator > App battery usage > Allow background usage (older Android: Battery > Background restriction > Remove)",
            ],
            (ActionId::AllowBackgroundData, Platform::Android) => &[
                "Settings > Network & internet > Data Saver > Unrestricted data > miniOrange Authenticator: on",
            ],
            (ActionId::EnableNotifications, Platform::Ios) => &[seed::DO_NOTIFICATIONS_IOS],
            (ActionId::EnableNotifications, Platform::Android) => &[seed::DO_NOTIFICATIONS_ANDROID],
            (ActionId::EnableBackgroundRefresh, Platform::Ios) => &[seed::DO_BACKGROUND_REFRESH],
            (ActionId::EnableAutomaticTime, Platform::Android) => {
                &["Settings > System > Date & time > Set time automatically"]
            }
            (ActionId::EnableAutomaticTime, Platform::Ios) => {
                &["Settings > General > Date & Time > Set Automatically"]
            }
            (ActionId::DisableVpnOrProxy, Platform::Android) => {
                &["Settings > Network & internet > VPN"]
            }
            (ActionId::DisableVpnOrProxy, Platform::Ios) => {
                &["Settings > General > VPN & Device Management > VPN"]
            }
            _ => &[],
        }
    }

    /// Where a deep link can take the person to do this, if anywhere.
    pub fn settings_target(self) -> Option<SettingsTarget> {
        match self {
            ActionId::EnableNetwork => Some(SettingsTarget::NetworkSettings),
            ActionId::EnableNotifications => Some(SettingsTarget::AppNotificationSettings),
            ActionId::DisableFocus => Some(SettingsTarget::Focus),
            ActionId::DisableBatterySaver => Some(SettingsTarget::BatterySaver),
            ActionId::EnableBackgroundRefresh => Some(SettingsTarget::BackgroundRefresh),
            ActionId::SignInToNetwork | ActionId::SwitchNetwork => {
                Some(SettingsTarget::NetworkSettings)
            }
            ActionId::DisableVpnOrProxy => Some(SettingsTarget::Vpn),
            ActionId::EnableAutomaticTime => Some(SettingsTarget::DateTime),
            ActionId::EnableMfaChannel => Some(SettingsTarget::NotificationChannel),
            ActionId::ShowNotificationAlerts | ActionId::DeliverImmediately => {
                Some(SettingsTarget::AppNotificationSettings)
            }
            ActionId::ExemptFromBatteryOptimization => Some(SettingsTarget::BatteryOptimization),
            ActionId::AllowBackgroundActivity => Some(SettingsTarget::AppDetails),
            ActionId::AllowBackgroundData => Some(SettingsTarget::DataSaver),
            _ => None,
        }
    }

    /// The action's words are the seed's. The actions of the network
    /// probes and of the platform facts are not: the seed has no step for
    /// a captive portal, a blocked port, a wrong clock, a silenced channel
    /// or battery optimisation.
    pub fn is_from_seed(self) -> bool {
        match self {
            // Fixes a network check picks by its failure's kind
            // (`engine::checks::fix_for`), not a check's one fix.
            ActionId::ReportServiceDown | ActionId::CheckServiceUrl => false,
            _ => self.fixes().is_none_or(CheckId::is_from_seed),
        }
    }

    /// The action as a person on `platform` sees it.
    pub fn render(self, platform: Platform) -> Action {
        Action {
            id: self,
            title: self.title(platform).to_string(),
            guidance: self.guidance(platform).to_string(),
            steps: self.steps(platform).iter().map(|s| s.to_string()).collect(),
            settings_target: self.settings_target(),
            escalation: self.escalation(),
        }
    }

    /// The action as a person on `platform` sees it, on a phone made by
    /// `manufacturer` (the snapshot's `device.manufacturer`): on a maker
    /// known to kill background apps ([`Maker::background_killer`]), the
    /// battery-optimisation fix names the maker's own setting as well,
    /// since Android's exemption alone does not stop that maker's killer.
    /// Every other action renders as [`ActionId::render`] does.
    pub fn render_on(self, platform: Platform, manufacturer: Option<&str>) -> Action {
        let mut action = self.render(platform);
        let maker = manufacturer.and_then(Maker::background_killer);
        if let (ActionId::ExemptFromBatteryOptimization, Platform::Android, Some(maker)) =
            (self, platform, maker)
        {
            action.steps.push(maker.own_setting.to_string());
        }
        action
    }
}

const NETWORK_SIGN_IN: &str = "This Wi-Fi network wants a sign-in first (hotel, airport, guest Wi-Fi): open any web page in the browser and sign in, or switch to mobile data, then retry the login.";
const NETWORK_VPN: &str = "A VPN or proxy is on and the services the app needs cannot be reached through it: turn it off and retry the login, or ask whoever runs it to allow the MFA service and the push service's ports.";
const NETWORK_SWITCH: &str = "This network does not let the phone reach a service the app needs: switch between Wi-Fi and mobile data (or to another Wi-Fi), then retry the login. If it works elsewhere, this network's firewall or DNS blocks it: tell the network's admin.";
const NETWORK_REFUSED: &str = "The server refused the connection: nothing listens on its port, so the service is down or its address is wrong. Another network will not change that, and nothing on the phone needs changing. Try again in a few minutes; if it goes on, tell the admin.";
const NETWORK_WRONG_URL: &str = "The MFA service answered, but its health URL says the page does not exist (a 4xx answer): the URL is mistyped or out of date. Check the URL the app (or the probe) was given; if it is right, tell the admin.";
const NETWORK_CLOCK: &str = "The phone's clock is wrong, which breaks secure connections and time-based codes: turn on automatic date and time, then retry the login.";
const FACT_MFA_CHANNEL: &str = "The app's notifications are on, but the channel its sign-in requests use is blocked or silenced: allow that channel and let it make a sound and pop on screen, then retry the login.";
const FACT_ALERTS: &str = "The app's notifications arrive without a banner or an alert, so a sign-in request goes unseen: turn on Lock Screen and Banners for the app, then retry the login.";
const FACT_SUMMARY: &str = "The app's notifications wait for the Scheduled Summary, so a sign-in request can show up hours late: switch the app to Immediate Delivery, then retry the login.";
const FACT_BATTERY_OPTIMIZATION: &str = "Battery optimisation holds the app's pushes back while the phone is idle: let the app use the battery without restriction, then retry the login.";
const FACT_BACKGROUND: &str = "The app may not run in the background, so its pushes wait until it is opened: allow its background usage, then retry the login.";
const FACT_DATA_SAVER: &str = "Data Saver is on and the app may not use mobile data in the background: give it unrestricted data (or use Wi-Fi), then retry the login.";
const FACT_FORCE_STOPPED: &str = "The app was force-stopped, and Android delivers no push to a stopped app: open the app once (and do not force-stop it again), then retry the login.";
const FACT_PUSH_TOKEN: &str = "The app is not registered with the push service, so the sign-in request has nowhere to go: open the app while connected to the internet so it registers again, then retry the login. If it still is not registered, reconfigure the account.";
const NETWORK_SERVICE: &str = "The MFA service answered with an error of its own: nothing on the phone needs changing. Try again in a few minutes; if it goes on, tell the admin.";

impl fmt::Display for ActionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_serde() {
        for action in ActionId::ALL {
            assert_eq!(
                serde_json::to_string(&action).unwrap(),
                format!("\"{}\"", action.as_str())
            );
        }
        for level in [
            Escalation::None,
            Escalation::Retry,
            Escalation::ShareLogs,
            Escalation::ContactAdmin,
            Escalation::ReconfigureAccount,
            Escalation::AdminResetMfa,
        ] {
            assert_eq!(
                serde_json::to_string(&level).unwrap(),
                format!("\"{}\"", level.as_str())
            );
        }
    }

    #[test]
    fn every_device_setting_and_probe_has_exactly_one_fix() {
        for check in CheckId::ALL
            .into_iter()
            .filter(|c| c.is_device_setting() || c.is_network_probe())
        {
            let fixes: Vec<_> = ActionId::ALL
                .into_iter()
                .filter(|a| a.is_fix_for(check))
                .collect();
            assert_eq!(fixes.len(), 1, "{check}");
        }
    }

    /// The fixes for the platform facts are Push Doctor's own words, each
    /// with the settings path of the platform the check exists on, and a
    /// settings screen wherever one fixes it.
    #[test]
    fn the_platform_facts_fixes_are_our_own_with_a_path_and_a_screen() {
        use SettingsTarget as T;
        let table = [
            (
                CheckId::MfaChannel,
                ActionId::EnableMfaChannel,
                Platform::Android,
                Some(T::NotificationChannel),
            ),
            (
                CheckId::NotificationPermission,
                ActionId::EnableNotifications,
                Platform::Android,
                Some(T::AppNotificationSettings),
            ),
            (
                CheckId::NotificationsAuthorized,
                ActionId::EnableNotifications,
                Platform::Ios,
                Some(T::AppNotificationSettings),
            ),
            (
                CheckId::AlertStyle,
                ActionId::ShowNotificationAlerts,
                Platform::Ios,
                Some(T::AppNotificationSettings),
            ),
            (
                CheckId::ImmediateDelivery,
                ActionId::DeliverImmediately,
                Platform::Ios,
                Some(T::AppNotificationSettings),
            ),
            (
                CheckId::BatteryOptimizationExempt,
                ActionId::ExemptFromBatteryOptimization,
                Platform::Android,
                Some(T::BatteryOptimization),
            ),
            (
                CheckId::StandbyBucket,
                ActionId::ExemptFromBatteryOptimization,
                Platform::Android,
                Some(T::BatteryOptimization),
            ),
            (
                CheckId::BackgroundUnrestricted,
                ActionId::AllowBackgroundActivity,
                Platform::Android,
                Some(T::AppDetails),
            ),
            (
                CheckId::DataSaver,
                ActionId::AllowBackgroundData,
                Platform::Android,
                Some(T::DataSaver),
            ),
            (
                CheckId::AppNotForceStopped,
                ActionId::OpenApp,
                Platform::Android,
                None,
            ),
            (
                CheckId::PushTokenRegistered,
                ActionId::RegisterForPush,
                Platform::Android,
                None,
            ),
            (
                CheckId::PushTokenRegistered,
                ActionId::RegisterForPush,
                Platform::Ios,
                None,
            ),
        ];
        for (check, action, platform, target) in table {
            assert!(!check.is_from_seed(), "{check}");
            assert!(check.is_device_setting(), "{check}");
            assert_eq!(ActionId::fixing(check), Some(action), "{check}");
            let rendered = action.render(platform);
            assert_eq!(rendered.settings_target, target, "{action}");
            assert_eq!(rendered.escalation, Escalation::None, "{action}");
            if target.is_some() {
                assert!(!rendered.steps.is_empty(), "{action} on {platform}");
                assert!(rendered.steps[0].starts_with("Settings > "), "{action}");
            }
            // Our own words are never the seed's: the seed has none here.
            if action.fixes() == Some(check) {
                assert!(!action.is_from_seed(), "{action}");
                assert!(
                    !seed_words().contains(&rendered.guidance.as_str()),
                    "{action}"
                );
            }
        }
        for check in CheckId::ALL.into_iter().filter(|c| c.is_network_probe()) {
            assert!(!check.is_from_seed(), "{check}");
        }
        for check in [
            CheckId::NotificationsEnabled,
            CheckId::FocusOff,
            CheckId::PushReceived,
        ] {
            assert!(check.is_from_seed(), "{check}");
        }
    }

    fn seed_words() -> Vec<&'static str> {
        ActionId::ALL
            .into_iter()
            .filter(|a| a.is_from_seed())
            .flat_map(|a| Platform::ALL.map(|p| a.guidance(p)))
            .collect()
    }

    #[test]
    fn the_battery_fix_names_the_makers_own_setting_on_a_known_killer() {
        let exempt = ActionId::ExemptFromBatteryOptimization;
        let plain = exempt.render(Platform::Android);
        assert_eq!(plain.steps.len(), 1);
        assert_eq!(exempt.render_on(Platform::Android, None), plain);
        assert_eq!(exempt.render_on(Platform::Android, Some("Google")), plain);
        let xiaomi = exempt.render_on(Platform::Android, Some("Xiaomi"));
        assert_eq!(xiaomi.steps[..1], plain.steps[..]);
        assert_eq!(xiaomi.steps.len(), 2);
        assert!(xiaomi.steps[1].contains("Autostart"), "{:?}", xiaomi.steps);
        let huawei = exempt.render_on(Platform::Android, Some("HUAWEI"));
        assert!(huawei.steps[1].contains("App launch"), "{:?}", huawei.steps);
        let samsung = exempt.render_on(Platform::Android, Some("samsung"));
        assert!(
            samsung.steps[1].contains("Never sleeping apps"),
            "{:?}",
            samsung.steps
        );
        // Only that fix: another action on the same phone is unchanged.
        let channel = ActionId::EnableMfaChannel;
        assert_eq!(
            channel.render_on(Platform::Android, Some("Xiaomi")),
            channel.render(Platform::Android)
        );
    }

    #[test]
    fn settings_targets_match_serde() {
        for target in SettingsTarget::ALL {
            assert_eq!(
                serde_json::to_string(&target).unwrap(),
                format!("\"{}\"", target.as_str())
            );
        }
    }

    #[test]
    fn platform_steps_are_the_seeds() {
        assert_eq!(
            ActionId::EnableNotifications
                .render(Platform::Android)
                .steps,
            vec!["Settings > Apps > miniOrange Authenticator > Notifications > Allow"]
        );
        assert_eq!(
            ActionId::EnableNotifications.render(Platform::Ios).steps,
            vec!["Settings > Notifications > miniOrange Authenticator > Allow"]
        );
    }
}
