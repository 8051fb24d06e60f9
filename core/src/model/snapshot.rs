//! The device snapshot: every fact the flow asks about, in one versioned JSON
//! document.
//!
//! The same document is filled in by platform callbacks on a phone, replayed
//! by `pushdoctor diagnose`, and stored in log bundles, so its schema is a
//! public contract: see `docs/snapshot.md`. Every fact is optional; `null`
//! (or a missing key) means "not known", and the engine then reports the
//! check as `unknown` instead of guessing.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::model::facts::{
    AlertStyle, AuthorizationStatus, ChannelImportance, DataSaver, StandbyBucket,
};
use crate::model::history::HistorySummary;
use crate::model::MfaReportStatus;
use crate::model::Platform;
use crate::model::ProbeReport;

/// The snapshot schema version this build reads and writes.
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 1;

/// Snapshots are a few kilobytes; anything past this is not a snapshot, and
/// refusing it early keeps a stray 100 MB file from being parsed at all.
pub const MAX_SNAPSHOT_BYTES: usize = 1024 * 1024;

/// Every fact the troubleshooting flow can use, as known at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceSnapshot {
    /// Always [`SNAPSHOT_SCHEMA_VERSION`] for documents this build writes.
    pub schema_version: u32,
    /// Which phone's flow applies: some checks exist on one platform only.
    pub platform: Platform,
    /// When the facts were gathered (RFC 3339), if the producer says.
    #[serde(default)]
    pub captured_at: Option<String>,
    /// Who reports: the phone and the app, for people reading a report.
    #[serde(default, deserialize_with = "null_as_default")]
    pub device: DeviceInfo,
    /// Whether the device is online, and what stands in its way.
    #[serde(default, deserialize_with = "null_as_default")]
    pub network: Network,
    /// Whether and how the app's notifications may show.
    #[serde(default, deserialize_with = "null_as_default")]
    pub notifications: Notifications,
    /// Focus / Do Not Disturb, which can hold the push back.
    #[serde(default, deserialize_with = "null_as_default")]
    pub focus: Focus,
    /// Battery Saver / Low Power Mode, which can delay pushes.
    #[serde(default, deserialize_with = "null_as_default")]
    pub battery_saver: BatterySaver,
    /// iOS's Background App Refresh for the app.
    #[serde(default, deserialize_with = "null_as_default")]
    pub background_refresh: BackgroundRefresh,
    /// How Android's power management treats the app (added in 0.2).
    #[serde(default, deserialize_with = "null_as_default")]
    pub power: Power,
    /// The app's own standing with the push service (added in 0.2).
    #[serde(default, deserialize_with = "null_as_default")]
    pub app: AppState,
    /// What the person saw happen to the request: the answers to the seed's questions the phone can know itself.
    #[serde(default, deserialize_with = "null_as_default")]
    pub observations: Observations,
    /// The admin side: the status the MFA Report shows for the request.
    #[serde(default)]
    pub mfa_report_status: Option<MfaReportStatus>,
    /// What the active network probes found (`docs/network.md`); `null`
    /// when they did not run.
    #[serde(default)]
    pub probes: Option<ProbeReport>,
    /// What the push and Accept history says (added in 0.3): when present,
    /// the observations it could tell were filled from it
    /// ([`DeviceSnapshot::attach_history`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<HistorySummary>,
    /// Free-form data of the app's own, kept verbatim and never interpreted.
    /// This is the one place where keys outside the schema belong.
    #[serde(default, deserialize_with = "null_as_default")]
    pub extensions: Map<String, Value>,
}

/// Facts about the device and the app, for people reading a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    /// The phone's model name.
    #[serde(default)]
    pub model: Option<String>,
    /// The operating system's version as the platform writes it.
    #[serde(default)]
    pub os_version: Option<String>,
    /// The Authenticator app's version.
    #[serde(default)]
    pub app_version: Option<String>,
    /// The phone's locale as the platform writes it (`en_GB`), for reading the person's own words in a report.
    #[serde(default)]
    pub locale: Option<String>,
    /// Android's `Build.MANUFACTURER` (added in 0.2): some makers stop
    /// background apps beyond what Android itself does.
    #[serde(default)]
    pub manufacturer: Option<String>,
    /// Android's API level, `Build.VERSION.SDK_INT` (added in 0.2).
    #[serde(default)]
    pub sdk_int: Option<u32>,
}

