//! A diagnosis as text for a person and as JUnit XML for device farms. The
//! JSON form is the [`Diagnosis`] itself, through serde.

use std::fmt::Write as _;

use crate::engine::checks::Finding;
use crate::engine::diagnosis::{Diagnosis, StepAnswer};
use crate::model::{CheckId, CheckStatus, EvidenceSource, ScenarioId};
use crate::printable::printable;

/// How much of a diagnosis [`text_with`] shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// Also list the checks not known and not applicable, the candidates
    /// the evidence points at and the path through the flow. Without it
    /// the text holds what a support person acts on, and one line says
    /// what was left out.
    pub verbose: bool,
}

/// The diagnosis for a support person ([`TextOptions::default`]): the
/// problem, the reasons, what to do first, the question left open, the
/// problems found and the checks passed.
pub fn text(diagnosis: &Diagnosis) -> String {
    text_with(diagnosis, TextOptions::default())
}

/// The diagnosis for a person, as much of it as `options` asks for.
pub fn text_with(diagnosis: &Diagnosis, options: TextOptions) -> String {
    let mut out = String::new();
    let _ = write_text(&mut out, diagnosis, options);
    out
}

/// The seed's words, each "Scenario N" in them followed by that
/// scenario's title: the text output never shows the seed's numbering,
/// so "Check Scenario 5" alone would point nowhere. The words themselves
/// stay as the seed has them; the title is appended.
pub fn name_scenarios(words: &str) -> String {
    let mut named: Vec<String> = Vec::new();
    let mut rest = words;
    while let Some(at) = rest.find("Scenario ") {
        rest = &rest[at + "Scenario ".len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let scenario = digits
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| ScenarioId::ALL.get(i));
        if let Some(scenario) = scenario {
            let name = format!("Scenario {digits} is \"{}\"", scenario.title());
            if !named.contains(&name) {
                named.push(name);
            }
        }
    }
    if named.is_empty() {
        words.to_string()
    } else {
        format!("{words} ({})", named.join("; "))
    }
}

