//! The core's vocabulary as uniffi enums: what the foreign languages see
//! in place of id strings, so that a typo fails to compile in Kotlin and
//! Swift instead of failing at run time.
//!
//! The core has no uniffi attributes, so each enum here mirrors one of
//! its enums, variant for variant. The mapping is two exhaustive `match`es
//! without a wildcard (one each way): a variant added on one side only
//! fails to compile here. The JSON ids stay the core's: the `json` field
//! of a report is the core's JSON, unchanged.

use pushdoctor_core::bundle::BundleReason as CoreBundleReason;
use pushdoctor_core::logs::Level;
use pushdoctor_core::{
    ActionId as CoreActionId, AnswerValue, CheckId as CoreCheckId, CheckStatus as CoreCheckStatus,
    Escalation as CoreEscalation, EvidenceSource as CoreEvidenceSource,
    MfaReportStatus as CoreMfaReportStatus, OutcomeId as CoreOutcomeId, Platform as CorePlatform,
    RowId as CoreRowId, ScenarioId as CoreScenarioId, SettingsTarget as CoreSettingsTarget,
    StepAnswer as CoreStepAnswer,
};

/// Defines each FFI enum with its variants and documentation, and the
/// two conversions, each an exhaustive `match` over one side's variants.
macro_rules! mirror {
    ($(
        $(#[$doc:meta])*
        $ffi:ident <=> $core:ident {
            $( $(#[$vdoc:meta])* $v:ident, )+
        }
    )+) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $ffi {
            $( $(#[$vdoc])* $v, )+
        }

        impl $ffi {
            /// Its id in the core's JSON and logs (`push_not_received`).
            pub fn as_str(self) -> &'static str {
                $core::from(self).as_str()
            }
        }

        impl From<$ffi> for $core {
            fn from(value: $ffi) -> Self {
                match value { $( $ffi::$v => $core::$v, )+ }
            }
        }

        impl From<$core> for $ffi {
            fn from(value: $core) -> Self {
                match value { $( $core::$v => $ffi::$v, )+ }
            }
        }
    )+};
}
pub(crate) use mirror;

mirror! {
    /// The phone's operating system.
    Platform <=> CorePlatform {
        /// Android: the notification settings live under Settings > Apps.
        Android,
        /// iOS: adds the Background App Refresh check the seed asks only there.
        Ios,
    }
    /// How much a log record matters (`docs/logs.md`).
    LogLevel <=> Level {
        /// Something failed (Android's Error, Fatal and Assert).
        Error,
        /// Something looks wrong but the work went on.
        Warn,
        /// What happened, at the level a bundle keeps by default.
        Info,
        /// Detail for whoever debugs the app.
        Debug,
        /// Every step (Android's Verbose).
        Trace,
    }
    /// Why a bundle was made; written in its manifest.
    BundleReason <=> CoreBundleReason {
        /// The person pressed "Share logs" / "Run diagnostics".
        Button,
        /// Accept failed again and again: the app made it on its own.
        RepeatedAcceptFailures,
        /// A QA or device-farm run.
        QaRun,
        /// Support staff made it from files (`pushdoctor bundle create`).
        Support,
    }
    /// A request's status in the admin's MFA Report.
    MfaReportStatus <=> CoreMfaReportStatus {
        /// The request was approved.
        Success,
        /// The user rejected the request.
        Denied,
        /// The notification was sent but has not reached the device yet.
        Delivered,
        /// The request reached the app and waits in its Pending tab.
        Received,
    }
    /// A settings screen the app can open (`PlatformProbe.openSettings`).
    SettingsTarget <=> CoreSettingsTarget {
        /// The Wi-Fi and mobile data settings.
        NetworkSettings,
        /// The app's own notification settings.
        AppNotificationSettings,
        /// Focus (iOS) or Do Not Disturb (Android).
        Focus,
        /// Low Power Mode (iOS) or Battery Saver (Android).
        BatterySaver,
        /// iOS: Background App Refresh.
        BackgroundRefresh,
        /// The VPN settings (Android has a screen of its own; iOS opens Settings).
        Vpn,
        /// The date and time settings, where automatic time is turned on.
        DateTime,
        /// Android: the settings of the notification channel the MFA pushes
        /// use (added in 0.2).
        NotificationChannel,
        /// Android: the app's battery optimisation exemption (added in 0.2).
        BatteryOptimization,
        /// Android: the app's info page, where background use is allowed
        /// (added in 0.2).
        AppDetails,
        /// Android: Data Saver's unrestricted-data list (added in 0.2).
        DataSaver,
    }
    /// How far up the support ladder a diagnosis goes, lowest first.
    Escalation <=> CoreEscalation {
        /// Nothing beyond what the person can do on the phone right now.
        None,
        /// Retry the login so that a new push is sent.
        Retry,
        /// Send the app's logs to the developer.
        ShareLogs,
        /// The admin checks the MFA Report.
        ContactAdmin,
        /// Reconfigure the account in the Authenticator app.
        ReconfigureAccount,
        /// The admin resets the user's MFA.
        AdminResetMfa,
    }
    /// The result of one check.
    CheckStatus <=> CoreCheckStatus {
        /// The healthy state the check names holds.
        Pass,
        /// The healthy state does not hold: this is a reason, with its fix.
        Fail,
        /// The evidence to decide is missing: the flow asks instead.
        Unknown,
        /// The check does not apply here (another platform, an older Android, no retry yet).
        NotApplicable,
    }
    /// Where the fact that decided a finding came from.
    EvidenceSource <=> CoreEvidenceSource {
        /// A field of the device snapshot.
        Snapshot,
        /// The admin's MFA Report status.
        MfaReport,
        /// Another fact that logically implies this one.
        Derived,
        /// A measurement of the active network probes (the snapshot's `probes`).
        Probe,
        /// A person's answer during the guided walk.
        Person,
        /// Nothing: the fact is not known.
        None,
    }
    /// The seed's seven scenarios.
    ScenarioId <=> CoreScenarioId {
        /// Push received, Accept / Deny works: the flow only confirms the sign-in completed.
        PushOk,
        /// Push received but tapping Accept has no effect, typically a passing API failure.
        AcceptNotResponding,
        /// Push received but no longer visible, or not shown inside the app: the Pending tab holds it.
        PushNotVisible,
        /// No push arrived at all: connectivity and permissions are checked.
        PushNotReceived,
        /// The admin's side: what the MFA Report says became of the request.
        AdminVerifyStatus,
        /// The last resort: the account is set up again in the Authenticator app.
        ReconfigureAccount,
        /// The admin resets the user's MFA so they can sign in with their password again.
        AdminResetMfa,
    }
    /// How a walk through the flow ends.
    OutcomeId <=> CoreOutcomeId {
        /// The MFA step completed: authentication is done.
        AllDone,
        /// The person has yet to tap Accept (or Deny) on the push.
        TapToApprove,
        /// The request waits in the Pending tab: tap Accept or Deny there.
        ApproveFromPending,
        /// Accept did nothing, likely an API failure: log in again to resend the push.
        RetryLogin,
        /// The second attempt worked: the issue is resolved.
        RetryResolved,
        /// Retries keep failing: the app's logs go to the developer.
        ShareLogs,
        /// A fix from the connectivity and permission checks made the push arrive.
        FixedAfterChecks,
        /// The MFA Report shows Success: the request was approved, nothing more to do.
        ReportApproved,
        /// The MFA Report shows Denied: the user rejected the request and should retry.
        ReportDenied,
        /// Nothing else helped: reconfigure the account in the Authenticator app.
        Reconfigure,
        /// Even reconfiguring did not help: the admin resets the user's MFA.
        ResetMfa,
    }
    /// One row of one table of the seed: what `PushDoctorAgent.answer` answers.
    RowId <=> CoreRowId {
        /// "Did you receive the push notification on your device?"
        PushOkReceived,
        /// "Did you tap Accept or Deny?"
        PushOkTapped,
        /// "Did the MFA step complete successfully?"
        PushOkCompleted,
        /// "Did you receive the push notification?" (Accept not responding).
        AcceptReceived,
        /// "Did Accept respond when tapped?"
        AcceptResponded,
        /// "Did you resend the push notification and try again?"
        AcceptResent,
        /// "Did it work on the second attempt?"
        AcceptSecondAttempt,
        /// "Is the issue still happening after multiple retries?"
        AcceptMultipleRetries,
        /// "Is the request visible inside the Authenticator app?"
        NotVisibleInApp,
        /// "Is the request listed under Pending?"
        NotVisibleListed,
        /// "Is the request visible at all?"
        NotVisibleAtAll,
        /// "Is the request still not visible after refreshing?"
        NotVisibleAfterRefresh,
        /// "Did you receive any push notification?" (push not received).
        NotReceivedAny,
        /// "Is your internet connection active?"
        NotReceivedConnectivity,
        /// "Are notifications enabled for the Authenticator app in device settings?"
        NotReceivedNotifications,
        /// "Is Focus, Do Not Disturb, or Battery Saver mode currently ON?"
        NotReceivedFocusBattery,
        /// "(iOS only) Is Background App Refresh enabled for the Authenticator app?"
        NotReceivedBackgroundRefresh,
        /// "Is the notification still not arriving after all checks?"
        NotReceivedStill,
        /// Which status the MFA Report shows: the question the seed leaves implicit before its one-row-per-status table.
        AdminReport,
        /// "MFA Report shows status: Success"
        AdminSuccess,
        /// "MFA Report shows status: Denied"
        AdminDenied,
        /// "MFA Report shows status: Delivered"
        AdminDelivered,
        /// "MFA Report shows status: Received"
        AdminReceived,
        /// Whether the account was already reconfigured: the question the seed leaves implicit before its last resort.
        ReconfigureDone,
    }
    /// Every check the engine knows (`docs/diagnosis.md`, "findings").
    CheckId <=> CoreCheckId {
        /// Passes when the push notification arrived.
        PushReceived,
        /// Passes when Accept or Deny was tapped.
        AcceptTapped,
        /// Passes when Accept responded to the tap.
        AcceptResponded,
        /// Passes when the MFA step completed.
        MfaCompleted,
        /// Passes when the push was resent and tried again.
        AcceptRetried,
        /// Passes when a later attempt worked (not applicable before any retry).
        AcceptRetrySucceeded,
        /// Passes unless Accept still fails after multiple retries.
        AcceptRetriesUnderLimit,
        /// Passes when the request is visible inside the app.
        RequestVisibleInApp,
        /// Passes when the request is listed under Pending.
        PendingListed,
        /// Passes when the request showed up after refreshing the Pending tab.
        PendingVisibleAfterRefresh,
        /// Passes when Wi-Fi or mobile data is connected.
        NetworkConnected,
        /// Passes when Airplane Mode is off, or on with the device still connected.
        NetworkAirplaneMode,
        /// Passes when the captive-portal check URL gave its known answer: no sign-in page holds the connection.
        CaptivePortal,
        /// Passes when the MFA service answered over DNS, TCP, TLS and HTTP; a failure names the stage.
        BackendReachable,
        /// Passes when the MFA service's answer is not a server error.
        ServiceAvailable,
        /// Passes when an endpoint of the platform's push service (FCM / APNs) could be reached.
        PushServiceReachable,
        /// Fails when a VPN is on and something could not be reached through it.
        ProxyOrVpn,
        /// Passes when the device clock is within the limit of the MFA service's `Date`.
        ClockSkew,
        /// Android: passes when Data Saver is off or the app has unrestricted data.
        DataSaver,
        /// Passes when the app-wide notifications switch is on.
        NotificationsEnabled,
        /// Android 13+: passes when `POST_NOTIFICATIONS` is granted.
        NotificationPermission,
        /// Android: passes when the MFA pushes' channel is neither blocked nor silenced.
        MfaChannel,
        /// iOS: passes when the notification authorization is `authorized` or `ephemeral`.
        NotificationsAuthorized,
        /// iOS: passes when the alert style shows the push (banner or alert).
        AlertStyle,
        /// iOS: passes when the pushes are not held for the Scheduled Summary.
        ImmediateDelivery,
        /// Passes when Focus / Do Not Disturb is off, or the app is an allowed exception.
        FocusOff,
        /// Passes when Battery Saver / Low Power Mode is off.
        BatterySaverOff,
        /// Android: passes when the app is exempt from battery optimisation.
        BatteryOptimizationExempt,
        /// Android: passes when the app's background activity is not restricted.
        BackgroundUnrestricted,
        /// Android: passes when the App Standby bucket does not ration the app's pushes.
        StandbyBucket,
        /// iOS: passes when Background App Refresh is on for the app.
        BackgroundRefreshEnabled,
        /// Android: passes when the app is not force-stopped, a state FCM delivers nothing to.
        AppNotForceStopped,
        /// Passes when the app holds a push token (FCM registration or APNs device token).
        PushTokenRegistered,
        /// Passes when the push arrived after the settings were fixed.
        PushReceivedAfterFixes,
        /// Passes while the account has not been reconfigured yet: reconfiguring is still left to try.
        AccountReconfigureUntried,
        /// Passes when the admin's MFA Report shows `Success` or `Received`.
        AdminMfaReport,
    }
    /// Every action a diagnosis can call for (`docs/diagnosis.md`, "actions").
    ActionId <=> CoreActionId {
        /// Turn on Wi-Fi or mobile data and turn off Airplane Mode.
        EnableNetwork,
        /// Allow the app's notifications in the phone's settings.
        EnableNotifications,
        /// Turn off Focus (iOS) or Do Not Disturb (Android), or exempt the app.
        DisableFocus,
        /// Turn off Low Power Mode (iOS) or Battery Saver (Android), or exempt the app.
        DisableBatterySaver,
        /// iOS: turn on Background App Refresh for the app.
        EnableBackgroundRefresh,
        /// A captive portal holds the connection: sign in to the Wi-Fi network.
        SignInToNetwork,
        /// A VPN or proxy stands between the phone and the service: turn it off.
        DisableVpnOrProxy,
        /// This network blocks the service or the push service: try another one.
        SwitchNetwork,
        /// The clock is off far enough to break TLS and one-time codes: set it automatically.
        EnableAutomaticTime,
        /// The service itself is failing: try later, then tell the admin.
        WaitForService,
        /// The MFA service refused the connection (down, or the port
        /// closed): another network will not help, tell the admin.
        ReportServiceDown,
        /// The health URL answered 4xx: the URL the app probes is wrong.
        CheckServiceUrl,
        /// Android: turn on the notification channel the MFA pushes use.
        EnableMfaChannel,
        /// iOS: show the app's notifications as alerts, not silently.
        ShowNotificationAlerts,
        /// iOS: deliver the app's notifications at once, not in a scheduled summary.
        DeliverImmediately,
        /// Android: exempt the app from battery optimisation so pushes wake it.
        ExemptFromBatteryOptimization,
        /// Android: lift the restriction on the app's background activity.
        AllowBackgroundActivity,
        /// Android: let the app use data while Data Saver is on.
        AllowBackgroundData,
        /// Android: open a force-stopped app once, since a stopped app gets no pushes.
        OpenApp,
        /// The app has no push token: let it register again (open it online).
        RegisterForPush,
        /// Tap Accept or Deny to complete the MFA step.
        ApproveRequest,
        /// Open the app's Pending tab, where the request waits.
        OpenPendingTab,
        /// Pull down on the Pending tab to refresh it.
        RefreshPending,
        /// Retry the login so that a new push is sent.
        ResendPush,
        /// Send the app's logs to the developer.
        ShareLogs,
        /// Hand over to the admin, who checks the MFA Report.
        EscalateToAdmin,
        /// The last resort: reconfigure the account in the Authenticator app.
        ReconfigureAccount,
        /// Ask the admin to reset the user's MFA.
        RequestMfaReset,
    }
}

/// A person's answer to a question ([`crate::report::QuestionItem`]'s
/// choices carry the ones a row takes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Answer {
    /// Yes.
    Yes,
    /// No.
    No,
    /// The status the MFA Report shows, for the admin's question
    /// (`RowId.ADMIN_REPORT`).
    Report {
        /// The status as the report shows it.
        status: MfaReportStatus,
    },
}

impl From<Answer> for AnswerValue {
    fn from(value: Answer) -> Self {
        match value {
            Answer::Yes => AnswerValue::Yes,
            Answer::No => AnswerValue::No,
            Answer::Report { status } => AnswerValue::Status(status.into()),
        }
    }
}

impl From<AnswerValue> for Answer {
    fn from(value: AnswerValue) -> Self {
        match value {
            AnswerValue::Yes => Answer::Yes,
            AnswerValue::No => Answer::No,
            AnswerValue::Status(status) => Answer::Report {
                status: status.into(),
            },
        }
    }
}

/// The [`crate::platform::PlatformProbe`] method a fact comes from: named
/// in a [`crate::platform::ProbeIssue`] and in
/// [`crate::agent::AgentEvent::PlatformFactUnknown`]. The bindings' own:
/// the core has no platform probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ProbeName {
    /// `network()`.
    Network,
    /// `notifications()`.
    Notifications,
    /// `focus()`.
    Focus,
    /// `power()`.
    Power,
    /// `device()`.
    Device,
}

