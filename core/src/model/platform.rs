//! The phone's operating system.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The phone's operating system. The flow's steps differ per platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    /// Android: the notification settings live under Settings > Apps.
    Android,
    /// iOS: adds the Background App Refresh check the seed asks only there.
    Ios,
}

impl Platform {
    /// Every platform, for tests and listings that cover them all.
    pub const ALL: [Platform; 2] = [Platform::Android, Platform::Ios];

    /// The id used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Android => "android",
            Platform::Ios => "ios",
        }
    }

    /// How a person writes it.
    pub fn display_name(self) -> &'static str {
        match self {
            Platform::Android => "Android",
            Platform::Ios => "iOS",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
