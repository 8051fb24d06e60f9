//! iOS's own reasons a push does not show, beyond the seed's settings
//! (added in 0.2): the app's notification authorization, its alert style
//! and the Scheduled Summary. Each is `not_applicable` on Android.

use crate::model::facts::{AlertStyle, AuthorizationStatus};
use crate::model::{CheckId, CheckStatus::*, DeviceSnapshot, EvidenceSource, Platform};

use super::Finding;

pub(super) fn notifications_authorized(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::NotificationsAuthorized;
    let field = "notifications.authorization_status";
    if s.platform != Platform::Ios {
        return Finding::only_on(check, "Notification authorization", Platform::Ios);
    }
    let Some(authorization) = s.notifications.authorization_status else {
        return Finding::unknown(check, &[field]);
    };
    let (status, meaning) = match authorization {
        AuthorizationStatus::Authorized => (Pass, "the app's notifications are allowed"),
        AuthorizationStatus::Ephemeral => (Pass, "the app's notifications are allowed for now"),
        AuthorizationStatus::Denied => (Fail, "the app's notifications are turned off"),
        AuthorizationStatus::Provisional => (
            Fail,
            "the app's notifications are delivered quietly: to Notification Center only, with no banner, no sound, nothing on the Lock Screen",
        ),
        AuthorizationStatus::NotDetermined => (
            Fail,
            "the app has not been allowed to notify yet, so nothing shows",
        ),
    };
    Finding::new(
        check,
        status,
        EvidenceSource::Snapshot,
        &[field],
        format!("{field} is {authorization}: {meaning}"),
    )
}

pub(super) fn alert_style(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::AlertStyle;
    let field = "notifications.alert_style";
    if s.platform != Platform::Ios {
        return Finding::only_on(check, "An alert style", Platform::Ios);
    }
    let Some(style) = s.notifications.alert_style else {
        return Finding::unknown(check, &[field]);
    };
    let (status, meaning) = match style {
        AlertStyle::None => (
            Fail,
            "the pushes show no banner and no alert, only in Notification Center",
        ),
        AlertStyle::Banner | AlertStyle::Alert => (Pass, "the pushes show on screen"),
    };
    Finding::new(
        check,
        status,
        EvidenceSource::Snapshot,
        &[field],
        format!("{field} is {style}: {meaning}"),
    )
}

pub(super) fn immediate_delivery(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::ImmediateDelivery;
    let field = "notifications.scheduled_summary";
    if s.platform != Platform::Ios {
        return Finding::only_on(check, "The Scheduled Summary", Platform::Ios);
    }
    match s.notifications.scheduled_summary {
        Some(true) => Finding::new(
            check,
            Fail,
            EvidenceSource::Snapshot,
            &[field],
            format!("{field} is true: the pushes wait for the next Scheduled Summary instead of showing at once"),
        ),
        value => Finding::from_field(check, field, value, false),
    }
}
