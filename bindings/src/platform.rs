//! The platform seam: what only the phone knows, asked of Kotlin or Swift.
//!
//! Each method may take time on a phone, so each is `async`; each returns a
//! `Result`, and an unexpected exception on the foreign side arrives as
//! [`PlatformError::Unexpected`] rather than a crash. The agent asks them
//! all at once, each under a deadline (`gather`).

use std::sync::Arc;
use std::time::Duration;

use pushdoctor_core::model::facts;
use pushdoctor_core::{DeviceSnapshot, Platform};

use crate::ids::{ProbeName, SettingsTarget};
use crate::task::Task;

/// Why the platform could not answer.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum PlatformError {
    /// The platform has no answer (an API missing on this OS version).
    #[error("not available: {reason}")]
    NotAvailable {
        /// What is missing, in the app's words.
        reason: String,
    },
    /// The app may not ask (a permission it lacks).
    #[error("not permitted: {reason}")]
    NotPermitted {
        /// Which permission, in the app's words.
        reason: String,
    },
    /// The Kotlin or Swift code threw something it did not declare (any
    /// `Throwable` in Kotlin, `kotlin.Error`s included: see
    /// `bindings/generate.sh`); `reason` names what, on one bounded line.
    #[error("threw {reason}")]
    Unexpected {
        /// What was thrown, on one bounded line.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        PlatformError::Unexpected {
            reason: bounded_line(&e.reason),
        }
    }
}

/// The most of a foreign text a reason keeps, in bytes.
pub const MAX_REASON_BYTES: usize = 300;

/// Foreign text as it goes into a reason: its first line (a synchronous
/// Kotlin callback that throws sends its whole stack trace, thousands of
/// lines for a `StackOverflowError`), cut at [`MAX_REASON_BYTES`] on a
/// character boundary.
pub(crate) fn bounded_line(reason: &str) -> String {
    let line = reason.lines().next().unwrap_or("").trim_end();
    if line.len() <= MAX_REASON_BYTES {
        return line.to_string();
    }
    let mut end = MAX_REASON_BYTES;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &line[..end])
}

/// The phone's connection, as [`PlatformProbe::network`] reports it.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct NetworkFacts {
    /// Wi-Fi or mobile data is up.
    #[uniffi(default = None)]
    pub connected: Option<bool>,
    /// Airplane Mode is on.
    #[uniffi(default = None)]
    pub airplane_mode: Option<bool>,
    /// `wifi`, `cellular`, `ethernet`, `other`.
    #[uniffi(default = None)]
    pub transport: Option<String>,
    /// A VPN carries the device's traffic.
    #[uniffi(default = None)]
    pub vpn: Option<bool>,
    /// A proxy is configured for the active network.
    #[uniffi(default = None)]
    pub proxy: Option<bool>,
    /// The platform validated the network (Android's NET_CAPABILITY_VALIDATED).
    #[uniffi(default = None)]
    pub validated: Option<bool>,
    /// The platform itself found a captive portal (Android's
    /// NET_CAPABILITY_CAPTIVE_PORTAL); kept in the snapshot's extensions,
    /// the probes' own check decides.
    #[uniffi(default = None)]
    pub captive_portal: Option<bool>,
    /// Android: Data Saver, and whether the app is exempt
    /// (`ConnectivityManager.getRestrictBackgroundStatus()`).
    #[uniffi(default = None)]
    pub data_saver: Option<DataSaver>,
    /// The active network is metered (Android: it lacks
    /// `NET_CAPABILITY_NOT_METERED`; iOS: `NWPath.isExpensive`), where Data
    /// Saver restricts background data; kept in the snapshot's extensions.
    #[uniffi(default = None)]
    pub metered: Option<bool>,
}

/// The app's notification settings, as [`PlatformProbe::notifications`]
/// reports them.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct NotificationFacts {
    /// The app-wide switch (Android's `areNotificationsEnabled()`).
    #[uniffi(default = None)]
    pub enabled: Option<bool>,
    /// Android: the importance of the channel the MFA pushes use.
    #[uniffi(default = None)]
    pub mfa_channel_importance: Option<ChannelImportance>,
    /// Android 13+: `POST_NOTIFICATIONS` is granted.
    #[uniffi(default = None)]
    pub permission_granted: Option<bool>,
    /// iOS: `UNNotificationSettings.authorizationStatus`.
    #[uniffi(default = None)]
    pub authorization_status: Option<AuthorizationStatus>,
    /// iOS: `UNNotificationSettings.alertStyle`.
    #[uniffi(default = None)]
    pub alert_style: Option<AlertStyle>,
    /// iOS: `UNNotificationSettings.scheduledDeliverySetting` is enabled
    /// (the pushes go to the Scheduled Summary).
    #[uniffi(default = None)]
    pub scheduled_summary: Option<bool>,
}

