//! The device settings the seed asks about: notifications, Focus / Do Not
//! Disturb (and whether the app is an allowed exception), Battery Saver /
//! Low Power Mode, Background App Refresh.

use crate::model::facts::AuthorizationStatus;
use crate::model::{CheckId, CheckStatus::*, DeviceSnapshot, EvidenceSource, Platform};

use super::Finding;

pub(super) fn notifications_enabled(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::NotificationsEnabled;
    // iOS has no switch apart from the authorization: a denied (or never
    // asked) app is one whose notifications are off.
    if let (None, Some(status)) = (
        s.notifications.enabled,
        s.notifications.authorization_status,
    ) {
        let allowed = !matches!(
            status,
            AuthorizationStatus::Denied | AuthorizationStatus::NotDetermined
        );
        return Finding::new(
            check,
            if allowed { Pass } else { Fail },
            EvidenceSource::Derived,
            &["notifications.authorization_status"],
            format!("notifications.authorization_status is {}", status.as_str()),
        );
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// (active, app_allowed) -> status and what the detail says.
    #[test]
    fn focus_that_lets_the_app_through_passes_and_says_so() {
        let table = [
            ((Some(false), None), Pass, "focus.active is false"),
            ((Some(false), Some(false)), Pass, "focus.active is false"),
            (
                (Some(true), Some(true)),
                Pass,
                "is on, but the app is an allowed exception",
            ),
            (
                (Some(true), Some(false)),
                Fail,
                "is on and the app is not an allowed exception",
            ),
            ((Some(true), None), Fail, "focus.active is true"),
            ((None, Some(true)), Pass, "the app is an allowed exception"),
            ((None, Some(false)), Unknown, "not reported"),
            ((None, None), Unknown, "not reported"),
        ];
        for platform in Platform::ALL {
            for ((active, allowed), status, detail) in table {
                let mut s = DeviceSnapshot::new(platform);
                s.focus.active = active;
                s.focus.app_allowed = allowed;
                let f = focus_off(&s);
                assert_eq!(f.status, status, "{platform} {active:?} {allowed:?}");
                assert!(f.evidence.detail.contains(detail), "{f:?}");
            }
        }
        let mut s = DeviceSnapshot::new(Platform::Android);
        s.focus.active = Some(true);
        s.focus.app_allowed = Some(false);
        assert!(focus_off(&s)
            .evidence
            .detail
            .starts_with("Do Not Disturb is on"));
        s.platform = Platform::Ios;
        assert!(focus_off(&s).evidence.detail.starts_with("Focus is on"));
    }
}
