//! How the platform's facts become the snapshot the core diagnoses
//! (`docs/bindings.md`, "How facts are combined"). Each fact is set to each
//! of its values and the whole snapshot is compared, so a mapping that
//! swaps, drops, negates or leaks a fact into another field fails, and the
//! finding the core draws from it is checked too; a property test does the
//! same for every combination of facts at once.

use proptest::prelude::*;
use pushdoctor_core::model::facts as core;
use pushdoctor_core::{diagnose, Answers, CheckId, CheckStatus, DeviceSnapshot, Options, Platform};
use pushdoctor_ffi::ids::ProbeName;
use pushdoctor_ffi::platform::{
    snapshot_from, AlertStyle, AuthorizationStatus, ChannelImportance, DataSaver, DeviceFacts,
    FocusFacts, NetworkFacts, NotificationFacts, PlatformAnswers, PlatformError, PowerFacts,
    ProbeIssue, StandbyBucket, MAX_REASON_BYTES,
};
use serde_json::json;

const VALUES: [Option<bool>; 3] = [None, Some(false), Some(true)];

/// Sets the one snapshot field a fact should land in.
type SetField = fn(&mut DeviceSnapshot, Option<bool>);

/// Every probe answered, with nothing known.
fn nothing_known() -> PlatformAnswers {
    PlatformAnswers {
        network: Ok(NetworkFacts::default()),
        notifications: Ok(NotificationFacts::default()),
        focus: Ok(FocusFacts::default()),
        power: Ok(PowerFacts::default()),
        device: Ok(DeviceFacts::default()),
    }
}

/// The snapshot of [`nothing_known`], extensions included.
fn empty_snapshot(platform: Platform) -> DeviceSnapshot {
    let mut s = DeviceSnapshot::new(platform);
    s.extensions.insert(
        "platform".into(),
        json!({
            "network": {"transport": null, "validated": null, "captive_portal": null, "metered": null},
        }),
    );
    s
}

/// Sets one extension fact in the expected snapshot.
fn extension(s: &mut DeviceSnapshot, section: &str, key: &str, value: serde_json::Value) {
    s.extensions["platform"][section][key] = value;
}

fn snapshot(answers: PlatformAnswers) -> DeviceSnapshot {
    snapshot_on(Platform::Android, answers)
}

fn snapshot_on(platform: Platform, answers: PlatformAnswers) -> DeviceSnapshot {
    let (snapshot, issues) = snapshot_from(platform, answers);
    assert_eq!(issues, [], "every probe answered");
    snapshot
}

fn status_of(s: &DeviceSnapshot, check: CheckId) -> CheckStatus {
    let diagnosis = diagnose(s, &Answers::default(), &Options::default());
    diagnosis
        .findings
        .iter()
        .find(|f| f.check == check)
        .unwrap_or_else(|| panic!("{check:?} is evaluated"))
        .status
}

/// The status a check draws from a fact whose healthy value is `healthy`.
fn expected_status(fact: Option<bool>, healthy: bool) -> CheckStatus {
    match fact {
        None => CheckStatus::Unknown,
        Some(v) if v == healthy => CheckStatus::Pass,
        Some(_) => CheckStatus::Fail,
    }
}

#[test]
fn nothing_known_maps_to_an_empty_snapshot() {
    for platform in [Platform::Android, Platform::Ios] {
        let (s, issues) = snapshot_from(platform, nothing_known());
        assert_eq!(issues, []);
        assert_eq!(s, empty_snapshot(platform));
    }
}