/// The device's connection: the seed's connectivity check and what the network probes need to read their results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    /// Wi-Fi or mobile data is up.
    #[serde(default)]
    pub connected: Option<bool>,
    /// Airplane Mode is on: the seed's fix turns it off.
    #[serde(default)]
    pub airplane_mode: Option<bool>,
    /// A VPN carries the device's traffic.
    #[serde(default)]
    pub vpn_active: Option<bool>,
    /// A proxy is configured for the network in use.
    #[serde(default)]
    pub proxy_active: Option<bool>,
    /// Android's Data Saver, and whether the app is exempt (added in 0.2).
    #[serde(default)]
    pub data_saver: Option<DataSaver>,
}

/// The app's notification settings: the app-wide switch and, per platform, what else can silence the push.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifications {
    /// Notifications are allowed for the Authenticator app in device
    /// settings: the app-wide switch.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Android: the importance of the channel the MFA pushes use (added in
    /// 0.2); `none` is blocked, `min` and `low` silence them.
    #[serde(default)]
    pub mfa_channel_importance: Option<ChannelImportance>,
    /// Android 13+: the `POST_NOTIFICATIONS` permission is granted (added
    /// in 0.2).
    #[serde(default)]
    pub permission_granted: Option<bool>,
    /// iOS: the app's notification authorization (added in 0.2).
    #[serde(default)]
    pub authorization_status: Option<AuthorizationStatus>,
    /// iOS: how the app's notifications show (added in 0.2).
    #[serde(default)]
    pub alert_style: Option<AlertStyle>,
    /// iOS: the app's notifications go to the Scheduled Summary instead of
    /// being delivered at once (added in 0.2).
    #[serde(default)]
    pub scheduled_summary: Option<bool>,
}

/// Focus (iOS) or Do Not Disturb (Android), and whether the app breaks through it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Focus {
    /// Focus (iOS) or Do Not Disturb (Android) is on.
    #[serde(default)]
    pub active: Option<bool>,
    /// The app is an allowed exception of Focus / Do Not Disturb, so its
    /// notifications break through (added in 0.2).
    #[serde(default)]
    pub app_allowed: Option<bool>,
}

/// Battery Saver (Android) or Low Power Mode (iOS).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatterySaver {
    /// Battery Saver (Android) or Low Power Mode (iOS) is on.
    #[serde(default)]
    pub active: Option<bool>,
}

/// iOS's Background App Refresh, which the seed checks on iOS only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackgroundRefresh {
    /// Background App Refresh is enabled for the app (iOS only).
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// Android's power management as it applies to the app (added in 0.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Power {
    /// The app is exempt from battery optimisation (Doze and App Standby).
    #[serde(default)]
    pub battery_optimization_exempt: Option<bool>,
    /// The person restricted the app's background activity.
    #[serde(default)]
    pub background_restricted: Option<bool>,
    /// The App Standby bucket the app is in.
    #[serde(default)]
    pub standby_bucket: Option<StandbyBucket>,
}

/// The app's standing with the push service (added in 0.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppState {
    /// Android: the app is in the stopped state (force-stopped and not
    /// opened since); FCM delivers nothing to a stopped app.
    #[serde(default)]
    pub force_stopped: Option<bool>,
    /// An FCM registration token or an APNs device token is registered.
    /// Never the token itself.
    #[serde(default)]
    pub push_token_registered: Option<bool>,
}

/// What the app (or the person) saw happen to the login request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observations {
    /// A push notification for the request arrived on the device.
    #[serde(default)]
    pub push_received: Option<bool>,
    /// The person tapped Accept or Deny.
    #[serde(default)]
    pub accept_tapped: Option<bool>,
    /// Tapping Accept (or Deny) got the service's confirmation.
    #[serde(default)]
    pub accept_responded: Option<bool>,
    /// How many times the push was resent (the login retried) after Accept failed.
    #[serde(default)]
    pub retry_count: Option<u32>,
    /// Accept worked on a later attempt.
    #[serde(default)]
    pub retry_succeeded: Option<bool>,
    /// The MFA step completed and the login went through.
    #[serde(default)]
    pub mfa_completed: Option<bool>,
    /// The request can be seen inside the Authenticator app.
    #[serde(default)]
    pub request_visible_in_app: Option<bool>,
    /// The request is listed under the app's Pending tab.
    #[serde(default)]
    pub request_in_pending_tab: Option<bool>,
    /// The request showed up after pulling down to refresh the Pending tab.
    #[serde(default)]
    pub request_visible_after_refresh: Option<bool>,
    /// After the device settings were fixed and the push resent, it arrived.
    #[serde(default)]
    pub push_arrived_after_fixes: Option<bool>,
    /// The account was already reconfigured in the app, and the issue persists.
    #[serde(default)]
    pub account_reconfigured: Option<bool>,
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

