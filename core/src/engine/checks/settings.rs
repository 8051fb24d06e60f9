//! The device settings the seed asks about: notifications, Focus / Do Not
//! Disturb, Battery Saver / Low Power Mode, Background App Refresh.

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

pub(super) fn focus_off(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::FocusOff;
    Finding::from_field(check, "focus.active", s.focus.active, false)
}

pub(super) fn battery_saver_off(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::BatterySaverOff;
    Finding::from_field(check, "battery_saver.active", s.battery_saver.active, false)
}

pub(super) fn background_refresh_enabled(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::BackgroundRefreshEnabled;
    match s.platform {
        Platform::Android => Finding::new(
            check,
            NotApplicable,
            EvidenceSource::Snapshot,
            &["platform"],
            "Background App Refresh exists on iOS only",
        ),
        Platform::Ios => Finding::from_field(
            check,
            "background_refresh.enabled",
            s.background_refresh.enabled,
            true,
        ),
    }
}
