//! Push Doctor's engine.
//!
//! The push-MFA troubleshooting flow that support staff walk people through
//! by hand (see `docs/flow.md`), as plain Rust: no FFI, no platform code.
//! Everything platform-specific reaches the engine as a [`DeviceSnapshot`];
//! everything the engine concludes leaves it as a [`Diagnosis`]. The flow
//! itself does no I/O; what does (the log capture and bundles on disk, the
//! network probes on sockets) sits in its own modules and hands the flow
//! plain data.
//!
//! ```
//! use pushdoctor_core::{diagnose, Answers, DeviceSnapshot, Options, Platform, ScenarioId};
//!
//! let mut snapshot = DeviceSnapshot::new(Platform::Ios);
//! snapshot.observations.push_received = Some(false);
//! snapshot.network.connected = Some(true);
//! snapshot.notifications.enabled = Some(false);
//!
//! let diagnosis = diagnose(&snapshot, &Answers::default(), &Options::default());
//! assert_eq!(diagnosis.scenario, Some(ScenarioId::PushNotReceived));
//! assert_eq!(diagnosis.actions[0].id.as_str(), "enable_notifications");
//! ```
//!
//! Modules, in the order data flows through them:
//! - [`probes`]: the active network checks, run concurrently under one
//!   deadline, written into the snapshot's `probes` section;
//! - [`snapshot`]: the versioned device snapshot and its strict parser;
//! - [`checks`]: each fact turned into a finding (`pass`, `fail`, `unknown`,
//!   `not_applicable`) with the evidence that decided it;
//! - [`flow`]: the seed's tables as data (scenarios, rows, outcomes);
//! - [`actions`]: what a person can be told to do, per platform;
//! - [`admin`]: what an MFA Report status means;
//! - [`diagnosis`]: walking the flow over the findings;
//! - [`walk`]: the guided conversation, one question at a time;
//! - [`seed`]: the seed's own words, each defined once;
//! - [`report`]: the diagnosis as text for a person and JUnit XML for device farms;
//! - [`logs`], [`redact`], [`bundle`]: the app's logs captured, scrubbed and
//!   packaged for developers;
//! - [`printable`]: outside text escaped before it is printed or written
//!   as a line.

pub mod actions;
pub mod admin;
pub mod bundle;
pub mod checks;
pub mod diagnosis;
pub mod flow;
pub mod logs;
pub mod printable;
pub mod probes;
pub mod redact;
pub mod report;
pub mod seed;
pub mod snapshot;
pub mod walk;

pub use actions::{Action, ActionId, Escalation, SettingsTarget};
pub use admin::MfaReportStatus;
pub use checks::{CheckId, CheckStatus, Evidence, EvidenceSource, Finding};
pub use diagnosis::{
    diagnose, Diagnosis, Options, OutcomeSummary, Step, StepAnswer, DIAGNOSIS_FORMAT_VERSION,
};
pub use flow::{OutcomeId, RowId, ScenarioId};
pub use snapshot::{
    DeviceSnapshot, ParsedSnapshot, Platform, SnapshotError, SNAPSHOT_SCHEMA_VERSION,
};
pub use walk::{AnswerValue, Answers, Choice, Question, Walk, WalkError};
