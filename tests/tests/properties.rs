//! Properties that hold for any input: any snapshot (all-null included)
//! gives a diagnosis or a clear error and never a panic; every action a
//! diagnosis names is one the flow defines; every walk ends.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::test_runner::Config;
use pushdoctor_core::engine::flow::{RowKind, OUTCOMES, ROWS};
use pushdoctor_core::probes::{
    CaptivePortalResult, ClockResult, EndpointResult, Failure, FailureKind, PortalVerdict,
    ProbeReport, PushServiceResult, Stage, Timings,
};
use pushdoctor_core::{
    diagnose, engine::report, ActionId, AnswerValue, Answers, CheckId, CheckStatus, DeviceSnapshot,
    MfaReportStatus, Options, Platform, Walk,
};

fn tri() -> impl Strategy<Value = Option<bool>> {
    prop_oneof![Just(None), Just(Some(true)), Just(Some(false))]
}

fn endpoint() -> impl Strategy<Value = EndpointResult> {
    let stage = proptest::sample::select(vec![Stage::Dns, Stage::Connect, Stage::Tls, Stage::Http]);
    let kind = proptest::sample::select(vec![
        FailureKind::TimedOut,
        FailureKind::Refused,
        FailureKind::Reset,
        FailureKind::CertificateUntrusted,
        FailureKind::NameNotResolved,
    ]);
    let ms = proptest::option::of((0u32..5000).prop_map(f64::from));
    (
        any::<bool>(),
        stage,
        kind,
        proptest::option::of(100u16..600),
        ms.clone(),
        ms,
    )
        .prop_map(|(reached, stage, kind, status, dns, http)| EndpointResult {
            target: "https://mfa.example.com/health".into(),
            reached,
            failure: (!reached).then(|| Failure {
                stage,
                kind,
                message: "probe failed".into(),
            }),
            timings: Timings {
                dns_ms: dns,
                http_ms: http,
                total_ms: dns.unwrap_or(0.0) + http.unwrap_or(0.0),
                ..Timings::default()
            },
            remote_addr: None,
            http_status: if reached { status } else { None },
            redirect_to: None,
        })
}

/// What the network probes may have found, anything from nothing to all
/// of it failing.
fn probes() -> impl Strategy<Value = Option<ProbeReport>> {
    let verdict = proptest::sample::select(vec![
        PortalVerdict::NoPortal,
        PortalVerdict::Portal,
        PortalVerdict::Inconclusive,
    ]);
    let captive = (endpoint(), verdict).prop_map(|(endpoint, verdict)| CaptivePortalResult {
        endpoint,
        expected_status: 204,
        expected_body: None,
        verdict,
        detail: "checked".into(),
    });
    let push =
        proptest::collection::vec(endpoint(), 0..4).prop_map(|endpoints| PushServiceResult {
            service: "fcm".into(),
            endpoints,
        });
    let clock =
        ((-1000i32..1000).prop_map(f64::from), 30u32..200).prop_map(|(skew_seconds, max)| {
            ClockResult {
                source: "https://mfa.example.com/health".into(),
                server_date: "Fri, 27 Nov 2026 03:40:00 GMT".into(),
                skew_seconds,
                max_skew_seconds: max,
            }
        });
    let report = (
        any::<bool>(),
        proptest::option::of(endpoint()),
        proptest::option::of(captive),
        proptest::option::of(push),
        proptest::option::of(clock),
    )
        .prop_map(
            |(skipped, backend, captive_portal, push_service, clock)| ProbeReport {
                started_at: None,
                elapsed_ms: 12.0,
                deadline_ms: 5000,
                skipped: skipped.then(|| "the device reports no network connection".into()),
                backend: if skipped { None } else { backend },
                captive_portal: if skipped { None } else { captive_portal },
                push_service: if skipped { None } else { push_service },
                clock: if skipped { None } else { clock },
            },
        );
    prop_oneof![Just(None), report.prop_map(Some)]
}