/// Focus (iOS) or Do Not Disturb (Android), as [`PlatformProbe::focus`]
/// reports it.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct FocusFacts {
    /// Focus / Do Not Disturb is on.
    #[uniffi(default = None)]
    pub active: Option<bool>,
    /// The app may break through (an allowed exception).
    #[uniffi(default = None)]
    pub app_allowed: Option<bool>,
}

/// How power saving treats the app, as [`PlatformProbe::power`] reports it.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct PowerFacts {
    /// Battery Saver (Android) or Low Power Mode (iOS) is on.
    #[uniffi(default = None)]
    pub battery_saver: Option<bool>,
    /// Android: the app is exempt from battery optimisation.
    #[uniffi(default = None)]
    pub battery_optimization_exempt: Option<bool>,
    /// Android: the app is background-restricted.
    #[uniffi(default = None)]
    pub background_restricted: Option<bool>,
    /// Android: the App Standby bucket the app is in.
    #[uniffi(default = None)]
    pub standby_bucket: Option<StandbyBucket>,
    /// iOS: Background App Refresh is on for the app.
    #[uniffi(default = None)]
    pub background_refresh: Option<bool>,
}

/// The phone, the app and its standing with the push service, as
/// [`PlatformProbe::device`] reports them.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct DeviceFacts {
    /// The phone's model name.
    #[uniffi(default = None)]
    pub model: Option<String>,
    /// The operating system's version.
    #[uniffi(default = None)]
    pub os_version: Option<String>,
    /// The Authenticator app's version.
    #[uniffi(default = None)]
    pub app_version: Option<String>,
    /// The phone's locale (`en_GB`).
    #[uniffi(default = None)]
    pub locale: Option<String>,
    /// Android: `Build.MANUFACTURER`.
    #[uniffi(default = None)]
    pub manufacturer: Option<String>,
    /// Android: `Build.VERSION.SDK_INT`. A Kotlin `Int`; a negative value
    /// is no API level and is reported as an issue.
    #[uniffi(default = None)]
    pub sdk_int: Option<i32>,
    /// Android: the app is in the stopped state (force-stopped, as
    /// `ApplicationExitInfo.REASON_USER_STOPPED` tells on the next start).
    #[uniffi(default = None)]
    pub force_stopped: Option<bool>,
    /// A push token (FCM / APNs) is registered (never its value).
    #[uniffi(default = None)]
    pub push_token_registered: Option<bool>,
}

/// Android: the MFA notification channel's importance
/// (`NotificationChannel.getImportance()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChannelImportance {
    /// `IMPORTANCE_NONE`: blocked.
    None,
    /// `IMPORTANCE_MIN`.
    Min,
    /// `IMPORTANCE_LOW`: no sound, no heads-up.
    Low,
    /// `IMPORTANCE_DEFAULT`.
    Default,
    /// `IMPORTANCE_HIGH`.
    High,
}

/// iOS: `UNAuthorizationStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AuthorizationStatus {
    /// `.authorized`.
    Authorized,
    /// `.denied`.
    Denied,
    /// `.provisional`: delivered quietly.
    Provisional,
    /// `.ephemeral` (App Clips).
    Ephemeral,
    /// `.notDetermined`.
    NotDetermined,
}

/// iOS: `UNAlertStyle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AlertStyle {
    /// `.none`.
    None,
    /// `.banner`.
    Banner,
    /// `.alert`.
    Alert,
}

/// Android: the App Standby bucket (`UsageStatsManager.STANDBY_BUCKET_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StandbyBucket {
    /// `STANDBY_BUCKET_ACTIVE`.
    Active,
    /// `STANDBY_BUCKET_WORKING_SET`.
    WorkingSet,
    /// `STANDBY_BUCKET_FREQUENT`.
    Frequent,
    /// `STANDBY_BUCKET_RARE`.
    Rare,
    /// `STANDBY_BUCKET_RESTRICTED`.
    Restricted,
}

/// Android: `ConnectivityManager.RESTRICT_BACKGROUND_STATUS_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DataSaver {
    /// `…_DISABLED`: Data Saver is off.
    Off,
    /// `…_ENABLED`: on, and the app is not exempt.
    On,
    /// `…_WHITELISTED`: on, but the app is exempt.
    OnExempt,
}

