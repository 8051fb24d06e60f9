//! Android's own reasons a push does not show, beyond the seed's settings
//! (added in 0.2): the MFA notification channel, the Android 13
//! notification permission, battery optimisation (and the makers that kill
//! background apps on top), background restriction, the App Standby
//! bucket and Data Saver. Each is `not_applicable` on iOS.

use crate::model::facts::{ChannelImportance, DataSaver, StandbyBucket};
use crate::model::{CheckId, CheckStatus::*, DeviceSnapshot, EvidenceSource, Maker, Platform};

use super::Finding;

/// The API level from which an app needs `POST_NOTIFICATIONS` (Android 13).
const NOTIFICATION_PERMISSION_SDK: u32 = 33;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checks::testing::expect;

    fn android(edit: impl FnOnce(&mut DeviceSnapshot)) -> DeviceSnapshot {
        super::super::testing::snapshot(Platform::Android, edit)
    }

    /// Every check here on iOS, whatever the facts say.
    #[test]
    fn each_is_not_applicable_on_ios() {
        let mut s = DeviceSnapshot::new(Platform::Ios);
        s.notifications.mfa_channel_importance = Some(ChannelImportance::None);
        s.notifications.permission_granted = Some(false);
        s.device.sdk_int = Some(34);
        s.power.battery_optimization_exempt = Some(false);
        s.power.background_restricted = Some(true);
        s.power.standby_bucket = Some(StandbyBucket::Restricted);
        s.network.data_saver = Some(DataSaver::On);
        for finding in [
            mfa_channel(&s),
            notification_permission(&s),
            battery_optimization_exempt(&s),
            background_unrestricted(&s),
            standby_bucket(&s),
            data_saver(&s),
        ] {
            expect(finding, NotApplicable, "exists on Android only");
        }
    }

    #[test]
    fn the_mfa_channel_fails_blocked_or_silenced_and_says_which() {
        use ChannelImportance as I;
        let with = |i| android(|s| s.notifications.mfa_channel_importance = Some(i));
        expect(
            mfa_channel(&with(I::None)),
            Fail,
            "none: the channel the MFA pushes use is blocked",
        );
        expect(
            mfa_channel(&with(I::Min)),
            Fail,
            "min: the channel the MFA pushes use is silenced",
        );
        expect(
            mfa_channel(&with(I::Low)),
            Fail,
            "low: the channel the MFA pushes use is silenced",
        );
        expect(mfa_channel(&with(I::Default)), Pass, "default");
        expect(mfa_channel(&with(I::High)), Pass, "high");
        expect(
            mfa_channel(&android(|_| {})),
            Unknown,
            "notifications.mfa_channel_importance not reported",
        );
    }

    #[test]
    fn the_notification_permission_counts_from_android_13() {
        let with = |sdk, granted| {
            android(|s| {
                s.device.sdk_int = sdk;
                s.notifications.permission_granted = granted;
            })
        };
        let check = notification_permission;
        expect(
            check(&with(Some(33), Some(true))),
            Pass,
            "permission_granted is true",
        );
        expect(
            check(&with(Some(34), Some(false))),
            Fail,
            "permission_granted is false",
        );
        expect(
            check(&with(None, Some(false))),
            Fail,
            "permission_granted is false",
        );
        expect(
            check(&with(Some(32), Some(false))),
            NotApplicable,
            "device.sdk_int is 32",
        );
        expect(check(&with(Some(26), None)), NotApplicable, "API level 33");
        expect(check(&with(Some(34), None)), Unknown, "not reported");
        expect(check(&with(None, None)), Unknown, "not reported");
    }

    #[test]
    fn battery_optimisation_names_a_maker_known_to_kill_background_apps() {
        let with = |exempt, maker: Option<&str>| {
            android(|s| {
                s.power.battery_optimization_exempt = exempt;
                s.device.manufacturer = maker.map(String::from);
            })
        };
        let check = battery_optimization_exempt;
        let xiaomi = check(&with(Some(false), Some("Xiaomi")));
        assert_eq!(
            xiaomi.evidence.fields,
            ["power.battery_optimization_exempt", "device.manufacturer"]
        );
        expect(
            xiaomi,
            Fail,
            "on a Xiaomi phone: Xiaomi stops background apps",
        );
        expect(
            check(&with(Some(false), Some("samsung"))),
            Fail,
            "on a Samsung phone",
        );
        let pixel = check(&with(Some(false), Some("Google")));
        assert!(!pixel.evidence.detail.contains("Google"), "{pixel:?}");
        expect(pixel, Fail, "Doze can hold the app's pushes back");
        expect(check(&with(Some(false), None)), Fail, "Doze");
        expect(
            check(&with(Some(true), Some("HUAWEI"))),
            Pass,
            "exempt is true",
        );
        expect(check(&with(None, Some("HUAWEI"))), Unknown, "not reported");
    }

    #[test]
    fn background_restriction_fails_when_restricted() {
        let with = |r| android(|s| s.power.background_restricted = r);
        let check = background_unrestricted;
        expect(
            check(&with(Some(true))),
            Fail,
            "power.background_restricted is true",
        );
        expect(
            check(&with(Some(false))),
            Pass,
            "power.background_restricted is false",
        );
        expect(check(&with(None)), Unknown, "not reported");
    }

    #[test]
    fn the_standby_bucket_fails_rare_and_restricted() {
        use StandbyBucket as B;
        let with = |b| android(|s| s.power.standby_bucket = Some(b));
        for bucket in [B::Active, B::WorkingSet, B::Frequent] {
            expect(standby_bucket(&with(bucket)), Pass, bucket.as_str());
        }
        expect(
            standby_bucket(&with(B::Rare)),
            Fail,
            "rare: Android rations",
        );
        expect(
            standby_bucket(&with(B::Restricted)),
            Fail,
            "restricted: the app may run about once a day",
        );
        expect(standby_bucket(&android(|_| {})), Unknown, "not reported");
    }

    #[test]
    fn data_saver_fails_only_without_an_exemption() {
        let with = |d| android(|s| s.network.data_saver = Some(d));
        expect(data_saver(&with(DataSaver::Off)), Pass, "Data Saver is off");
        expect(
            data_saver(&with(DataSaver::OnExempt)),
            Pass,
            "allowed unrestricted data",
        );
        expect(
            data_saver(&with(DataSaver::On)),
            Fail,
            "the app is not exempt",
        );
        expect(data_saver(&android(|_| {})), Unknown, "not reported");
    }
}
