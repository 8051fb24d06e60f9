//! What the agent's calls and the network check share: the error of every
//! call, and an action typed for a button. Kept apart from both so that
//! neither module imports the other for them.

use pushdoctor_core::Action;

use crate::ids::{ActionId, Escalation, SettingsTarget};

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

/// One action, for a button.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ActionItem {
    /// Which action (`enable_notifications` in JSON, …: `docs/diagnosis.md`).
    pub id: ActionId,
    /// A short imperative title, for the button itself.
    pub title: String,
    /// The seed's "what to do", word for word.
    pub guidance: String,
    /// The settings path on this platform, one step a line; empty where
    /// the seed gives none.
    pub steps: Vec<String>,
    /// A settings screen [`crate::platform::PlatformProbe::open_settings`] can open.
    #[uniffi(default = None)]
    pub settings_target: Option<SettingsTarget>,
    /// How far up the support ladder this action goes.
    pub escalation: Escalation,
}

pub(crate) fn action_item(a: &Action) -> ActionItem {
    ActionItem {
        id: a.id.into(),
        title: a.title.clone(),
        guidance: a.guidance.clone(),
        steps: a.steps.clone(),
        settings_target: a.settings_target.map(Into::into),
        escalation: a.escalation.into(),
    }
}