/// The platform facts beyond the seed (snapshot keys added in 0.2), any
/// of them known or not, on either platform.
fn platform_facts() -> impl Strategy<Value = DeviceSnapshot> {
    use pushdoctor_core::model::facts::*;
    fn one_of<T: Clone + std::fmt::Debug + 'static>(
        values: Vec<T>,
    ) -> impl Strategy<Value = Option<T>> {
        proptest::option::of(proptest::sample::select(values))
    }
    let notifications = (
        one_of(vec![
            ChannelImportance::None,
            ChannelImportance::Min,
            ChannelImportance::Low,
            ChannelImportance::Default,
            ChannelImportance::High,
        ]),
        tri(),
        one_of(vec![
            AuthorizationStatus::Authorized,
            AuthorizationStatus::Denied,
            AuthorizationStatus::Provisional,
            AuthorizationStatus::Ephemeral,
            AuthorizationStatus::NotDetermined,
        ]),
        one_of(vec![
            AlertStyle::None,
            AlertStyle::Banner,
            AlertStyle::Alert,
        ]),
        tri(),
    );
    let power = (
        tri(),
        tri(),
        one_of(vec![
            StandbyBucket::Active,
            StandbyBucket::WorkingSet,
            StandbyBucket::Frequent,
            StandbyBucket::Rare,
            StandbyBucket::Restricted,
        ]),
    );
    let rest = (
        one_of(vec![DataSaver::Off, DataSaver::On, DataSaver::OnExempt]),
        tri(),
        (tri(), tri()),
        one_of(vec![
            "Xiaomi".to_string(),
            "samsung".into(),
            "Google".into(),
        ]),
        proptest::option::of(21u32..36),
    );
    (notifications, power, rest).prop_map(
        |(
            (channel, permission, authorization, style, summary),
            (exempt, restricted, bucket),
            (data_saver, allowed, (stopped, token), manufacturer, sdk_int),
        )| {
            // Its platform is set by `snapshot()`; these are the facts alone.
            let mut s = DeviceSnapshot::new(Platform::Android);
            s.notifications.mfa_channel_importance = channel;
            s.notifications.permission_granted = permission;
            s.notifications.authorization_status = authorization;
            s.notifications.alert_style = style;
            s.notifications.scheduled_summary = summary;
            s.power.battery_optimization_exempt = exempt;
            s.power.background_restricted = restricted;
            s.power.standby_bucket = bucket;
            s.network.data_saver = data_saver;
            s.focus.app_allowed = allowed;
            s.app.force_stopped = stopped;
            s.app.push_token_registered = token;
            s.device.manufacturer = manufacturer;
            s.device.sdk_int = sdk_int;
            s
        },
    )
}

fn snapshot() -> impl Strategy<Value = DeviceSnapshot> {
    let platform = prop_oneof![Just(Platform::Android), Just(Platform::Ios)];
    let report = prop_oneof![
        Just(None),
        proptest::sample::select(MfaReportStatus::ALL.to_vec()).prop_map(Some)
    ];
    let settings = (tri(), tri(), tri(), tri(), tri(), tri());
    let observations = (
        (
            tri(),
            tri(),
            tri(),
            proptest::option::of(0u32..6),
            tri(),
            tri(),
        ),
        (tri(), tri(), tri(), tri(), tri()),
    );
    // Free text from the app must never break a report (control characters, markup).
    let model = proptest::option::of("[\\x00-\\x7f<>&\"'é]{0,12}");
    let network_probes = (probes(), tri(), tri());
    (
        platform,
        report,
        settings,
        observations,
        model,
        network_probes,
        platform_facts(),
    )
        .prop_map(
            |(
                platform,
                report,
                (connected, airplane, notifications, focus, battery, bg),
                (a, b),
                model,
                (probes, vpn, proxy),
                facts,
            )| {
                let mut s = facts;
                s.platform = platform;
                s.network.connected = connected;
                s.network.airplane_mode = airplane;
                s.notifications.enabled = notifications;
                s.focus.active = focus;
                s.battery_saver.active = battery;
                s.background_refresh.enabled = bg;
                let o = &mut s.observations;
                (
                    o.push_received,
                    o.accept_tapped,
                    o.accept_responded,
                    o.retry_count,
                    o.retry_succeeded,
                    o.mfa_completed,
                ) = a;
                (
                    o.request_visible_in_app,
                    o.request_in_pending_tab,
                    o.request_visible_after_refresh,
                    o.push_arrived_after_fixes,
                    o.account_reconfigured,
                ) = b;
                s.mfa_report_status = report;
                s.device.model = model;
                s.probes = probes;
                s.network.vpn_active = vpn;
                s.network.proxy_active = proxy;
                s
            },
        )
}

