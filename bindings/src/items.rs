//! What the agent's calls and the network check share: the error of every
//! call, and an action typed for a button. Kept apart from both so that
//! neither module imports the other for them.

use pushdoctor_core::Action;

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

/// One action, for a button.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ActionItem {
    /// The action's stable id (`enable_notifications`, …: `docs/diagnosis.md`).
    pub id: String,
    /// A short imperative title, for the button itself.
    pub title: String,
    /// The seed's "what to do", word for word.
    pub guidance: String,
    /// The settings path on this platform, one step a line; empty where
    /// the seed gives none.
    pub steps: Vec<String>,
    /// A settings screen [`crate::platform::PlatformProbe::open_settings`] can open.
    #[uniffi(default = None)]
    pub settings_target: Option<String>,
}

pub(crate) fn action_item(a: &Action) -> ActionItem {
    ActionItem {
        id: a.id.as_str().to_string(),
        title: a.title.clone(),
        guidance: a.guidance.clone(),
        steps: a.steps.clone(),
        settings_target: a.settings_target.map(|t| t.as_str().to_string()),
    }
}