/// Each FFI enum maps one to one onto the core's, which has no uniffi
/// attributes: a variant added on one side only fails to compile here.
macro_rules! same_enum {
    ($($ffi:ident => $core:path { $($v:ident),+ })+) => {$(
        impl From<$ffi> for $core {
            fn from(value: $ffi) -> Self {
                match value { $($ffi::$v => <$core>::$v),+ }
            }
        }
    )+};
}

same_enum! {
    ChannelImportance => facts::ChannelImportance { None, Min, Low, Default, High }
    AuthorizationStatus => facts::AuthorizationStatus {
        Authorized, Denied, Provisional, Ephemeral, NotDetermined
    }
    AlertStyle => facts::AlertStyle { None, Banner, Alert }
    StandbyBucket => facts::StandbyBucket { Active, WorkingSet, Frequent, Rare, Restricted }
    DataSaver => facts::DataSaver { Off, On, OnExempt }
}

/// Implemented in Kotlin or Swift: one method per fact the flow needs.
#[uniffi::export(foreign)]
#[async_trait::async_trait]
pub trait PlatformProbe: Send + Sync {
    /// The connection. Each method runs at once with the others, under
    /// the agent's callback deadline; one that fails or is late leaves only
    /// its own facts unknown.
    async fn network(&self) -> Result<NetworkFacts, PlatformError>;
    /// The app's notification settings.
    async fn notifications(&self) -> Result<NotificationFacts, PlatformError>;
    /// Focus / Do Not Disturb.
    async fn focus(&self) -> Result<FocusFacts, PlatformError>;
    /// Power saving and background limits.
    async fn power(&self) -> Result<PowerFacts, PlatformError>;
    /// The phone, the app and its push registration.
    async fn device(&self) -> Result<DeviceFacts, PlatformError>;
    /// Opens a settings screen (an action's `settings_target`); `false`
    /// when the platform has no such screen.
    fn open_settings(&self, target: SettingsTarget) -> Result<bool, PlatformError>;
}

/// A fact the platform did not give, and why.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ProbeIssue {
    /// The method that did not answer.
    pub probe: ProbeName,
    /// Why: the platform's error, or that it ran out of time.
    pub reason: String,
}

/// What each probe method gave: its facts, or why not.
#[derive(Debug, Clone, PartialEq)]
pub struct PlatformAnswers {
    /// [`PlatformProbe::network`]'s answer.
    pub network: Result<NetworkFacts, ProbeIssue>,
    /// [`PlatformProbe::notifications`]'s answer.
    pub notifications: Result<NotificationFacts, ProbeIssue>,
    /// [`PlatformProbe::focus`]'s answer.
    pub focus: Result<FocusFacts, ProbeIssue>,
    /// [`PlatformProbe::power`]'s answer.
    pub power: Result<PowerFacts, ProbeIssue>,
    /// [`PlatformProbe::device`]'s answer.
    pub device: Result<DeviceFacts, ProbeIssue>,
}

/// The snapshot the platform's answers describe, and the facts it could not
/// have. Each fact lands in its own key, as the platform gave it
/// (`docs/bindings.md`, "How facts are combined"); the checks judge them.
pub fn snapshot_from(
    platform: Platform,
    answers: PlatformAnswers,
) -> (DeviceSnapshot, Vec<ProbeIssue>) {
    let mut issues = Vec::new();
    let mut snapshot = DeviceSnapshot::new(platform);
    let mut extra = serde_json::Map::new();
    match answers.network {
        Ok(n) => {
            snapshot.network = network_section(&n);
            extra.insert(
                "network".into(),
                serde_json::json!({
                    "transport": n.transport,
                    "validated": n.validated,
                    "captive_portal": n.captive_portal,
                    "metered": n.metered,
                }),
            );
        }
        Err(issue) => issues.push(issue),
    }
    match answers.notifications {
        Ok(n) => {
            let section = &mut snapshot.notifications;
            section.enabled = n.enabled;
            // iOS has no app-wide switch apart from the authorization: an
            // app that is denied, or was never allowed, shows nothing.
            if platform == Platform::Ios && n.enabled.is_none() {
                section.enabled = n.authorization_status.map(|status| {
                    !matches!(
                        status,
                        AuthorizationStatus::Denied | AuthorizationStatus::NotDetermined
                    )
                });
            }
            section.mfa_channel_importance = n.mfa_channel_importance.map(Into::into);
            section.permission_granted = n.permission_granted;
            section.authorization_status = n.authorization_status.map(Into::into);
            section.alert_style = n.alert_style.map(Into::into);
            section.scheduled_summary = n.scheduled_summary;
        }
        Err(issue) => issues.push(issue),
    }
    match answers.focus {
        Ok(f) => {
            snapshot.focus.active = f.active;
            snapshot.focus.app_allowed = f.app_allowed;
        }
        Err(issue) => issues.push(issue),
    }
    match answers.power {
        Ok(p) => {
            snapshot.battery_saver.active = p.battery_saver;
            snapshot.background_refresh.enabled = p.background_refresh;
            snapshot.power.battery_optimization_exempt = p.battery_optimization_exempt;
            snapshot.power.background_restricted = p.background_restricted;
            snapshot.power.standby_bucket = p.standby_bucket.map(Into::into);
        }
        Err(issue) => issues.push(issue),
    }
    match answers.device {
        Ok(d) => {
            snapshot.device.model = d.model;
            snapshot.device.os_version = d.os_version;
            snapshot.device.app_version = d.app_version;
            snapshot.device.locale = d.locale;
            snapshot.device.manufacturer = d.manufacturer;
            snapshot.device.sdk_int = match d.sdk_int.map(u32::try_from) {
                None => None,
                Some(Ok(level)) => Some(level),
                Some(Err(_)) => {
                    issues.push(ProbeIssue {
                        probe: ProbeName::Device,
                        reason: format!(
                            "sdk_int {} is not an API level (they start at 1)",
                            d.sdk_int.unwrap_or_default()
                        ),
                    });
                    None
                }
            };
            snapshot.app.force_stopped = d.force_stopped;
            snapshot.app.push_token_registered = d.push_token_registered;
        }
        Err(issue) => issues.push(issue),
    }
    // The facts the snapshot schema has no key for travel as the app's
    // platform extensions, so nothing the platform said is lost.
    if !extra.is_empty() {
        snapshot
            .extensions
            .insert("platform".into(), serde_json::Value::Object(extra));
    }
    (snapshot, issues)
}

