//! The enums of `bindings/src/ids.rs` against the core's: every core
//! variant crosses to the FFI and back unchanged, under its own JSON id.
//! (The exhaustive matches make a variant missing on one side a compile
//! error; this catches one mapped to the wrong variant of the other.)

use std::sync::atomic::AtomicBool;

use pushdoctor_core::bundle::{BundleError, BundleOptions, BundleWriter};
use pushdoctor_core::logs::{Capture, CaptureConfig, LogRecord, Origin};
use pushdoctor_ffi::ids;

macro_rules! round_trips {
    ($($ffi:ty => $all:expr),+ $(,)?) => {$(
        for core in $all {
            let ffi = <$ffi>::from(core);
            assert_eq!(ffi.as_str(), core.as_str(), "{core:?}");
            assert_eq!(core, ffi.into(), "{core:?}");
        }
    )+};
}

#[test]
fn every_core_variant_crosses_and_comes_back_under_its_own_id() {
    use pushdoctor_core as core;
    round_trips! {
        ids::Platform => core::Platform::ALL,
        ids::MfaReportStatus => core::MfaReportStatus::ALL,
        ids::SettingsTarget => core::SettingsTarget::ALL,
        ids::ScenarioId => core::ScenarioId::ALL,
        ids::RowId => core::RowId::ALL,
        ids::CheckId => core::CheckId::ALL,
        ids::ActionId => core::ActionId::ALL,
        ids::OutcomeId => [
            core::OutcomeId::AllDone, core::OutcomeId::TapToApprove,
            core::OutcomeId::ApproveFromPending, core::OutcomeId::RetryLogin,
            core::OutcomeId::RetryResolved, core::OutcomeId::ShareLogs,
            core::OutcomeId::FixedAfterChecks, core::OutcomeId::ReportApproved,
            core::OutcomeId::ReportDenied, core::OutcomeId::Reconfigure,
            core::OutcomeId::ResetMfa,
        ],
        ids::Escalation => [
            core::Escalation::None, core::Escalation::Retry, core::Escalation::ShareLogs,
            core::Escalation::ContactAdmin, core::Escalation::ReconfigureAccount,
            core::Escalation::AdminResetMfa,
        ],
        ids::CheckStatus => [
            core::CheckStatus::Pass, core::CheckStatus::Fail,
            core::CheckStatus::Unknown, core::CheckStatus::NotApplicable,
        ],
        ids::EvidenceSource => [
            core::EvidenceSource::Snapshot, core::EvidenceSource::MfaReport,
            core::EvidenceSource::Derived, core::EvidenceSource::Probe,
            core::EvidenceSource::Person, core::EvidenceSource::None,
        ],
        ids::LogLevel => [
            core::logs::Level::Error, core::logs::Level::Warn, core::logs::Level::Info,
            core::logs::Level::Debug, core::logs::Level::Trace,
        ],
        ids::BundleReason => [
            core::bundle::BundleReason::Button,
            core::bundle::BundleReason::RepeatedAcceptFailures,
            core::bundle::BundleReason::QaRun,
            core::bundle::BundleReason::Support,
        ],
    }
    // An answer: yes, no, and each status, each to the core's and back.
    let answers = [core::AnswerValue::Yes, core::AnswerValue::No]
        .into_iter()
        .chain(core::MfaReportStatus::ALL.map(core::AnswerValue::Status));
    for core in answers {
        let ffi = ids::Answer::from(core);
        assert_eq!(core, ffi.into(), "{core:?}");
    }
}

/// A bundle whose caller has given up (`buildBundle`'s cancel flag set)
/// stops before its next record and leaves no file at the output.
#[test]
fn a_cancelled_bundle_stops_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let capture = Capture::start(CaptureConfig {
        platform_sink: false,
        ..CaptureConfig::default()
    })
    .unwrap();
    for i in 0..100 {
        capture.record(&LogRecord::new(
            1_790_000_000_000 + i,
            pushdoctor_core::logs::Level::Info,
            "t",
            format!("record {i}"),
            Origin::App,
        ));
    }
    let output = dir.path().join("b.zip");
    let mut writer = BundleWriter::create(&output, BundleOptions::default()).unwrap();
    let cancelled = AtomicBool::new(true);
    assert!(matches!(
        writer.add_capture_until(&capture, &cancelled),
        Err(BundleError::Cancelled)
    ));
    drop(writer);
    assert!(!output.exists());
    // Not cancelled, the same capture makes a bundle.
    let mut writer = BundleWriter::create(&output, BundleOptions::default()).unwrap();
    writer
        .add_capture_until(&capture, &AtomicBool::new(false))
        .unwrap();
    writer.finish().unwrap();
    assert!(output.exists());
    capture.shutdown();
}
