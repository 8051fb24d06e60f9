//! How the platform's facts become the snapshot the core diagnoses
//! (`docs/bindings.md`, "How facts are combined"). Each fact is set to each
//! of its values and the whole snapshot is compared, so a mapping that
//! swaps, drops, negates or leaks a fact into another field fails, and the
//! finding the core draws from it is checked too.

use proptest::prelude::*;
use pushdoctor_core::{diagnose, Answers, CheckId, CheckStatus, DeviceSnapshot, Options, Platform};
use pushdoctor_ffi::platform::{
    snapshot_from, DeviceFacts, FocusFacts, NetworkFacts, NotificationFacts, PlatformAnswers,
    PlatformError, PowerFacts, ProbeIssue, MAX_REASON_BYTES,
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
            "network": {"transport": null, "validated": null, "captive_portal": null},
            "notifications": {"mfa_channel_enabled": null, "authorization_status": null, "alert_style": null},
            "focus": {"active": null, "app_allowed": null},
            "power": {"battery_optimization_exempt": null, "background_restricted": null},
            "device": {"push_token_present": null},
        }),
    );
    s
}

/// Sets one extension fact in the expected snapshot.
fn extension(s: &mut DeviceSnapshot, section: &str, key: &str, value: serde_json::Value) {
    s.extensions["platform"][section][key] = value;
}

fn snapshot(answers: PlatformAnswers) -> DeviceSnapshot {
    let (snapshot, issues) = snapshot_from(Platform::Android, answers);
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
        assert_eq!(
            snapshot(PlatformAnswers {
                network: Ok(facts),
                ..nothing_known()
            }),
            expected
        );
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

/// `notifications.enabled` for each app-wide switch and MFA channel state.
#[test]
fn a_disabled_mfa_channel_counts_as_notifications_off() {
    use Some as S;
    // (enabled, mfa_channel_enabled) -> notifications.enabled
    let table = [
        ((None, None), None),
        ((None, S(true)), None),
        ((None, S(false)), S(false)),
        ((S(true), None), S(true)),
        ((S(true), S(true)), S(true)),
        ((S(true), S(false)), S(false)),
        ((S(false), None), S(false)),
        ((S(false), S(true)), S(false)),
        ((S(false), S(false)), S(false)),
    ];
    for ((enabled, mfa_channel_enabled), want) in table {
        let facts = NotificationFacts {
            enabled,
            mfa_channel_enabled,
            ..Default::default()
        };
        let got = snapshot(PlatformAnswers {
            notifications: Ok(facts),
            ..nothing_known()
        });
        let mut expected = empty_snapshot(Platform::Android);
        expected.notifications.enabled = want;
        extension(
            &mut expected,
            "notifications",
            "mfa_channel_enabled",
            json!(mfa_channel_enabled),
        );
        assert_eq!(
            got, expected,
            "enabled {enabled:?}, MFA channel {mfa_channel_enabled:?}"
        );
        assert_eq!(
            status_of(&got, CheckId::NotificationsEnabled),
            expected_status(want, true),
            "enabled {enabled:?}, MFA channel {mfa_channel_enabled:?}"
        );
    }
}

/// iOS says whether the app may show notifications through its
/// authorization status; an explicit `enabled: false` still wins.
#[test]
fn the_ios_authorization_status_decides_when_enabled_is_not_given() {
    let table = [
        ("authorized", None, Some(true)),
        ("provisional", None, Some(true)),
        ("ephemeral", None, Some(true)),
        ("denied", None, Some(false)),
        ("not_determined", None, Some(false)),
        ("authorized", Some(false), Some(false)),
        ("denied", Some(true), Some(false)),
        ("not_determined", Some(true), Some(false)),
        ("provisional", Some(true), Some(true)),
    ];
    for (status, enabled, want) in table {
        let facts = NotificationFacts {
            enabled,
            authorization_status: Some(status.into()),
            alert_style: Some("banner".into()),
            ..Default::default()
        };
        let got = snapshot(PlatformAnswers {
            notifications: Ok(facts),
            ..nothing_known()
        });
        let mut expected = empty_snapshot(Platform::Android);
        expected.notifications.enabled = want;
        extension(
            &mut expected,
            "notifications",
            "authorization_status",
            json!(status),
        );
        extension(
            &mut expected,
            "notifications",
            "alert_style",
            json!("banner"),
        );
        assert_eq!(got, expected, "{status}, enabled {enabled:?}");
        assert_eq!(
            status_of(&got, CheckId::NotificationsEnabled),
            expected_status(want, true)
        );
    }
}

#[test]
fn an_unknown_authorization_status_is_an_issue_naming_it() {
    let facts = NotificationFacts {
        enabled: Some(true),
        authorization_status: Some("sometimes\nmaybe".into()),
        ..Default::default()
    };
    let (s, issues) = snapshot_from(
        Platform::Ios,
        PlatformAnswers {
            notifications: Ok(facts),
            ..nothing_known()
        },
    );
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].probe, "notifications");
    assert!(
        issues[0].reason.contains("`sometimes`"),
        "{}",
        issues[0].reason
    );
    // What the app did say still counts.
    assert_eq!(s.notifications.enabled, Some(true));
}

