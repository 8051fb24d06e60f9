//! The vocabulary at the bottom of the core: every id, the shared enums,
//! the device snapshot (with the probe report it carries), the seed's own
//! words and time as the formats write it.
//!
//! Everything above reads these types; nothing here reads anything above.
//! That is what keeps the layers apart (see `ARCHITECTURE.md`): a check id
//! or a scenario id is defined here, once, and the engine, the bundle and
//! the bindings all speak it.

pub mod action;
pub mod check;
pub mod facts;
pub mod history;
pub mod ids;
pub mod maker;
pub mod mfa_report;
pub mod platform;
pub mod probe_report;
pub mod seed;
pub mod snapshot;
pub mod time;

pub use action::{Action, ActionId, Escalation, SettingsTarget};
pub use check::{CheckId, CheckStatus, EvidenceSource};
pub use facts::{AlertStyle, AuthorizationStatus, ChannelImportance, DataSaver, StandbyBucket};
pub use ids::{OutcomeId, RowId, ScenarioId};
pub use maker::Maker;
pub use mfa_report::{MfaReportStatus, UnknownStatus};
pub use platform::Platform;
pub use probe_report::ProbeReport;
pub use snapshot::{DeviceSnapshot, ParsedSnapshot, SnapshotError, SNAPSHOT_SCHEMA_VERSION};
