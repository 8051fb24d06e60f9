//! Push Doctor for Kotlin and Swift.
//!
//! The uniffi layer over `pushdoctor-core`: it adapts the core's types for
//! the foreign languages and decides nothing itself.
//! - [`platform`]: the foreign trait through which the app answers what
//!   only the phone knows, gathered in parallel under deadlines;
//! - [`agent`]: the object an app keeps for its lifetime;
//! - [`history`]: the push and Accept history the app reports, and the
//!   push history a screen shows;
//! - [`network`]: the active network probes' settings and results;
//! - `report`: the diagnosis typed for a UI (scenario, destination,
//!   candidates with their evidence, reasons, actions);
//! - [`preview`]: what a bundle holds, for the person before it is sent;
//! - [`ids`]: the core's vocabulary (platform, ids, statuses, levels) as
//!   enums, mapped one to one;
//! - [`errors`]: every call's error, each core error mapped in one place;
//! - `packed_logs`: log records packed into one buffer by the Kotlin
//!   helper `LogBatch`, read without a copy;
//! - `items`: the action item both the agent and the network check return;
//! - [`process`]: what the whole process shares, set up once: the
//!   runtime and the `log` logger;
//! - `task`: the agent's tasks, which end when nobody awaits them.

// Inside an app, standard output goes nowhere anyone reads: the layer
// reports through its results and `log`, never by printing.
#![cfg_attr(not(test), warn(clippy::print_stdout, clippy::print_stderr))]

uniffi::setup_scaffolding!();

pub mod agent;
#[cfg(feature = "bench")]
pub mod bench;
pub mod delivery;
pub mod errors;
pub mod history;
pub mod ids;
mod items;
pub mod network;
mod packed_logs;
pub mod platform;
pub mod preview;
pub mod process;
mod report;
pub mod retry;
mod task;
