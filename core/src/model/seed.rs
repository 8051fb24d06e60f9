//! The seed's own words, each defined once.
//!
//! Every string here is copied verbatim from the troubleshooting flow that
//! support staff use (`push-mfa-troubleshooting.txt`, the project's ground
//! truth), typography included. A test holds each one against the seed file
//! when it is present. Questions start `Q_`, "what to do" cells `DO_`, MFA
//! Report rows `ROW_REPORT_` and their meanings `MEANS_`; `TITLE_` and
//! `ABOUT_` are each table's heading and the sentence under it.

/// Scenario 1 (push OK), row 1.
pub const Q_RECEIVED_ON_DEVICE: &str = "Did you receive the push notification on your device?";
/// Scenario 1, row 2.
pub const Q_TAPPED: &str = "Did you tap Accept or Deny?";
/// Scenario 1, row 3.
pub const Q_COMPLETED: &str = "Did the MFA step complete successfully?";
/// Scenario 2 (Accept not responding), row 1: scenario 1's first question without "on your device".
pub const Q_RECEIVED: &str = "Did you receive the push notification?";
/// Scenario 2, row 2.
pub const Q_RESPONDED: &str = "Did Accept respond when tapped?";
/// Scenario 2, row 3.
pub const Q_RESENT: &str = "Did you resend the push notification and try again?";
/// Scenario 2, row 4.
pub const Q_SECOND_ATTEMPT: &str = "Did it work on the second attempt?";
/// Scenario 2, row 5: how many is "multiple" is an option of the diagnosis.
pub const Q_MULTIPLE_RETRIES: &str = "Is the issue still happening after multiple retries?";
/// Scenario 3 (not visible in app), row 1.
pub const Q_IN_APP: &str = "Is the request visible inside the Authenticator app?";
/// Scenario 3, row 2.
pub const Q_LISTED: &str = "Is the request listed under Pending?";
/// Scenario 3, row 3.
pub const Q_VISIBLE_AT_ALL: &str = "Is the request visible at all?";
/// Scenario 3, row 4: asked the other way round from the rest ("still not visible").
pub const Q_AFTER_REFRESH: &str = "Is the request still not visible after refreshing?";
/// Scenario 4 (push not received), row 1.
pub const Q_ANY_RECEIVED: &str = "Did you receive any push notification?";
/// Scenario 4, row 2.
pub const Q_CONNECTIVITY: &str = "Is your internet connection active? (WiFi or mobile data)";
/// Scenario 4, row 3.
pub const Q_NOTIFICATIONS: &str =
    "Are notifications enabled for the Authenticator app in device settings?";
/// Scenario 4, row 4: asked the other way round ("currently ON"), and one question for two settings.
pub const Q_FOCUS_BATTERY: &str = "Is Focus, Do Not Disturb, or Battery Saver mode currently ON?";
/// Scenario 4, row 5, asked on iOS only.
pub const Q_BACKGROUND_REFRESH: &str =
    "(iOS only) Is Background App Refresh enabled for the Authenticator app?";