#[test]
fn each_network_fact_lands_in_its_own_field() {
    for value in VALUES {
        let cases: [(NetworkFacts, SetField); 4] = [
            (
                NetworkFacts {
                    connected: value,
                    ..Default::default()
                },
                |s, v| s.network.connected = v,
            ),
            (
                NetworkFacts {
                    airplane_mode: value,
                    ..Default::default()
                },
                |s, v| s.network.airplane_mode = v,
            ),
            (
                NetworkFacts {
                    vpn: value,
                    ..Default::default()
                },
                |s, v| s.network.vpn_active = v,
            ),
            (
                NetworkFacts {
                    proxy: value,
                    ..Default::default()
                },
                |s, v| s.network.proxy_active = v,
            ),
        ];
        for (facts, set) in cases {
            let mut expected = empty_snapshot(Platform::Android);
            set(&mut expected, value);
            let got = snapshot(PlatformAnswers {
                network: Ok(facts.clone()),
                ..nothing_known()
            });
            assert_eq!(got, expected, "{facts:?}");
        }
        // The facts the schema has no key for travel as extensions.
        let facts = NetworkFacts {
            transport: value.map(|v| if v { "wifi" } else { "cellular" }.to_string()),
            validated: value,
            captive_portal: value.map(|v| !v),
            metered: value.map(|v| !v),
            ..Default::default()
        };
        let mut expected = empty_snapshot(Platform::Android);
        extension(
            &mut expected,
            "network",
            "transport",
            json!(facts.transport),
        );
        extension(&mut expected, "network", "validated", json!(value));
        extension(
            &mut expected,
            "network",
            "captive_portal",
            json!(value.map(|v| !v)),
        );
        extension(
            &mut expected,
            "network",
            "metered",
            json!(value.map(|v| !v)),
        );
        assert_eq!(
            snapshot(PlatformAnswers {
                network: Ok(facts),
                ..nothing_known()
            }),
            expected
        );
    }
    let savers = [
        (DataSaver::Off, core::DataSaver::Off, CheckStatus::Pass),
        (DataSaver::On, core::DataSaver::On, CheckStatus::Fail),
        (
            DataSaver::OnExempt,
            core::DataSaver::OnExempt,
            CheckStatus::Pass,
        ),
    ];
    for (ffi, want, status) in savers {
        let got = snapshot(PlatformAnswers {
            network: Ok(NetworkFacts {
                data_saver: Some(ffi),
                ..Default::default()
            }),
            ..nothing_known()
        });
        let mut expected = empty_snapshot(Platform::Android);
        expected.network.data_saver = Some(want);
        assert_eq!(got, expected, "{ffi:?}");
        assert_eq!(status_of(&got, CheckId::DataSaver), status, "{ffi:?}");
    }
}

#[test]
fn a_vpn_or_a_proxy_reaches_the_proxy_or_vpn_check() {
    for vpn in VALUES {
        for proxy in VALUES {
            let s = snapshot(PlatformAnswers {
                network: Ok(NetworkFacts {
                    vpn,
                    proxy,
                    ..Default::default()
                }),
                ..nothing_known()
            });
            assert_eq!((s.network.vpn_active, s.network.proxy_active), (vpn, proxy));
            let diagnosis = diagnose(&s, &Answers::default(), &Options::default());
            let finding = diagnosis
                .findings
                .iter()
                .find(|f| f.check == CheckId::ProxyOrVpn)
                .unwrap();
            // Without probes, one that is on is context the check cannot
            // judge, and it names which; both known off is a pass.
            let (status, detail) = match (vpn, proxy) {
                (None, None) => (CheckStatus::Unknown, None),
                (Some(true), Some(true)) => (CheckStatus::Unknown, Some("a VPN and a proxy is on")),
                (Some(true), _) => (CheckStatus::Unknown, Some("a VPN is on")),
                (_, Some(true)) => (CheckStatus::Unknown, Some("a proxy is on")),
                _ => (CheckStatus::Pass, Some("no VPN or proxy is reported")),
            };
            assert_eq!(finding.status, status, "vpn {vpn:?} proxy {proxy:?}");
            if let Some(detail) = detail {
                assert!(
                    finding.evidence.detail.starts_with(detail),
                    "vpn {vpn:?} proxy {proxy:?}: {}",
                    finding.evidence.detail
                );
            }
        }
    }
}

const IMPORTANCES: [(ChannelImportance, core::ChannelImportance, CheckStatus); 5] = [
    (
        ChannelImportance::None,
        core::ChannelImportance::None,
        CheckStatus::Fail,
    ),
    (
        ChannelImportance::Min,
        core::ChannelImportance::Min,
        CheckStatus::Fail,
    ),
    (
        ChannelImportance::Low,
        core::ChannelImportance::Low,
        CheckStatus::Fail,
    ),
    (
        ChannelImportance::Default,
        core::ChannelImportance::Default,
        CheckStatus::Pass,
    ),
    (
        ChannelImportance::High,
        core::ChannelImportance::High,
        CheckStatus::Pass,
    ),
];