impl DeviceSnapshot {
    /// Takes in what the push and Accept history says: each observation
    /// the app (or a person) left unset is filled from it, and the summary
    /// is kept as `history`, naming the observations it filled. What the
    /// app said itself wins.
    pub fn attach_history(&mut self, mut summary: HistorySummary) {
        let o = &mut self.observations;
        let mut filled = Vec::new();
        let mut fill = |slot: &mut Option<bool>, value: Option<bool>, name: &str| {
            if slot.is_none() && value.is_some() {
                *slot = value;
                filled.push(format!("observations.{name}"));
            }
        };
        fill(&mut o.push_received, summary.push_received, "push_received");
        fill(&mut o.accept_tapped, summary.accept_tapped, "accept_tapped");
        fill(
            &mut o.accept_responded,
            summary.accept_responded,
            "accept_responded",
        );
        fill(
            &mut o.retry_succeeded,
            summary.retry_succeeded,
            "retry_succeeded",
        );
        fill(&mut o.mfa_completed, summary.mfa_completed, "mfa_completed");
        if o.retry_count.is_none() && summary.retry_count.is_some() {
            o.retry_count = summary.retry_count;
            filled.push("observations.retry_count".into());
        }
        summary.filled = filled;
        self.history = Some(summary);
    }

    /// A snapshot of the current schema in which nothing is known yet.
    pub fn new(platform: Platform) -> Self {
        DeviceSnapshot {
            schema_version: SNAPSHOT_SCHEMA_VERSION,
            platform,
            captured_at: None,
            device: DeviceInfo::default(),
            network: Network::default(),
            notifications: Notifications::default(),
            focus: Focus::default(),
            battery_saver: BatterySaver::default(),
            background_refresh: BackgroundRefresh::default(),
            power: Power::default(),
            app: AppState::default(),
            observations: Observations::default(),
            mfa_report_status: None,
            probes: None,
            history: None,
            extensions: Map::new(),
        }
    }

    /// Parses a snapshot document, strictly.
    ///
    /// Syntax errors, wrong types, unknown enum values and unsupported
    /// versions are errors that name the field and the position. Keys the
    /// schema does not know are not errors (a newer app may send them) but
    /// are never dropped silently either: they come back as
    /// [`ParsedSnapshot::unknown_fields`].
    pub fn from_json(bytes: &[u8]) -> Result<ParsedSnapshot, SnapshotError> {
        if bytes.len() > MAX_SNAPSHOT_BYTES {
            return Err(SnapshotError::TooLarge {
                limit: MAX_SNAPSHOT_BYTES,
            });
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(SnapshotError::Empty);
        }
        // Pass 1: well-formed JSON, an object, a version we read. Checking the
        // version before the fields means a future document gets "unsupported
        // version" rather than a confusing complaint about some field.
        let document: Value = serde_json::from_slice(bytes).map_err(SnapshotError::syntax)?;
        let Value::Object(root) = &document else {
            return Err(SnapshotError::NotAnObject {
                found: json_type_name(&document),
            });
        };
        match root.get("schema_version") {
            None => return Err(SnapshotError::MissingVersion),
            Some(Value::Number(n)) if n.as_u64() == Some(SNAPSHOT_SCHEMA_VERSION as u64) => {}
            Some(other) => {
                return Err(SnapshotError::UnsupportedVersion {
                    found: other.to_string(),
                })
            }
        }
        // Pass 2: the typed parse, from the bytes so errors keep their line
        // and column, through serde_path_to_error so they name the field.
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let snapshot: DeviceSnapshot =
            serde_path_to_error::deserialize(&mut de).map_err(SnapshotError::field)?;
        // Pass 3: whatever the document holds that the typed form does not.
        let known = serde_json::to_value(&snapshot).expect("a snapshot always serializes");
        let mut unknown_fields = Vec::new();
        collect_unknown(&document, &known, "", &mut unknown_fields);
        Ok(ParsedSnapshot {
            snapshot,
            unknown_fields,
        })
    }

