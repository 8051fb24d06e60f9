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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_force_stopped_android_app_fails_and_ios_has_no_such_state() {
        let mut s = DeviceSnapshot::new(Platform::Android);
        assert_eq!(not_force_stopped(&s).status, Unknown);
        s.app.force_stopped = Some(false);
        assert_eq!(not_force_stopped(&s).status, Pass);
        s.app.force_stopped = Some(true);
        let f = not_force_stopped(&s);
        assert_eq!(f.status, Fail);
        assert!(
            f.evidence
                .detail
                .contains("delivers no push to a force-stopped app"),
            "{f:?}"
        );
        let mut ios = DeviceSnapshot::new(Platform::Ios);
        ios.app.force_stopped = Some(true);
        let f = not_force_stopped(&ios);
        assert_eq!(f.status, NotApplicable);
        assert!(f.evidence.detail.contains("Android only"), "{f:?}");
    }

    #[test]
    fn a_missing_push_token_fails_on_both_platforms_naming_the_service() {
        for (platform, service) in [(Platform::Android, "FCM"), (Platform::Ios, "APNs")] {
            let mut s = DeviceSnapshot::new(platform);
            assert_eq!(push_token_registered(&s).status, Unknown, "{platform}");
            s.app.push_token_registered = Some(true);
            assert_eq!(push_token_registered(&s).status, Pass, "{platform}");
            s.app.push_token_registered = Some(false);
            let f = push_token_registered(&s);
            assert_eq!(f.status, Fail, "{platform}");
            assert!(f.evidence.detail.contains(service), "{f:?}");
        }
    }
}
