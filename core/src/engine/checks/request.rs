//! The request's story: did the push arrive, was it answered, did Accept
//! work, was it retried, where is it in the app. Read from the snapshot's
//! `observations`, with the MFA Report filling what the device left out.

use crate::model::snapshot::Observations;
use crate::model::{CheckId, CheckStatus::*, DeviceSnapshot, EvidenceSource, MfaReportStatus};

use super::Finding;

pub(super) fn push_received(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::PushReceived;
    let obs = &s.observations;
    let report = s.mfa_report_status;
    if obs.push_received.is_none() {
        // A request someone answered reached the device, whether or not its
        // notification showed: the device's own story before the report's.
        if let Some((field, detail)) = answered_on_device(obs) {
            return Finding::new(
                check,
                Pass,
                EvidenceSource::Derived,
                &[field],
                format!("{detail}, so the request reached the device"),
            );
        }
        if let Some(r) = report {
            let status = if r.device_acknowledged() { Pass } else { Fail };
            return Finding::from_report(check, status, r);
        }
    }
    Finding::from_field(check, "observations.push_received", obs.push_received, true)
}

/// The first fact that shows the person answered the request on the device.
fn answered_on_device(obs: &Observations) -> Option<(&'static str, String)> {
    if obs.accept_tapped == Some(true) {
        return Some((
            "observations.accept_tapped",
            "Accept or Deny was tapped".into(),
        ));
    }
    if let Some(responded) = obs.accept_responded {
        return Some((
            "observations.accept_responded",
            format!("observations.accept_responded is {responded}"),
        ));
    }
    if let Some(n) = obs.retry_count.filter(|&n| n >= 1) {
        // Retries are counted after Accept failed: it was tapped.
        return Some((
            "observations.retry_count",
            format!("the login was retried {n} times after Accept"),
        ));
    }
    (obs.mfa_completed == Some(true)).then(|| {
        (
            "observations.mfa_completed",
            "the MFA step completed".to_string(),
        )
    })
}

pub(super) fn accept_tapped(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::AcceptTapped;
    let obs = &s.observations;
    let report = s.mfa_report_status;
    match (obs.accept_tapped, obs.accept_responded, report) {
        (Some(_), _, _) => {
            Finding::from_field(check, "observations.accept_tapped", obs.accept_tapped, true)
        }
        (None, Some(responded), _) => Finding::new(
            check,
            Pass,
            EvidenceSource::Derived,
            &["observations.accept_responded"],
            format!("observations.accept_responded is {responded}, so Accept was tapped"),
        ),
        (None, None, _) if obs.mfa_completed == Some(true) => Finding::new(
            check,
            Pass,
            EvidenceSource::Derived,
            &["observations.mfa_completed"],
            "the MFA step completed, so the request was answered",
        ),
        (None, None, _) if obs.retry_count.is_some_and(|n| n >= 1) => Finding::new(
            check,
            Pass,
            EvidenceSource::Derived,
            &["observations.retry_count"],
            "the login was retried after Accept failed, so Accept was tapped",
        ),
        (None, None, Some(r)) if r.person_answered() => Finding::from_report(check, Pass, r),
        // Received: the request waits in the app for the person.
        (None, None, Some(MfaReportStatus::Received)) => {
            Finding::from_report(check, Fail, MfaReportStatus::Received)
        }
        _ => Finding::unknown(check, &["observations.accept_tapped"]),
    }
}

pub(super) fn accept_responded(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::AcceptResponded;
    let obs = &s.observations;
    let report = s.mfa_report_status;
    match (obs.accept_responded, report) {
        (None, Some(MfaReportStatus::Success)) => {
            Finding::from_report(check, Pass, MfaReportStatus::Success)
        }
        _ => Finding::from_field(
            check,
            "observations.accept_responded",
            obs.accept_responded,
            true,
        ),
    }
}

pub(super) fn mfa_completed(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::MfaCompleted;
    let obs = &s.observations;
    let derived = |status, field: &str, detail: String| {
        Finding::new(check, status, EvidenceSource::Derived, &[field], detail)
    };
    if obs.mfa_completed.is_some() {
        return Finding::from_field(check, "observations.mfa_completed", obs.mfa_completed, true);
    }
    match s.mfa_report_status {
        Some(MfaReportStatus::Success) => {
            return Finding::from_report(check, Pass, MfaReportStatus::Success)
        }
        Some(MfaReportStatus::Denied) => {
            return Finding::from_report(check, Fail, MfaReportStatus::Denied)
        }
        _ => {}
    }
    // `accept_responded` is the first attempt's answer: it decides the
    // step only where no retry followed, and a retry's result decides it
    // where one did.
    match (obs.accept_responded, obs.retry_count, obs.retry_succeeded) {
        (Some(true), _, _) => derived(
            Pass,
            "observations.accept_responded",
            "Accept got the service's confirmation (observations.accept_responded is true)".into(),
        ),
        (Some(false), Some(0), _) => derived(
            Fail,
            "observations.accept_responded",
            "Accept did not respond and nothing was retried (observations.accept_responded is false, observations.retry_count is 0)".into(),
        ),
        // A retry that worked leaves the step to the flow's own question
        // ("Did it work on the second attempt?" concludes it).
        (_, count, Some(false)) if count != Some(0) => derived(
            Fail,
            "observations.retry_succeeded",
            "a retry was made and did not work (observations.retry_succeeded is false)".into(),
        ),
        _ => Finding::unknown(check, &["observations.mfa_completed"]),
    }
}

