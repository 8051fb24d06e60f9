//! The app's own standing with the push service (added in 0.2): on
//! Android not force-stopped (FCM delivers nothing to a stopped app), and
//! on both platforms a registered push token.

use crate::model::{CheckId, CheckStatus::*, DeviceSnapshot, EvidenceSource, Platform};

use super::Finding;

pub(super) fn not_force_stopped(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::AppNotForceStopped;
    let field = "app.force_stopped";
    if s.platform != Platform::Android {
        return Finding::only_on(check, "The stopped state", Platform::Android);
    }
    match s.app.force_stopped {
        Some(true) => Finding::new(
            check,
            Fail,
            EvidenceSource::Snapshot,
            &[field],
            format!("{field} is true: Android delivers no push to a force-stopped app until it is opened again"),
        ),
        value => Finding::from_field(check, field, value, false),
    }
}

pub(super) fn push_token_registered(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::PushTokenRegistered;
    let field = "app.push_token_registered";
    match s.app.push_token_registered {
        Some(false) => Finding::new(
            check,
            Fail,
            EvidenceSource::Snapshot,
            &[field],
            format!(
                "{field} is false: the app has no {} token, so the service has nowhere to send the push",
                match s.platform {
                    Platform::Android => "FCM registration",
                    Platform::Ios => "APNs device",
                }
            ),
        ),
        value => Finding::from_field(check, field, value, true),
    }
}