impl ProbeName {
    /// The method's name, for log lines.
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeName::Network => "network",
            ProbeName::Notifications => "notifications",
            ProbeName::Focus => "focus",
            ProbeName::Power => "power",
            ProbeName::Device => "device",
        }
    }
}

/// A step of `runDiagnostics`, for a progress indicator
/// ([`crate::agent::ProgressListener`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ProgressStep {
    /// The platform's facts are being gathered.
    Platform,
    /// The network probes are running (only with `AgentConfig.network`).
    Network,
    /// The facts are being diagnosed.
    Diagnosis,
    /// The run is over.
    Done,
}

/// How a row of the walk was answered (a report's `path`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum StepAnswer {
    /// The row's answer is yes.
    Yes,
    /// The row's answer is no.
    No,
    /// Every check of the row is not applicable (an iOS-only question on
    /// Android): the row is passed over.
    NotApplicable,
    /// Nobody answered the row, and either answer leads to the same
    /// result: it was not asked.
    NotNeeded,
}

impl From<StepAnswer> for CoreStepAnswer {
    fn from(value: StepAnswer) -> Self {
        match value {
            StepAnswer::Yes => CoreStepAnswer::Yes,
            StepAnswer::No => CoreStepAnswer::No,
            StepAnswer::NotApplicable => CoreStepAnswer::NotApplicable,
            StepAnswer::NotNeeded => CoreStepAnswer::NotNeeded,
        }
    }
}

impl From<CoreStepAnswer> for StepAnswer {
    fn from(value: CoreStepAnswer) -> Self {
        match value {
            CoreStepAnswer::Yes => StepAnswer::Yes,
            CoreStepAnswer::No => StepAnswer::No,
            CoreStepAnswer::NotApplicable => StepAnswer::NotApplicable,
            CoreStepAnswer::NotNeeded => StepAnswer::NotNeeded,
        }
    }
}