/// The snapshot's `network` section from the platform's answer.
pub(crate) fn network_section(n: &NetworkFacts) -> pushdoctor_core::model::snapshot::Network {
    pushdoctor_core::model::snapshot::Network {
        connected: n.connected,
        airplane_mode: n.airplane_mode,
        vpn_active: n.vpn,
        proxy_active: n.proxy,
        data_saver: n.data_saver.map(Into::into),
    }
}

/// Asks every probe at once, each under `deadline`; whatever does not
/// answer in time, fails, throws or panics stays unknown, with the reason.
/// When this future is dropped (the app cancelled the run), every call
/// still in flight is dropped with it, and so cancelled on the foreign side.
pub(crate) async fn gather(
    probe: Arc<dyn PlatformProbe>,
    platform: Platform,
    deadline: Duration,
) -> (DeviceSnapshot, Vec<ProbeIssue>) {
    // Each probe runs as a task of its own, so one that panics is an
    // unknown fact with a reason, not the end of the whole run.
    fn ask<T, F>(name: ProbeName, deadline: Duration, call: F) -> Task<Result<T, ProbeIssue>>
    where
        T: Send + 'static,
        F: std::future::Future<Output = Result<T, PlatformError>> + Send + 'static,
    {
        Task::spawn(async move {
            let issue = |reason: String| ProbeIssue {
                probe: name,
                reason,
            };
            match tokio::time::timeout(deadline, call).await {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(e)) => Err(issue(e.to_string())),
                Err(_) => Err(issue(format!(
                    "no answer within {} ms",
                    deadline.as_millis()
                ))),
            }
        })
    }
    async fn join<T>(name: ProbeName, task: Task<Result<T, ProbeIssue>>) -> Result<T, ProbeIssue> {
        task.await.unwrap_or_else(|e| {
            Err(ProbeIssue {
                probe: name,
                reason: if e.is_panic() {
                    "the probe panicked".into()
                } else {
                    e.to_string()
                },
            })
        })
    }
    let p = || Arc::clone(&probe);
    let (a, b, c, d, e) = (p(), p(), p(), p(), p());
    let network = ask(
        ProbeName::Network,
        deadline,
        async move { a.network().await },
    );
    let notifications = ask(ProbeName::Notifications, deadline, async move {
        b.notifications().await
    });
    let focus = ask(ProbeName::Focus, deadline, async move { c.focus().await });
    let power = ask(ProbeName::Power, deadline, async move { d.power().await });
    let device = ask(ProbeName::Device, deadline, async move { e.device().await });
    let (network, notifications, focus, power, device) = tokio::join!(
        join(ProbeName::Network, network),
        join(ProbeName::Notifications, notifications),
        join(ProbeName::Focus, focus),
        join(ProbeName::Power, power),
        join(ProbeName::Device, device),
    );
    snapshot_from(
        platform,
        PlatformAnswers {
            network,
            notifications,
            focus,
            power,
            device,
        },
    )
}
