//! Every error the agent's calls return, decided in one place.
//!
//! Each typed error of the core (and of the platform code, and of the
//! agent's own threads) becomes an [`AgentError`] through one `From` impl
//! here, never through a closure at the call site. Each impl decides three
//! things: whose the failure is (the caller's mistake is `InvalidArgument`,
//! the device's or the file system's is `Io`, the app's platform code's is
//! `Platform`, a bug of ours is `Internal`), what the message keeps (the
//! core's own words, which name the file, field or pattern), and what is
//! logged (failures that are not the caller's go to the captured log too,
//! so a bundle shows them).

use pushdoctor_core::accept::HistoryError;
use pushdoctor_core::bundle::BundleError;
use pushdoctor_core::logs::LogError;
use pushdoctor_core::probes::ProbeConfigError;
use pushdoctor_core::WalkError;

use crate::platform::PlatformError;

/// Why a call failed.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum AgentError {
    /// An argument the core refused (a snapshot that does not parse, an
    /// unknown id, a bad setting): the caller's to fix.
    #[error("invalid argument: {reason}")]
    InvalidArgument {
        /// What is wrong and where, in the core's words.
        reason: String,
    },
    /// The agent was closed; make a new one.
    #[error("the agent is closed")]
    Closed,
    /// The app's own [`crate::platform::PlatformProbe`] failed or threw
    /// (`openSettings`); the device's, not the caller's.
    #[error("the platform: {reason}")]
    Platform {
        /// What the platform code said or threw, on one bounded line.
        reason: String,
    },
    /// Reading or writing a file failed (the log directory, a bundle).
    #[error("I/O: {reason}")]
    Io {
        /// The file and what the system said.
        reason: String,
    },
    /// The call was cancelled (its coroutine or task was) before it
    /// finished; nothing was written.
    #[error("cancelled")]
    Cancelled,
    /// Something that should not happen did (a task that panicked, say);
    /// worth a bug report.
    #[error("internal error: {reason}")]
    Internal {
        /// What failed.
        reason: String,
    },
}

/// `value` of the argument `field` as a count or size: `InvalidArgument`
/// naming the field when it is negative. (Kotlin and Swift write signed
/// numbers; the check is made once, here at the boundary.)
pub(crate) fn non_negative<T: TryFrom<i64>>(field: &str, value: i64) -> Result<T, AgentError> {
    // The foreign side's numbers are at most 64-bit signed: every
    // non-negative one fits the unsigned type of the same width or more.
    T::try_from(value).map_err(|_| AgentError::InvalidArgument {
        reason: format!("{field} is {value}: it cannot be negative"),
    })
}

/// `value` milliseconds of the argument `field` as a deadline:
/// `InvalidArgument` naming the field unless it is above zero.
pub(crate) fn deadline_ms(field: &str, value: i64) -> Result<std::time::Duration, AgentError> {
    match u64::try_from(value) {
        Ok(ms) if ms > 0 => Ok(std::time::Duration::from_millis(ms)),
        _ => Err(AgentError::InvalidArgument {
            reason: format!("{field} is {value} ms: a deadline must be above zero"),
        }),
    }
}

/// Logs a failure that is not the caller's to fix, and returns it.
fn logged(error: AgentError) -> AgentError {
    log::warn!(target: "pushdoctor::agent", "{error}");
    error
}

impl From<LogError> for AgentError {
    fn from(e: LogError) -> Self {
        match e {
            // A scrubbing pattern of the app's configuration: its mistake.
            LogError::Redaction(reason) => AgentError::InvalidArgument {
                reason: format!("log redaction: {reason}"),
            },
            LogError::Directory { .. } | LogError::Read(_) => logged(AgentError::Io {
                reason: e.to_string(),
            }),
            LogError::Thread(_) | LogError::AlreadyInstalled => logged(AgentError::Internal {
                reason: e.to_string(),
            }),
        }
    }
}

impl From<BundleError> for AgentError {
    fn from(e: BundleError) -> Self {
        match e {
            // A size cap too small, or redaction settings that do not
            // compile: the caller chose them.
            BundleError::CapTooSmall(_)
            | BundleError::DoesNotFit { .. }
            | BundleError::Redaction(_) => AgentError::InvalidArgument {
                reason: format!("bundle: {e}"),
            },
            BundleError::Cancelled => AgentError::Cancelled,
            BundleError::Io { .. } | BundleError::Output { .. } => logged(AgentError::Io {
                reason: format!("bundle: {e}"),
            }),
        }
    }
}

impl From<HistoryError> for AgentError {
    fn from(e: HistoryError) -> Self {
        match e {
            // An event no phone reports, or limits that keep nothing: the
            // caller's.
            HistoryError::Invalid(reason) => AgentError::InvalidArgument { reason },
            HistoryError::Redaction(_) => AgentError::InvalidArgument {
                reason: format!("history {e}"),
            },
            HistoryError::Io { .. } => logged(AgentError::Io {
                reason: format!("Accept history: {e}"),
            }),
        }
    }
}

impl From<ProbeConfigError> for AgentError {
    /// Every probe setting is the app's: its URLs, ports and roots.
    fn from(e: ProbeConfigError) -> Self {
        AgentError::InvalidArgument {
            reason: format!("network: {e}"),
        }
    }
}

impl From<WalkError> for AgentError {
    /// An answer of the wrong kind for its question: the caller's.
    fn from(e: WalkError) -> Self {
        AgentError::InvalidArgument {
            reason: e.to_string(),
        }
    }
}

impl From<PlatformError> for AgentError {
    /// The app's own platform code failed or threw.
    fn from(e: PlatformError) -> Self {
        logged(AgentError::Platform {
            reason: e.to_string(),
        })
    }
}

impl From<tokio::task::JoinError> for AgentError {
    /// Work on the agent's threads that panicked or was dropped.
    fn from(e: tokio::task::JoinError) -> Self {
        logged(AgentError::Internal {
            reason: if e.is_panic() {
                format!("panic: {e}")
            } else {
                e.to_string()
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whose each failure is: the caller's mistakes are `InvalidArgument`
    /// with the core's words, the device's `Io`, the platform code's
    /// `Platform`; a cancelled call is `Cancelled`.
    #[test]
    fn each_core_error_lands_where_it_belongs() {
        let invalid = |e: AgentError, part: &str| match e {
            AgentError::InvalidArgument { reason } => assert!(reason.contains(part), "{reason}"),
            other => panic!("{other:?} is not the caller's mistake"),
        };
        invalid(
            LogError::Redaction("pattern `(` does not compile".into()).into(),
            "pattern `(`",
        );
        invalid(BundleError::CapTooSmall(10).into(), "10 bytes");
        invalid(
            ProbeConfigError::BadUrl {
                what: "backend URL",
                url: "htp:/x".into(),
                reason: "no host".into(),
            }
            .into(),
            "network: backend URL `htp:/x`",
        );
        invalid(
            WalkError::NotAQuestion {
                question: "MFA Report shows status: Success".into(),
            }
            .into(),
            "not a question",
        );
        let directory = LogError::Directory {
            dir: "/nope".into(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        assert!(
            matches!(AgentError::from(directory), AgentError::Io { reason } if reason.contains("/nope"))
        );
        assert!(matches!(
            AgentError::from(BundleError::Cancelled),
            AgentError::Cancelled
        ));
        let thrown = PlatformError::Unexpected {
            reason: "java.lang.IllegalStateException: boom".into(),
        };
        assert!(
            matches!(AgentError::from(thrown), AgentError::Platform { reason } if reason.contains("boom"))
        );
    }
}
