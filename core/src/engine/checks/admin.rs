//! The last rungs of the ladder: the admin's MFA Report, and whether the
//! account was already reconfigured.

use crate::model::{CheckId, CheckStatus::*, DeviceSnapshot};

use super::Finding;

pub(super) fn account_reconfigure_untried(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::AccountReconfigureUntried;
    let obs = &s.observations;
    Finding::from_field(
        check,
        "observations.account_reconfigured",
        obs.account_reconfigured,
        false,
    )
}

pub(super) fn admin_mfa_report(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::AdminMfaReport;
    let report = s.mfa_report_status;
    match report {
        Some(r) => Finding::from_report(check, if r.is_healthy() { Pass } else { Fail }, r),
        None => Finding::unknown(check, &["mfa_report_status"]),
    }
}