/// Every action some row or outcome of the flow can call for, plus the
/// fixes for failing device settings.
fn actions_in_the_flow() -> BTreeSet<ActionId> {
    let mut all = BTreeSet::new();
    for row in &ROWS {
        for g in row.guidance {
            all.extend(g.actions.iter().copied());
        }
    }
    for outcome in &OUTCOMES {
        all.extend(outcome.actions.iter().copied());
    }
    for check in CheckId::ALL {
        if check.is_device_setting() || check.is_network_probe() {
            all.extend(ActionId::fixing(check));
            // A probe's failure may pick another fix by its kind.
            all.extend([ActionId::ReportServiceDown, ActionId::CheckServiceUrl]);
        }
    }
    all
}

proptest! {
    #![proptest_config(Config { cases: 2000, ..Config::default() })]

    #[test]
    fn any_snapshot_gives_a_consistent_diagnosis(s in snapshot()) {
        let d = diagnose(&s, &Answers::default(), &Options::default());
        let flow_actions = actions_in_the_flow();
        for action in &d.actions {
            prop_assert!(flow_actions.contains(&action.id), "{} is not in the flow", action.id);
        }
        // Each row at most once: the walk cannot loop.
        let rows: BTreeSet<_> = d.path.iter().map(|s| s.row).collect();
        prop_assert_eq!(rows.len(), d.path.len());
        // A conclusion or a question, never both and never neither.
        prop_assert!(d.outcome.is_some() != d.next_question.is_some());
        // Every check reported, once, in order.
        prop_assert_eq!(d.findings.iter().map(|f| f.check).collect::<Vec<_>>(), CheckId::ALL.to_vec());
        // The escalation is the highest of the actions'.
        let highest = d.actions.iter().map(|a| a.escalation).max().unwrap_or(pushdoctor_core::Escalation::None);
        prop_assert_eq!(d.escalation, highest);
        // Unknown checks never fail a JUnit case, and the XML is well formed.
        let xml = report::junit(&d);
        let doc = roxmltree::Document::parse(&xml);
        prop_assert!(doc.is_ok(), "{:?}\n{}", doc.err(), xml);
        let failures = xml.matches("<failure ").count();
        prop_assert_eq!(failures, d.findings.iter().filter(|f| f.status == CheckStatus::Fail).count());
        let _ = report::text(&d);
        // Whatever the probes found wrong is answered with its fix, and
        // "is your internet active?" is not "yes" while they fail.
        // So is every platform fact beyond the seed that fails.
        for finding in d.findings.iter().filter(|f| (f.check.is_network_probe() || f.check.is_platform_fact()) && f.status == CheckStatus::Fail) {
            let fix = pushdoctor_core::engine::checks::fix_for(finding, &s).unwrap();
            prop_assert!(d.action_ids().contains(&fix), "{} failed without {fix}", finding.check);
        }
        let connectivity = d.path.iter().find(|s| s.row == pushdoctor_core::RowId::NotReceivedConnectivity);
        let probe_failed = |c: CheckId| d.finding(c).status == CheckStatus::Fail;
        if let Some(step) = connectivity {
            if [CheckId::CaptivePortal, CheckId::BackendReachable, CheckId::PushServiceReachable, CheckId::ProxyOrVpn].into_iter().any(probe_failed) {
                prop_assert_eq!(step.answer, pushdoctor_core::StepAnswer::No);
            }
        }
        // The JSON form round-trips.
        let back: pushdoctor_core::Diagnosis = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        prop_assert_eq!(back, d);
    }

    #[test]
    fn any_snapshot_round_trips_through_json(s in snapshot()) {
        let parsed = DeviceSnapshot::from_json(s.to_json_pretty().as_bytes()).unwrap();
        prop_assert!(parsed.unknown_fields.is_empty());
        prop_assert_eq!(parsed.snapshot, s);
    }

    #[test]
    fn every_walk_ends_whatever_the_answers(s in snapshot(), script in proptest::collection::vec(any::<(bool, u8)>(), 30)) {
        let mut walk = Walk::new(s);
        let mut steps = 0;
        while let Some(q) = walk.diagnosis().next_question {
            // Answers change the route, and a later answer may replace an
            // earlier one, but no row is asked twice in one route and the
            // flow has a bounded number of rows.
            prop_assert!(steps < ROWS.len() * 2, "the walk did not end");
            let (yes, pick) = script[steps % script.len()];
            let answer = match q.row.row().kind {
                RowKind::ReportChoice => AnswerValue::Status(MfaReportStatus::ALL[pick as usize % 4]),
                _ if yes => AnswerValue::Yes,
                _ => AnswerValue::No,
            };
            prop_assert!(q.accepts(answer));
            walk.answer(q.row, answer).unwrap();
            steps += 1;
        }
        prop_assert!(walk.diagnosis().outcome.is_some());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = DeviceSnapshot::from_json(&bytes);
    }

    #[test]
    fn damaged_snapshots_give_errors_not_panics(
        s in snapshot(),
        cut in any::<prop::sample::Index>(),
        junk in any::<u8>(),
    ) {
        let mut bytes = s.to_json_pretty().into_bytes();
        let at = cut.index(bytes.len());
        bytes[at] = junk;
        if let Err(e) = DeviceSnapshot::from_json(&bytes) {
            prop_assert!(!e.to_string().is_empty());
        }
        // Cut short before its closing brace, a document is never taken as whole.
        bytes.truncate(at);
        prop_assert!(DeviceSnapshot::from_json(&bytes).is_err());
    }
}