/// `notifications.enabled` is the app-wide switch alone; the MFA channel
/// has its own key and its own check, so a blocked channel is named as
/// such instead of passing for "notifications off".
#[test]
fn the_app_wide_switch_and_the_mfa_channel_land_apart() {
    for enabled in VALUES {
        for (ffi, want, channel_status) in IMPORTANCES {
            let got = snapshot(PlatformAnswers {
                notifications: Ok(NotificationFacts {
                    enabled,
                    mfa_channel_importance: Some(ffi),
                    ..Default::default()
                }),
                ..nothing_known()
            });
            let mut expected = empty_snapshot(Platform::Android);
            expected.notifications.enabled = enabled;
            expected.notifications.mfa_channel_importance = Some(want);
            assert_eq!(got, expected, "enabled {enabled:?}, channel {ffi:?}");
            assert_eq!(
                status_of(&got, CheckId::NotificationsEnabled),
                expected_status(enabled, true),
                "enabled {enabled:?}, channel {ffi:?}"
            );
            assert_eq!(
                status_of(&got, CheckId::MfaChannel),
                channel_status,
                "{ffi:?}"
            );
        }
    }
}

#[test]
fn the_android_13_permission_lands_in_its_key() {
    for granted in VALUES {
        for sdk_int in [None, Some(32), Some(33)] {
            let got = snapshot(PlatformAnswers {
                notifications: Ok(NotificationFacts {
                    permission_granted: granted,
                    ..Default::default()
                }),
                device: Ok(DeviceFacts {
                    sdk_int,
                    ..Default::default()
                }),
                ..nothing_known()
            });
            let mut expected = empty_snapshot(Platform::Android);
            expected.notifications.permission_granted = granted;
            expected.device.sdk_int = sdk_int.map(|v| v as u32);
            assert_eq!(got, expected, "{granted:?} on {sdk_int:?}");
            let want = match sdk_int {
                Some(32) => CheckStatus::NotApplicable,
                _ => expected_status(granted, true),
            };
            assert_eq!(
                status_of(&got, CheckId::NotificationPermission),
                want,
                "{granted:?} on {sdk_int:?}"
            );
        }
    }
}

const AUTHORIZATIONS: [(AuthorizationStatus, core::AuthorizationStatus); 5] = [
    (
        AuthorizationStatus::Authorized,
        core::AuthorizationStatus::Authorized,
    ),
    (
        AuthorizationStatus::Denied,
        core::AuthorizationStatus::Denied,
    ),
    (
        AuthorizationStatus::Provisional,
        core::AuthorizationStatus::Provisional,
    ),
    (
        AuthorizationStatus::Ephemeral,
        core::AuthorizationStatus::Ephemeral,
    ),
    (
        AuthorizationStatus::NotDetermined,
        core::AuthorizationStatus::NotDetermined,
    ),
];

/// iOS has no app-wide switch apart from the authorization: it decides
/// `notifications.enabled` only when the app gave no `enabled` (then
/// `denied` and `not_determined` are off), and lands in its own key
/// whatever it says. Android keeps `enabled` as given.
#[test]
fn the_ios_authorization_decides_enabled_only_when_enabled_is_not_given() {
    for (ffi, want) in AUTHORIZATIONS {
        let shows = !matches!(
            want,
            core::AuthorizationStatus::Denied | core::AuthorizationStatus::NotDetermined
        );
        let authorized = matches!(
            want,
            core::AuthorizationStatus::Authorized | core::AuthorizationStatus::Ephemeral
        );
        for enabled in VALUES {
            for platform in Platform::ALL {
                let got = snapshot_on(
                    platform,
                    PlatformAnswers {
                        notifications: Ok(NotificationFacts {
                            enabled,
                            authorization_status: Some(ffi),
                            alert_style: Some(AlertStyle::Banner),
                            ..Default::default()
                        }),
                        ..nothing_known()
                    },
                );
                let mut expected = empty_snapshot(platform);
                expected.notifications.enabled = match platform {
                    Platform::Ios => enabled.or(Some(shows)),
                    Platform::Android => enabled,
                };
                expected.notifications.authorization_status = Some(want);
                expected.notifications.alert_style = Some(core::AlertStyle::Banner);
                assert_eq!(got, expected, "{ffi:?}, enabled {enabled:?} on {platform}");
                let status = match platform {
                    Platform::Ios => expected_status(Some(authorized), true),
                    Platform::Android => CheckStatus::NotApplicable,
                };
                assert_eq!(
                    status_of(&got, CheckId::NotificationsAuthorized),
                    status,
                    "{ffi:?} on {platform}"
                );
            }
        }
    }
}

