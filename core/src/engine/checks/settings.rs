//! The device settings the seed asks about: notifications, Focus / Do Not
//! Disturb (and whether the app is an allowed exception), Battery Saver /
//! Low Power Mode, Background App Refresh.

use crate::model::{CheckId, CheckStatus::*, DeviceSnapshot, EvidenceSource, Platform};

use super::Finding;

pub(super) fn notifications_enabled(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::NotificationsEnabled;
    Finding::from_field(
        check,
        "notifications.enabled",
        s.notifications.enabled,
        true,
    )
}

/// Focus that lets the app through does not hold its pushes back: the
/// seed's own fix is "disable it or add the app as an allowed exception".
pub(super) fn focus_off(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::FocusOff;
    let mode = match s.platform {
        Platform::Ios => "Focus",
        Platform::Android => "Do Not Disturb",
    };
    let both = ["focus.active", "focus.app_allowed"];
    match (s.focus.active, s.focus.app_allowed) {
        (Some(true), Some(true)) => Finding::new(
            check,
            Pass,
            EvidenceSource::Snapshot,
            &both,
            format!("{mode} is on, but the app is an allowed exception: its pushes break through"),
        ),
        (Some(true), Some(false)) => Finding::new(
            check,
            Fail,
            EvidenceSource::Snapshot,
            &both,
            format!("{mode} is on and the app is not an allowed exception: its pushes are held back"),
        ),
        (None, Some(true)) => Finding::new(
            check,
            Pass,
            EvidenceSource::Snapshot,
            &["focus.app_allowed"],
            format!("the app is an allowed exception of {mode}, so {mode} does not hold its pushes back"),
        ),
        (active, _) => Finding::from_field(check, "focus.active", active, false),
    }
}

pub(super) fn battery_saver_off(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::BatterySaverOff;
    Finding::from_field(check, "battery_saver.active", s.battery_saver.active, false)
}

pub(super) fn background_refresh_enabled(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::BackgroundRefreshEnabled;
    match s.platform {
        Platform::Android => Finding::only_on(check, "Background App Refresh", Platform::Ios),
        Platform::Ios => Finding::from_field(
            check,
            "background_refresh.enabled",
            s.background_refresh.enabled,
            true,
        ),
    }
}