/// Every yes/no fact the flow reads, in one order: the settings, then the
/// request's story.
fn yes_no_facts(s: &mut DeviceSnapshot) -> [&mut Option<bool>; 18] {
    let o = &mut s.observations;
    [
        &mut s.network.connected,
        &mut s.network.airplane_mode,
        &mut s.network.vpn_active,
        &mut s.network.proxy_active,
        &mut s.notifications.enabled,
        &mut s.focus.active,
        &mut s.battery_saver.active,
        &mut s.background_refresh.enabled,
        &mut o.push_received,
        &mut o.accept_tapped,
        &mut o.accept_responded,
        &mut o.retry_succeeded,
        &mut o.mfa_completed,
        &mut o.request_visible_in_app,
        &mut o.request_in_pending_tab,
        &mut o.request_visible_after_refresh,
        &mut o.push_arrived_after_fixes,
        &mut o.account_reconfigured,
    ]
}

/// A snapshot in which every fact the flow reads is known: `s` with each
/// unknown filled from `fill`, and a report status.
fn all_known(
    mut s: DeviceSnapshot,
    fill: [bool; 18],
    report: usize,
    retries: u32,
) -> DeviceSnapshot {
    for (fact, value) in yes_no_facts(&mut s).into_iter().zip(fill) {
        fact.get_or_insert(value);
    }
    s.observations.retry_count.get_or_insert(retries);
    s.mfa_report_status
        .get_or_insert(MfaReportStatus::ALL[report % 4]);
    s
}