#[test]
fn the_ios_alert_style_and_summary_land_in_their_keys() {
    let styles = [
        (AlertStyle::None, core::AlertStyle::None, CheckStatus::Fail),
        (
            AlertStyle::Banner,
            core::AlertStyle::Banner,
            CheckStatus::Pass,
        ),
        (
            AlertStyle::Alert,
            core::AlertStyle::Alert,
            CheckStatus::Pass,
        ),
    ];
    for (ffi, want, status) in styles {
        for summary in VALUES {
            let got = snapshot_on(
                Platform::Ios,
                PlatformAnswers {
                    notifications: Ok(NotificationFacts {
                        alert_style: Some(ffi),
                        scheduled_summary: summary,
                        ..Default::default()
                    }),
                    ..nothing_known()
                },
            );
            let mut expected = empty_snapshot(Platform::Ios);
            expected.notifications.alert_style = Some(want);
            expected.notifications.scheduled_summary = summary;
            assert_eq!(got, expected, "{ffi:?} {summary:?}");
            assert_eq!(status_of(&got, CheckId::AlertStyle), status, "{ffi:?}");
            assert_eq!(
                status_of(&got, CheckId::ImmediateDelivery),
                expected_status(summary, false),
                "{summary:?}"
            );
        }
    }
}

/// Both Focus facts as given, and the check that reads them: Focus that
/// lets the app through passes `focus.off`.
#[test]
fn focus_and_its_allowed_exception_land_apart() {
    use CheckStatus::*;
    use Some as S;
    // (active, app_allowed) -> focus.off
    let table = [
        ((None, None), Unknown),
        ((None, S(true)), Pass),
        ((None, S(false)), Unknown),
        ((S(true), None), Fail),
        ((S(true), S(true)), Pass),
        ((S(true), S(false)), Fail),
        ((S(false), None), Pass),
        ((S(false), S(true)), Pass),
        ((S(false), S(false)), Pass),
    ];
    for ((active, app_allowed), want) in table {
        let got = snapshot(PlatformAnswers {
            focus: Ok(FocusFacts {
                active,
                app_allowed,
            }),
            ..nothing_known()
        });
        let mut expected = empty_snapshot(Platform::Android);
        expected.focus.active = active;
        expected.focus.app_allowed = app_allowed;
        assert_eq!(got, expected, "active {active:?}, allowed {app_allowed:?}");
        assert_eq!(
            status_of(&got, CheckId::FocusOff),
            want,
            "active {active:?}, allowed {app_allowed:?}"
        );
    }
}

#[test]
fn each_power_fact_lands_in_its_own_field() {
    for value in VALUES {
        let got = snapshot(PlatformAnswers {
            power: Ok(PowerFacts {
                battery_saver: value,
                ..Default::default()
            }),
            ..nothing_known()
        });
        let mut expected = empty_snapshot(Platform::Android);
        expected.battery_saver.active = value;
        assert_eq!(got, expected, "battery saver {value:?}");
        assert_eq!(
            status_of(&got, CheckId::BatterySaverOff),
            expected_status(value, false)
        );

        let got = snapshot(PlatformAnswers {
            power: Ok(PowerFacts {
                background_refresh: value,
                ..Default::default()
            }),
            ..nothing_known()
        });
        let mut expected = empty_snapshot(Platform::Android);
        expected.background_refresh.enabled = value;
        assert_eq!(got, expected, "background refresh {value:?}");

        let got = snapshot(PlatformAnswers {
            power: Ok(PowerFacts {
                battery_optimization_exempt: value,
                background_restricted: value.map(|v| !v),
                ..Default::default()
            }),
            ..nothing_known()
        });
        let mut expected = empty_snapshot(Platform::Android);
        expected.power.battery_optimization_exempt = value;
        expected.power.background_restricted = value.map(|v| !v);
        assert_eq!(got, expected, "exempt {value:?}");
        assert_eq!(
            status_of(&got, CheckId::BatteryOptimizationExempt),
            expected_status(value, true)
        );
        assert_eq!(
            status_of(&got, CheckId::BackgroundUnrestricted),
            expected_status(value, true)
        );
    }
    let buckets = [
        (
            StandbyBucket::Active,
            core::StandbyBucket::Active,
            CheckStatus::Pass,
        ),
        (
            StandbyBucket::WorkingSet,
            core::StandbyBucket::WorkingSet,
            CheckStatus::Pass,
        ),
        (
            StandbyBucket::Frequent,
            core::StandbyBucket::Frequent,
            CheckStatus::Pass,
        ),
        (
            StandbyBucket::Rare,
            core::StandbyBucket::Rare,
            CheckStatus::Fail,
        ),
        (
            StandbyBucket::Restricted,
            core::StandbyBucket::Restricted,
            CheckStatus::Fail,
        ),
    ];
    for (ffi, want, status) in buckets {
        let got = snapshot(PlatformAnswers {
            power: Ok(PowerFacts {
                standby_bucket: Some(ffi),
                ..Default::default()
            }),
            ..nothing_known()
        });
        let mut expected = empty_snapshot(Platform::Android);
        expected.power.standby_bucket = Some(want);
        assert_eq!(got, expected, "{ffi:?}");
        assert_eq!(status_of(&got, CheckId::StandbyBucket), status, "{ffi:?}");
    }
}