/// Scenario 4, row 6: asked the other way round ("still not arriving").
pub const Q_STILL_NOT_ARRIVING: &str = "Is the notification still not arriving after all checks?";
/// Scenario 5 (MFA Report), row 1.
pub const ROW_REPORT_SUCCESS: &str = "MFA Report shows status: Success";
/// Scenario 5, row 2.
pub const ROW_REPORT_DENIED: &str = "MFA Report shows status: Denied";
/// Scenario 5, row 3.
pub const ROW_REPORT_DELIVERED: &str = "MFA Report shows status: Delivered";
/// Scenario 5, row 4.
pub const ROW_REPORT_RECEIVED: &str = "MFA Report shows status: Received";
/// The "yes" of the first row of scenarios 1 and 2: the flow moves on.
pub const DO_PROCEED: &str = "Proceed to next step";
/// Scenario 1, row 2's fix.
pub const DO_TAP_ACCEPT_OR_DENY: &str = "Tap Accept to approve or Deny to reject";
/// Scenario 1, row 3's outcome.
pub const DO_ALL_DONE: &str = "All done – authentication complete";
/// Scenario 2, row 2's fix.
pub const DO_API_FAILURE: &str = "Likely an API failure – retry";
/// Scenario 2, row 3's fix.
pub const DO_RETRY_LOGIN: &str = "Retry login to resend";
/// Scenario 2, row 4's outcome.
pub const DO_RESOLVED: &str = "Issue resolved";
/// Scenario 2, row 5's fix: the logs leave the phone only this way.
pub const DO_SHARE_LOGS: &str = "Share app logs with the developer";
/// Scenario 3, row 1's fix (the seed's wording, missing verb included).
pub const DO_GO_TO_PENDING: &str = "Inside the app and go to the Pending tab";
/// Scenario 3, row 2's fix.
pub const DO_COMPLETE_MFA: &str = "Tap Accept or Deny to complete MFA";
/// Scenario 3, row 3's fix.
pub const DO_REFRESH_PENDING: &str = "Pull down on the Pending tab to refresh";
/// Scenario 3, row 4's way on, into scenario 4.
pub const DO_CHECK_CONNECTIVITY: &str = "Proceed to Scenario 4 to check connectivity";
/// Scenario 4, row 1's way on.
pub const DO_BEGIN_CHECKS: &str = "Begin checks below";
/// Scenario 4, row 2's fix.
pub const DO_ENABLE_NETWORK: &str = "Enable WiFi or mobile data and disable Airplane Mode";
/// Scenario 4, row 3's fix, both platforms' paths in the one cell as the seed has it.
pub const DO_NOTIFICATIONS: &str = "iOS: Settings > Notifications > miniOrange Authenticator > Allow\nAndroid: Settings > Apps > miniOrange Authenticator > Notifications > Allow";
/// The iOS line of [`DO_NOTIFICATIONS`], for an iOS-only rendering.
pub const DO_NOTIFICATIONS_IOS: &str =
    "Settings > Notifications > miniOrange Authenticator > Allow";
/// The Android line of [`DO_NOTIFICATIONS`], for an Android-only rendering.
pub const DO_NOTIFICATIONS_ANDROID: &str =
    "Settings > Apps > miniOrange Authenticator > Notifications > Allow";
/// Scenario 4, row 4's fix, shared by Focus and Battery Saver.
pub const DO_DISABLE_OR_EXEMPT: &str =
    "Disable it or add miniOrange Authenticator as an allowed exception";
/// Scenario 4, row 5's fix (iOS).
pub const DO_BACKGROUND_REFRESH: &str = "Settings > General > Background App Refresh > Enable for miniOrange Authenticator (WiFi & Mobile Data)";
/// Scenario 4, row 6's way on, into scenario 5.
pub const DO_ESCALATE: &str = "Escalate to admin (Check Scenario 5)";
/// What scenario 5's Success row means.
pub const MEANS_SUCCESS: &str = "Request was approved – no further action needed";
/// What scenario 5's Denied row means.
pub const MEANS_DENIED: &str = "User rejected the request – ask them to retry";
/// What scenario 5's Delivered row means.
pub const MEANS_DELIVERED: &str = "Notification was sent but not yet received on the device";
/// What scenario 5's Received row means.
pub const MEANS_RECEIVED: &str = "Request is in the app Pending tab, waiting for user action";
/// Scenario 1's heading.
pub const TITLE_PUSH_OK: &str = "Push Received — Accept / Deny Works Normally";
/// Scenario 2's heading.
pub const TITLE_ACCEPT_NOT_RESPONDING: &str = "Push Received — Accept Not Responding (API Failure)";
/// Scenario 3's heading.
pub const TITLE_PUSH_NOT_VISIBLE: &str = "Push Received — Not Visible in App, Check Pending Tab";
/// Scenario 4's heading.
pub const TITLE_PUSH_NOT_RECEIVED: &str =
    "Push Notification Not Received — Connectivity & Permissions";
/// Scenario 5's heading.
pub const TITLE_ADMIN_VERIFY_STATUS: &str = "Admin — Verify Request Status in MFA Report";
/// The last resort's heading (no table under it).
pub const TITLE_RECONFIGURE_ACCOUNT: &str = "Last Resort — Reconfigure the affected account";
/// The admin's MFA reset's heading (no table under it).
pub const TITLE_ADMIN_RESET_MFA: &str = "Admin — Reset User MFA";
/// Scenario 1's description.
pub const ABOUT_PUSH_OK: &str =
    "You receive the push notification and the Accept / Deny buttons respond as expected.";
