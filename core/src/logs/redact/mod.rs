//! Redaction: scrubbing secrets out of log text before it leaves the device.
//!
//! Nothing that lets someone into an account may leave the phone: one-time
//! and recovery codes, `otpauth://` URIs and TOTP secrets, bearer and API
//! tokens, cloud credentials and private keys, JWTs, session cookies,
//! passwords and tokens in URLs, push tokens, and the personal data around
//! them (e-mail addresses, phone numbers, IP addresses). Each is replaced by
//! a readable token (`[email]`, `[otp]`, …) and counted. What a developer
//! needs stays: timestamps, tags, process ids, HTTP statuses, durations,
//! versions and retry counts are never touched, which is why short numbers
//! are only taken as codes when a word such as "passcode", "otp" or
//! "验证码" stands next to them (the words of twelve languages are in
//! `words.rs`). A record's fields are scrubbed with their keys
//! ([`Redactor::redact_field`]): a key such as `password` replaces the
//! whole value (`fields.rs`).
//!
//! All built-in patterns are one alternation compiled once, so a line with
//! nothing suspicious costs one pass of a DFA and comes back borrowed. Where
//! the DFA finds a match, the rule that matched is told by a set of the
//! rules run over that span alone, and its groups resolved by that rule's
//! own small pattern (resolving them in the whole alternation costs several
//! times more). A match is then checked in code where a regular expression cannot say
//! enough (an address inside a version number, a placeholder such as
//! `token=null`, a phone number that is really a timestamp); a match that
//! fails its check is not replaced and the search resumes one character
//! further, so a secret inside it is still found (and the work stays
//! linear: see `LONG_REJECTIONS`). Replacing never adds or removes a
//! newline, and a redacted text redacts to itself. See
//! `docs/redaction.md`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::net::Ipv6Addr;
use std::sync::OnceLock;

use regex::{Match, Regex, RegexSet};
use serde::{Deserialize, Serialize};

mod checks;
mod fields;
mod rules;
mod words;

use checks::*;
use rules::*;

/// How many replacements of each kind were made, by category name
/// (`email`, `otp`, …). Goes into a bundle's manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionCounts(pub BTreeMap<String, u64>);

impl RedactionCounts {
    /// Adds another run's counts to these, category by category (a bundle sums its files').
    pub fn add(&mut self, other: &RedactionCounts) {
        for (k, v) in &other.0 {
            *self.0.entry(k.clone()).or_default() += v;
        }
    }

    /// Replacements made in all categories.
    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }

    fn bump(&mut self, category: &str) {
        match self.0.get_mut(category) {
            Some(n) => *n += 1,
            None => {
                self.0.insert(category.to_string(), 1);
            }
        }
    }

    /// `email 3, otp 1`, for a person.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self.0.iter().map(|(k, n)| format!("{k} {n}")).collect();
        parts.join(", ")
    }
}

/// What becomes of an IP address.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IpMode {
    /// `[ipv4]`, `[ipv6]`: nothing of the address is left.
    Mask,
    /// The network part stays (`10.1.2.[x]`: the /24; `2607:f140:6000:[x]`:
    /// the /48): a developer can tell carrier from Wi-Fi, not the device.
    KeepNetwork,
    /// `[ipv4:1a2b3c4d]`: a keyed hash, the same for the same address
    /// within everything redacted with one key, so two addresses can be
    /// told apart and one followed through a log, without revealing it.
    #[default]
    Hash,
}

/// An app's own pattern: whatever `regex` matches is replaced by `[name]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomPattern {
    /// Letters, digits, `_`, `-` and `.` (it becomes the token `[name]` and
    /// the key of the count).
    pub name: String,
    /// The pattern (Rust `regex` syntax); checked when the [`Redactor`] is built.
    pub regex: String,
}

/// What the scrubber replaces, and how. The default is what a bundle uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionConfig {
    /// What IP addresses become: kept, a category token, or a keyed hash.
    #[serde(default)]
    pub ip_mode: IpMode,
    /// The key of [`IpMode::Hash`]. Not a cryptographic key: it makes the
    /// tokens of one app (or one bundle) differ from another's. Empty (the
    /// default): each [`Redactor`] draws a random key of its own, so tokens
    /// agree within one bundle (or one `pushdoctor redact` run) and cannot
    /// be matched against a table computed with a known key. An app that
    /// wants the same token across bundles sets a key of its own (kept on
    /// the device, never in a bundle).
    #[serde(default)]
    pub hash_key: String,
    /// The app's own patterns, applied after the built-in ones, line by
    /// line.
    #[serde(default)]
    pub custom_patterns: Vec<CustomPattern>,
    /// Exact texts never to replace (the app's own support address, say).
    #[serde(default)]
    pub exemptions: Vec<String>,
    /// Patterns of text never to replace (matched against a whole would-be
    /// replacement).
    #[serde(default)]
    pub exemption_patterns: Vec<String>,
}

