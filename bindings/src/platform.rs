//! The platform seam: what only the phone knows, asked of Kotlin or Swift.
//!
//! Each method may take time on a phone, so each is `async`; each returns a
//! `Result`, and an unexpected exception on the foreign side arrives as
//! [`PlatformError::Unexpected`] rather than a crash. The agent asks them
//! all at once, each under a deadline (`gather`).

use std::sync::Arc;
use std::time::Duration;

use pushdoctor_core::{DeviceSnapshot, Platform};

/// Why the platform could not answer.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum PlatformError {
    /// The platform has no answer (an API missing on this OS version).
    #[error("not available: {reason}")]
    NotAvailable { reason: String },
    /// The app may not ask (a permission it lacks).
    #[error("not permitted: {reason}")]
    NotPermitted { reason: String },
    /// A Kotlin or Swift exception nobody expected.
    #[error("unexpected: {reason}")]
    Unexpected { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        PlatformError::Unexpected { reason: e.reason }
    }
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

/// The snapshot's `network` section from the platform's answer.
pub(crate) fn network_section(n: &NetworkFacts) -> pushdoctor_core::snapshot::Network {
    pushdoctor_core::snapshot::Network {
        connected: n.connected,
        airplane_mode: n.airplane_mode,
        vpn_active: n.vpn,
        proxy_active: n.proxy,
    }
}

/// A fact the platform did not give, and why.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ProbeIssue {
    /// `network`, `notifications`, `focus`, `power`, `device`.
    pub probe: String,
    pub reason: String,
}

/// Asks every probe at once, each under `deadline`; whatever does not
/// answer in time, fails or panics stays unknown, with the reason.
pub(crate) async fn gather(
    probe: Arc<dyn PlatformProbe>,
    platform: Platform,
    deadline: Duration,
) -> (DeviceSnapshot, Vec<ProbeIssue>) {
    // Each probe runs as a task of its own, so one that panics is an
    // unknown fact with a reason, not the end of the whole run.
    fn ask<T, F>(
        name: &'static str,
        deadline: Duration,
        call: F,
    ) -> tokio::task::JoinHandle<Result<T, ProbeIssue>>
    where
        T: Send + 'static,
        F: std::future::Future<Output = Result<T, PlatformError>> + Send + 'static,
    {
        tokio::spawn(async move {
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
    async fn join<T>(
        name: &str,
        handle: tokio::task::JoinHandle<Result<T, ProbeIssue>>,
    ) -> Result<T, ProbeIssue> {
        handle.await.unwrap_or_else(|e| {
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
    let mut issues = Vec::new();
    let mut snapshot = DeviceSnapshot::new(platform);
    let mut extra = serde_json::Map::new();
    match network {
        Ok(n) => {
            snapshot.network = network_section(&n);
            extra.insert(
                "network".into(),
                serde_json::json!({"transport": n.transport, "validated": n.validated, "captive_portal": n.captive_portal}),
            );
        }
        Err(issue) => issues.push(issue),
    }
    match notifications {
        Ok(n) => {
            snapshot.notifications.enabled = match (n.enabled, n.mfa_channel_enabled) {
                // A disabled MFA channel silences the pushes that matter.
                (Some(true), Some(false)) => Some(false),
                (enabled, _) => enabled,
            };
            extra.insert(
                "notifications".into(),
                serde_json::json!({"mfa_channel_enabled": n.mfa_channel_enabled, "authorization_status": n.authorization_status, "alert_style": n.alert_style}),
            );
        }
        Err(issue) => issues.push(issue),
    }
    match focus {
        Ok(f) => {
            // Focus that lets the app through does not stop its pushes.
            snapshot.focus.active = match (f.active, f.app_allowed) {
                (Some(true), Some(true)) => Some(false),
                (active, _) => active,
            };
            extra.insert(
                "focus".into(),
                serde_json::json!({"active": f.active, "app_allowed": f.app_allowed}),
            );
        }
        Err(issue) => issues.push(issue),
    }
    match power {
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
    match device {
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
