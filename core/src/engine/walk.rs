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

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::engine::diagnosis::{diagnose, Diagnosis, Options};
use crate::engine::flow::RowKind;
use crate::model::snapshot::DeviceSnapshot;
use crate::model::MfaReportStatus;
use crate::model::{RowId, ScenarioId};

/// An answer to one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnswerValue {
    Yes,
    No,
    /// The status the MFA Report shows, for the admin's question.
    Status(MfaReportStatus),
}

impl AnswerValue {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerValue::Yes => "yes",
            AnswerValue::No => "no",
            AnswerValue::Status(status) => status.as_str(),
        }
    }
}

impl fmt::Display for AnswerValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AnswerValue {
    type Err = String;

    /// `yes`/`y`, `no`/`n`, or an MFA Report status, in any case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "yes" | "y" => Ok(AnswerValue::Yes),
            "no" | "n" => Ok(AnswerValue::No),
            _ => text
                .parse::<MfaReportStatus>()
                .map(AnswerValue::Status)
                .map_err(|_| {
                    format!(
                        "`{}` is not an answer: expected yes, no or an MFA Report status",
                        text.trim()
                    )
                }),
        }
    }
}

impl Serialize for AnswerValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AnswerValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// What a person has answered so far, by row. Kept apart from the snapshot
/// so a diagnosis can say which facts came from the device and which from
/// a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    #[serde(default)]
    pub rows: BTreeMap<RowId, bool>,
    /// The MFA Report status as the admin read it.
    #[serde(default)]
    pub mfa_report_status: Option<MfaReportStatus>,
}

impl Answers {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.mfa_report_status.is_none()
    }
}

/// One possible answer to a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: AnswerValue,
    /// The seed's words for this choice.
    pub label: String,
}

/// The next thing to ask a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub row: RowId,
    pub scenario: ScenarioId,
    /// The seed's question, word for word.
    pub text: String,
    /// What to do before answering, where the flow says so.
    pub before_answering: Option<String>,
    pub choices: Vec<Choice>,
}

impl Question {
    pub(crate) fn for_row(row: RowId, before_answering: Option<&str>) -> Question {
        let def = row.row();
        let choices = match def.kind {
            RowKind::ReportChoice => MfaReportStatus::ALL
                .into_iter()
                .map(|status| Choice {
                    value: AnswerValue::Status(status),
                    label: status.report_row().to_string(),
                })
                .collect(),
            _ => vec![
                Choice {
                    value: AnswerValue::Yes,
                    label: "Yes".to_string(),
                },
                Choice {
                    value: AnswerValue::No,
                    label: "No".to_string(),
                },
            ],
        };
        Question {
            row,
            scenario: def.scenario,
            text: def.question.to_string(),
            before_answering: before_answering.map(str::to_string),
            choices,
        }
    }

    /// Whether `value` is one of this question's choices.
    pub fn accepts(&self, value: AnswerValue) -> bool {
        self.choices.iter().any(|c| c.value == value)
    }
}

/// Why an answer was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalkError {
    #[error("`{answer}` does not answer \"{question}\"")]
    WrongKind {
        question: String,
        answer: AnswerValue,
    },
    #[error("\"{question}\" is not a question the flow asks")]
    NotAQuestion { question: String },
}

/// A guided walk in progress: the device's facts, and what a person said.
#[derive(Debug, Clone, PartialEq)]
pub struct Walk {
    snapshot: DeviceSnapshot,
    answers: Answers,
    options: Options,
}

impl Walk {
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

    pub fn snapshot(&self) -> &DeviceSnapshot {
        &self.snapshot
    }

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
    use crate::model::Platform;

    #[test]
    fn answers_parse_leniently() {
        assert_eq!("Y".parse(), Ok(AnswerValue::Yes));
        assert_eq!(" no ".parse(), Ok(AnswerValue::No));
        assert_eq!(
            "received".parse(),
            Ok(AnswerValue::Status(MfaReportStatus::Received))
        );
        assert!("maybe"
            .parse::<AnswerValue>()
            .unwrap_err()
            .contains("`maybe`"));
    }

    #[test]
    fn answers_round_trip_through_json() {
        let mut answers = Answers::default();
        answers.rows.insert(RowId::PushOkReceived, false);
        answers.mfa_report_status = Some(MfaReportStatus::Delivered);
        let json = serde_json::to_string(&answers).unwrap();
        assert_eq!(
            json,
            r#"{"rows":{"push_ok.received":false},"mfa_report_status":"Delivered"}"#
        );
        assert_eq!(serde_json::from_str::<Answers>(&json).unwrap(), answers);
    }

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