/// Why a redaction configuration cannot be used. Nothing is scrubbed with it.
#[derive(Debug, thiserror::Error)]
pub enum RedactionError {
    /// A custom or exemption pattern is not a valid regular expression, or its name is not a valid token.
    #[error("invalid pattern `{name}`: {message}")]
    InvalidPattern {
        /// The custom pattern's name, or `exemption <pattern>` for an
        /// exemption pattern.
        name: String,
        /// What is wrong with it, in the regex compiler's words or ours.
        message: String,
    },
}

/// The built-in categories and their tokens. The token of a category is
/// `[` + a readable name + `]`; the category name is the count's key.
pub const CATEGORIES: &[(&str, &str)] = &[
    ("otpauth_uri", "[otpauth-uri]"),
    ("jwt", "[jwt]"),
    ("bearer_token", "[token]"),
    ("cookie", "[cookie]"),
    ("api_key", "[api-key]"),
    ("push_token", "[push-token]"),
    ("url_secret", "[secret]"),
    ("totp_secret", "[totp-secret]"),
    ("otp", "[otp]"),
    ("recovery_code", "[recovery-code]"),
    ("private_key", "[private-key]"),
    ("email", "[email]"),
    ("phone", "[phone]"),
    ("ipv4", "[ipv4]"),
    ("ipv6", "[ipv6]"),
];

fn token_of(category: &str) -> &'static str {
    CATEGORIES
        .iter()
        .find(|(name, _)| *name == category)
        .map_or("[secret]", |(_, token)| token)
}

/// How much searching a scrub took: counted, so that a test can bound it
/// per byte of input without a clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchWork {
    /// Calls into a compiled pattern (the alternation, the set, a single
    /// rule, a custom pattern).
    pub searches: u64,
    /// Bytes those calls were given to look at: from where each began to
    /// where it stopped (a match's end, or the end of the text), and a
    /// match's length again for finding where it starts.
    pub bytes: u64,
}

/// One built-in rule once compiled: its category and its check.
#[derive(Debug, Clone, Copy)]
struct Rule {
    category: &'static str,
    check: Check,
    /// Whether a match of it can be of any length (`Cookie:` to the end of
    /// the line, a bare `key=value`): see [`LONG_REJECTIONS`].
    unbounded: bool,
}

/// How many long matches (of [`LONG_MATCH`] bytes or more) may be rejected
/// on one line before the rest of a rejected one is searched only by the
/// rules whose matches are short. Each rejection is followed by a search
/// from one character further, which can find the next long match and read
/// to its end again: `cookie: a cookie: a …` or `k=k=k=…[x]` (each value
/// holding a token) would cost the square of the line's length. After this
/// many on a line, the work stays linear; the price is that inside such a
/// span a secret of an unbounded kind (a `key=value`, a code after a word)
/// is no longer looked for. Real lines reject one or two, if any.
const LONG_REJECTIONS: u32 = 4;

/// How many rules, at the end of [`rules`], are searched only by the short
/// search (see [`LONG_REJECTIONS`]), never by the alternation.
const SHORT_ONLY_RULES: usize = 1;

/// How far a short secret is looked for where a rejected match started.
const SHORT_WINDOW: usize = 96;

/// A match this long or longer is a long one.
const LONG_MATCH: usize = 64;

/// Whether a rule's matches can run long and be rejected by its check, so
/// that searching again one character further can meet them again and
/// again. A rule without a check (a JWT, a key format, an `otpauth://`
/// URI: each starts at a word boundary with a fixed prefix) is never
/// rejected for what it matched, so it is searched inside a rejected span
/// too: a secret of those kinds is never let through by the budget.
fn long_and_rejectable(pattern: &str, check: Check) -> bool {
    unbounded(pattern) && check != Check::Plain
}

/// Whether a pattern can match text of any length: a `*`, a `+` or an
/// open `{n,}` that is not escaped.
fn unbounded(pattern: &str) -> bool {
    let mut escaped = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '*' | '+' => return true,
            ',' if chars.peek() == Some(&'}') => return true,
            _ => {}
        }
    }
    false
}

/// The scrubber. Built once, shared across threads.
#[derive(Debug, Clone)]
pub struct Redactor {
    /// Every rule in one alternation: its DFA finds where a match is.
    combined: Regex,
    /// Capture group index → rule, for the combined pattern.
    groups: Vec<Option<Rule>>,
    /// The rules one by one, to tell which one matched a span found by
    /// `combined`: resolving groups in the whole alternation costs
    /// microseconds a match, in one rule a fraction of that. Compiled when
    /// first needed (a scrubber that never meets a secret never builds
    /// them; building all of them would cost four times the alternation).
    sources: Vec<String>,
    set: OnceLock<RegexSet>,
    /// The rules whose matches are short, in one alternation: compiled
    /// when first needed (see [`LONG_REJECTIONS`]).
    short_source: String,
    short: OnceLock<Regex>,
    singles: Vec<(Rule, String, OnceLock<Regex>)>,
    custom: Vec<(String, String, Regex)>,
    exemptions: Vec<String>,
    exemption_patterns: Vec<Regex>,
    ip_mode: IpMode,
    /// FNV-1a state after the hash key (see [`keyed_hash`]).
    key_state: u64,
}

