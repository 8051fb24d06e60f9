//! Android's own reasons a push does not show, beyond the seed's settings
//! (added in 0.2): the MFA notification channel, the Android 13
//! notification permission, battery optimisation (and the makers that kill
//! background apps on top), background restriction, the App Standby
//! bucket and Data Saver. Each is `not_applicable` on iOS.

use crate::model::facts::{ChannelImportance, DataSaver, StandbyBucket};
use crate::model::{CheckId, CheckStatus::*, DeviceSnapshot, EvidenceSource, Maker, Platform};

use super::Finding;

/// The API level from which an app needs `POST_NOTIFICATIONS` (Android 13).
pub const NOTIFICATION_PERMISSION_SDK: u32 = 33;

pub(super) fn mfa_channel(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::MfaChannel;
    let field = "notifications.mfa_channel_importance";
    if s.platform != Platform::Android {
        return Finding::only_on(check, "A notification channel", Platform::Android);
    }
    let Some(importance) = s.notifications.mfa_channel_importance else {
        return Finding::unknown(check, &[field]);
    };
    let (status, meaning) = match importance {
        ChannelImportance::None => (
            Fail,
            "the channel the MFA pushes use is blocked: they do not show at all",
        ),
        ChannelImportance::Min | ChannelImportance::Low => (
            Fail,
            "the channel the MFA pushes use is silenced: they arrive without sound or pop-up, easy to miss",
        ),
        ChannelImportance::Default | ChannelImportance::High => {
            (Pass, "the MFA pushes show with sound")
        }
    };
    Finding::new(
        check,
        status,
        EvidenceSource::Snapshot,
        &[field],
        format!("{field} is {importance}: {meaning}"),
    )
}

pub(super) fn notification_permission(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::NotificationPermission;
    if s.platform != Platform::Android {
        return Finding::only_on(check, "The notification permission", Platform::Android);
    }
    match s.device.sdk_int {
        Some(sdk) if sdk < NOTIFICATION_PERMISSION_SDK => Finding::new(
            check,
            NotApplicable,
            EvidenceSource::Snapshot,
            &["device.sdk_int"],
            format!(
                "device.sdk_int is {sdk}: the notification permission exists from API level {NOTIFICATION_PERMISSION_SDK} (Android 13)"
            ),
        ),
        _ => Finding::from_field(
            check,
            "notifications.permission_granted",
            s.notifications.permission_granted,
            true,
        ),
    }
}

pub(super) fn battery_optimization_exempt(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::BatteryOptimizationExempt;
    let field = "power.battery_optimization_exempt";
    if s.platform != Platform::Android {
        return Finding::only_on(check, "Battery optimisation", Platform::Android);
    }
    let exempt = s.power.battery_optimization_exempt;
    if exempt != Some(false) {
        return Finding::from_field(check, field, exempt, true);
    }
    let maker = s
        .device
        .manufacturer
        .as_deref()
        .and_then(Maker::background_killer);
    match maker {
        Some(maker) => Finding::new(
            check,
            Fail,
            EvidenceSource::Snapshot,
            &[field, "device.manufacturer"],
            format!(
                "{field} is false on a {name} phone: {name} stops background apps beyond what Android does, so pushes can wait until the app is opened",
                name = maker.name
            ),
        ),
        None => Finding::new(
            check,
            Fail,
            EvidenceSource::Snapshot,
            &[field],
            format!("{field} is false: Doze can hold the app's pushes back while the phone is idle"),
        ),
    }
}

pub(super) fn background_unrestricted(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::BackgroundUnrestricted;
    if s.platform != Platform::Android {
        return Finding::only_on(check, "Background restriction", Platform::Android);
    }
    Finding::from_field(
        check,
        "power.background_restricted",
        s.power.background_restricted,
        false,
    )
}

pub(super) fn standby_bucket(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::StandbyBucket;
    let field = "power.standby_bucket";
    if s.platform != Platform::Android {
        return Finding::only_on(check, "App Standby", Platform::Android);
    }
    let Some(bucket) = s.power.standby_bucket else {
        return Finding::unknown(check, &[field]);
    };
    let (status, meaning) = match bucket {
        StandbyBucket::Active | StandbyBucket::WorkingSet | StandbyBucket::Frequent => {
            (Pass, "Android does not ration the app's pushes")
        }
        StandbyBucket::Rare => (
            Fail,
            "Android rations the app's high-priority pushes and defers its work",
        ),
        StandbyBucket::Restricted => (
            Fail,
            "the app may run about once a day; its pushes can wait for hours",
        ),
    };
    Finding::new(
        check,
        status,
        EvidenceSource::Snapshot,
        &[field],
        format!("{field} is {bucket}: {meaning}"),
    )
}

pub(super) fn data_saver(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::DataSaver;
    let field = "network.data_saver";
    if s.platform != Platform::Android {
        return Finding::only_on(check, "Data Saver", Platform::Android);
    }
    let Some(saver) = s.network.data_saver else {
        return Finding::unknown(check, &[field]);
    };
    let (status, meaning) = match saver {
        DataSaver::Off => (Pass, "Data Saver is off"),
        DataSaver::OnExempt => (
            Pass,
            "Data Saver is on, but the app is allowed unrestricted data",
        ),
        DataSaver::On => (
            Fail,
            "Data Saver is on and the app is not exempt: on mobile data it gets no data in the background",
        ),
    };
    Finding::new(
        check,
        status,
        EvidenceSource::Snapshot,
        &[field],
        format!("{field} is {saver}: {meaning}"),
    )
}
