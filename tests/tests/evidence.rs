//! Diagnosing from the evidence alone (issue 10): snapshots that a "Run
//! diagnostics" button or a device farm sends, with nobody there to answer.
//! Each scenario of the seed entered by its own evidence, partial evidence
//! (what is still asked), evidence that contradicts itself, each platform
//! reason beyond the seed, and each MFA Report status held against the
//! device's evidence. Each case asserts the problem (`scenario`), where the
//! flow leads (`destination`), the outcome or the one question still
//! asked, the checks that fail, pass and do not apply, the actions in
//! order, the escalation, the reasons and the warnings.

use std::collections::BTreeSet;

use pushdoctor_core::{diagnose, Answers, CheckStatus, DeviceSnapshot, Diagnosis, Options};

enum End {
    /// The diagnosis concludes: no question is asked.
    Outcome(&'static str),
    /// The evidence does not decide: this row's question is asked.
    Asks(&'static str),
}
use End::{Asks, Outcome};

struct Case {
    name: &'static str,
    snapshot: &'static str,
    scenario: Option<&'static str>,
    destination: Option<&'static str>,
    end: End,
    fail: &'static [&'static str],
    pass: &'static [&'static str],
    not_applicable: &'static [&'static str],
    actions: &'static [&'static str],
    escalation: &'static str,
    /// The failing checks given as the reasons, in order.
    reasons: &'static [&'static str],
    /// How many contradictions the diagnosis warns of.
    warnings: usize,
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case {
        name: "push_ok: the MFA step completed",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"push_received": true, "accept_tapped": true, "accept_responded": true, "mfa_completed": true}}"#,
        scenario: Some("push_ok"), destination: Some("push_ok"), end: Outcome("all_done"),
        fail: &[],
        pass: &["push.received", "accept.tapped", "accept.responded", "mfa.completed"],
        not_applicable: &["accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &[], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "push_ok: completed alone says the rest",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"mfa_completed": true}}"#,
        scenario: Some("push_ok"), destination: Some("push_ok"), end: Outcome("all_done"),
        fail: &[],
        pass: &["push.received", "accept.tapped", "mfa.completed"],
        not_applicable: &["accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &[], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "push_ok: Success report with the device's completion",
        snapshot: r#"{"schema_version": 1, "platform": "ios", "observations": {"mfa_completed": true}, "mfa_report_status": "Success"}"#,
        scenario: Some("push_ok"), destination: Some("push_ok"), end: Outcome("all_done"),
        fail: &[],
        pass: &["push.received", "accept.tapped", "accept.responded", "mfa.completed", "admin.mfa_report"],
        not_applicable: &["accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "network.data_saver", "notifications.permission", "notifications.mfa_channel", "power.battery_optimization_exempt", "power.background_unrestricted", "power.standby_bucket", "app.not_force_stopped"],
        actions: &[], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "push_ok: Success report alone",
        snapshot: r#"{"schema_version": 1, "platform": "ios", "mfa_report_status": "Success"}"#,
        scenario: Some("push_ok"), destination: Some("push_ok"), end: Outcome("all_done"),
        fail: &[],
        pass: &["push.received", "accept.tapped", "accept.responded", "mfa.completed", "admin.mfa_report"],
        not_applicable: &["accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "network.data_saver", "notifications.permission", "notifications.mfa_channel", "power.battery_optimization_exempt", "power.background_unrestricted", "power.standby_bucket", "app.not_force_stopped"],
        actions: &[], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "push_ok: nobody needed to retry",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"push_received": true, "accept_tapped": true, "accept_responded": true, "mfa_completed": true, "retry_count": 0}}"#,
        scenario: Some("push_ok"), destination: Some("push_ok"), end: Outcome("all_done"),
        fail: &[],
        pass: &["push.received", "accept.tapped", "accept.responded", "mfa.completed", "accept.retries_under_limit"],
        not_applicable: &["accept.retried", "accept.retry_succeeded", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &[], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "push_ok: push shown, not yet answered, visible in the app",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"push_received": true, "accept_tapped": false, "request_visible_in_app": true}}"#,
        scenario: Some("push_ok"), destination: Some("push_ok"), end: Outcome("tap_to_approve"),
        fail: &["accept.tapped"],
        pass: &["push.received", "request.visible_in_app"],
        not_applicable: &["accept.responded", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["approve_request"], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "accept: first failure, not retried",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"push_received": true, "accept_tapped": true, "accept_responded": false, "retry_count": 0}}"#,
        scenario: Some("accept_not_responding"), destination: Some("accept_not_responding"), end: Outcome("retry_login"),
        fail: &["accept.responded", "mfa.completed", "accept.retried"],
        pass: &["push.received", "accept.tapped", "accept.retries_under_limit"],
        not_applicable: &["accept.retry_succeeded", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["resend_push"], escalation: "retry",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "accept: retried several times, the latest still failed",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"push_received": true, "accept_tapped": true, "accept_responded": false, "retry_count": 3, "mfa_completed": false}}"#,
        scenario: Some("accept_not_responding"), destination: Some("accept_not_responding"), end: Outcome("share_logs"),
        fail: &["accept.responded", "mfa.completed", "accept.retry_succeeded", "accept.retries_under_limit"],
        pass: &["push.received", "accept.tapped", "accept.retried"],
        not_applicable: &["notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["share_logs"], escalation: "share_logs",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "accept: retried, a later attempt worked",
        snapshot: r#"{"schema_version": 1, "platform": "ios", "observations": {"accept_tapped": true, "accept_responded": false, "retry_count": 1, "retry_succeeded": true}}"#,
        scenario: Some("accept_not_responding"), destination: Some("accept_not_responding"), end: Outcome("retry_resolved"),
        fail: &["accept.responded"],
        pass: &["push.received", "accept.tapped", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit"],
        not_applicable: &["network.data_saver", "notifications.permission", "notifications.mfa_channel", "power.battery_optimization_exempt", "power.background_unrestricted", "power.standby_bucket", "app.not_force_stopped"],
        actions: &[], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "accept: one failed retry, under the limit",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"accept_responded": false, "retry_count": 1, "retry_succeeded": false}}"#,
        scenario: Some("accept_not_responding"), destination: Some("accept_not_responding"), end: Outcome("retry_login"),
        fail: &["accept.responded", "mfa.completed", "accept.retry_succeeded"],
        pass: &["push.received", "accept.tapped", "accept.retried", "accept.retries_under_limit"],
        not_applicable: &["notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["resend_push"], escalation: "retry",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "accept: partial, Accept silent and retries unknown",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"push_received": true, "accept_tapped": true, "accept_responded": false}}"#,
        scenario: Some("accept_not_responding"), destination: Some("push_ok"), end: Asks("push_ok.completed"),
        fail: &["accept.responded"],
        pass: &["push.received", "accept.tapped"],
        not_applicable: &["notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &[], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "accept: partial, only a retry count",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"retry_count": 2}}"#,
        scenario: Some("accept_not_responding"), destination: Some("push_ok"), end: Asks("push_ok.completed"),
        fail: &[],
        pass: &["push.received", "accept.tapped", "accept.retried"],
        not_applicable: &["notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &[], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "pending: listed under Pending",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"push_received": true, "request_in_pending_tab": true}}"#,
        scenario: Some("push_not_visible"), destination: Some("push_not_visible"), end: Outcome("approve_from_pending"),
        fail: &[],
        pass: &["push.received", "pending.listed"],
        not_applicable: &["notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["approve_request"], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "pending: showed up only after a refresh",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"push_received": true, "request_visible_after_refresh": true}}"#,
        scenario: Some("push_not_visible"), destination: Some("push_not_visible"), end: Outcome("approve_from_pending"),
        fail: &["pending.listed"],
        pass: &["push.received", "pending.visible_after_refresh"],
        not_applicable: &["notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["approve_request"], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "pending: listed, nothing else known",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"request_in_pending_tab": true}}"#,
        scenario: Some("push_not_visible"), destination: Some("push_not_visible"), end: Outcome("approve_from_pending"),
        fail: &[],
        pass: &["pending.listed"],
        not_applicable: &["notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["approve_request"], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "pending: Received report alone",
        snapshot: r#"{"schema_version": 1, "platform": "android", "mfa_report_status": "Received"}"#,
        scenario: Some("push_not_visible"), destination: Some("push_not_visible"), end: Outcome("approve_from_pending"),
        fail: &["accept.tapped"],
        pass: &["push.received", "pending.listed", "admin.mfa_report"],
        not_applicable: &["accept.responded", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["approve_request"], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "pending: Received report, the device saw no notification",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"push_received": false}, "mfa_report_status": "Received"}"#,
        scenario: Some("push_not_visible"), destination: Some("push_not_visible"), end: Outcome("approve_from_pending"),
        fail: &["push.received"],
        pass: &["pending.listed", "admin.mfa_report"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["approve_request"], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "pending: not visible even after refreshing, settings healthy",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "observations": {"push_received": true, "accept_tapped": false, "request_visible_in_app": false, "request_in_pending_tab": false, "request_visible_after_refresh": false, "push_arrived_after_fixes": false}}"#,
        scenario: Some("push_not_visible"), destination: Some("admin_verify_status"), end: Asks("admin_verify_status.report"),
        fail: &["accept.tapped", "request.visible_in_app", "pending.listed", "pending.visible_after_refresh", "push.received_after_fixes"],
        pass: &["push.received", "network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.responded", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["escalate_to_admin"], escalation: "contact_admin",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "pending: not in the app, Pending not looked at",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"push_received": true, "accept_tapped": false, "request_visible_in_app": false}}"#,
        scenario: Some("push_not_visible"), destination: Some("push_not_visible"), end: Asks("push_not_visible.listed"),
        fail: &["accept.tapped", "request.visible_in_app"],
        pass: &["push.received"],
        not_applicable: &["accept.responded", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["open_pending_tab"], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "no push: every setting healthy",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("admin_verify_status"), end: Asks("admin_verify_status.report"),
        fail: &["push.received"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["escalate_to_admin"], escalation: "contact_admin",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "no push: notifications off",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": false}, "focus": {"active": false}, "battery_saver": {"active": false}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "notifications.enabled"],
        pass: &["network.connected", "network.airplane_mode", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["enable_notifications", "resend_push"], escalation: "retry",
        reasons: &["notifications.enabled"], warnings: 0,
    },
    Case {
        name: "no push: offline in Airplane Mode",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": false, "airplane_mode": true}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "network.connected", "network.airplane_mode"],
        pass: &["notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "network.captive_portal", "network.backend_reachable", "service.available", "network.push_service_reachable", "network.proxy_or_vpn", "clock.skew", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["enable_network", "resend_push"], escalation: "retry",
        reasons: &["network.connected", "network.airplane_mode"], warnings: 0,
    },
    Case {
        name: "no push: iOS, everything off",
        snapshot: r#"{"schema_version": 1, "platform": "ios", "network": {"connected": false, "airplane_mode": true}, "notifications": {"enabled": false}, "focus": {"active": true}, "battery_saver": {"active": true}, "background_refresh": {"enabled": false}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off", "background_refresh.enabled"],
        pass: &[],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "network.captive_portal", "network.backend_reachable", "service.available", "network.push_service_reachable", "network.proxy_or_vpn", "clock.skew", "network.data_saver", "notifications.permission", "notifications.mfa_channel", "power.battery_optimization_exempt", "power.background_unrestricted", "power.standby_bucket", "app.not_force_stopped"],
        actions: &["enable_network", "enable_notifications", "disable_focus", "disable_battery_saver", "enable_background_refresh", "resend_push"], escalation: "retry",
        reasons: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off", "background_refresh.enabled"], warnings: 0,
    },
    Case {
        name: "no push: fixed, then it arrived",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": false}, "focus": {"active": false}, "battery_saver": {"active": false}, "observations": {"push_received": false, "push_arrived_after_fixes": true}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Outcome("fixed_after_checks"),
        fail: &["push.received", "notifications.enabled"],
        pass: &["network.connected", "network.airplane_mode", "focus.off", "battery_saver.off", "push.received_after_fixes"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["enable_notifications"], escalation: "none",
        reasons: &["notifications.enabled"], warnings: 0,
    },
    Case {
        name: "no push: fixed, still not arriving",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": false}, "focus": {"active": false}, "battery_saver": {"active": false}, "observations": {"push_received": false, "push_arrived_after_fixes": false}}"#,
        scenario: Some("push_not_received"), destination: Some("admin_verify_status"), end: Asks("admin_verify_status.report"),
        fail: &["push.received", "notifications.enabled", "push.received_after_fixes"],
        pass: &["network.connected", "network.airplane_mode", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["enable_notifications", "escalate_to_admin"], escalation: "contact_admin",
        reasons: &["notifications.enabled"], warnings: 0,
    },
    Case {
        name: "no push: partial, nothing else known",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.connectivity"),
        fail: &["push.received"],
        pass: &[],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &[], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "no push: Delivered report alone",
        snapshot: r#"{"schema_version": 1, "platform": "android", "mfa_report_status": "Delivered"}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.connectivity"),
        fail: &["push.received", "admin.mfa_report"],
        pass: &[],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &[], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "no push: Delivered, settings healthy (the last resort)",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "observations": {"push_received": false}, "mfa_report_status": "Delivered"}"#,
        scenario: Some("push_not_received"), destination: Some("reconfigure_account"), end: Asks("reconfigure_account.reconfigured"),
        fail: &["push.received", "admin.mfa_report"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["reconfigure_account"], escalation: "reconfigure_account",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "no push: Delivered, not reconfigured yet",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "observations": {"push_received": false, "account_reconfigured": false}, "mfa_report_status": "Delivered"}"#,
        scenario: Some("push_not_received"), destination: Some("reconfigure_account"), end: Outcome("reconfigure"),
        fail: &["push.received", "admin.mfa_report"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off", "account.reconfigure_untried"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["reconfigure_account"], escalation: "reconfigure_account",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "no push: Delivered, reconfigured and still failing",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "observations": {"push_received": false, "account_reconfigured": true}, "mfa_report_status": "Delivered"}"#,
        scenario: Some("push_not_received"), destination: Some("admin_reset_mfa"), end: Outcome("reset_mfa"),
        fail: &["push.received", "account.reconfigure_untried", "admin.mfa_report"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["reconfigure_account", "request_mfa_reset"], escalation: "admin_reset_mfa",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "no push: reconfigured and still failing, nothing else",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"account_reconfigured": true}}"#,
        scenario: Some("admin_reset_mfa"), destination: Some("admin_reset_mfa"), end: Outcome("reset_mfa"),
        fail: &["account.reconfigure_untried"],
        pass: &[],
        not_applicable: &["notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["reconfigure_account", "request_mfa_reset"], escalation: "admin_reset_mfa",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "report: Denied alone",
        snapshot: r#"{"schema_version": 1, "platform": "ios", "mfa_report_status": "Denied"}"#,
        scenario: Some("admin_verify_status"), destination: Some("admin_verify_status"), end: Outcome("report_denied"),
        fail: &["mfa.completed", "admin.mfa_report"],
        pass: &["push.received", "accept.tapped"],
        not_applicable: &["network.data_saver", "notifications.permission", "notifications.mfa_channel", "power.battery_optimization_exempt", "power.background_unrestricted", "power.standby_bucket", "app.not_force_stopped"],
        actions: &["resend_push"], escalation: "retry",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "report: Denied after the push was answered",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"push_received": true, "accept_tapped": true}, "mfa_report_status": "Denied"}"#,
        scenario: Some("admin_verify_status"), destination: Some("admin_verify_status"), end: Outcome("report_denied"),
        fail: &["mfa.completed", "admin.mfa_report"],
        pass: &["push.received", "accept.tapped"],
        not_applicable: &["notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["resend_push"], escalation: "retry",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "contradiction: Denied, but the device saw no push",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "observations": {"push_received": false}, "mfa_report_status": "Denied"}"#,
        scenario: Some("push_not_received"), destination: Some("admin_verify_status"), end: Outcome("report_denied"),
        fail: &["push.received", "admin.mfa_report"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["resend_push"], escalation: "retry",
        reasons: &[], warnings: 1,
    },
    Case {
        name: "contradiction: Success, but the device saw no push",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "observations": {"push_received": false}, "mfa_report_status": "Success"}"#,
        scenario: Some("push_not_received"), destination: Some("admin_verify_status"), end: Outcome("report_approved"),
        fail: &["push.received"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off", "admin.mfa_report"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &[], escalation: "none",
        reasons: &[], warnings: 1,
    },
    Case {
        name: "contradiction: Delivered, but the push arrived",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"push_received": true}, "mfa_report_status": "Delivered"}"#,
        scenario: Some("push_ok"), destination: Some("push_ok"), end: Asks("push_ok.tapped"),
        fail: &["admin.mfa_report"],
        pass: &["push.received"],
        not_applicable: &["notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &[], escalation: "none",
        reasons: &[], warnings: 1,
    },
    Case {
        name: "contradiction: Received, but Accept was tapped and failed",
        snapshot: r#"{"schema_version": 1, "platform": "android", "observations": {"push_received": true, "accept_tapped": true, "accept_responded": false, "retry_count": 0}, "mfa_report_status": "Received"}"#,
        scenario: Some("accept_not_responding"), destination: Some("accept_not_responding"), end: Outcome("retry_login"),
        fail: &["accept.responded", "mfa.completed", "accept.retried"],
        pass: &["push.received", "accept.tapped", "accept.retries_under_limit", "pending.listed", "admin.mfa_report"],
        not_applicable: &["accept.retry_succeeded", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["resend_push"], escalation: "retry",
        reasons: &[], warnings: 1,
    },
    Case {
        name: "nothing known",
        snapshot: r#"{"schema_version": 1, "platform": "android"}"#,
        scenario: None, destination: None, end: Asks("push_ok.received"),
        fail: &[],
        pass: &[],
        not_applicable: &["notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &[], escalation: "none",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "android: MFA channel blocked",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true, "mfa_channel_importance": "none"}, "focus": {"active": false}, "battery_saver": {"active": false}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "notifications.mfa_channel"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["enable_mfa_channel", "resend_push"], escalation: "retry",
        reasons: &["notifications.mfa_channel"], warnings: 0,
    },
    Case {
        name: "android: MFA channel silenced",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true, "mfa_channel_importance": "low"}, "focus": {"active": false}, "battery_saver": {"active": false}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "notifications.mfa_channel"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["enable_mfa_channel", "resend_push"], escalation: "retry",
        reasons: &["notifications.mfa_channel"], warnings: 0,
    },
    Case {
        name: "android: POST_NOTIFICATIONS not granted on Android 13",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true, "permission_granted": false}, "focus": {"active": false}, "battery_saver": {"active": false}, "device": {"sdk_int": 34}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "notifications.permission"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["enable_notifications", "resend_push"], escalation: "retry",
        reasons: &["notifications.permission"], warnings: 0,
    },
    Case {
        name: "android: POST_NOTIFICATIONS before Android 13 does not apply",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true, "permission_granted": false}, "focus": {"active": false}, "battery_saver": {"active": false}, "device": {"sdk_int": 30}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("admin_verify_status"), end: Asks("admin_verify_status.report"),
        fail: &["push.received"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.permission", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["escalate_to_admin"], escalation: "contact_admin",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "android: Xiaomi battery optimisation",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "power": {"battery_optimization_exempt": false}, "device": {"manufacturer": "Xiaomi"}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "power.battery_optimization_exempt"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["exempt_from_battery_optimization", "resend_push"], escalation: "retry",
        reasons: &["power.battery_optimization_exempt"], warnings: 0,
    },
    Case {
        name: "android: background restricted",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "power": {"background_restricted": true}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "power.background_unrestricted"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["allow_background_activity", "resend_push"], escalation: "retry",
        reasons: &["power.background_unrestricted"], warnings: 0,
    },
    Case {
        name: "android: App Standby bucket restricted",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "power": {"standby_bucket": "restricted"}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "power.standby_bucket"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["exempt_from_battery_optimization", "resend_push"], escalation: "retry",
        reasons: &["power.standby_bucket"], warnings: 0,
    },
    Case {
        name: "android: App Standby bucket rare",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "power": {"standby_bucket": "rare"}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "power.standby_bucket"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["exempt_from_battery_optimization", "resend_push"], escalation: "retry",
        reasons: &["power.standby_bucket"], warnings: 0,
    },
    Case {
        name: "android: Data Saver on without exemption",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false, "data_saver": "on"}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "network.data_saver"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["allow_background_data", "resend_push"], escalation: "retry",
        reasons: &["network.data_saver"], warnings: 0,
    },
    Case {
        name: "android: Data Saver on with exemption is fine",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false, "data_saver": "on_exempt"}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("admin_verify_status"), end: Asks("admin_verify_status.report"),
        fail: &["push.received"],
        pass: &["network.connected", "network.airplane_mode", "network.data_saver", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["escalate_to_admin"], escalation: "contact_admin",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "android: force-stopped",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "app": {"force_stopped": true}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "app.not_force_stopped"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["open_app", "resend_push"], escalation: "retry",
        reasons: &["app.not_force_stopped"], warnings: 0,
    },
    Case {
        name: "android: no FCM token",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "app": {"push_token_registered": false}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "push.token_registered"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["register_for_push", "resend_push"], escalation: "retry",
        reasons: &["push.token_registered"], warnings: 0,
    },
    Case {
        name: "android: Do Not Disturb with the app allowed",
        snapshot: r#"{"schema_version": 1, "platform": "android", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": true, "app_allowed": true}, "battery_saver": {"active": false}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("admin_verify_status"), end: Asks("admin_verify_status.report"),
        fail: &["push.received"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "notifications.authorized", "notifications.alert_style", "notifications.immediate_delivery", "background_refresh.enabled"],
        actions: &["escalate_to_admin"], escalation: "contact_admin",
        reasons: &[], warnings: 0,
    },
    Case {
        name: "ios: authorization denied",
        snapshot: r#"{"schema_version": 1, "platform": "ios", "network": {"connected": true, "airplane_mode": false}, "notifications": {"authorization_status": "denied"}, "focus": {"active": false}, "battery_saver": {"active": false}, "background_refresh": {"enabled": true}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "notifications.enabled", "notifications.authorized"],
        pass: &["network.connected", "network.airplane_mode", "focus.off", "battery_saver.off", "background_refresh.enabled"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "network.data_saver", "notifications.permission", "notifications.mfa_channel", "power.battery_optimization_exempt", "power.background_unrestricted", "power.standby_bucket", "app.not_force_stopped"],
        actions: &["enable_notifications", "resend_push"], escalation: "retry",
        reasons: &["notifications.enabled", "notifications.authorized"], warnings: 0,
    },
    Case {
        name: "ios: provisional authorization",
        snapshot: r#"{"schema_version": 1, "platform": "ios", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true, "authorization_status": "provisional"}, "focus": {"active": false}, "battery_saver": {"active": false}, "background_refresh": {"enabled": true}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "notifications.authorized"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off", "background_refresh.enabled"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "network.data_saver", "notifications.permission", "notifications.mfa_channel", "power.battery_optimization_exempt", "power.background_unrestricted", "power.standby_bucket", "app.not_force_stopped"],
        actions: &["enable_notifications", "resend_push"], escalation: "retry",
        reasons: &["notifications.authorized"], warnings: 0,
    },
    Case {
        name: "ios: alert style none",
        snapshot: r#"{"schema_version": 1, "platform": "ios", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true, "authorization_status": "authorized", "alert_style": "none"}, "focus": {"active": false}, "battery_saver": {"active": false}, "background_refresh": {"enabled": true}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "notifications.alert_style"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "notifications.authorized", "focus.off", "battery_saver.off", "background_refresh.enabled"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "network.data_saver", "notifications.permission", "notifications.mfa_channel", "power.battery_optimization_exempt", "power.background_unrestricted", "power.standby_bucket", "app.not_force_stopped"],
        actions: &["show_notification_alerts", "resend_push"], escalation: "retry",
        reasons: &["notifications.alert_style"], warnings: 0,
    },
    Case {
        name: "ios: Scheduled Summary",
        snapshot: r#"{"schema_version": 1, "platform": "ios", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true, "scheduled_summary": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "background_refresh": {"enabled": true}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "notifications.immediate_delivery"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off", "background_refresh.enabled"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "network.data_saver", "notifications.permission", "notifications.mfa_channel", "power.battery_optimization_exempt", "power.background_unrestricted", "power.standby_bucket", "app.not_force_stopped"],
        actions: &["deliver_immediately", "resend_push"], escalation: "retry",
        reasons: &["notifications.immediate_delivery"], warnings: 0,
    },
    Case {
        name: "ios: Focus on without the app allowed",
        snapshot: r#"{"schema_version": 1, "platform": "ios", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": true, "app_allowed": false}, "battery_saver": {"active": false}, "background_refresh": {"enabled": true}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "focus.off"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "battery_saver.off", "background_refresh.enabled"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "network.data_saver", "notifications.permission", "notifications.mfa_channel", "power.battery_optimization_exempt", "power.background_unrestricted", "power.standby_bucket", "app.not_force_stopped"],
        actions: &["disable_focus", "resend_push"], escalation: "retry",
        reasons: &["focus.off"], warnings: 0,
    },
    Case {
        name: "ios: no APNs token",
        snapshot: r#"{"schema_version": 1, "platform": "ios", "network": {"connected": true, "airplane_mode": false}, "notifications": {"enabled": true}, "focus": {"active": false}, "battery_saver": {"active": false}, "background_refresh": {"enabled": true}, "app": {"push_token_registered": false}, "observations": {"push_received": false}}"#,
        scenario: Some("push_not_received"), destination: Some("push_not_received"), end: Asks("push_not_received.still_not_arriving"),
        fail: &["push.received", "push.token_registered"],
        pass: &["network.connected", "network.airplane_mode", "notifications.enabled", "focus.off", "battery_saver.off", "background_refresh.enabled"],
        not_applicable: &["accept.tapped", "accept.responded", "mfa.completed", "accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "network.data_saver", "notifications.permission", "notifications.mfa_channel", "power.battery_optimization_exempt", "power.background_unrestricted", "power.standby_bucket", "app.not_force_stopped"],
        actions: &["register_for_push", "resend_push"], escalation: "retry",
        reasons: &["push.token_registered"], warnings: 0,
    },
    Case {
        name: "ios: a platform reason on an answered push is still fixed",
        snapshot: r#"{"schema_version": 1, "platform": "ios", "notifications": {"enabled": true, "scheduled_summary": true}, "observations": {"mfa_completed": true}}"#,
        scenario: Some("push_ok"), destination: Some("push_ok"), end: Outcome("all_done"),
        fail: &["notifications.immediate_delivery"],
        pass: &["push.received", "accept.tapped", "mfa.completed", "notifications.enabled"],
        not_applicable: &["accept.retried", "accept.retry_succeeded", "accept.retries_under_limit", "network.data_saver", "notifications.permission", "notifications.mfa_channel", "power.battery_optimization_exempt", "power.background_unrestricted", "power.standby_bucket", "app.not_force_stopped"],
        actions: &["deliver_immediately"], escalation: "none",
        reasons: &["notifications.immediate_delivery"], warnings: 0,
    },
];

fn diagnosed(case: &Case) -> Diagnosis {
    let parsed = DeviceSnapshot::from_json(case.snapshot.as_bytes())
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
    assert!(
        parsed.unknown_fields.is_empty(),
        "{}: {:?}",
        case.name,
        parsed.unknown_fields
    );
    diagnose(&parsed.snapshot, &Answers::default(), &Options::default())
}

fn checks(d: &Diagnosis, status: CheckStatus) -> BTreeSet<&'static str> {
    d.findings
        .iter()
        .filter(|f| f.status == status)
        .map(|f| f.check.as_str())
        .collect()
}

fn set(ids: &[&'static str]) -> BTreeSet<&'static str> {
    ids.iter().copied().collect()
}

#[test]
fn every_case_is_diagnosed_from_its_evidence() {
    for case in CASES {
        let d = diagnosed(case);
        let name = case.name;
        assert_eq!(
            d.scenario.map(|s| s.as_str()),
            case.scenario,
            "{name}: scenario"
        );
        assert_eq!(
            d.destination.map(|s| s.as_str()),
            case.destination,
            "{name}: destination"
        );
        match case.end {
            Outcome(id) => {
                assert_eq!(
                    d.outcome.as_ref().map(|o| o.id.as_str()),
                    Some(id),
                    "{name}: outcome"
                );
                assert!(
                    d.next_question.is_none(),
                    "{name}: the evidence decides, nothing is asked"
                );
            }
            Asks(row) => {
                assert!(d.outcome.is_none(), "{name}: no conclusion yet");
                assert_eq!(
                    d.next_question.as_ref().map(|q| q.row.as_str()),
                    Some(row),
                    "{name}: question"
                );
            }
        }
        assert_eq!(
            checks(&d, CheckStatus::Fail),
            set(case.fail),
            "{name}: failing checks"
        );
        assert_eq!(
            checks(&d, CheckStatus::Pass),
            set(case.pass),
            "{name}: passing checks"
        );
        assert_eq!(
            checks(&d, CheckStatus::NotApplicable),
            set(case.not_applicable),
            "{name}: checks that do not apply"
        );
        let actions: Vec<&str> = d.actions.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(actions, case.actions, "{name}: actions");
        assert_eq!(d.escalation.as_str(), case.escalation, "{name}: escalation");
        let reasons: Vec<&str> = d.reasons.iter().map(|r| r.check.as_str()).collect();
        assert_eq!(reasons, case.reasons, "{name}: reasons");
        assert_eq!(
            d.warnings.len(),
            case.warnings,
            "{name}: warnings {:?}",
            d.warnings
        );
    }
}

/// The table reaches every scenario of the seed from a snapshot alone, as
/// the problem or as where the flow leads, and every one of them
/// concluded without a question at least once.
#[test]
fn every_scenario_is_reached_from_evidence_alone() {
    let diagnoses: Vec<Diagnosis> = CASES.iter().map(diagnosed).collect();
    for scenario in pushdoctor_core::ScenarioId::ALL {
        assert!(
            diagnoses.iter().any(|d| d.is_complete()
                && (d.scenario == Some(scenario) || d.destination == Some(scenario))),
            "no case concludes in {scenario} from evidence alone"
        );
    }
    assert!(CASES.len() >= 40, "the issue asks for at least 40 cases");
}

/// A platform reason beyond the seed is named whenever every setting the
/// seed asks about looks healthy: "all checks green" never hides it.
#[test]
fn a_reason_beyond_the_seed_is_named_when_the_seed_sees_nothing() {
    for case in CASES
        .iter()
        .filter(|c| c.name.starts_with("android:") || c.name.starts_with("ios:"))
    {
        let d = diagnosed(case);
        let beyond: Vec<_> = d
            .findings
            .iter()
            .filter(|f| {
                f.status == CheckStatus::Fail
                    && !f.check.is_from_seed()
                    && f.check.is_device_setting()
            })
            .collect();
        for f in beyond {
            let reason = d.reasons.iter().find(|r| r.check == f.check);
            let reason = reason
                .unwrap_or_else(|| panic!("{}: {} fails but is not a reason", case.name, f.check));
            assert!(!reason.from_seed);
            assert!(
                d.action_ids().contains(&reason.fix),
                "{}: {} has no fix",
                case.name,
                f.check
            );
            let action = d.actions.iter().find(|a| a.id == reason.fix).unwrap();
            // Every fix opens its settings screen, but for the two that
            // only the app itself can do (opening it, registering again).
            assert!(
                action.settings_target.is_some()
                    || matches!(
                        action.id,
                        pushdoctor_core::ActionId::OpenApp
                            | pushdoctor_core::ActionId::RegisterForPush
                    ),
                "{}: {} opens no settings screen",
                case.name,
                action.id
            );
        }
    }
}

/// Each MFA Report status against the device's own evidence: where the
/// device disagrees, its evidence stands and a warning says what disagreed.
#[test]
fn the_report_never_silently_beats_the_device() {
    for case in CASES
        .iter()
        .filter(|c| c.name.starts_with("contradiction:"))
    {
        let d = diagnosed(case);
        assert!(
            d.warnings.iter().any(|w| w.contains("the MFA Report shows")
                && w.contains("the device's evidence was kept")),
            "{}: {:?}",
            case.name,
            d.warnings
        );
    }
}
