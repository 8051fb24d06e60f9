//! What an app hands the platform's share sheet with a bundle ("Send logs
//! to the developer" by mail or chat, the seed's "Share app logs with the
//! developer"): a file name, a subject and a short text that say what the
//! file is, and a reference the person can quote to support, so that the
//! mail and the support ticket can be matched. Made from the bundle's own
//! manifest and diagnosis, so it describes the file as it is.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::inspect::{Bundle, ReadLimits};
use super::manifest::BundleReason;
use crate::printable::printable;

/// The longest subject: mail apps cut or fold longer ones.
const MAX_SUBJECT_CHARS: usize = 120;

/// A bundle's file name, subject and text for the share sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareDetails {
    /// A short reference to the bundle (`PD-1A2B-3C4D`): the first 32 bits
    /// of a SHA-256 over its creation time and its entries' names and own
    /// SHA-256s (from the manifest), so the same bundle always has the
    /// same reference and two bundles differ.
    pub reference: String,
    /// A file name to offer (`pushdoctor-android-20261130-0649-1A2B3C4D.zip`):
    /// ASCII letters, digits and dashes only, whatever the manifest holds.
    pub file_name: String,
    /// A mail subject: the reference and the diagnosis in a few words, at
    /// most 120 characters.
    pub subject: String,
    /// A mail body: when it was made and why, what it holds, what was
    /// scrubbed, the diagnosis and its first step, the reference to quote.
    pub text: String,
}

impl ShareDetails {
    /// The details of `bundle`. A bundle without a readable diagnosis
    /// still has them (the subject then says why it was made).
    pub fn of(bundle: &Bundle) -> ShareDetails {
        let m = &bundle.manifest;
        let mut hasher = Sha256::new();
        hasher.update(m.created_at.as_bytes());
        for entry in &m.entries {
            hasher.update(b"\n");
            hasher.update(entry.name.as_bytes());
            hasher.update(b"\0");
            hasher.update(entry.sha256.as_bytes());
        }
        let digest = hasher.finalize();
        let hex: String = digest[..4].iter().map(|b| format!("{b:02X}")).collect();
        let reference = format!("PD-{}-{}", &hex[..4], &hex[4..]);

        let platform = m.device.platform.as_deref().map(file_name_part);
        let made = file_name_part(
            &m.created_at
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == 'T')
                .take(13)
                .collect::<String>()
                .replace('T', "-"),
        );
        let file_name = [
            "pushdoctor",
            platform.as_deref().unwrap_or("phone"),
            &made,
            &hex,
        ]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("-")
            + ".zip";

        let gist = DiagnosisGist::of(bundle);
        let headline = gist.headline.as_deref();
        let first_step = gist.first_step.as_deref();
        let why = match m.reason {
            BundleReason::Button => "sent from the app",
            BundleReason::RepeatedAcceptFailures => "Accept failed again and again",
            BundleReason::QaRun => "a QA run",
            BundleReason::Support => "made by support",
        };
        let subject = truncate(
            &format!(
                "Push Doctor logs {reference}: {}",
                printable(headline.unwrap_or(why))
            ),
            MAX_SUBJECT_CHARS,
        );

        let mut text = format!(
            "Push Doctor bundle {reference}\nMade {} ({why}).\n",
            printable(&m.created_at)
        );
        match &m.time_range {
            Some(range) => text.push_str(&format!(
                "Logs: {} from {} to {}.\n",
                counted(m.records.included, "record"),
                printable(&range.first),
                printable(&range.last)
            )),
            None => text.push_str("Logs: none.\n"),
        }
        if let Some(history) = &m.history {
            text.push_str(&format!(
                "Push and Accept history: {}, {}.\n",
                counted(history.events, "event"),
                counted(history.requests, "login request")
            ));
        }
        text.push_str(&format!(
            "Secrets replaced before it left the phone: {}.\n",
            m.redaction.total
        ));
        if let Some(headline) = headline {
            text.push_str(&format!("Diagnosis: {}\n", printable(headline)));
        }
        if let Some(step) = first_step {
            text.push_str(&format!("First step: {}\n", printable(step)));
        }
        text.push_str(&format!("Quote {reference} to support.\n"));

        ShareDetails {
            reference,
            file_name,
            subject,
            text,
        }
    }
}

/// A bundle's diagnosis in a few words, for a person about to send it
/// (the preview) and for the share sheet's subject and text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiagnosisGist {
    /// The outcome the flow reached, else its first step; `None` without
    /// a readable diagnosis.
    pub headline: Option<String>,
    /// The diagnosis's first action's title.
    pub first_step: Option<String>,
}

impl DiagnosisGist {
    /// Read from `bundle`'s `diagnosis.json` (any format version: both have
    /// these fields). Only the two fields: a full `Diagnosis` reader would
    /// add its whole deserialiser to the library (about 200 KB). Empty
    /// when the bundle has no readable diagnosis.
    pub fn of(bundle: &Bundle) -> DiagnosisGist {
        let Some(lines) = bundle
            .diagnosis_json(&ReadLimits::default())
            .and_then(Result::ok)
            .and_then(|text| serde_json::from_slice::<DiagnosisLines>(&text).ok())
        else {
            return DiagnosisGist::default();
        };
        let first_step = lines.actions.into_iter().next().map(|a| a.title);
        DiagnosisGist {
            headline: lines
                .outcome
                .map(|o| o.summary)
                .or_else(|| first_step.clone()),
            first_step,
        }
    }
}

/// What the gist reads of `diagnosis.json`; the rest is ignored.
#[derive(Deserialize)]
struct DiagnosisLines {
    outcome: Option<OutcomeLine>,
    #[serde(default)]
    actions: Vec<ActionLine>,
}

#[derive(Deserialize)]
struct OutcomeLine {
    summary: String,
}

#[derive(Deserialize)]
struct ActionLine {
    title: String,
}

/// `text` with every character but ASCII letters, digits and dashes left
/// out: a file name part no file system or mail app misreads.
fn file_name_part(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(32)
        .collect()
}

/// `text` cut to `max` characters, with an ellipsis when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// `n` and its noun, in the plural unless it is one.
fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_part_keeps_only_letters_digits_and_dashes() {
        assert_eq!(file_name_part("../../etc/passwd"), "etcpasswd");
        assert_eq!(file_name_part("android"), "android");
        assert_eq!(file_name_part("iOS 17\u{202e}piz.exe"), "iOS17pizexe");
        assert_eq!(file_name_part(&"a".repeat(100)).len(), 32);
    }

    #[test]
    fn a_long_subject_is_cut_with_an_ellipsis_on_a_character_boundary() {
        let long = "é".repeat(200);
        let cut = truncate(&long, MAX_SUBJECT_CHARS);
        assert_eq!(cut.chars().count(), MAX_SUBJECT_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(truncate("short", MAX_SUBJECT_CHARS), "short");
    }

    #[test]
    fn counts_are_written_in_the_singular_only_for_one() {
        assert_eq!(counted(1, "record"), "1 record");
        assert_eq!(counted(0, "record"), "0 records");
        assert_eq!(counted(2, "login request"), "2 login requests");
    }
}
