//! What the agent's calls and the network check share: the error of every
//! call, and an action typed for a button. Kept apart from both so that
//! neither module imports the other for them.

use pushdoctor_core::Action;

/// Why a call failed.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum AgentError {
    #[error("invalid argument: {reason}")]
    InvalidArgument { reason: String },
    #[error("the agent is closed")]
    Closed,
    #[error("I/O: {reason}")]
    Io { reason: String },
    #[error("internal error: {reason}")]
    Internal { reason: String },
}

/// One action, for a button.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ActionItem {
    pub id: String,
    pub title: String,
    pub guidance: String,
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
