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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checks::testing::expect;

    fn ios(edit: impl FnOnce(&mut DeviceSnapshot)) -> DeviceSnapshot {
        super::super::testing::snapshot(Platform::Ios, edit)
    }

    #[test]
    fn each_is_not_applicable_on_android() {
        let mut s = DeviceSnapshot::new(Platform::Android);
        s.notifications.authorization_status = Some(AuthorizationStatus::Denied);
        s.notifications.alert_style = Some(AlertStyle::None);
        s.notifications.scheduled_summary = Some(true);
        for finding in [
            notifications_authorized(&s),
            alert_style(&s),
            immediate_delivery(&s),
        ] {
            expect(finding, NotApplicable, "exists on iOS only");
        }
    }

    #[test]
    fn authorization_passes_authorized_and_ephemeral_only() {
        use AuthorizationStatus as A;
        let with = |a| ios(|s| s.notifications.authorization_status = Some(a));
        let check = notifications_authorized;
        expect(check(&with(A::Authorized)), Pass, "authorized");
        expect(check(&with(A::Ephemeral)), Pass, "ephemeral");
        expect(
            check(&with(A::Denied)),
            Fail,
            "denied: the app's notifications are turned off",
        );
        expect(
            check(&with(A::Provisional)),
            Fail,
            "provisional: the app's notifications are delivered quietly",
        );
        expect(check(&with(A::NotDetermined)), Fail, "not_determined");
        expect(check(&ios(|_| {})), Unknown, "not reported");
    }

    #[test]
    fn alert_style_fails_none() {
        let with = |a| ios(|s| s.notifications.alert_style = Some(a));
        expect(
            alert_style(&with(AlertStyle::None)),
            Fail,
            "no banner and no alert",
        );
        expect(alert_style(&with(AlertStyle::Banner)), Pass, "banner");
        expect(alert_style(&with(AlertStyle::Alert)), Pass, "alert");
        expect(alert_style(&ios(|_| {})), Unknown, "not reported");
    }

    #[test]
    fn the_scheduled_summary_fails_immediate_delivery() {
        let with = |v| ios(|s| s.notifications.scheduled_summary = v);
        expect(
            immediate_delivery(&with(Some(true))),
            Fail,
            "Scheduled Summary",
        );
        expect(
            immediate_delivery(&with(Some(false))),
            Pass,
            "scheduled_summary is false",
        );
        expect(immediate_delivery(&with(None)), Unknown, "not reported");
    }
}
