//! The platform seam: what only the phone knows, asked of Kotlin or Swift.
//!
//! Each method may take time on a phone, so each is `async`; each returns a
//! `Result`, and an unexpected exception on the foreign side arrives as
//! [`PlatformError::Unexpected`] rather than a crash. The agent asks them
//! all at once, each under a deadline (`gather`).

use std::sync::Arc;
use std::time::Duration;

use pushdoctor_core::{DeviceSnapshot, Platform};

use crate::task::Task;

/// Why the platform could not answer.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum PlatformError {
    /// The platform has no answer (an API missing on this OS version).
    #[error("not available: {reason}")]
    NotAvailable { reason: String },
    /// The app may not ask (a permission it lacks).
    #[error("not permitted: {reason}")]
    NotPermitted { reason: String },
    /// The Kotlin or Swift code threw something it did not declare (any
    /// `Throwable` in Kotlin, `kotlin.Error`s included: see
    /// `bindings/generate.sh`); `reason` names what, on one bounded line.
    #[error("threw {reason}")]
    Unexpected { reason: String },
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

#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct NetworkFacts {
    #[uniffi(default = None)]
    pub connected: Option<bool>,
    #[uniffi(default = None)]
    pub airplane_mode: Option<bool>,
    /// `wifi`, `cellular`, `ethernet`, `other`.
    #[uniffi(default = None)]
    pub transport: Option<String>,
    #[uniffi(default = None)]
    pub vpn: Option<bool>,
    /// A proxy is configured for the active network.
    #[uniffi(default = None)]
    pub proxy: Option<bool>,
    /// The platform validated the network (Android's NET_CAPABILITY_VALIDATED).
    #[uniffi(default = None)]
    pub validated: Option<bool>,
    #[uniffi(default = None)]
    pub captive_portal: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct NotificationFacts {
    #[uniffi(default = None)]
    pub enabled: Option<bool>,
    /// Android: the channel used for MFA pushes is enabled.
    #[uniffi(default = None)]
    pub mfa_channel_enabled: Option<bool>,
    /// iOS: `authorized`, `denied`, `provisional`, `ephemeral`, `not_determined`.
    #[uniffi(default = None)]
    pub authorization_status: Option<String>,
    /// iOS: `banner`, `alert`, `none`.
    #[uniffi(default = None)]
    pub alert_style: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct FocusFacts {
    #[uniffi(default = None)]
    pub active: Option<bool>,
    /// The app may break through (an allowed exception).
    #[uniffi(default = None)]
    pub app_allowed: Option<bool>,
}

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
    /// iOS: Background App Refresh is on for the app.
    #[uniffi(default = None)]
    pub background_refresh: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct DeviceFacts {
    #[uniffi(default = None)]
    pub model: Option<String>,
    #[uniffi(default = None)]
    pub os_version: Option<String>,
    #[uniffi(default = None)]
    pub app_version: Option<String>,
    #[uniffi(default = None)]
    pub locale: Option<String>,
    /// A push token is registered (never its value).
    #[uniffi(default = None)]
    pub push_token_present: Option<bool>,
}

/// Implemented in Kotlin or Swift: one method per fact the flow needs.
#[uniffi::export(foreign)]
#[async_trait::async_trait]
pub trait PlatformProbe: Send + Sync {
    async fn network(&self) -> Result<NetworkFacts, PlatformError>;
    async fn notifications(&self) -> Result<NotificationFacts, PlatformError>;
    async fn focus(&self) -> Result<FocusFacts, PlatformError>;
    async fn power(&self) -> Result<PowerFacts, PlatformError>;
    async fn device(&self) -> Result<DeviceFacts, PlatformError>;
    /// Opens a settings screen (`app_notification_settings`, `focus`, …);
    /// `false` when the platform has no such screen.
    fn open_settings(&self, target: String) -> Result<bool, PlatformError>;
}

/// A fact the platform did not give, and why.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ProbeIssue {
    /// `network`, `notifications`, `focus`, `power`, `device`.
    pub probe: String,
    pub reason: String,
}

/// What each probe method gave: its facts, or why not.
#[derive(Debug, Clone, PartialEq)]
pub struct PlatformAnswers {
    pub network: Result<NetworkFacts, ProbeIssue>,
    pub notifications: Result<NotificationFacts, ProbeIssue>,
    pub focus: Result<FocusFacts, ProbeIssue>,
    pub power: Result<PowerFacts, ProbeIssue>,
    pub device: Result<DeviceFacts, ProbeIssue>,
}

/// iOS authorization statuses, and whether each lets a push show.
const AUTHORIZATION_STATUSES: [(&str, bool); 5] = [
    ("authorized", true),
    ("provisional", true),
    ("ephemeral", true),
    ("denied", false),
    ("not_determined", false),
];