/// `focus.active` for each Focus state and allowance of the app.
#[test]
fn focus_that_lets_the_app_through_counts_as_off() {
    use Some as S;
    // (active, app_allowed) -> focus.active
    let table = [
        ((None, None), None),
        ((None, S(true)), S(false)),
        ((None, S(false)), None),
        ((S(true), None), S(true)),
        ((S(true), S(true)), S(false)),
        ((S(true), S(false)), S(true)),
        ((S(false), None), S(false)),
        ((S(false), S(true)), S(false)),
        ((S(false), S(false)), S(false)),
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
        expected.focus.active = want;
        extension(&mut expected, "focus", "active", json!(active));
        extension(&mut expected, "focus", "app_allowed", json!(app_allowed));
        assert_eq!(got, expected, "active {active:?}, allowed {app_allowed:?}");
        assert_eq!(
            status_of(&got, CheckId::FocusOff),
            expected_status(want, false),
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
        extension(
            &mut expected,
            "power",
            "battery_optimization_exempt",
            json!(value),
        );
        extension(
            &mut expected,
            "power",
            "background_restricted",
            json!(value.map(|v| !v)),
        );
        assert_eq!(got, expected, "exempt {value:?}");
    }
}

#[test]
fn each_device_fact_lands_in_its_own_field() {
    let facts = DeviceFacts {
        model: Some("Pixel 8".into()),
        os_version: Some("15".into()),
        app_version: Some("6.2.0".into()),
        locale: Some("en_GB".into()),
        push_token_present: Some(false),
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
    extension(&mut expected, "device", "push_token_present", json!(false));
    assert_eq!(got, expected);
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
    let issue = |probe: &str| ProbeIssue {
        probe: probe.into(),
        reason: "threw kotlin.NotImplementedError".into(),
    };
    for probe in ["network", "notifications", "focus", "power", "device"] {
        let mut answers = known.clone();
        match probe {
            "network" => answers.network = Err(issue(probe)),
            "notifications" => answers.notifications = Err(issue(probe)),
            "focus" => answers.focus = Err(issue(probe)),
            "power" => answers.power = Err(issue(probe)),
            _ => answers.device = Err(issue(probe)),
        }
        let (s, issues) = snapshot_from(Platform::Android, answers);
        assert_eq!(issues, [issue(probe)]);
        let sections = &s.extensions["platform"];
        assert!(sections.get(probe).is_none(), "{probe}: no extension facts");
        assert_eq!(s.network.connected, (probe != "network").then_some(true));
        assert_eq!(
            s.notifications.enabled,
            (probe != "notifications").then_some(true)
        );
        assert_eq!(s.focus.active, (probe != "focus").then_some(true));
        assert_eq!(s.battery_saver.active, (probe != "power").then_some(true));
        assert_eq!(s.device.model.is_some(), probe != "device");
        assert_eq!(sections.as_object().unwrap().len(), 4, "{probe}");
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