/// What a match turned out to be.
enum Verdict {
    /// A secret: replace it.
    Replace(Found),
    /// Not a secret: search again one character further.
    Reject,
    /// Already replaced (`password=[secret]`): go on after it.
    Done,
}

/// A secret: its category and the byte range to replace.
struct Found {
    category: &'static str,
    start: usize,
    end: usize,
    /// Where the search goes on: after the whole match, or after the value
    /// when the rest of the match was given back (a phone number cut short).
    resume: usize,
}

impl Redactor {
    /// A scrubber for `config`, its patterns compiled once; fails on a pattern that does not compile.
    pub fn new(config: RedactionConfig) -> Result<Self, RedactionError> {
        let rules = rules();
        let source: Vec<String> = rules
            .iter()
            .enumerate()
            .map(|(i, (_, _, pattern))| {
                let pattern = pattern
                    .replace("(?P<v>", &format!("(?P<r{i}>"))
                    .replace(r"\b", r"(?-u:\b)");
                format!("(?:{pattern})")
            })
            .collect();
        // The rules of the short search alone (bounded twins, their counted
        // repetitions too costly for the DFA that scans every line) come
        // last and stay out of the alternation.
        let everywhere = rules.len() - SHORT_ONLY_RULES;
        let combined =
            Regex::new(&source[..everywhere].join("|")).expect("the built-in patterns are valid");
        let short: Vec<&str> = source
            .iter()
            .zip(&rules)
            .filter(|(p, (_, check, _))| !long_and_rejectable(p, *check))
            .map(|(p, _)| p.as_str())
            .collect();
        let short = short.join("|");
        let singles = rules
            .iter()
            .zip(&source)
            .enumerate()
            .map(|(i, ((category, check, _), pattern))| {
                let pattern = pattern.replace(&format!("(?P<r{i}>"), "(?P<v>");
                let rule = Rule {
                    category,
                    check: *check,
                    unbounded: long_and_rejectable(&pattern, *check),
                };
                (rule, pattern, OnceLock::new())
            })
            .collect();
        let groups = combined
            .capture_names()
            .map(|name| {
                let i: usize = name?.strip_prefix('r')?.parse().ok()?;
                let (category, check, pattern) = &rules[i];
                Some(Rule {
                    category,
                    check: *check,
                    unbounded: long_and_rejectable(pattern, *check),
                })
            })
            .collect();
        let compile = |name: &str, pattern: &str| {
            Regex::new(pattern).map_err(|e| RedactionError::InvalidPattern {
                name: name.to_string(),
                message: e.to_string(),
            })
        };
        let custom = config
            .custom_patterns
            .iter()
            .map(|p| {
                let name_ok = !p.name.is_empty()
                    && p.name.len() <= 64
                    && p.name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b));
                if !name_ok {
                    return Err(RedactionError::InvalidPattern {
                        name: p.name.clone(),
                        message: "a pattern's name is 1 to 64 letters, digits, `_`, `-` or `.`"
                            .into(),
                    });
                }
                Ok((
                    p.name.clone(),
                    format!("[{}]", p.name),
                    compile(&p.name, &p.regex)?,
                ))
            })
            .collect::<Result<Vec<_>, RedactionError>>()?;
        let exemption_patterns = config
            .exemption_patterns
            .iter()
            .map(|p| compile(&format!("exemption {p}"), &format!("^(?:{p})$")))
            .collect::<Result<Vec<_>, RedactionError>>()?;
        let key = if config.hash_key.is_empty() {
            random_key()
        } else {
            config.hash_key
        };
        Ok(Redactor {
            combined,
            groups,
            sources: source,
            set: OnceLock::new(),
            short_source: short,
            short: OnceLock::new(),
            singles,
            custom,
            exemptions: config.exemptions,
            exemption_patterns,
            ip_mode: config.ip_mode,
            key_state: fnv1a(FNV_OFFSET, key.as_bytes().iter().copied().chain([0xff])),
        })
    }

    /// Scrubs one line (or any text: no newline is added or removed),
    /// adding what it replaced to `counts`.
    pub fn redact<'a>(&self, text: &'a str, counts: &mut RedactionCounts) -> Cow<'a, str> {
        self.redact_measured(text, counts, &mut SearchWork::default())
    }

    /// [`Redactor::redact`], adding the searching it did to `work`.
    pub fn redact_measured<'a>(
        &self,
        text: &'a str,
        counts: &mut RedactionCounts,
        work: &mut SearchWork,
    ) -> Cow<'a, str> {
        let mut out = self.pass_builtin(text, counts, true, work);
        for (name, token, regex) in &self.custom {
            work.searches += 1;
            work.bytes += out.len() as u64;
            if let Cow::Owned(replaced) = self.pass_custom(&out, name, token, regex, counts, true) {
                out = Cow::Owned(replaced);
            }
        }
        out
    }

    /// The secrets still present in `text`, by category (for `bundle verify`).
    pub fn scan(&self, text: &str) -> RedactionCounts {
        let mut counts = RedactionCounts::default();
        let _ = self.pass_builtin(text, &mut counts, false, &mut SearchWork::default());
        for (name, token, regex) in &self.custom {
            let _ = self.pass_custom(text, name, token, regex, &mut counts, false);
        }
        counts
    }

    /// Scrubs one field of a record (`key=value`): when the key names a
    /// secret (`password`, `access_token`, `otp`, `private_key`, `cookie`,
    /// `Authorization`, `contraseña`, …: see `fields.rs`), the whole value
    /// is replaced by the token of what it is, whatever it looks like;
    /// otherwise the value is scrubbed as text. A value that is empty, a
    /// placeholder (`null`, `<private>`) or a token already is left as it
    /// is, so a scrubbed record scrubs to itself. A replaced value comes
    /// back owned: borrowed means untouched.
    pub fn redact_field<'a>(
        &self,
        key: &str,
        value: &'a str,
        counts: &mut RedactionCounts,
    ) -> Cow<'a, str> {
        match self.secret_field(key, value) {
            Some(category) => {
                counts.bump(category);
                Cow::Owned(token_of(category).to_string())
            }
            None => self.redact(value, counts),
        }
    }

    /// The secrets still present in one field (for `bundle verify`): the
    /// field's own value when its key names a secret, or what
    /// [`Redactor::scan`] finds in the value.
    pub fn scan_field(&self, key: &str, value: &str) -> RedactionCounts {
        match self.secret_field(key, value) {
            Some(category) => {
                let mut counts = RedactionCounts::default();
                counts.bump(category);
                counts
            }
            None => self.scan(value),
        }
    }

    /// The category of a field's value when its key names a secret and the
    /// value holds one.
    fn secret_field(&self, key: &str, value: &str) -> Option<&'static str> {
        let category = fields::secret_key_category(key)?;
        let trimmed = value.trim();
        // (An empty value is a placeholder too.)
        let holds_nothing = is_placeholder(trimmed)
            || token_spans(trimmed) == [(0, trimmed.len())]
            || self.exempt(value);
        (!holds_nothing).then_some(category)
    }

    fn exempt(&self, secret: &str) -> bool {
        self.exemptions.iter().any(|e| e == secret)
            || self.exemption_patterns.iter().any(|p| p.is_match(secret))
    }

    fn pass_builtin<'a>(
        &self,
        text: &'a str,
        counts: &mut RedactionCounts,
        rewrite: bool,
        work: &mut SearchWork,
    ) -> Cow<'a, str> {
        // The DFA of the alternation finds where a match is (on most lines:
        // that there is none) without resolving groups.
        let mut out = String::new();
        let mut copied = 0;
        let mut at = 0;
        let mut long_rejections = 0;
        // Where the line of the last rejection starts was looked for up to.
        let mut newline_searched_to = 0;
        let mut line = LineContext::default();
        // Up to where only the short rules are searched.
        let mut short_until = 0;
        while at <= text.len() {
            work.searches += 1;
            let short = at < short_until;
            let regex = if short {
                self.short.get_or_init(|| {
                    Regex::new(&self.short_source).expect("the built-in patterns are valid")
                })
            } else {
                &self.combined
            };
            let Some(whole) = regex.find_at(text, at) else {
                work.bytes += (text.len() - at) as u64;
                if short {
                    at = short_until;
                    continue;
                }
                break;
            };
            work.bytes += (whole.end() - at + whole.len()) as u64;
            if short && whole.start() >= short_until {
                // Past the span: everything is searched again from its end.
                at = short_until;
                continue;
            }
            let matched = self.matched(text, whole, work);
            let verdict = match matched {
                Some(_) if inside_token(text, whole.start()) || glued_to_token(text, whole) => {
                    Verdict::Reject
                }
                Some((rule, value)) => match check(rule, text, whole, value, &mut line) {
                    // A `Set-Cookie` keeps its cookie's name, which is
                    // passed over with the value; a name that is itself a
                    // secret (a JWT, a key) goes with the value, or the
                    // second pass would find it and the text not redact
                    // to itself.
                    Verdict::Replace(found)
                        if rule.check == Check::SetCookie
                            && found.start > value.start()
                            && self.scan(&text[value.start()..found.start - 1]).total() > 0 =>
                    {
                        Verdict::Replace(Found {
                            start: value.start(),
                            ..found
                        })
                    }
                    verdict => verdict,
                },
                None => Verdict::Reject,
            };
            // The alternation takes the first rule that matches where a match
            // starts; when that one is rejected (a would-be e-mail address
            // `10.1.2.3@host…` glued to a word), a short secret starting at
            // the same place (the address) is not lost: the short rules are
            // tried there too, within a small window.
            let verdict = match verdict {
                Verdict::Reject if matched.is_some_and(|(rule, _)| rule.unbounded) => self
                    .short_match_at(text, whole.start(), work)
                    .and_then(|short| Some((short, self.matched(text, short, work)?)))
                    .map_or(Verdict::Reject, |(short, (rule, v))| {
                        check(rule, text, short, v, &mut line)
                    }),
                verdict => verdict,
            };
            let long = matched.is_some_and(|(rule, _)| rule.unbounded) && whole.len() >= LONG_MATCH;
            let found = match verdict {
                Verdict::Replace(found) if !self.exempt(&text[found.start..found.end]) => found,
                Verdict::Done => {
                    at = whole.end();
                    continue;
                }
                _ => {
                    // Not a secret after all: look again one character
                    // further, so that what it covered is still searched;
                    // after a `Set-Cookie:` that holds no cookie, from its
                    // value (its `Cookie:` is not another header).
                    at = match matched {
                        Some((rule, v)) if rule.check == Check::SetCookie => v.start(),
                        _ => {
                            whole.start()
                                + text[whole.start()..]
                                    .chars()
                                    .next()
                                    .map_or(1, char::len_utf8)
                        }
                    };
                    if long {
                        let from = newline_searched_to.min(whole.start());
                        if text[from..whole.start()].contains('\n') {
                            long_rejections = 0;
                        }
                        newline_searched_to = whole.start();
                        long_rejections += 1;
                        if long_rejections > LONG_REJECTIONS {
                            short_until = short_until.max(whole.end());
                        }
                    }
                    continue;
                }
            };
            counts.bump(found.category);
            if rewrite {
                out.push_str(&text[copied..found.start]);
                self.push_replacement(&mut out, found.category, &text[found.start..found.end]);
                copied = found.end;
            }
            at = found.resume;
        }
        if !rewrite || copied == 0 {
            return Cow::Borrowed(text);
        }
        out.push_str(&text[copied..]);
        Cow::Owned(out)
    }

    /// Which rule matched `whole` (found by `combined`), and its value.
    /// The rules that match somewhere in the span are tried in order on the
    /// span and one character after it (for `\b`); the first that matches
    /// exactly the span is the one the alternation chose (a match ending
    /// there in the cut text is one in the whole text, and no earlier rule
    /// matches where the alternation's match starts). If none does (a rule
    /// that would run on past the cut), the alternation's groups decide.
    fn matched<'t>(
        &self,
        text: &'t str,
        whole: Match<'t>,
        work: &mut SearchWork,
    ) -> Option<(Rule, Match<'t>)> {
        let bound = whole.end() + next_char(text, whole.end()).map_or(0, char::len_utf8);
        let span = &text[..bound];
        let looked_at = (bound - whole.start()) as u64;
        work.searches += 1;
        work.bytes += looked_at;
        let set = self
            .set
            .get_or_init(|| RegexSet::new(&self.sources).expect("the built-in patterns are valid"));
        for i in set.matches_at(span, whole.start()).iter() {
            let (rule, pattern, regex) = &self.singles[i];
            let regex =
                regex.get_or_init(|| Regex::new(pattern).expect("the built-in patterns are valid"));
            work.searches += 1;
            work.bytes += looked_at;
            if let Some(caps) = regex.captures_at(span, whole.start()) {
                let m = caps.get(0).expect("group 0 always matches");
                if (m.start(), m.end()) == (whole.start(), whole.end()) {
                    return Some((*rule, caps.name("v")?));
                }
            }
        }
        work.searches += 1;
        work.bytes += (text.len() - whole.start()) as u64;
        self.matched_by_alternation(text, whole.start())
    }

    /// A match of the short rules that starts exactly at `at`, looked for
    /// within [`SHORT_WINDOW`] bytes so that the work stays bounded.
    fn short_match_at<'t>(
        &self,
        text: &'t str,
        at: usize,
        work: &mut SearchWork,
    ) -> Option<Match<'t>> {
        let mut end = (at + SHORT_WINDOW).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let short = self.short.get_or_init(|| {
            Regex::new(&self.short_source).expect("the built-in patterns are valid")
        });
        work.searches += 1;
        work.bytes += (end - at) as u64;
        short.find_at(&text[..end], at).filter(|m| m.start() == at)
    }

    /// The slow way: the alternation's own groups.
    fn matched_by_alternation<'t>(&self, text: &'t str, at: usize) -> Option<(Rule, Match<'t>)> {
        let caps = self.combined.captures_at(text, at)?;
        self.groups
            .iter()
            .enumerate()
            .find_map(|(i, rule)| Some(((*rule)?, caps.get(i)?)))
    }

    /// Custom patterns run line by line over the built-ins' output, so a
    /// pattern that spans lines cannot remove a newline, and never inside a
    /// token already there.
    fn pass_custom<'a>(
        &self,
        text: &'a str,
        name: &str,
        token: &str,
        regex: &Regex,
        counts: &mut RedactionCounts,
        rewrite: bool,
    ) -> Cow<'a, str> {
        let mut out = String::new();
        let mut copied = 0;
        let mut line_start = 0;
        for line in text.split('\n') {
            let tokens = token_spans(line);
            for m in regex.find_iter(line) {
                let value = m.as_str();
                let inside_token = tokens.iter().any(|&(s, e)| m.start() >= s && m.end() <= e);
                if value.is_empty() || inside_token || self.exempt(value) {
                    continue;
                }
                counts.bump(name);
                if rewrite {
                    out.push_str(&text[copied..line_start + m.start()]);
                    out.push_str(token);
                    copied = line_start + m.end();
                }
            }
            line_start += line.len() + 1;
        }
        if copied == 0 {
            return Cow::Borrowed(text);
        }
        out.push_str(&text[copied..]);
        Cow::Owned(out)
    }

    fn push_replacement(&self, out: &mut String, category: &str, value: &str) {
        use std::fmt::Write as _;
        let ip = match category {
            "ipv4" => Some((4, value.to_string())),
            // Canonical form, so `FE80:0000::1` and `fe80::1` are one address.
            "ipv6" => Some((
                6,
                value
                    .parse::<Ipv6Addr>()
                    .map_or_else(|_| value.to_ascii_lowercase(), |a| a.to_string()),
            )),
            _ => None,
        };
        match (ip, self.ip_mode) {
            (None, _) if value.contains(['\n', '\r']) => {
                // A PEM body: a token a line, the line breaks kept.
                for (i, line) in value.split('\n').enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    let content = line.trim_end_matches('\r');
                    if !content.is_empty() {
                        out.push_str(token_of(category));
                    }
                    out.push_str(&line[content.len()..]);
                }
            }
            (None, _) | (Some(_), IpMode::Mask) => out.push_str(token_of(category)),
            (Some((version, canonical)), IpMode::Hash) => {
                let _ = write!(
                    out,
                    "[ipv{version}:{:08x}]",
                    keyed_hash(self.key_state, &canonical)
                );
            }
            (Some((4, _)), IpMode::KeepNetwork) => {
                // The /24.
                let network: Vec<&str> = value.split('.').take(3).collect();
                out.push_str(&network.join("."));
                out.push_str(".[x]");
            }
            (Some(_), IpMode::KeepNetwork) => match value.parse::<Ipv6Addr>() {
                // The /48.
                Ok(addr) => {
                    let s = addr.segments();
                    let _ = write!(out, "{:x}:{:x}:{:x}:[x]", s[0], s[1], s[2]);
                }
                Err(_) => out.push_str(token_of(category)),
            },
        }
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv1a(mut hash: u64, bytes: impl IntoIterator<Item = u8>) -> u64 {
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// FNV-1a over key, a separator and value, then a final mix (the
/// SplitMix64 finaliser) so every output bit depends on every input bit;
/// the top 32 bits are the token. Stable across builds and platforms
/// (unlike std's hasher), cheap, and not cryptographic: it keeps addresses
/// apart, it does not hide them from someone who knows the key and tries
/// every address.
fn keyed_hash(key_state: u64, value: &str) -> u32 {
    let mut z = fnv1a(key_state, value.bytes());
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 32) as u32
}

