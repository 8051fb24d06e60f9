//! The engine: the seed's troubleshooting flow run over a snapshot.
//!
//! Pure functions over the [`crate::model`] vocabulary: no I/O, no
//! threads, no clock. In the order data flows through it:
//! - [`checks`]: each fact turned into a finding (`pass`, `fail`,
//!   `unknown`, `not_applicable`) with the evidence that decided it;
//! - [`flow`]: the seed's tables as data (rows, links, outcomes);
//! - [`evidence`]: which scenarios the findings point at, ranked;
//! - [`diagnosis`]: the findings walked through the flow;
//! - [`question`]: what a person is asked and what they answered;
//! - [`walk`]: the guided conversation, one question at a time;
//! - [`history`]: the push and Accept history judged (late pushes, Accept
//!   calls failing in a row);
//! - [`admin`]: an MFA Report status explained to an admin;
//! - [`report`]: a diagnosis as text for a person and JUnit XML for device farms;
//! - [`probe_summary`]: a probe run judged on its own (`pushdoctor probe`).

pub mod admin;
pub mod checks;
pub mod diagnosis;
pub mod evidence;
pub mod flow;
pub mod history;
pub mod probe_summary;
pub mod question;
pub mod report;
pub mod walk;