#[test]
fn each_device_fact_lands_in_its_own_field() {
    for value in VALUES {
        let facts = DeviceFacts {
            model: Some("Pixel 8".into()),
            os_version: Some("15".into()),
            app_version: Some("6.2.0".into()),
            locale: Some("en_GB".into()),
            manufacturer: Some("Xiaomi".into()),
            sdk_int: Some(34),
            force_stopped: value,
            push_token_registered: value.map(|v| !v),
        };
        let got = snapshot(PlatformAnswers {
            device: Ok(facts),
            ..nothing_known()
        });
        let mut expected = empty_snapshot(Platform::Android);
        expected.device.model = Some("Pixel 8".into());
        expected.device.os_version = Some("15".into());
        expected.device.app_version = Some("6.2.0".into());
        expected.device.locale = Some("en_GB".into());
        expected.device.manufacturer = Some("Xiaomi".into());
        expected.device.sdk_int = Some(34);
        expected.app.force_stopped = value;
        expected.app.push_token_registered = value.map(|v| !v);
        assert_eq!(got, expected, "{value:?}");
        assert_eq!(
            status_of(&got, CheckId::AppNotForceStopped),
            expected_status(value, false)
        );
        assert_eq!(
            status_of(&got, CheckId::PushTokenRegistered),
            expected_status(value.map(|v| !v), true)
        );
    }
}

/// A Kotlin `Int` below zero is no API level: an issue naming it, the
/// rest of the device's facts kept.
#[test]
fn a_negative_sdk_int_is_an_issue_naming_it() {
    let (s, issues) = snapshot_from(
        Platform::Android,
        PlatformAnswers {
            device: Ok(DeviceFacts {
                model: Some("Pixel 8".into()),
                sdk_int: Some(-3),
                ..Default::default()
            }),
            ..nothing_known()
        },
    );
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].probe, ProbeName::Device);
    assert!(
        issues[0].reason.contains("sdk_int -3"),
        "{}",
        issues[0].reason
    );
    assert_eq!(s.device.sdk_int, None);
    assert_eq!(s.device.model.as_deref(), Some("Pixel 8"));
}