/// What really happened to one login request, told consistently: each
/// fact known where it applies (no Accept without a push, no retry without
/// a failed Accept), and the MFA Report agreeing.
fn story() -> impl Strategy<Value = DeviceSnapshot> {
    let platform = prop_oneof![Just(Platform::Android), Just(Platform::Ios)];
    (
        platform,
        any::<[bool; 8]>(),
        any::<[bool; 9]>(),
        0u32..4,
    )
        .prop_map(|(platform, settings, story, retries)| {
            let [push, tapped, accept_ok, retry_ok, visible, listed, after_refresh, arrived, reconfigured] = story;
            let mut s = DeviceSnapshot::new(platform);
            let [connected, airplane, vpn, proxy, notifications, focus, battery, background] = settings;
            s.network.connected = Some(connected);
            s.network.airplane_mode = Some(airplane);
            s.network.vpn_active = Some(vpn);
            s.network.proxy_active = Some(proxy);
            s.notifications.enabled = Some(notifications);
            s.focus.active = Some(focus);
            s.battery_saver.active = Some(battery);
            s.background_refresh.enabled = Some(background);
            let o = &mut s.observations;
            o.push_received = Some(push);
            let completed = push && tapped && (accept_ok || (retries > 0 && retry_ok));
            o.mfa_completed = Some(completed);
            if push {
                o.accept_tapped = Some(tapped);
            }
            if push && tapped {
                o.accept_responded = Some(accept_ok);
                o.retry_count = Some(if accept_ok { 0 } else { retries });
                if !accept_ok && retries > 0 {
                    o.retry_succeeded = Some(retry_ok);
                }
            }
            if push && !tapped {
                o.request_visible_in_app = Some(visible);
                if !visible {
                    o.request_in_pending_tab = Some(listed);
                    if !listed {
                        o.request_visible_after_refresh = Some(after_refresh);
                    }
                }
            }
            if !push {
                // Only fixing something can make it arrive.
                let broken = !connected
                    || !notifications
                    || focus
                    || battery
                    || (platform == Platform::Ios && !background);
                o.push_arrived_after_fixes = Some(arrived && broken);
            }
            // Reconfiguring is the last resort of a request that never
            // showed up, whatever was fixed.
            let arrived = o.push_arrived_after_fixes == Some(true);
            let lost = (!push && !arrived) || (push && !tapped && !visible && !listed && !after_refresh);
            if lost {
                o.account_reconfigured = Some(reconfigured);
            }
            // What the admin would read (the walk forgets it as it forgets
            // any other fact).
            // Received: the app has the request (the seed: "in the app
            // Pending tab"). One that shows only after a refresh was not there.
            let in_app = tapped || visible || listed;
            s.mfa_report_status = match (push, in_app, completed) {
                (_, _, true) => Some(MfaReportStatus::Success),
                // An Accept that failed: the seed's Received means "waiting
                // for user action", which the person's tap contradicts.
                (true, true, false) if tapped => None,
                (true, true, false) => Some(MfaReportStatus::Received),
                (false, _, _) => Some(MfaReportStatus::Delivered),
                // A notification the app has no request for: no status of
                // the report says that.
                (true, false, false) => None,
            };
            s
        })
}

/// `truth` with the facts `keep` does not keep forgotten (the yes/no facts,
/// then the retry count, then the report).
fn forget(truth: &DeviceSnapshot, keep: &[bool; 20]) -> DeviceSnapshot {
    let mut s = truth.clone();
    for (fact, &kept) in yes_no_facts(&mut s).into_iter().zip(keep) {
        if !kept {
            *fact = None;
        }
    }
    if !keep[18] {
        s.observations.retry_count = None;
    }
    if !keep[19] {
        s.mfa_report_status = None;
    }
    s
}

