//! What a person is asked and what they answered: the words a diagnosis
//! and a guided walk share.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::engine::flow::RowKind;
use crate::model::{MfaReportStatus, RowId, ScenarioId};

/// An answer to one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnswerValue {
    /// Yes.
    Yes,
    /// No.
    No,
    /// The status the MFA Report shows, for the admin's question.
    Status(MfaReportStatus),
}

impl AnswerValue {
    /// The answer as typed and as JSON writes it.
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
    /// A yes (`true`) or no to each row's question, by row id.
    pub rows: BTreeMap<RowId, bool>,
    /// The MFA Report status as the admin read it.
    #[serde(default)]
    pub mfa_report_status: Option<MfaReportStatus>,
}

impl Answers {
    /// Nobody has answered anything yet.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.mfa_report_status.is_none()
    }
}

/// One possible answer to a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// The answer this choice gives.
    pub value: AnswerValue,
    /// The seed's words for this choice.
    pub label: String,
}

/// The next thing to ask a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// The row whose question this is.
    pub row: RowId,
    /// The table the row belongs to.
    pub scenario: ScenarioId,
    /// The seed's question, word for word.
    pub text: String,
    /// What to do before answering, where the flow says so.
    pub before_answering: Option<String>,
    /// The answers a person may give.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
