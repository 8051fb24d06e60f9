//! The guided walk: the seed as a conversation.
//!
//! Given what is known so far, the engine names the next question to ask a
//! person, or says it has a diagnosis. The walk never asks what the device
//! snapshot already answers. An app's "Run diagnostics" screen and
//! `pushdoctor walk` both drive it the same way:
//!
//! ```
//! use pushdoctor_core::{AnswerValue, DeviceSnapshot, Platform, Walk};
//!
//! let mut walk = Walk::new(DeviceSnapshot::new(Platform::Android));
//! let question = walk.diagnosis().next_question.expect("nothing is known yet");
//! assert_eq!(question.text, "Did you receive the push notification on your device?");
//! walk.answer(question.row, AnswerValue::No).unwrap();
//! let next = walk.diagnosis().next_question.unwrap();
//! assert_eq!(next.text, "Is your internet connection active? (WiFi or mobile data)");
//! ```

use crate::engine::diagnosis::{diagnose, Diagnosis, Options};
use crate::engine::flow::RowKind;
use crate::engine::question::{AnswerValue, Answers};
use crate::model::snapshot::DeviceSnapshot;
use crate::model::RowId;

/// Why an answer was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalkError {
    #[error("`{answer}` does not answer \"{question}\"")]
    /// An answer of the wrong kind: yes or no to the admin's question, or a report status to a yes/no one.
    WrongKind {
        /// The question answered.
        question: String,
        /// The answer given.
        answer: AnswerValue,
    },
    #[error("\"{question}\" is not a question the flow asks")]
    /// A row that is not a question: a status row of the MFA Report table.
    NotAQuestion {
        /// The row's text.
        question: String,
    },
}

/// A guided walk in progress: the device's facts, and what a person said.
#[derive(Debug, Clone, PartialEq)]
pub struct Walk {
    snapshot: DeviceSnapshot,
    answers: Answers,
    options: Options,
}

impl Walk {
    /// A walk over a snapshot, before anyone has answered.
    pub fn new(snapshot: DeviceSnapshot) -> Self {
        Walk::with_answers(snapshot, Answers::default(), Options::default())
    }

    /// Resumes a walk, for example one an app kept across a restart.
    pub fn with_answers(snapshot: DeviceSnapshot, answers: Answers, options: Options) -> Self {
        Walk {
            snapshot,
            answers,
            options,
        }
    }

    /// The device's facts the walk started from.
    pub fn snapshot(&self) -> &DeviceSnapshot {
        &self.snapshot
    }

    /// What a person has answered so far.
    pub fn answers(&self) -> &Answers {
        &self.answers
    }

    /// The diagnosis so far; its `next_question` is what to ask next.
    pub fn diagnosis(&self) -> Diagnosis {
        diagnose(&self.snapshot, &self.answers, &self.options)
    }

    /// Records a person's answer to a row's question. Answering a row again
    /// replaces the earlier answer. Rows the snapshot already decides keep
    /// the snapshot's answer: the device's facts beat a person's memory.
    pub fn answer(&mut self, row: RowId, value: AnswerValue) -> Result<(), WalkError> {
        let def = row.row();
        let wrong_kind = || WalkError::WrongKind {
            question: def.question.to_string(),
            answer: value,
        };
        match (def.kind, value) {
            (RowKind::ReportChoice, AnswerValue::Status(status)) => {
                self.answers.mfa_report_status = Some(status);
            }
            (RowKind::ReportChoice, _) => return Err(wrong_kind()),
            (RowKind::YesNo { .. }, AnswerValue::Yes | AnswerValue::No) => {
                self.answers.rows.insert(row, value == AnswerValue::Yes);
            }
            (RowKind::YesNo { .. }, AnswerValue::Status(_)) => return Err(wrong_kind()),
            (RowKind::ReportStatus { .. }, _) => {
                return Err(WalkError::NotAQuestion {
                    question: def.question.to_string(),
                })
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MfaReportStatus, Platform};

    #[test]
    fn wrong_kinds_of_answer_are_refused() {
        let mut walk = Walk::new(DeviceSnapshot::new(Platform::Ios));
        assert!(matches!(
            walk.answer(RowId::AdminReport, AnswerValue::Yes),
            Err(WalkError::WrongKind { .. })
        ));
        assert!(matches!(
            walk.answer(
                RowId::PushOkReceived,
                AnswerValue::Status(MfaReportStatus::Success)
            ),
            Err(WalkError::WrongKind { .. })
        ));
        assert!(matches!(
            walk.answer(RowId::AdminSuccess, AnswerValue::Yes),
            Err(WalkError::NotAQuestion { .. })
        ));
        assert!(walk.answers().is_empty());
    }
}
