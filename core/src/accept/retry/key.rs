//! The idempotency key: one per tap, sent with every attempt of that tap,
//! so a server that applied an approval whose answer was lost applies the
//! retry as the same approval, not a second one.

use std::fmt::Write as _;

use super::backoff::RandomSource;
use super::RetryError;

/// The longest key the helper accepts from an app.
pub const MAX_KEY_LEN: usize = 255;

/// One tap's idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A fresh key: 128 random bits as 32 lower-case hex digits.
    pub fn generate(random: &mut dyn RandomSource) -> Self {
        let mut key = String::with_capacity(32);
        for _ in 0..2 {
            let _ = write!(key, "{:016x}", random.next_u64());
        }
        IdempotencyKey(key)
    }

    /// The app's own key (its API may define one): 1 to [`MAX_KEY_LEN`]
    /// visible ASCII characters, as it goes into an HTTP header unchanged.
    pub fn given(key: &str) -> Result<Self, RetryError> {
        let invalid = |reason: String| RetryError::InvalidRequest {
            field: "idempotency_key",
            reason,
        };
        if key.is_empty() || key.len() > MAX_KEY_LEN {
            return Err(invalid(format!(
                "is {} bytes long: it must be 1 to {MAX_KEY_LEN}",
                key.len()
            )));
        }
        if let Some(bad) = key.chars().find(|c| !c.is_ascii_graphic()) {
            return Err(invalid(format!(
                "holds {bad:?}: only visible ASCII goes into a header"
            )));
        }
        Ok(IdempotencyKey(key.to_string()))
    }

    /// The key as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accept::retry::XorShift;

    #[test]
    fn generated_keys_are_128_bit_hex_and_differ() {
        let mut random = XorShift::seeded(3);
        let a = IdempotencyKey::generate(&mut random);
        let b = IdempotencyKey::generate(&mut random);
        assert_eq!(a.as_str().len(), 32);
        assert!(a
            .as_str()
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
        let mut other = XorShift::from_entropy();
        assert_ne!(IdempotencyKey::generate(&mut other), a);
    }

    #[test]
    fn an_apps_key_must_fit_a_header() {
        assert_eq!(IdempotencyKey::given("tap-42").unwrap().as_str(), "tap-42");
        for bad in ["", "two words", "line\nbreak", "ключ"] {
            let e = IdempotencyKey::given(bad).unwrap_err();
            assert!(e.to_string().starts_with("idempotency_key: "), "{e}");
        }
        assert!(IdempotencyKey::given(&"k".repeat(MAX_KEY_LEN)).is_ok());
        assert!(IdempotencyKey::given(&"k".repeat(MAX_KEY_LEN + 1)).is_err());
    }
}
