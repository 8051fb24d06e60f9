//! The enumerated platform facts of a snapshot (added in 0.2): each value
//! one of a set the platform defines, so a snapshot holding anything else
//! is refused with the field named, as for `platform`.
//!
//! What each value means for a push is the engine's to judge
//! (`engine::checks::android`, `engine::checks::ios`); these types only
//! name the platform's own states.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Android: the importance of the notification channel the MFA pushes use
/// (`NotificationChannel.getImportance()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelImportance {
    /// `IMPORTANCE_NONE`: the channel is blocked; nothing shows.
    None,
    /// `IMPORTANCE_MIN`: only in the shade, collapsed, no icon, no sound.
    Min,
    /// `IMPORTANCE_LOW`: shown, but without sound or heads-up.
    Low,
    /// `IMPORTANCE_DEFAULT`: shown with sound.
    Default,
    /// `IMPORTANCE_HIGH`: shown with sound, as a heads-up.
    High,
}

/// iOS: the app's notification authorization
/// (`UNNotificationSettings.authorizationStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizationStatus {
    /// Notifications are allowed.
    Authorized,
    /// The person turned notifications off for the app.
    Denied,
    /// Allowed quietly: delivered to Notification Center only, with no
    /// banner, no sound, nothing on the Lock Screen.
    Provisional,
    /// App Clips: allowed for a limited time.
    Ephemeral,
    /// The app never asked, so nothing may show yet.
    NotDetermined,
}

/// iOS: how the app's alerts show (`UNNotificationSettings.alertStyle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertStyle {
    /// No banner and no alert: the push is only in Notification Center.
    None,
    /// A banner that goes away by itself.
    Banner,
    /// An alert that stays until it is acted on.
    Alert,
}

/// Android: the App Standby bucket the system put the app in
/// (`UsageStatsManager.getAppStandbyBucket()`). The lower the bucket, the
/// more the system defers the app's jobs and caps its high-priority pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StandbyBucket {
    /// In use right now, or very recently.
    Active,
    /// Used often.
    WorkingSet,
    /// Used regularly, not daily.
    Frequent,
    /// Rarely used: its high-priority pushes are rationed.
    Rare,
    /// Restricted (Android 12+): the app may run at most once a day.
    Restricted,
}

/// Android: Data Saver, and whether the app is exempt from it
/// (`ConnectivityManager.getRestrictBackgroundStatus()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataSaver {
    /// Data Saver is off.
    Off,
    /// Data Saver is on and the app has no background data on mobile.
    On,
    /// Data Saver is on, but the app is allowed unrestricted data.
    OnExempt,
}

/// Each enum's values as JSON spells them, for details and messages.
macro_rules! spelled {
    ($($ty:ty { $($variant:ident => $text:literal),+ $(,)? })+) => {$(
        impl $ty {
            /// The value as the snapshot spells it.
            pub fn as_str(self) -> &'static str {
                match self { $(<$ty>::$variant => $text),+ }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )+};
}

spelled! {
    ChannelImportance { None => "none", Min => "min", Low => "low", Default => "default", High => "high" }
    AuthorizationStatus {
        Authorized => "authorized", Denied => "denied", Provisional => "provisional",
        Ephemeral => "ephemeral", NotDetermined => "not_determined",
    }
    AlertStyle { None => "none", Banner => "banner", Alert => "alert" }
    StandbyBucket {
        Active => "active", WorkingSet => "working_set", Frequent => "frequent",
        Rare => "rare", Restricted => "restricted",
    }
    DataSaver { Off => "off", On => "on", OnExempt => "on_exempt" }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `as_str` is what serde writes: details and JSON never disagree.
    #[test]
    fn as_str_is_the_serde_spelling() {
        fn same<T: Serialize + fmt::Display>(values: &[T]) {
            for v in values {
                assert_eq!(serde_json::to_string(v).unwrap(), format!("\"{v}\""));
            }
        }
        use ChannelImportance as C;
        same(&[C::None, C::Min, C::Low, C::Default, C::High]);
        use AuthorizationStatus as A;
        same(&[
            A::Authorized,
            A::Denied,
            A::Provisional,
            A::Ephemeral,
            A::NotDetermined,
        ]);
        same(&[AlertStyle::None, AlertStyle::Banner, AlertStyle::Alert]);
        use StandbyBucket as S;
        same(&[
            S::Active,
            S::WorkingSet,
            S::Frequent,
            S::Rare,
            S::Restricted,
        ]);
        same(&[DataSaver::Off, DataSaver::On, DataSaver::OnExempt]);
    }
}