    /// The snapshot as pretty JSON, every known key present (`null` when unknown).
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a snapshot always serializes")
    }
}

/// A parsed snapshot and what the parser noticed on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSnapshot {
    /// The snapshot itself, with the unknown keys left out.
    pub snapshot: DeviceSnapshot,
    /// Dotted paths of keys that schema version 1 does not define (outside
    /// `extensions`). They were not used.
    pub unknown_fields: Vec<String>,
}

impl ParsedSnapshot {
    /// One human-readable warning per unknown key.
    pub fn warnings(&self) -> Vec<String> {
        self.unknown_fields
            .iter()
            .map(|path| {
                format!(
                    "unknown field `{path}` ignored: not part of snapshot schema {SNAPSHOT_SCHEMA_VERSION} (app data belongs under `extensions`)"
                )
            })
            .collect()
    }
}

fn collect_unknown(document: &Value, known: &Value, prefix: &str, out: &mut Vec<String>) {
    let (Value::Object(doc), Value::Object(known)) = (document, known) else {
        return;
    };
    for (key, value) in doc {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match known.get(key) {
            None => out.push(path),
            Some(_) if path == "extensions" => {}
            Some(known_value) => collect_unknown(value, known_value, &path, out),
        }
    }
}

fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Why a document is not a usable snapshot. Each message names what is wrong
/// and, where the parser knows it, the field and the position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// The document has no bytes, or only white space.
    #[error("the snapshot is empty")]
    Empty,
    /// The document is larger than [`MAX_SNAPSHOT_BYTES`], refused before parsing.
    #[error("the snapshot is larger than {limit} bytes; this is not a device snapshot")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The document is not JSON; the position is where the parser stopped.
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// The 1-based line of the syntax error.
        line: usize,
        /// The 1-based column of the syntax error.
        column: usize,
        /// The JSON parser's own words.
        message: String,
    },
    /// The document is JSON but not an object; `found` names what it is.
    #[error("a snapshot is a JSON object, but this document is {found}")]
    NotAnObject {
        /// What the document is instead (`an array`, `a string`, …).
        found: &'static str,
    },
    #[error(
        "missing field `schema_version` (this pushdoctor reads version {SNAPSHOT_SCHEMA_VERSION})"
    )]
    /// The document has no `schema_version`, so it cannot be read safely.
    MissingVersion,
    /// The document's `schema_version` is not one this build reads.
    #[error("unsupported `schema_version` {found}: this pushdoctor reads version {SNAPSHOT_SCHEMA_VERSION}")]
    UnsupportedVersion {
        /// The version the document gives, as written.
        found: String,
    },
    /// A field has the wrong type or an unknown value (an unknown enum value is an error, not a guess).
    #[error("{}line {line}, column {column}: {message}", field_prefix(.field))]
    Field {
        /// Dotted path of the offending field; empty for the document itself.
        field: String,
        /// The 1-based line of the offending value.
        line: usize,
        /// The 1-based column of the offending value.
        column: usize,
        /// What is wrong with the value, in the parser's words.
        message: String,
    },
}

fn field_prefix(field: &str) -> String {
    if field.is_empty() {
        String::new()
    } else {
        format!("field `{field}` at ")
    }
}

impl SnapshotError {
    fn syntax(error: serde_json::Error) -> Self {
        SnapshotError::Syntax {
            line: error.line(),
            column: error.column(),
            message: bare_message(&error),
        }
    }

    fn field(error: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let field = error.path().to_string();
        let inner = error.into_inner();
        SnapshotError::Field {
            // serde_path_to_error writes "." for the root.
            field: if field == "." { String::new() } else { field },
            line: inner.line(),
            column: inner.column(),
            message: bare_message(&inner),
        }
    }
}