/// Scenario 2's description, which names the cause the flow assumes.
pub const ABOUT_ACCEPT_NOT_RESPONDING: &str = "You receive the push notification but tapping Accept has no effect. This is typically caused by a temporary API failure.";
/// Scenario 3's description.
pub const ABOUT_PUSH_NOT_VISIBLE: &str = "You received the push notification but it is no longer visible, or it does not appear inside the Authenticator app.";
/// Scenario 4's description.
pub const ABOUT_PUSH_NOT_RECEIVED: &str = "No push notification arrived on your device.";
/// Scenario 5's description.
pub const ABOUT_ADMIN_VERIFY_STATUS: &str = "Admin should check the MFA Report.";
/// The last resort's description: also the guidance of the reconfigure action.
pub const ABOUT_RECONFIGURE_ACCOUNT: &str = "If all previous steps have been completed and the issue still persists, the user account must be reconfigured in the miniOrange Authenticator app.";
/// The MFA reset's description: also the guidance of the reset action.
pub const ABOUT_ADMIN_RESET_MFA: &str =
    "Users can request their respective admin to reset their MFA to login with password again.";

/// Every seed string, for the fidelity test.
pub const ALL: &[&str] = &[
    Q_RECEIVED_ON_DEVICE,
    Q_TAPPED,
    Q_COMPLETED,
    Q_RECEIVED,
    Q_RESPONDED,
    Q_RESENT,
    Q_SECOND_ATTEMPT,
    Q_MULTIPLE_RETRIES,
    Q_IN_APP,
    Q_LISTED,
    Q_VISIBLE_AT_ALL,
    Q_AFTER_REFRESH,
    Q_ANY_RECEIVED,
    Q_CONNECTIVITY,
    Q_NOTIFICATIONS,
    Q_FOCUS_BATTERY,
    Q_BACKGROUND_REFRESH,
    Q_STILL_NOT_ARRIVING,
    ROW_REPORT_SUCCESS,
    ROW_REPORT_DENIED,
    ROW_REPORT_DELIVERED,
    ROW_REPORT_RECEIVED,
    DO_PROCEED,
    DO_TAP_ACCEPT_OR_DENY,
    DO_ALL_DONE,
    DO_API_FAILURE,
    DO_RETRY_LOGIN,
    DO_RESOLVED,
    DO_SHARE_LOGS,
    DO_GO_TO_PENDING,
    DO_COMPLETE_MFA,
    DO_REFRESH_PENDING,
    DO_CHECK_CONNECTIVITY,
    DO_BEGIN_CHECKS,
    DO_ENABLE_NETWORK,
    DO_NOTIFICATIONS,
    DO_NOTIFICATIONS_IOS,
    DO_NOTIFICATIONS_ANDROID,
    DO_DISABLE_OR_EXEMPT,
    DO_BACKGROUND_REFRESH,
    DO_ESCALATE,
    MEANS_SUCCESS,
    MEANS_DENIED,
    MEANS_DELIVERED,
    MEANS_RECEIVED,
    TITLE_PUSH_OK,
    TITLE_ACCEPT_NOT_RESPONDING,
    TITLE_PUSH_NOT_VISIBLE,
    TITLE_PUSH_NOT_RECEIVED,
    TITLE_ADMIN_VERIFY_STATUS,
    TITLE_RECONFIGURE_ACCOUNT,
    TITLE_ADMIN_RESET_MFA,
    ABOUT_PUSH_OK,
    ABOUT_ACCEPT_NOT_RESPONDING,
    ABOUT_PUSH_NOT_VISIBLE,
    ABOUT_PUSH_NOT_RECEIVED,
    ABOUT_ADMIN_VERIFY_STATUS,
    ABOUT_RECONFIGURE_ACCOUNT,
    ABOUT_ADMIN_RESET_MFA,
];

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// The seed lives in `shared/` beside the repository, not in it.
    fn seed_file() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/seed/push-mfa-troubleshooting.txt")
    }

    #[test]
    fn every_string_is_the_seeds_word_for_word() {
        let path = seed_file();
        let Ok(seed) = std::fs::read_to_string(&path) else {
            crate::skip::skip(&format!(
                "the seed file {} is absent; the strings were not checked against it",
                path.display()
            ));
            return;
        };
        for text in super::ALL {
            assert!(
                seed.contains(text),
                "not in the seed word for word: {text:?}"
            );
        }
    }
}
