//! App logs for developers: capture, persistence and import.
//!
//! - [`record`]: one log record, and its text form;
//! - [`capture`]: the logger (the `log` facade and records forwarded from
//!   Kotlin or Swift), writing off the caller's thread;
//! - `clock`: the capture's clock, coarse and cheap;
//! - [`segment`]: the on-disk format, checksummed so a torn tail is skipped;
//! - [`store`]: segments in a directory (or in memory), capped in size;
//! - `merge`: stored chunks read back oldest first;
//! - [`import`]: logcat and Apple log text read into records;
//! - `sink`: the platform's own log.
//!
//! What leaves the device goes through [`redact`] and
//! [`crate::bundle`].

pub mod capture;
mod clock;
pub mod import;
mod merge;
pub mod record;
pub mod redact;
pub mod segment;
mod sink;
pub mod store;

use std::path::PathBuf;

pub use capture::{Capture, CaptureConfig, CaptureStats};
pub use record::{Level, LogRecord, Origin};
pub use segment::{ReadStats, ReadWork, SegmentReader};
pub use store::DirReader;

/// What can go wrong with the logs.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The log directory could not be created or opened.
    #[error("log directory {}: {source}", dir.display())]
    Directory {
        /// The directory, as configured.
        dir: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The thread that writes the captured records could not start.
    #[error("cannot start the log writer thread: {0}")]
    Thread(std::io::Error),
    /// The stored logs could not be read.
    #[error("cannot read the logs: {0}")]
    Read(std::io::Error),
    /// `log` takes one logger per process, and one is already set: the capture cannot be installed as well.
    #[error("a logger is already installed for this process")]
    AlreadyInstalled,
    /// The capture's redaction settings are invalid; the message names the pattern.
    #[error("redaction: {0}")]
    Redaction(String),
}
