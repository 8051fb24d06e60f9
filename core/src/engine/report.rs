//! A diagnosis as text for a person and as JUnit XML for device farms. The
//! JSON form is the [`Diagnosis`] itself, through serde.

use std::fmt::Write as _;

use crate::engine::checks::Finding;
use crate::engine::diagnosis::{Diagnosis, StepAnswer};
use crate::model::{CheckId, CheckStatus, EvidenceSource};
use crate::printable::printable;

/// The diagnosis for a person: what to do first, then the question left
/// open, then the checks grouped by result, then how the flow got there.
pub fn text(diagnosis: &Diagnosis) -> String {
    let mut out = String::new();
    let _ = write_text(&mut out, diagnosis);
    out
}

fn write_text(out: &mut String, d: &Diagnosis) -> std::fmt::Result {
    writeln!(
        out,
        "Push Doctor diagnosis: {}{}",
        d.platform.display_name(),
        device_line(d)
    )?;
    match d.scenario {
        Some(s) => writeln!(out, "Scenario:   {} ({})", s.title(), s.as_str())?,
        None => writeln!(out, "Scenario:   not determined yet")?,
    }
    if let Some(destination) = d.destination.filter(|&dest| Some(dest) != d.scenario) {
        writeln!(
            out,
            "Leads to:   {} ({})",
            destination.title(),
            destination.as_str()
        )?;
    }
    for reason in &d.reasons {
        writeln!(
            out,
            "Reason:     {}: {}",
            reason.check,
            printable(&reason.detail)
        )?;
    }
    match (&d.outcome, &d.next_question) {
        (Some(o), _) if o.resolved => writeln!(out, "Result:     {} (resolved)", o.summary)?,
        (Some(o), _) => writeln!(out, "Result:     {}", o.summary)?,
        (None, _) => writeln!(out, "Result:     incomplete: a question is still open")?,
    }
    writeln!(out, "Escalation: {}", d.escalation.as_str())?;

    if !d.actions.is_empty() {
        writeln!(out, "\nWhat to do, in order")?;
        for (i, action) in d.actions.iter().enumerate() {
            writeln!(out, "  {}. {} [{}]", i + 1, action.title, action.id)?;
            if action.steps.is_empty() {
                writeln!(out, "     {}", action.guidance)?;
            }
            for step in &action.steps {
                writeln!(out, "     {step}")?;
            }
            if let Some(target) = action.settings_target {
                writeln!(out, "     (opens settings: {})", target.as_str())?;
            }
        }
    }

    if let Some(q) = &d.next_question {
        writeln!(out, "\nNext question [{}]", q.row)?;
        if let Some(before) = &q.before_answering {
            writeln!(out, "  First: {before}")?;
        }
        writeln!(out, "  {}", q.text)?;
        let choices: Vec<&str> = q.choices.iter().map(|c| c.label.as_str()).collect();
        writeln!(out, "  ({})", choices.join(" / "))?;
    }

    for (heading, status) in [
        ("Problems found", CheckStatus::Fail),
        ("Checks passed", CheckStatus::Pass),
        ("Not known", CheckStatus::Unknown),
        ("Not applicable", CheckStatus::NotApplicable),
    ] {
        let group: Vec<&Finding> = d.findings.iter().filter(|f| f.status == status).collect();
        if group.is_empty() {
            continue;
        }
        writeln!(out, "\n{heading}")?;
        let width = group
            .iter()
            .map(|f| f.check.as_str().len())
            .max()
            .unwrap_or(0);
        for f in group {
            writeln!(
                out,
                "  {:<7} {:<width$}  {}: {}{}",
                status_label(f.status),
                f.check.as_str(),
                f.check.title(),
                printable(&f.evidence.detail),
                source_note(f.evidence.source),
            )?;
        }
    }

    if !d.candidates.is_empty() {
        writeln!(out, "\nWhat the evidence points at")?;
        for (i, c) in d.candidates.iter().enumerate() {
            writeln!(
                out,
                "  {}. {} ({}), weight {}",
                i + 1,
                c.scenario.title(),
                c.scenario.as_str(),
                c.score
            )?;
            for (sign, items) in [("+", &c.evidence_for), ("-", &c.against)] {
                for item in items.iter() {
                    writeln!(
                        out,
                        "     {sign} {} {}: {}{}",
                        item.check,
                        item.status.as_str(),
                        printable(&item.detail),
                        source_note(item.source)
                    )?;
                }
            }
        }
    }

    if !d.path.is_empty() {
        writeln!(out, "\nHow the flow got here")?;
        for step in &d.path {
            let answer = match step.answer {
                StepAnswer::Yes => "yes",
                StepAnswer::No => "no",
                StepAnswer::NotApplicable => "not applicable",
                StepAnswer::NotNeeded => "not asked (either answer leads to the same)",
            };
            writeln!(
                out,
                "  {} {} -> {}{}",
                step.row,
                step.question,
                answer,
                source_note(step.answered_by)
            )?;
            if let Some(guidance) = &step.guidance {
                for line in guidance.lines() {
                    writeln!(out, "      {line}")?;
                }
            }
        }
    }

    if !d.warnings.is_empty() {
        writeln!(out, "\nWarnings")?;
        for warning in &d.warnings {
            writeln!(out, "  {}", printable(warning))?;
        }
    }
    Ok(())
}