fn write_text(out: &mut String, d: &Diagnosis, options: TextOptions) -> std::fmt::Result {
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
        (Some(o), _) if o.resolved => {
            writeln!(out, "Result:     {} (resolved)", name_scenarios(&o.summary))?
        }
        (Some(o), _) => writeln!(out, "Result:     {}", name_scenarios(&o.summary))?,
        (None, _) => writeln!(out, "Result:     incomplete: a question is still open")?,
    }
    writeln!(out, "Escalation: {}", d.escalation.as_str())?;

    if !d.actions.is_empty() {
        writeln!(out, "\nWhat to do, in order")?;
        for (i, action) in d.actions.iter().enumerate() {
            writeln!(out, "  {}. {} [{}]", i + 1, action.title, action.id)?;
            if action.steps.is_empty() {
                writeln!(out, "     {}", name_scenarios(&action.guidance))?;
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

    let shown: &[(&str, CheckStatus)] = if options.verbose {
        &[
            ("Problems found", CheckStatus::Fail),
            ("Checks passed", CheckStatus::Pass),
            ("Not known", CheckStatus::Unknown),
            ("Not applicable", CheckStatus::NotApplicable),
        ]
    } else {
        &[
            ("Problems found", CheckStatus::Fail),
            ("Checks passed", CheckStatus::Pass),
        ]
    };
    for &(heading, status) in shown {
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

    if let Some(history) = &d.history {
        write_history(out, history)?;
    }

    if options.verbose {
        write_details(out, d)?;
    } else {
        write_left_out(out, d)?;
    }

    if !d.warnings.is_empty() {
        writeln!(out, "\nWarnings")?;
        for warning in &d.warnings {
            writeln!(out, "  {}", printable(warning))?;
        }
    }
    Ok(())
}

/// The push and Accept history: what it shows first, then its numbers.
fn write_history(out: &mut String, h: &super::history::HistoryReport) -> std::fmt::Result {
    let s = &h.summary;
    writeln!(
        out,
        "\nPush and Accept history ({} events, {} requests)",
        s.events, s.requests
    )?;
    for finding in &h.findings {
        writeln!(
            out,
            "  FINDING {}: {}",
            finding.id.as_str(),
            printable(&finding.detail)
        )?;
    }
    let stats = |l: &crate::model::history::LatencyStats| {
        format!(
            "median {} ms, p90 {} ms, worst {} ms ({})",
            l.median_ms, l.p90_ms, l.worst_ms, l.count
        )
    };
    if let Some(push) = &s.push_latency {
        writeln!(out, "  Push delay:   {}", stats(push))?;
    }
    if let Some(accept) = &s.accept_latency {
        writeln!(out, "  Accept calls: {}", stats(accept))?;
    }
    if s.failures_in_a_row > 0 {
        writeln!(
            out,
            "  Failed in a row: {} (newest: {})",
            s.failures_in_a_row,
            printable(s.last_outcome.as_deref().unwrap_or("unknown"))
        )?;
    }
    if !s.filled.is_empty() {
        writeln!(out, "  From the history: {}", s.filled.join(", "))?;
    }
    Ok(())
}

/// One line naming what the short text left out, so a reader knows there
/// is more and how to get it.
fn write_left_out(out: &mut String, d: &Diagnosis) -> std::fmt::Result {
    let count = |status: CheckStatus| d.findings.iter().filter(|f| f.status == status).count();
    let mut left_out = Vec::new();
    for (n, what) in [
        (count(CheckStatus::Unknown), "not known"),
        (count(CheckStatus::NotApplicable), "not applicable"),
    ] {
        match n {
            0 => {}
            1 => left_out.push(format!("1 check {what}")),
            n => left_out.push(format!("{n} checks {what}")),
        }
    }
    if !d.candidates.is_empty() {
        left_out.push("what the evidence points at".to_string());
    }
    if !d.path.is_empty() {
        left_out.push("how the flow got here".to_string());
    }
    if !left_out.is_empty() {
        writeln!(out, "\nNot shown: {} (--verbose)", left_out.join(", "))?;
    }
    Ok(())
}

/// The candidates and the path: how the diagnosis was reached.
fn write_details(out: &mut String, d: &Diagnosis) -> std::fmt::Result {
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
                    writeln!(out, "      {}", name_scenarios(line))?;
                }
            }
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
        (
            "history.findings",
            d.history
                .as_ref()
                .filter(|h| !h.findings.is_empty())
                .map(|h| {
                    let ids: Vec<&str> = h.findings.iter().map(|f| f.id.as_str()).collect();
                    ids.join(",")
                }),
        ),
        (
            "history.push_latency_ms",
            d.history
                .as_ref()
                .and_then(|h| h.summary.push_latency)
                .map(|l| {
                    format!(
                        "median={},p90={},worst={}",
                        l.median_ms, l.p90_ms, l.worst_ms
                    )
                }),
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

    #[test]
    fn the_seeds_scenario_numbers_get_their_titles_appended() {
        use crate::model::seed;
        let named = name_scenarios(seed::DO_ESCALATE);
        assert!(named.starts_with(seed::DO_ESCALATE), "{named}");
        assert!(
            named.ends_with(&format!(
                "(Scenario 5 is \"{}\")",
                ScenarioId::AdminVerifyStatus.title()
            )),
            "{named}"
        );
        let named = name_scenarios(seed::DO_CHECK_CONNECTIVITY);
        assert!(
            named.contains(ScenarioId::PushNotReceived.title()),
            "{named}"
        );
        // Words without a scenario's number, or with one the seed does not
        // have, are left exactly as they are.
        for words in [
            "Proceed to next step",
            "Scenario 0",
            "Scenario 8",
            "Scenario",
        ] {
            assert_eq!(name_scenarios(words), words);
        }
    }

    #[test]
    fn the_short_text_leaves_out_the_unknown_and_says_so() {
        use crate::model::{DeviceSnapshot, Platform};
        let snapshot = DeviceSnapshot::new(Platform::Android);
        let d = crate::diagnose(&snapshot, &Default::default(), &Default::default());
        let short = text(&d);
        let verbose = text_with(&d, TextOptions { verbose: true });
        assert!(!short.contains("UNKNOWN"), "{short}");
        assert!(!short.contains("Not known\n"), "{short}");
        assert!(short.contains("checks not known"), "{short}");
        assert!(short.contains("(--verbose)"), "{short}");
        assert!(verbose.contains("\nNot known\n"), "{verbose}");
        assert!(verbose.contains("UNKNOWN"), "{verbose}");
        assert!(!verbose.contains("(--verbose)"), "{verbose}");
        // The short text is the verbose one's beginning, less the details.
        let head = short.lines().next().unwrap();
        assert_eq!(verbose.lines().next().unwrap(), head);
    }
}