/// A key nobody can guess after the fact, without a dependency: std's
/// per-process random hasher keys, plus the clock.
fn random_key() -> String {
    use std::hash::{BuildHasher, Hasher};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut parts = [0u64; 2];
    for part in &mut parts {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(nanos);
        *part = hasher.finish();
    }
    format!("{:016x}{:016x}", parts[0], parts[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(ip_mode: IpMode) -> Redactor {
        Redactor::new(RedactionConfig {
            ip_mode,
            hash_key: "k".into(),
            ..RedactionConfig::default()
        })
        .unwrap()
    }

    fn redact(text: &str) -> (String, RedactionCounts) {
        let mut counts = RedactionCounts::default();
        let out = redactor(IpMode::Mask)
            .redact(text, &mut counts)
            .into_owned();
        (out, counts)
    }

    #[test]
    fn every_rule_compiles_and_has_a_category_with_a_token() {
        let redactor = redactor(IpMode::Mask);
        // The set and the single rules are compiled when first needed: here,
        // all of them, so that none can fail on a phone.
        RegexSet::new(&redactor.sources).unwrap();
        for (_, pattern, _) in &redactor.singles {
            assert_eq!(
                Regex::new(pattern)
                    .unwrap()
                    .capture_names()
                    .flatten()
                    .count(),
                1
            );
        }
        let named = redactor.combined.capture_names().flatten().count();
        assert_eq!(named, rules().len() - SHORT_ONLY_RULES);
        assert_eq!(named, redactor.groups.iter().flatten().count());
        for (category, _, _) in rules() {
            assert!(
                CATEGORIES.iter().any(|(name, _)| *name == category),
                "{category}"
            );
        }
    }

    #[test]
    fn the_short_rules_are_told_from_the_unbounded_ones() {
        assert!(unbounded(r"a[^\r\n]*") && unbounded("a+") && unbounded("a{3,}"));
        assert!(!unbounded(r"a\+b\*c{3,8}") && !unbounded("a{3}"));
        let redactor = redactor(IpMode::Mask);
        let short: Vec<_> = redactor
            .singles
            .iter()
            .filter(|(rule, _, _)| !rule.unbounded)
            .map(|(rule, _, _)| rule.category)
            .collect();
        // Addresses, phone numbers and recovery codes are short, and so are
        // the prefixed formats no check rejects; what runs on (cookies,
        // `key=value`, headers) is not among them.
        for category in [
            "ipv4",
            "ipv6",
            "phone",
            "recovery_code",
            "jwt",
            "otpauth_uri",
        ] {
            assert!(short.contains(&category), "{category}: {short:?}");
        }
        for category in ["cookie", "bearer_token"] {
            assert!(!short.contains(&category), "{category}: {short:?}");
        }
        // No rule a check can reject at length is among them.
        assert!(redactor
            .singles
            .iter()
            .filter(|(rule, _, _)| !rule.unbounded)
            .all(|(rule, pattern, _)| rule.check == Check::Plain || !unbounded(pattern)));
        Regex::new(&redactor.short_source).unwrap();
    }

    #[test]
    fn the_rule_told_by_the_set_is_the_alternations_choice() {
        let redactor = redactor(IpMode::Mask);
        let lines = [
            "Authorization: Bearer abcDEF123456789xyz and Cookie: a=b",
            "your passcode is 482913, code: 884211, approval code 47",
            "fcm token: dX34abcdefgh:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx",
            "GET https://bob:pw@api.example.com/login?user=bob&password=hunter2&code=abc",
            "otpauth://totp/Acme:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme",
            "connected to 203.0.113.42:443 from 2607:f140:6000:8:c6b3:1ff:fecd:467f via ::ffff:1",
            "ticket from alice.smith@example.co.uk, call +44 20 7946 0958 or 07700 900123",
            "token=Token{a64f992 version 1.2.8.57 seed JBSWY3DPEHPK3PXP key: \"AIzaSyA1234567890abcdefghijklmnopqrstuv\"",
        ];
        let mut checked = 0;
        for line in lines {
            let mut at = 0;
            while let Some(whole) = redactor.combined.find_at(line, at) {
                let fast = redactor
                    .matched(line, whole, &mut SearchWork::default())
                    .unwrap();
                let slow = redactor
                    .matched_by_alternation(line, whole.start())
                    .unwrap();
                assert_eq!(fast.0.category, slow.0.category, "{line}");
                assert_eq!(fast.0.check, slow.0.check, "{line}");
                assert_eq!(fast.1.range(), slow.1.range(), "{line}");
                checked += 1;
                at = whole.start() + 1;
                while !line.is_char_boundary(at) {
                    at += 1;
                }
            }
        }
        assert!(checked > 20, "{checked}");
    }

    #[test]
    fn nothing_suspicious_comes_back_borrowed() {
        let redactor = redactor(IpMode::Hash);
        let mut counts = RedactionCounts::default();
        let line = "03-17 16:13:38.811  1702  2395 D WindowManager: retry_count=3 took 250ms HTTP/1.1 503 version 6.2.0";
        assert!(matches!(
            redactor.redact(line, &mut counts),
            Cow::Borrowed(_)
        ));
        // A match that fails its check leaves the line borrowed too.
        let line = "update to version 1.2.8.57, token=null";
        assert!(matches!(
            redactor.redact(line, &mut counts),
            Cow::Borrowed(_)
        ));
        assert_eq!(counts.total(), 0);
    }

    #[test]
    fn ip_modes() {
        let line = "connect to 192.168.1.77 and 2607:f140:6000:8:c6b3:1ff:fecd:467f via fe80::1c2b:3aff:fe4d:5e6f";
        let with = |ip_mode| {
            redactor(ip_mode)
                .redact(line, &mut RedactionCounts::default())
                .into_owned()
        };
        assert_eq!(
            with(IpMode::Mask),
            "connect to [ipv4] and [ipv6] via [ipv6]"
        );
        assert_eq!(
            with(IpMode::KeepNetwork),
            "connect to 192.168.1.[x] and 2607:f140:6000:[x] via fe80:0:0:[x]"
        );
        let hashed = with(IpMode::Hash);
        assert!(
            hashed.starts_with("connect to [ipv4:") && hashed.contains(" and [ipv6:"),
            "{hashed}"
        );
        assert_eq!(hashed, with(IpMode::Hash), "stable under one key");
        assert_eq!(redact("loopback 127.0.0.1 and ::1").1.total(), 0);
    }

    #[test]
    fn one_address_one_hash_whatever_its_spelling() {
        let r = redactor(IpMode::Hash);
        let mut counts = RedactionCounts::default();
        let a = r.redact("FE80:0000:0000:0000:C6B3:01FF:FECD:467F", &mut counts);
        let b = r.redact("fe80:0:0:0:c6b3:1ff:fecd:467f", &mut counts);
        let c = r.redact("fe80::c6b3:1ff:fecd:467f", &mut counts);
        assert_eq!(a, b);
        assert_eq!(b, c);
        let other = r.redact("fe80::c6b3:1ff:fecd:4670", &mut counts);
        assert_ne!(a, other);
    }

    #[test]
    fn an_empty_key_is_drawn_at_random_per_redactor() {
        let line = "peer 203.0.113.42";
        let a = Redactor::new(RedactionConfig::default()).unwrap();
        let b = Redactor::new(RedactionConfig::default()).unwrap();
        let mut counts = RedactionCounts::default();
        assert_eq!(a.redact(line, &mut counts), a.redact(line, &mut counts));
        assert_ne!(a.redact(line, &mut counts), b.redact(line, &mut counts));
    }

    #[test]
    fn keyed_hash_is_stable_across_builds() {
        // Pinned: a change would make tokens of old and new bundles differ.
        let state = fnv1a(FNV_OFFSET, b"k".iter().copied().chain([0xff]));
        assert_eq!(
            keyed_hash(state, "203.0.113.42"),
            keyed_hash(state, "203.0.113.42")
        );
        assert_ne!(
            keyed_hash(state, "203.0.113.42"),
            keyed_hash(state, "203.0.113.43")
        );
        let other = fnv1a(FNV_OFFSET, b"j".iter().copied().chain([0xff]));
        assert_ne!(
            keyed_hash(state, "203.0.113.42"),
            keyed_hash(other, "203.0.113.42")
        );
    }

    #[test]
    fn a_rejected_match_does_not_hide_what_it_covered() {
        // The key=value rule takes `token=Token{a64f992` and lets it go (an
        // Android object); the search goes on and finds the address after it.
        let (out, counts) = redact("token=Token{a64f992 from bob@example.com");
        assert_eq!(out, "token=Token{a64f992 from [email]");
        assert_eq!(counts.summary(), "email 1");
    }

    #[test]
    fn exemptions_and_custom_patterns() {
        let redactor = Redactor::new(RedactionConfig {
            exemptions: vec!["support@example.com".into()],
            custom_patterns: vec![CustomPattern {
                name: "employee_id".into(),
                regex: r"\bEMP-[0-9]{6}\b".into(),
            }],
            ..RedactionConfig::default()
        })
        .unwrap();
        let mut counts = RedactionCounts::default();
        let out = redactor.redact(
            "write to support@example.com or bob@example.com re EMP-123456",
            &mut counts,
        );
        assert_eq!(
            out,
            "write to support@example.com or [email] re [employee_id]"
        );
        assert_eq!(counts.summary(), "email 1, employee_id 1");
        let err = Redactor::new(RedactionConfig {
            custom_patterns: vec![CustomPattern {
                name: "broken".into(),
                regex: "(".into(),
            }],
            ..RedactionConfig::default()
        })
        .unwrap_err();
        assert!(
            err.to_string().starts_with("invalid pattern `broken`"),
            "{err}"
        );
        let err = Redactor::new(RedactionConfig {
            custom_patterns: vec![CustomPattern {
                name: "two words".into(),
                regex: "x".into(),
            }],
            ..RedactionConfig::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("`two words`"), "{err}");
    }

    #[test]
    fn custom_patterns_keep_lines_and_tokens() {
        let redactor = Redactor::new(RedactionConfig {
            custom_patterns: vec![
                CustomPattern {
                    name: "anything_spanning".into(),
                    regex: r"a\s+b".into(),
                },
                CustomPattern {
                    name: "word_in_tokens".into(),
                    regex: "email|secret".into(),
                },
            ],
            ..RedactionConfig::default()
        })
        .unwrap();
        let mut counts = RedactionCounts::default();
        let out = redactor.redact("a\nb a b bob@example.com", &mut counts);
        assert_eq!(out, "a\nb [anything_spanning] [email]");
        assert_eq!(redactor.redact(&out, &mut counts), out);
        assert_eq!(redactor.scan(&out).total(), 0);
    }

    #[test]
    fn token_spans_are_found() {
        assert_eq!(
            token_spans("a [email] [ipv4:1a2b3c4d] [x] [not a token] [] [2001:db8::1]"),
            vec![(2, 9), (10, 25), (26, 29)]
        );
    }
}