/// serde_json appends " at line L column C" to its messages; the position is
/// reported in fields of its own here, so the suffix would say it twice.
fn bare_message(error: &serde_json::Error) -> String {
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ParsedSnapshot, SnapshotError> {
        DeviceSnapshot::from_json(text.as_bytes())
    }

    #[test]
    fn minimal_document_parses_with_everything_unknown() {
        let parsed = parse(r#"{"schema_version": 1, "platform": "ios"}"#).unwrap();
        assert_eq!(parsed.snapshot, DeviceSnapshot::new(Platform::Ios));
        assert!(parsed.unknown_fields.is_empty());
    }

    #[test]
    fn null_sections_mean_unknown() {
        let parsed =
            parse(r#"{"schema_version": 1, "platform": "android", "network": null}"#).unwrap();
        assert_eq!(parsed.snapshot.network.connected, None);
    }

    #[test]
    fn round_trips_through_json() {
        let mut snapshot = DeviceSnapshot::new(Platform::Android);
        snapshot.network.connected = Some(true);
        snapshot.observations.retry_count = Some(3);
        snapshot.mfa_report_status = Some(MfaReportStatus::Delivered);
        snapshot
            .extensions
            .insert("tenant".into(), Value::String("acme".into()));
        let parsed = parse(&snapshot.to_json_pretty()).unwrap();
        assert_eq!(parsed.snapshot, snapshot);
        assert!(parsed.unknown_fields.is_empty());
    }

    #[test]
    fn unknown_keys_are_reported_not_dropped_silently() {
        let parsed = parse(
            r#"{"schema_version": 1, "platform": "ios", "colour": 1,
                "network": {"connected": true, "vpn": false},
                "extensions": {"anything": {"goes": true}}}"#,
        )
        .unwrap();
        assert_eq!(parsed.unknown_fields, vec!["colour", "network.vpn"]);
        assert!(parsed.warnings()[1].contains("`network.vpn`"));
    }

    #[test]
    fn wrong_type_names_field_and_position() {
        let err = parse("{\"schema_version\": 1, \"platform\": \"ios\",\n \"notifications\": {\"enabled\": \"yes\"}}")
            .unwrap_err();
        match &err {
            SnapshotError::Field { field, line, .. } => {
                assert_eq!(field, "notifications.enabled");
                assert_eq!(*line, 2);
            }
            other => panic!("unexpected {other:?}"),
        }
        let text = err.to_string();
        assert!(
            text.starts_with("field `notifications.enabled` at line 2, column"),
            "{text}"
        );
        assert!(text.contains("expected a boolean"), "{text}");
    }

    #[test]
    fn unknown_enum_value_is_named() {
        let err = parse(r#"{"schema_version": 1, "platform": "windows"}"#).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("`platform`") && text.contains("windows"),
            "{text}"
        );
        let err = parse(r#"{"schema_version": 1, "platform": "ios", "mfa_report_status": "Sent"}"#)
            .unwrap_err();
        assert!(err.to_string().contains("`mfa_report_status`"), "{err}");
    }

    /// Every key added in 0.2, read from JSON into its typed field.
    #[test]
    fn the_platform_facts_parse_into_their_keys() {
        use crate::model::facts::*;
        let parsed = parse(
            r#"{"schema_version": 1, "platform": "android",
                "device": {"manufacturer": "Xiaomi", "sdk_int": 34},
                "network": {"data_saver": "on_exempt"},
                "notifications": {"mfa_channel_importance": "low", "permission_granted": false,
                    "authorization_status": "provisional", "alert_style": "banner",
                    "scheduled_summary": true},
                "focus": {"active": true, "app_allowed": true},
                "power": {"battery_optimization_exempt": false, "background_restricted": true,
                    "standby_bucket": "working_set"},
                "app": {"force_stopped": true, "push_token_registered": false}}"#,
        )
        .unwrap();
        assert!(
            parsed.unknown_fields.is_empty(),
            "{:?}",
            parsed.unknown_fields
        );
        let s = &parsed.snapshot;
        assert_eq!(s.device.manufacturer.as_deref(), Some("Xiaomi"));
        assert_eq!(s.device.sdk_int, Some(34));
        assert_eq!(s.network.data_saver, Some(DataSaver::OnExempt));
        let n = &s.notifications;
        assert_eq!(n.mfa_channel_importance, Some(ChannelImportance::Low));
        assert_eq!(n.permission_granted, Some(false));
        assert_eq!(
            n.authorization_status,
            Some(AuthorizationStatus::Provisional)
        );
        assert_eq!(n.alert_style, Some(AlertStyle::Banner));
        assert_eq!(n.scheduled_summary, Some(true));
        assert_eq!(s.focus.app_allowed, Some(true));
        assert_eq!(s.power.battery_optimization_exempt, Some(false));
        assert_eq!(s.power.background_restricted, Some(true));
        assert_eq!(s.power.standby_bucket, Some(StandbyBucket::WorkingSet));
        assert_eq!(s.app.force_stopped, Some(true));
        assert_eq!(s.app.push_token_registered, Some(false));
        // And back: what is written is read the same.
        assert_eq!(&parse(&s.to_json_pretty()).unwrap().snapshot, s);
        // The new sections may be null, like the others.
        let nulls =
            parse(r#"{"schema_version": 1, "platform": "ios", "power": null, "app": null}"#)
                .unwrap();
        assert_eq!(nulls.snapshot, DeviceSnapshot::new(Platform::Ios));
    }

    /// An enumerated fact outside its set is an error naming the field,
    /// the value and the position, never a silent `unknown`.
    #[test]
    fn an_unknown_platform_fact_value_is_named() {
        let cases = [
            ("notifications", "mfa_channel_importance", "\"urgent\""),
            ("notifications", "authorization_status", "\"maybe\""),
            ("notifications", "alert_style", "\"popup\""),
            ("power", "standby_bucket", "\"never\""),
            ("network", "data_saver", "\"true\""),
            ("device", "sdk_int", "-1"),
            ("app", "force_stopped", "\"yes\""),
        ];
        for (section, key, value) in cases {
            let text = format!(
                "{{\"schema_version\": 1, \"platform\": \"android\",\n \"{section}\": {{\"{key}\": {value}}}}}"
            );
            let err = parse(&text).unwrap_err();
            let message = err.to_string();
            assert!(
                message.starts_with(&format!("field `{section}.{key}` at line 2, column")),
                "{message}"
            );
            assert!(message.contains(value.trim_matches('"')), "{message}");
        }
    }

    #[test]
    fn versions_are_checked_first() {
        assert_eq!(
            parse(r#"{"platform": "ios"}"#).unwrap_err(),
            SnapshotError::MissingVersion
        );
        assert_eq!(
            parse(r#"{"schema_version": 2, "platform": 7}"#).unwrap_err(),
            SnapshotError::UnsupportedVersion { found: "2".into() }
        );
        assert!(matches!(
            parse(r#"{"schema_version": "1", "platform": "ios"}"#).unwrap_err(),
            SnapshotError::UnsupportedVersion { .. }
        ));
    }

    #[test]
    fn junk_is_refused_clearly() {
        assert_eq!(parse("").unwrap_err(), SnapshotError::Empty);
        assert_eq!(parse(" \n\t").unwrap_err(), SnapshotError::Empty);
        assert!(matches!(
            parse("[1, 2]").unwrap_err(),
            SnapshotError::NotAnObject { found: "an array" }
        ));
        assert!(matches!(
            DeviceSnapshot::from_json(&[0xff, 0x00, 0x13, 0x37]).unwrap_err(),
            SnapshotError::Syntax {
                line: 1,
                column: 1,
                ..
            }
        ));
        assert!(matches!(
            parse(r#"{"schema_version": 1,"#).unwrap_err(),
            SnapshotError::Syntax { .. }
        ));
        let huge = vec![b' '; MAX_SNAPSHOT_BYTES + 1];
        assert!(matches!(
            DeviceSnapshot::from_json(&huge).unwrap_err(),
            SnapshotError::TooLarge { .. }
        ));
    }

    #[test]
    fn missing_platform_is_named() {
        let err = parse(r#"{"schema_version": 1}"#).unwrap_err();
        assert!(
            err.to_string().contains("missing field `platform`"),
            "{err}"
        );
    }

    #[test]
    fn negative_retry_count_is_refused() {
        let err = parse(
            r#"{"schema_version": 1, "platform": "ios", "observations": {"retry_count": -1}}"#,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("observations.retry_count"),
            "{err}"
        );
    }
}
