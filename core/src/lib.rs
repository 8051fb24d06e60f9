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
//! The crate is four subsystems over one vocabulary (`ARCHITECTURE.md`):
//! - [`model`]: the vocabulary at the bottom: ids, shared enums, the device
//!   snapshot and the probe report it carries, the seed's words, time;
//! - [`engine`]: the seed's flow run over a snapshot (checks, flow,
//!   diagnosis, guided walk, reports); pure, no I/O;
//! - [`logs`]: the app's logs captured, scrubbed ([`logs::redact`]) and
//!   stored;
//! - [`bundle`]: logs, snapshot and diagnosis packaged for developers, and
//!   bundles read back and verified;
//! - [`delivery`]: a bundle sent to the developer with the person's
//!   consent, through a queue on disk that loses nothing;
//! - [`probes`] (feature `probes`, on by default): the active network
//!   checks; with the retry helper's runner and HTTP transport
//!   ([`accept::retry`], same feature), the only code that opens sockets;
//! - [`printable`]: outside text escaped before it is printed or written
//!   as a line.

// A library inside someone else's app must not write to its standard
// streams: what the core has to say goes into its results or through
// `log`. Its own tests may print (a skipped check says so).
#![cfg_attr(not(test), warn(clippy::print_stdout, clippy::print_stderr))]

pub mod accept;
pub mod bundle;
pub mod delivery;
pub mod engine;
pub mod logs;
pub mod model;
pub mod printable;
#[cfg(feature = "probes")]
pub mod probes;

// The tests' one way to skip a check (a failure in CI), shared with the
// `tests` crate, which the core cannot depend on.
#[cfg(test)]
#[path = "../../tests/src/skip.rs"]
mod skip;

pub use engine::checks::{Evidence, Finding};
pub use engine::diagnosis::{
    diagnose, Diagnosis, Options, OutcomeSummary, Step, StepAnswer, DIAGNOSIS_FORMAT_VERSION,
};
pub use engine::question::{AnswerValue, Answers, Choice, Question};
pub use engine::walk::{Walk, WalkError};
pub use model::{
    Action, ActionId, CheckId, CheckStatus, DeviceSnapshot, Escalation, EvidenceSource,
    MfaReportStatus, OutcomeId, ParsedSnapshot, Platform, RowId, ScenarioId, SettingsTarget,
    SnapshotError, SNAPSHOT_SCHEMA_VERSION,
};