/// The snapshot the platform's answers describe, and the facts it could not
/// have. How facts combine is documented in `docs/bindings.md`: every fact
/// that says pushes cannot show wins over one that says they can.
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
                serde_json::json!({"transport": n.transport, "validated": n.validated, "captive_portal": n.captive_portal}),
            );
        }
        Err(issue) => issues.push(issue),
    }
    match answers.notifications {
        Ok(n) => {
            let authorized = match n.authorization_status.as_deref() {
                None => None,
                Some(status) => match AUTHORIZATION_STATUSES.iter().find(|(s, _)| *s == status) {
                    Some(&(_, shows)) => Some(shows),
                    None => {
                        issues.push(ProbeIssue {
                            probe: "notifications".into(),
                            reason: format!(
                                "authorization_status `{}` is none of authorized, provisional, ephemeral, denied, not_determined",
                                bounded_line(status)
                            ),
                        });
                        None
                    }
                },
            };
            // A disabled MFA channel silences the pushes that matter, and
            // an app iOS does not authorize shows none: either is "off"
            // whatever the app-wide switch says.
            let said = [n.enabled, n.mfa_channel_enabled, authorized];
            snapshot.notifications.enabled = if said.contains(&Some(false)) {
                Some(false)
            } else {
                n.enabled.or(authorized)
            };
            extra.insert(
                "notifications".into(),
                serde_json::json!({"mfa_channel_enabled": n.mfa_channel_enabled, "authorization_status": n.authorization_status, "alert_style": n.alert_style}),
            );
        }
        Err(issue) => issues.push(issue),
    }
    match answers.focus {
        Ok(f) => {
            // Focus that lets the app through does not stop its pushes,
            // whether or not it is on.
            snapshot.focus.active = match f.app_allowed {
                Some(true) => Some(false),
                _ => f.active,
            };
            extra.insert(
                "focus".into(),
                serde_json::json!({"active": f.active, "app_allowed": f.app_allowed}),
            );
        }
        Err(issue) => issues.push(issue),
    }
    match answers.power {
        Ok(p) => {
            snapshot.battery_saver.active = p.battery_saver;
            snapshot.background_refresh.enabled = p.background_refresh;
            extra.insert(
                "power".into(),
                serde_json::json!({"battery_optimization_exempt": p.battery_optimization_exempt, "background_restricted": p.background_restricted}),
            );
        }
        Err(issue) => issues.push(issue),
    }
    match answers.device {
        Ok(d) => {
            snapshot.device.model = d.model;
            snapshot.device.os_version = d.os_version;
            snapshot.device.app_version = d.app_version;
            snapshot.device.locale = d.locale;
            extra.insert(
                "device".into(),
                serde_json::json!({"push_token_present": d.push_token_present}),
            );
        }
        Err(issue) => issues.push(issue),
    }
    // Facts the snapshot schema has no key for yet travel as the app's
    // platform extensions, so nothing the platform said is lost.
    snapshot
        .extensions
        .insert("platform".into(), serde_json::Value::Object(extra));
    (snapshot, issues)
}

/// The snapshot's `network` section from the platform's answer.
pub(crate) fn network_section(n: &NetworkFacts) -> pushdoctor_core::model::snapshot::Network {
    pushdoctor_core::model::snapshot::Network {
        connected: n.connected,
        airplane_mode: n.airplane_mode,
        vpn_active: n.vpn,
        proxy_active: n.proxy,
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
    fn ask<T, F>(name: &'static str, deadline: Duration, call: F) -> Task<Result<T, ProbeIssue>>
    where
        T: Send + 'static,
        F: std::future::Future<Output = Result<T, PlatformError>> + Send + 'static,
    {
        Task::spawn(async move {
            let issue = |reason: String| ProbeIssue {
                probe: name.to_string(),
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
    async fn join<T>(name: &str, task: Task<Result<T, ProbeIssue>>) -> Result<T, ProbeIssue> {
        task.await.unwrap_or_else(|e| {
            Err(ProbeIssue {
                probe: name.to_string(),
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
    let network = ask("network", deadline, async move { a.network().await });
    let notifications = ask(
        "notifications",
        deadline,
        async move { b.notifications().await },
    );
    let focus = ask("focus", deadline, async move { c.focus().await });
    let power = ask("power", deadline, async move { d.power().await });
    let device = ask("device", deadline, async move { e.device().await });
    let (network, notifications, focus, power, device) = tokio::join!(
        join("network", network),
        join("notifications", notifications),
        join("focus", focus),
        join("power", power),
        join("device", device),
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
