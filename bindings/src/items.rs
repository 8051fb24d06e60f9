//! What the agent's calls and the network check share: an action typed for
//! a button. Kept apart from both so that neither module imports the other
//! for it. (Their error is [`crate::errors`]'s.)

use pushdoctor_core::Action;

use crate::ids::{ActionId, Escalation, SettingsTarget};

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