/// A probe that gave nothing leaves only its own section unknown, and says
/// why; every other probe's facts still land.
#[test]
fn a_probe_without_an_answer_is_an_issue_and_the_others_still_count() {
    let known = PlatformAnswers {
        network: Ok(NetworkFacts {
            connected: Some(true),
            ..Default::default()
        }),
        notifications: Ok(NotificationFacts {
            enabled: Some(true),
            ..Default::default()
        }),
        focus: Ok(FocusFacts {
            active: Some(true),
            app_allowed: None,
        }),
        power: Ok(PowerFacts {
            battery_saver: Some(true),
            ..Default::default()
        }),
        device: Ok(DeviceFacts {
            model: Some("Pixel 8".into()),
            ..Default::default()
        }),
    };
    let issue = |probe: ProbeName| ProbeIssue {
        probe,
        reason: "threw kotlin.NotImplementedError".into(),
    };
    for probe in [
        ProbeName::Network,
        ProbeName::Notifications,
        ProbeName::Focus,
        ProbeName::Power,
        ProbeName::Device,
    ] {
        let mut answers = known.clone();
        match probe {
            ProbeName::Network => answers.network = Err(issue(probe)),
            ProbeName::Notifications => answers.notifications = Err(issue(probe)),
            ProbeName::Focus => answers.focus = Err(issue(probe)),
            ProbeName::Power => answers.power = Err(issue(probe)),
            ProbeName::Device => answers.device = Err(issue(probe)),
        }
        let (s, issues) = snapshot_from(Platform::Android, answers);
        assert_eq!(issues, [issue(probe)]);
        // Only the network's unkeyed facts travel as extensions.
        assert_eq!(
            s.extensions.contains_key("platform"),
            probe != ProbeName::Network
        );
        assert_eq!(
            s.network.connected,
            (probe != ProbeName::Network).then_some(true)
        );
        assert_eq!(
            s.notifications.enabled,
            (probe != ProbeName::Notifications).then_some(true)
        );
        assert_eq!(s.focus.active, (probe != ProbeName::Focus).then_some(true));
        assert_eq!(
            s.battery_saver.active,
            (probe != ProbeName::Power).then_some(true)
        );
        assert_eq!(s.device.model.is_some(), probe != ProbeName::Device);
    }
}

proptest! {
    /// Whatever a Kotlin or Swift throw says (a stack trace thousands of
    /// lines long, control characters, any Unicode), its reason is one line
    /// of at most `MAX_REASON_BYTES` (plus the ellipsis), taken from its
    /// start.
    #[test]
    fn a_foreign_throw_becomes_one_bounded_line(
        first in "\\PC{0,400}",
        rest in proptest::collection::vec("[^\\n]{0,80}", 0..50),
    ) {
        let text = std::iter::once(first.clone()).chain(rest).collect::<Vec<_>>().join("\n");
        let error = PlatformError::from(uniffi::UnexpectedUniFFICallbackError::new(&text));
        let PlatformError::Unexpected { reason } = &error else {
            panic!("an unexpected error: {error:?}")
        };
        prop_assert!(!reason.contains('\n'));
        prop_assert!(reason.len() <= MAX_REASON_BYTES + '…'.len_utf8());
        let first_line = first.lines().next().unwrap_or("").trim_end();
        let kept = reason.strip_suffix('…').unwrap_or(reason);
        prop_assert!(first_line.starts_with(kept));
        if first_line.len() <= MAX_REASON_BYTES {
            prop_assert_eq!(reason.as_str(), first_line);
        } else {
            prop_assert!(kept.len() > MAX_REASON_BYTES - 4, "kept as much as fits");
        }
        prop_assert_eq!(error.to_string(), format!("threw {reason}"));
    }
}

fn any_bool() -> impl Strategy<Value = Option<bool>> {
    proptest::option::of(any::<bool>())
}

fn any_of<T: Copy + std::fmt::Debug + 'static>(
    values: &'static [T],
) -> impl Strategy<Value = Option<T>> {
    proptest::option::of(proptest::sample::select(values))
}