pub(super) fn accept_retried(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::AcceptRetried;
    let obs = &s.observations;
    if let (None, Some(worked)) = (obs.retry_count, obs.retry_succeeded) {
        return Finding::new(
            check,
            Pass,
            EvidenceSource::Derived,
            &["observations.retry_succeeded"],
            format!("observations.retry_succeeded is {worked}, so a retry was made"),
        );
    }
    match obs.retry_count {
        Some(n) => Finding::new(
            check,
            if n >= 1 { Pass } else { Fail },
            EvidenceSource::Snapshot,
            &["observations.retry_count"],
            format!("observations.retry_count is {n}"),
        ),
        None => Finding::unknown(check, &["observations.retry_count"]),
    }
}

pub(super) fn accept_retry_succeeded(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::AcceptRetrySucceeded;
    let obs = &s.observations;
    match (obs.retry_succeeded, obs.retry_count) {
        (None, Some(0)) => Finding::new(
            check,
            NotApplicable,
            EvidenceSource::Snapshot,
            &["observations.retry_count"],
            "no retry yet (observations.retry_count is 0)",
        ),
        (None, Some(n)) => match latest_attempt(obs) {
            Some((worked, field)) => Finding::new(
                check,
                if worked { Pass } else { Fail },
                EvidenceSource::Derived,
                &["observations.retry_count", field],
                if worked {
                    format!("{field} is true after {n} retries: a later attempt worked")
                } else {
                    format!("{field} is false after {n} retries: the latest attempt still failed")
                },
            ),
            None => Finding::unknown(check, &["observations.retry_succeeded"]),
        },
        _ => Finding::from_field(
            check,
            "observations.retry_succeeded",
            obs.retry_succeeded,
            true,
        ),
    }
}

/// Whether the latest attempt worked: the MFA step as it stands, after
/// the retries, says so (`accept_responded` is the first attempt's).
fn latest_attempt(obs: &Observations) -> Option<(bool, &'static str)> {
    obs.mfa_completed
        .map(|completed| (completed, "observations.mfa_completed"))
}

pub(super) fn accept_retries_under_limit(s: &DeviceSnapshot, multiple_retries: u32) -> Finding {
    let check = CheckId::AcceptRetriesUnderLimit;
    let obs = &s.observations;
    let fields = ["observations.retry_count", "observations.retry_succeeded"];
    let succeeded = match (obs.retry_succeeded, obs.retry_count) {
        (None, Some(n)) if n >= 1 => latest_attempt(obs).map(|(worked, _)| worked),
        (said, _) => said,
    };
    match (obs.retry_count, succeeded) {
        (None, _) => Finding::unknown(check, &fields),
        (Some(n), Some(true)) => Finding::new(
            check,
            Pass,
            EvidenceSource::Snapshot,
            &fields,
            format!("a retry worked ({n} retries)"),
        ),
        (Some(n), _) if n < multiple_retries => Finding::new(
            check,
            Pass,
            EvidenceSource::Snapshot,
            &fields,
            format!("{n} retries so far; {multiple_retries} or more count as multiple"),
        ),
        (Some(n), Some(false)) => Finding::new(
            check,
            Fail,
            EvidenceSource::Snapshot,
            &fields,
            format!("still failing after {n} retries"),
        ),
        (Some(n), None) => Finding::new(
            check,
            Unknown,
            EvidenceSource::None,
            &fields,
            format!("{n} retries, but whether any worked is not reported"),
        ),
    }
}

pub(super) fn request_visible_in_app(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::RequestVisibleInApp;
    let obs = &s.observations;
    // Listed under Pending says nothing of the app's main screen: the seed
    // sends a person to the Pending tab exactly when the request is not
    // visible there.
    Finding::from_field(
        check,
        "observations.request_visible_in_app",
        obs.request_visible_in_app,
        true,
    )
}

pub(super) fn pending_listed(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::PendingListed;
    let obs = &s.observations;
    match (obs.request_in_pending_tab, obs.request_visible_after_refresh, s.mfa_report_status) {
        // Refreshing is what the flow asks for when the request is not listed.
        (None, Some(shown), _) => Finding::new(
            check,
            Fail,
            EvidenceSource::Derived,
            &["observations.request_visible_after_refresh"],
            format!(
                "the Pending tab was refreshed (observations.request_visible_after_refresh is {shown}), so the request was not listed before"
            ),
        ),
        (None, None, Some(MfaReportStatus::Received)) => {
            Finding::from_report(check, Pass, MfaReportStatus::Received)
        }
        _ => Finding::from_field(
            check,
            "observations.request_in_pending_tab",
            obs.request_in_pending_tab,
            true,
        ),
    }
}

pub(super) fn pending_visible_after_refresh(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::PendingVisibleAfterRefresh;
    let obs = &s.observations;
    Finding::from_field(
        check,
        "observations.request_visible_after_refresh",
        obs.request_visible_after_refresh,
        true,
    )
}

pub(super) fn push_received_after_fixes(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::PushReceivedAfterFixes;
    let obs = &s.observations;
    Finding::from_field(
        check,
        "observations.push_arrived_after_fixes",
        obs.push_arrived_after_fixes,
        true,
    )
}
