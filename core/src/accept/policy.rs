//! When repeated Accept failures make a log bundle by themselves.
//!
//! A pure state machine over attempt outcomes and their times: no clock,
//! no I/O, so the same attempts give the same decisions in a test, on a
//! phone, and when the history is replayed after a restart.

use super::event::{AcceptAttempt, HistoryEvent};

/// One day, in milliseconds.
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The automatic bundle's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundlePolicy {
    /// Failed attempts that make a bundle (default 3), at least 1.
    pub failures: u32,
    /// Within this long of each other, first to last (default ten minutes).
    pub window_ms: i64,
    /// After a bundle, failures are not counted for this long (default
    /// one hour): one bundle per episode, not one per failure.
    pub cooldown_ms: i64,
    /// At most this many automatic bundles in any 24 hours (default 3).
    pub max_per_day: u32,
}

impl Default for BundlePolicy {
    fn default() -> Self {
        BundlePolicy {
            failures: 3,
            window_ms: 10 * 60 * 1000,
            cooldown_ms: 60 * 60 * 1000,
            max_per_day: 3,
        }
    }
}

impl BundlePolicy {
    /// Refuses a policy that cannot work; the message names the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.failures == 0 {
            return Err("failures is 0: every attempt would make a bundle".into());
        }
        if self.window_ms <= 0 {
            return Err(format!(
                "window_ms is {}: it must be above 0",
                self.window_ms
            ));
        }
        if self.cooldown_ms < 0 {
            return Err(format!(
                "cooldown_ms is {}: it cannot be negative",
                self.cooldown_ms
            ));
        }
        Ok(())
    }
}

/// Why the policy asks for a bundle now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    /// The failures that made it, oldest first (their end times).
    pub failures_ms: Vec<i64>,
    /// The first and last of them: the logs around these matter.
    pub from_ms: i64,
    /// The last failure.
    pub to_ms: i64,
}

/// The policy's memory: recent failures, recent bundles.
#[derive(Debug, Clone, Default)]
pub struct PolicyState {
    policy: BundlePolicy,
    failures: Vec<i64>,
    bundles: Vec<i64>,
    cooldown_until: Option<i64>,
}

impl PolicyState {
    /// A fresh state.
    pub fn new(policy: BundlePolicy) -> Self {
        PolicyState {
            policy,
            ..PolicyState::default()
        }
    }

    /// A state that has seen `events` (the kept history, oldest first), so
    /// that a restart in the middle of an episode neither forgets its
    /// failures nor makes its bundle a second time: an episode the history
    /// shows as complete counts as bundled.
    pub fn replay(policy: BundlePolicy, events: &[HistoryEvent]) -> Self {
        let mut state = PolicyState::new(policy);
        for event in events {
            if let HistoryEvent::Attempt(attempt) = event {
                state.observe(attempt);
            }
        }
        state
    }

    /// Takes in one ended attempt; `Some` when it completes an episode that
    /// should be bundled now. A confirmed attempt ends the run of failures.
    pub fn observe(&mut self, attempt: &AcceptAttempt) -> Option<Trigger> {
        let at = attempt.ended_ms;
        if attempt.outcome.succeeded() {
            self.failures.clear();
            return None;
        }
        if self.cooldown_until.is_some_and(|until| at < until) {
            return None;
        }
        self.failures.push(at);
        let oldest = at - self.policy.window_ms;
        self.failures.retain(|&t| t >= oldest);
        if self.failures.len() < self.policy.failures as usize {
            return None;
        }
        self.bundles.retain(|&t| t > at - DAY_MS);
        if self.bundles.len() >= self.policy.max_per_day as usize {
            return None;
        }
        let failures_ms = std::mem::take(&mut self.failures);
        self.bundles.push(at);
        self.cooldown_until = Some(at.saturating_add(self.policy.cooldown_ms));
        Some(Trigger {
            from_ms: failures_ms[0],
            to_ms: at,
            failures_ms,
        })
    }
}