/// How many questions a person who knows `truth` answers before the walk
/// over `known` concludes.
fn questions_asked(known: DeviceSnapshot, truth: &DeviceSnapshot) -> usize {
    let facts = diagnose(truth, &Answers::default(), &Options::default()).findings;
    let status = |c: &CheckId| facts.iter().find(|f| f.check == *c).unwrap().status;
    let mut walk = Walk::new(known);
    let mut asked = 0;
    while let Some(q) = walk.diagnosis().next_question {
        asked += 1;
        assert!(asked <= ROWS.len() * 2, "the walk did not end");
        let answer = match q.row.row().kind {
            RowKind::ReportChoice => AnswerValue::Status(
                truth
                    .mfa_report_status
                    .unwrap_or(MfaReportStatus::Delivered),
            ),
            RowKind::YesNo {
                checks,
                failing_also,
                yes_means,
                ..
            } => {
                let combined = if checks
                    .iter()
                    .chain(failing_also)
                    .any(|c| status(c) == CheckStatus::Fail)
                {
                    CheckStatus::Fail
                } else {
                    CheckStatus::Pass
                };
                if combined == yes_means {
                    AnswerValue::Yes
                } else {
                    AnswerValue::No
                }
            }
            RowKind::ReportStatus { .. } => unreachable!("never asked"),
        };
        walk.answer(q.row, answer).unwrap();
    }
    asked
}

proptest! {
    #![proptest_config(Config { cases: 1000, ..Config::default() })]

    /// More of the device's evidence never means more questions for a
    /// person who knows the rest.
    #[test]
    fn more_evidence_never_asks_more(
        truth in story(),
        keep in any::<[bool; 20]>(),
        more in any::<[bool; 20]>(),
    ) {
        let less = forget(&truth, &keep);
        let both: [bool; 20] = std::array::from_fn(|i| keep[i] || more[i]);
        let richer = forget(&truth, &both);
        let (few, many) = (questions_asked(richer.clone(), &truth), questions_asked(less.clone(), &truth));
        prop_assert!(
            few <= many,
            "{few} questions with more evidence, {many} with less\ntruth {}\nless {}\nricher {}",
            serde_json::to_string(&truth).unwrap(),
            serde_json::to_string(&less).unwrap(),
            serde_json::to_string(&richer).unwrap()
        );
    }

    /// A snapshot whose facts all decide needs nobody: it never ends
    /// incomplete.
    #[test]
    fn a_snapshot_that_knows_everything_never_asks(
        s in snapshot(),
        fill in any::<[bool; 18]>(),
        report in 0usize..4,
        retries in 0u32..4,
    ) {
        let truth = all_known(s, fill, report, retries);
        let d = diagnose(&truth, &Answers::default(), &Options::default());
        prop_assert!(d.is_complete(), "asks {:?}", d.next_question.map(|q| q.row));
    }

    /// A failing check that has a fix always has it among the actions, and
    /// every reason names a failing check and a fix that is there.
    #[test]
    fn every_failing_check_has_its_fix(s in snapshot()) {
        let d = diagnose(&s, &Answers::default(), &Options::default());
        for f in d.findings.iter().filter(|f| f.status == CheckStatus::Fail) {
            if let Some(fix) = pushdoctor_core::engine::checks::fix_for(f, &s) {
                prop_assert!(d.action_ids().contains(&fix), "{} fails without {fix}", f.check);
            }
        }
        for reason in &d.reasons {
            prop_assert_eq!(d.finding(reason.check).status, CheckStatus::Fail);
            prop_assert!(d.action_ids().contains(&reason.fix));
        }
    }

    /// The ranking is a function of the evidence: the same snapshot ranks
    /// the same way every time, best first, each candidate's weight the
    /// sum of its evidence, and the selected scenario is the best one's.
    #[test]
    fn the_ranking_is_deterministic(s in snapshot()) {
        let d = diagnose(&s, &Answers::default(), &Options::default());
        let again = diagnose(&s.clone(), &Answers::default(), &Options::default());
        prop_assert_eq!(&d.candidates, &again.candidates);
        for pair in d.candidates.windows(2) {
            prop_assert!(pair[0].score >= pair[1].score);
        }
        for c in &d.candidates {
            let weight = |items: &[pushdoctor_core::engine::evidence::EvidenceItem]| items.iter().map(|i| i.weight()).sum::<i32>();
            prop_assert_eq!(c.score, weight(&c.evidence_for) - weight(&c.against));
            prop_assert!(!c.evidence_for.is_empty());
        }
        if let Some(best) = d.candidates.first().filter(|c| c.score > 0) {
            prop_assert_eq!(d.scenario, Some(best.scenario));
        }
    }
}