/// The device as the snapshot names it; its strings come from the phone
/// (or from whoever wrote the snapshot), so they are escaped.
fn device_line(d: &Diagnosis) -> String {
    let parts: Vec<String> = [
        d.device.model.clone(),
        d.device.os_version.as_ref().map(|v| format!("OS {v}")),
        d.device.app_version.as_ref().map(|v| format!("app {v}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", printable(&parts.join(", ")))
    }
}

pub(crate) fn status_label(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Pass => "PASS",
        CheckStatus::Fail => "FAIL",
        CheckStatus::Unknown => "UNKNOWN",
        CheckStatus::NotApplicable => "N/A",
    }
}

fn source_note(source: EvidenceSource) -> &'static str {
    match source {
        EvidenceSource::Snapshot | EvidenceSource::None => "",
        EvidenceSource::MfaReport => " [MFA Report]",
        EvidenceSource::Derived => " [derived]",
        EvidenceSource::Person => " [answered]",
        EvidenceSource::Probe => " [measured]",
    }
}

/// The diagnosis as a JUnit XML report: one test case per check, a failed
/// check a failed case, an unknown or not applicable check a skipped one.
/// The scenario, escalation and actions travel as suite properties, so a
/// device farm's merged report keeps them.
pub fn junit(d: &Diagnosis) -> String {
    let count = |status: CheckStatus| d.findings.iter().filter(|f| f.status == status).count();
    let tests = d.findings.len();
    let failures = count(CheckStatus::Fail);
    let skipped = count(CheckStatus::Unknown) + count(CheckStatus::NotApplicable);
    let suite_name = match &d.device.model {
        Some(model) => format!("pushdoctor.{}.{}", d.platform.as_str(), model),
        None => format!("pushdoctor.{}", d.platform.as_str()),
    };

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"pushdoctor\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">"
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
        xml_escape(&suite_name)
    );
    out.push_str("    <properties>\n");
    let actions: Vec<&str> = d.actions.iter().map(|a| a.id.as_str()).collect();
    let properties = [
        ("platform", Some(d.platform.as_str().to_string())),
        ("device.model", d.device.model.clone()),
        ("device.os_version", d.device.os_version.clone()),
        ("device.app_version", d.device.app_version.clone()),
        ("scenario", d.scenario.map(|s| s.as_str().to_string())),
        ("destination", d.destination.map(|s| s.as_str().to_string())),
        (
            "reasons",
            (!d.reasons.is_empty()).then(|| {
                let ids: Vec<&str> = d.reasons.iter().map(|r| r.check.as_str()).collect();
                ids.join(",")
            }),
        ),
        (
            "candidates",
            (!d.candidates.is_empty()).then(|| {
                let ids: Vec<String> = d
                    .candidates
                    .iter()
                    .map(|c| format!("{}:{}", c.scenario.as_str(), c.score))
                    .collect();
                ids.join(",")
            }),
        ),
        (
            "outcome",
            d.outcome.as_ref().map(|o| o.id.as_str().to_string()),
        ),
        ("escalation", Some(d.escalation.as_str().to_string())),
        ("actions", Some(actions.join(","))),
        (
            "next_question",
            d.next_question.as_ref().map(|q| q.row.as_str().to_string()),
        ),
    ];
    for (name, value) in properties {
        if let Some(value) = value {
            let _ = writeln!(
                out,
                "      <property name=\"{name}\" value=\"{}\"/>",
                xml_escape(&value)
            );
        }
    }
    out.push_str("    </properties>\n");
    for f in &d.findings {
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"pushdoctor.{}\"",
            f.check.as_str(),
            f.check.group()
        );
        let message = format!("{}: {}", f.check.title(), f.evidence.detail);
        match f.status {
            CheckStatus::Pass => out.push_str("/>\n"),
            CheckStatus::Fail => {
                let _ = writeln!(
                    out,
                    ">\n      <failure type=\"fail\" message=\"{}\">{}</failure>\n    </testcase>",
                    xml_escape(&message),
                    xml_escape(&failure_body(f.check, d))
                );
            }
            CheckStatus::Unknown | CheckStatus::NotApplicable => {
                let _ = writeln!(
                    out,
                    ">\n      <skipped message=\"{}: {}\"/>\n    </testcase>",
                    f.status.as_str(),
                    xml_escape(&f.evidence.detail)
                );
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// What a failed case says: the evidence and the action that fixes it.
fn failure_body(check: CheckId, d: &Diagnosis) -> String {
    let finding = d.finding(check);
    let mut body = finding.evidence.detail.clone();
    if let Some(action) = d.actions.iter().find(|a| a.id.is_fix_for(check)) {
        let _ = write!(body, "\nFix: {} ({})", action.title, action.guidance);
    }
    body
}

/// Escapes text for an XML attribute or element, and drops the control
/// characters XML 1.0 cannot carry at all.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            xml_escape("a<b>&\"c'\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}"
        );
    }
}
