//! The request's story: did the push arrive, was it answered, did Accept
//! work, was it retried, where is it in the app. Read from the snapshot's
//! `observations`, with the MFA Report filling what the device left out.

use crate::model::{CheckId, CheckStatus::*, DeviceSnapshot, EvidenceSource, MfaReportStatus};

use super::Finding;

pub(super) fn push_received(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::PushReceived;
    let obs = &s.observations;
    let report = s.mfa_report_status;
    match (obs.push_received, report) {
        (Some(_), _) | (None, None) => {
            Finding::from_field(check, "observations.push_received", obs.push_received, true)
        }
        (None, Some(r)) => {
            let status = if r.device_acknowledged() { Pass } else { Fail };
            Finding::from_report(check, status, r)
        }
    }
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
        (None, None, Some(r)) if r.person_answered() => Finding::from_report(check, Pass, r),
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
    let report = s.mfa_report_status;
    match (obs.mfa_completed, obs.accept_responded, report) {
        (Some(_), _, _) => {
            Finding::from_field(check, "observations.mfa_completed", obs.mfa_completed, true)
        }
        (None, _, Some(MfaReportStatus::Success)) => {
            Finding::from_report(check, Pass, MfaReportStatus::Success)
        }
        (None, Some(responded), _) => Finding::new(
            check,
            if responded { Pass } else { Fail },
            EvidenceSource::Derived,
            &["observations.accept_responded"],
            if responded {
                "Accept got the service's confirmation (observations.accept_responded is true)"
            } else {
                "Accept did not respond (observations.accept_responded is false)"
            },
        ),
        _ => Finding::unknown(check, &["observations.mfa_completed"]),
    }
}

pub(super) fn accept_retried(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::AcceptRetried;
    let obs = &s.observations;
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
        _ => Finding::from_field(
            check,
            "observations.retry_succeeded",
            obs.retry_succeeded,
            true,
        ),
    }
}

pub(super) fn accept_retries_under_limit(s: &DeviceSnapshot, multiple_retries: u32) -> Finding {
    let check = CheckId::AcceptRetriesUnderLimit;
    let obs = &s.observations;
    let fields = ["observations.retry_count", "observations.retry_succeeded"];
    match (obs.retry_count, obs.retry_succeeded) {
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
    match (obs.request_visible_in_app, obs.request_in_pending_tab) {
        (None, Some(true)) => Finding::new(
            check,
            Pass,
            EvidenceSource::Derived,
            &["observations.request_in_pending_tab"],
            "the request is listed under the app's Pending tab",
        ),
        _ => Finding::from_field(
            check,
            "observations.request_visible_in_app",
            obs.request_visible_in_app,
            true,
        ),
    }
}

pub(super) fn pending_listed(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::PendingListed;
    let obs = &s.observations;
    Finding::from_field(
        check,
        "observations.request_in_pending_tab",
        obs.request_in_pending_tab,
        true,
    )
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