prop_compose! {
    fn any_answers()(
        connected in any_bool(),
        data_saver in any_of(&[DataSaver::Off, DataSaver::On, DataSaver::OnExempt]),
        enabled in any_bool(),
        importance in any_of(&[
            ChannelImportance::None, ChannelImportance::Min, ChannelImportance::Low,
            ChannelImportance::Default, ChannelImportance::High,
        ]),
        permission in any_bool(),
        authorization in any_of(&[
            AuthorizationStatus::Authorized, AuthorizationStatus::Denied,
            AuthorizationStatus::Provisional, AuthorizationStatus::Ephemeral,
            AuthorizationStatus::NotDetermined,
        ]),
        style in any_of(&[AlertStyle::None, AlertStyle::Banner, AlertStyle::Alert]),
        summary in any_bool(),
        (active, allowed) in (any_bool(), any_bool()),
        (saver, exempt, restricted, refresh) in (any_bool(), any_bool(), any_bool(), any_bool()),
        bucket in any_of(&[
            StandbyBucket::Active, StandbyBucket::WorkingSet, StandbyBucket::Frequent,
            StandbyBucket::Rare, StandbyBucket::Restricted,
        ]),
        manufacturer in proptest::option::of("[A-Za-z ]{0,12}"),
        sdk_int in proptest::option::of(1..40i32),
        (stopped, token) in (any_bool(), any_bool()),
    ) -> PlatformAnswers {
        PlatformAnswers {
            network: Ok(NetworkFacts { connected, data_saver, ..Default::default() }),
            notifications: Ok(NotificationFacts {
                enabled,
                mfa_channel_importance: importance,
                permission_granted: permission,
                authorization_status: authorization,
                alert_style: style,
                scheduled_summary: summary,
            }),
            focus: Ok(FocusFacts { active, app_allowed: allowed }),
            power: Ok(PowerFacts {
                battery_saver: saver,
                battery_optimization_exempt: exempt,
                background_restricted: restricted,
                standby_bucket: bucket,
                background_refresh: refresh,
            }),
            device: Ok(DeviceFacts {
                manufacturer,
                sdk_int,
                force_stopped: stopped,
                push_token_registered: token,
                ..Default::default()
            }),
        }
    }
}

proptest! {
    /// Whatever the platform says, each fact lands in its key unchanged,
    /// the snapshot the bindings build is one the strict parser reads back
    /// as it is, and every platform-fact check that fails has its fix among
    /// the diagnosis's actions.
    #[test]
    fn every_combination_of_facts_lands_faithfully_and_fails_with_its_fix(
        answers in any_answers(),
        ios in any::<bool>(),
    ) {
        let platform = if ios { Platform::Ios } else { Platform::Android };
        let (Ok(n), Ok(no), Ok(f), Ok(p), Ok(d)) = (
            answers.network.clone(), answers.notifications.clone(), answers.focus.clone(),
            answers.power.clone(), answers.device.clone(),
        ) else { unreachable!() };
        let (s, issues) = snapshot_from(platform, answers);
        prop_assert_eq!(issues, vec![]);
        prop_assert_eq!(s.network.data_saver, n.data_saver.map(Into::into));
        prop_assert_eq!(s.notifications.mfa_channel_importance, no.mfa_channel_importance.map(Into::into));
        prop_assert_eq!(s.notifications.permission_granted, no.permission_granted);
        prop_assert_eq!(s.notifications.authorization_status, no.authorization_status.map(Into::into));
        prop_assert_eq!(s.notifications.alert_style, no.alert_style.map(Into::into));
        prop_assert_eq!(s.notifications.scheduled_summary, no.scheduled_summary);
        if platform == Platform::Android || no.enabled.is_some() {
            prop_assert_eq!(s.notifications.enabled, no.enabled);
        }
        prop_assert_eq!((s.focus.active, s.focus.app_allowed), (f.active, f.app_allowed));
        prop_assert_eq!(s.battery_saver.active, p.battery_saver);
        prop_assert_eq!(s.background_refresh.enabled, p.background_refresh);
        prop_assert_eq!(s.power.battery_optimization_exempt, p.battery_optimization_exempt);
        prop_assert_eq!(s.power.background_restricted, p.background_restricted);
        prop_assert_eq!(s.power.standby_bucket, p.standby_bucket.map(Into::into));
        prop_assert_eq!(&s.device.manufacturer, &d.manufacturer);
        prop_assert_eq!(s.device.sdk_int, d.sdk_int.map(|v| v as u32));
        prop_assert_eq!(s.app.force_stopped, d.force_stopped);
        prop_assert_eq!(s.app.push_token_registered, d.push_token_registered);

        let parsed = DeviceSnapshot::from_json(s.to_json_pretty().as_bytes()).unwrap();
        prop_assert_eq!(&parsed.snapshot, &s);
        prop_assert!(parsed.unknown_fields.is_empty());

        let diagnosis = diagnose(&s, &Answers::default(), &Options::default());
        for finding in diagnosis.findings.iter().filter(|f| {
            f.check.is_platform_fact() && f.status == CheckStatus::Fail
        }) {
            prop_assert!(
                diagnosis.actions.iter().any(|a| a.id.is_fix_for(finding.check)),
                "{} fails without its fix: {:?}", finding.check, diagnosis.actions
            );
        }
    }
}
