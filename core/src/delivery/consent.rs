//! The person's consent to send a bundle off the device.
//!
//! There is no default and no way to make one without saying when the
//! person agreed: an upload cannot happen by accident or by a setting
//! remembered silently. The queue keeps the consent with each entry (when
//! it was given is written down), so a resumed upload is still one the
//! person agreed to.

use serde::{Deserialize, Serialize};

/// The person agreed to send this bundle, at this time.
///
/// Made only by [`Consent::given_by_person`]: no `Default`, no public
/// fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    given_at_ms: i64,
}

/// A consent that cannot be right.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsentError {
    /// The time is before 1970: the app passed a wrong clock value.
    #[error("consent given_at_ms {0} is before 1970")]
    BeforeEpoch(i64),
}

impl Consent {
    /// The person consented at `given_at_ms` (milliseconds since the
    /// epoch): the app calls this only after the person said yes (having
    /// been able to see what the bundle holds).
    pub fn given_by_person(given_at_ms: i64) -> Result<Self, ConsentError> {
        if given_at_ms < 0 {
            return Err(ConsentError::BeforeEpoch(given_at_ms));
        }
        Ok(Consent { given_at_ms })
    }

    /// When the person consented, in milliseconds since the epoch.
    pub fn given_at_ms(&self) -> i64 {
        self.given_at_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_needs_a_real_time() {
        assert_eq!(Consent::given_by_person(5).unwrap().given_at_ms(), 5);
        assert_eq!(
            Consent::given_by_person(-1),
            Err(ConsentError::BeforeEpoch(-1))
        );
    }
}
