//! Redaction: scrubbing secrets out of log text before it leaves the device.
//!
//! Nothing that lets someone into an account may leave the phone: one-time
//! codes, `otpauth://` URIs and TOTP secrets, bearer and API tokens, JWTs,
//! session cookies, passwords and tokens in URLs, push tokens, and the
//! personal data around them (e-mail addresses, phone numbers, IP
//! addresses). Each is replaced by a readable token (`[email]`, `[otp]`, …)
//! and counted. What a developer needs stays: timestamps, tags, process
//! ids, HTTP statuses, durations, versions and retry counts are never
//! touched, which is why short numbers are only taken as codes when a word
//! such as "passcode" or "otp" stands right before them.
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
//! further, so a secret inside it is still found. Replacing never adds or
//! removes a newline, and a redacted text redacts to itself. See
//! `docs/redaction.md`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::net::Ipv6Addr;
use std::sync::OnceLock;

use regex::{Match, Regex, RegexSet};
use serde::{Deserialize, Serialize};

/// How many replacements of each kind were made, by category name
/// (`email`, `otp`, …). Goes into a bundle's manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionCounts(pub BTreeMap<String, u64>);

impl RedactionCounts {
    pub fn add(&mut self, other: &RedactionCounts) {
        for (k, v) in &other.0 {
            *self.0.entry(k.clone()).or_default() += v;
        }
    }

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
    pub regex: String,
}

/// What the scrubber replaces, and how. The default is what a bundle uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionConfig {
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

#[derive(Debug, thiserror::Error)]
pub enum RedactionError {
    #[error("invalid pattern `{name}`: {message}")]
    InvalidPattern { name: String, message: String },
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

/// What is checked in code once a pattern matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// Nothing: the pattern says it all.
    Plain,
    /// `user:password@` in a URL: not holding a replacement.
    UserInfo,
    /// An `Authorization` header's value: not a scheme word on its own.
    Header,
    /// A `Bearer` token without its header: not an ordinary word.
    Token,
    /// A `Cookie:` header: `name=value` pairs.
    Cookie,
    /// `key=value`, `key: value`, `"key": "value"`: no placeholder
    /// (`null`, `<private>`, `***`, a Java object's `Token{a64f992`); the
    /// value's shape may say what it is (a JWT after `token=`).
    KeyValue,
    /// A base32 run after a word such as `secret`: not an ordinary word.
    Base32,
    /// `code: 123456`: not an error, status or exit code.
    BareCode,
    Email,
    Ipv4,
    Ipv6,
    Phone,
}

/// A value in `key=value` or `"key": "value"` form: double-quoted,
/// single-quoted (the closing quote may be missing: a cut line), or bare up
/// to the next space, quote or `&`; or a replacement already there
/// (`password=[secret]`), which is passed over whole, so that no other rule
/// takes the key for something else the second time.
const KV_VALUE: &str = r#"(?P<v>"(?:[^"\\\r\n\[]|\\[^\r\n])(?:[^"\\\r\n]|\\[^\r\n])*"?|'(?:[^'\\\r\n\[]|\\[^\r\n])(?:[^'\\\r\n]|\\[^\r\n])*'?|[^ \t\r\n\x0B\x0C"'\[&<][^ \t\r\n\x0B\x0C"'&]*|\[[A-Za-z][A-Za-z0-9_.-]*(?::[0-9a-f]{8})?\])"#;

/// Keys whose values are secrets, after any prefix (`client_secret`,
/// `X-Auth-Token`, `accessToken`), with `=` or `:`.
const SECRET_KEY_SUFFIXES: &str = r"password|passwd|pwd|passphrase|secret|token|access[_-]?key|secret[_-]?key|private[_-]?key|signature";

/// A quoted value after a password word and a space: `password "hunter 2"`.
const QUOTED_VALUE: &str = r#"(?P<v>"(?:[^"\\\r\n\[]|\\[^\r\n])(?:[^"\\\r\n]|\\[^\r\n])*"|'(?:[^'\\\r\n\[]|\\[^\r\n])(?:[^'\\\r\n]|\\[^\r\n])*')"#;

/// Keys whose values are secrets, exactly, with `=` only (`session: 3` is
/// no secret).
const SECRET_KEYS_EQ: &str = r"pass|sid|sig|session|session[_-]?id|sessid|jsessionid|phpsessid|credential|code[_-]verifier|cookie|auth[_-]?key";

/// One-time codes are 4–12 digits (or `123 456`, `G-123456`) right after one
/// of these words.
const OTP_WORDS: &str = r"otp|totp|hotp|one[- ]?time[- ](?:pass(?:code|word)?|code|pin|password|token)|passcode|pass[- ]code|verification[- ]code|security[- ]code|confirmation[- ]code|auth(?:entication|orization)?[- ]code|log[- ]?in[- ]code|sign[- ]?in[- ]code|access[- ]code|sms[- ]code|2fa(?:[- ]code)?|mfa(?:[- ]code)?|pin(?:[- ]?code)?|[0-9]-digit[- ]code";

/// Push approval codes (number matching) are 2–8 digits after these.
const APPROVAL_WORDS: &str = r"approval[- ](?:code|number)|number[- ]match(?:ing)?(?:[- ](?:code|number))?|match(?:ing)?[- ]number|verified[- ]push[- ]code|push[- ]code|challenge[- ](?:code|number)";

/// Between a code's word and the code: `: `, ` is `, `=`, `": "`, spaces.
const OTP_SEP: &str = r#"["']?(?:[ \t]*(?:[=:#]|(?i-u:is|was):?)[ \t]*|[ \t]+)["']?"#;

const OCTET: &str = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

/// The built-in rules, most specific first: at one position the first
/// alternative that matches wins, so an `otpauth://` URI is one secret, not
/// an e-mail address and a base32 run. Each names the part to replace as
/// group `v`; text around it (`password=`) stays for context. `\b` is an
/// ASCII word boundary (a Unicode one would stop the DFA on every
/// non-ASCII byte) and whitespace is ASCII whitespace (Unicode classes make
/// the DFA larger and the scan about a third slower; a value therefore runs
/// on through a no-break space: more is replaced, never less); keywords
/// match in any ASCII case (`(?i-u:…)` needs no Unicode case tables in the
/// mobile library).
fn rules() -> Vec<(&'static str, Check, String)> {
    use Check::*;
    let s = |p: &str| p.to_string();
    vec![
        (
            "otpauth_uri",
            Plain,
            s(r#"(?P<v>(?i-u:otpauth(?:-migration)?)://[^ \t\r\n\x0B\x0C"'<>]+)"#),
        ),
        (
            "jwt",
            Plain,
            s(
                r"\b(?P<v>eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+){0,2})",
            ),
        ),
        (
            // Schemes whose credentials are several parameters
            // (`Digest username="bob", response="…"`): the rest of the line.
            "bearer_token",
            Header,
            s(
                r#"\b(?i-u:(?:proxy-)?authorization)["']?[ \t]*[:=][ \t]*["']?(?i-u:digest|aws4-hmac-sha256|hoba|mac)[ \t]+(?P<v>[^ \t\r\n\[][^\r\n]*)"#,
            ),
        ),
        (
            "bearer_token",
            Header,
            s(
                r#"\b(?i-u:(?:proxy-)?authorization)["']?[ \t]*[:=][ \t]*["']?(?i-u:(?:bearer|basic|token|digest|negotiate|dpop|hoba|mac|aws4-hmac-sha256)[ \t]+)?(?P<v>[^ \t\r\n\x0B\x0C"'\[,;{}()<>][^ \t\r\n\x0B\x0C"',;{}()<>]*)"#,
            ),
        ),
        (
            "bearer_token",
            Token,
            s(r"\b(?i-u:bearer)[ \t]+(?P<v>[A-Za-z0-9\-._~+/]{8,}=*)"),
        ),
        (
            "cookie",
            Cookie,
            s(
                r#"\b(?i-u:(?:set-)?cookie)["']?[ \t]*:[ \t]*["']?(?P<v>[^ \t\r\n\x0B\x0C"\[][^\r\n"]*)"#,
            ),
        ),
        (
            "api_key",
            Plain,
            s(
                r"\b(?P<v>AIza[0-9A-Za-z_-]{35}|[spr]k_(?:live|test)_[0-9A-Za-z]{16,}|xox[abposr]-[0-9A-Za-z-]{10,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,}|(?:AKIA|ASIA)[0-9A-Z]{16})\b",
            ),
        ),
        (
            "api_key",
            KeyValue,
            format!(r#"\b(?i-u:(?:x-(?:goog-)?)?api[_-]?key)["']?[ \t]*[:=][ \t]*{KV_VALUE}"#),
        ),
        (
            "push_token",
            Plain,
            s(r"\b(?P<v>[A-Za-z0-9_-]{11,}:APA91b[A-Za-z0-9_-]{20,})"),
        ),
        (
            "push_token",
            Plain,
            s(
                r#"\b(?i-u:(?:apns|fcm|firebase|gcm|device|push|registration|voip|pushkit)[_ -]?(?:token|id))["']?[^0-9A-Za-z_]{0,3}(?P<v>[A-Za-z0-9_:-]{32,})"#,
            ),
        ),
        (
            "push_token",
            Plain,
            s(r"(?P<v><[0-9a-fA-F]{8}(?: [0-9a-fA-F]{8}){7}>)"),
        ),
        (
            // How iOS 13+ prints a 32-byte `Data` (an APNs token): cut in the
            // middle, but half a token is still too much.
            "push_token",
            Plain,
            s(
                r"(?i-u:\{length = 32, bytes = )(?P<v>0x[0-9a-fA-F]{8}(?: (?:[0-9a-fA-F]{8}|\.\.\.))+)",
            ),
        ),
        (
            "url_secret",
            UserInfo,
            s(r"://(?P<v>[^/ \t\r\n\x0B\x0C:@\[]+:[^/ \t\r\n\x0B\x0C@]+)@"),
        ),
        (
            "url_secret",
            Plain,
            s(r#"(?i-u:[?&#;]code=)(?P<v>[^\[& \t\r\n\x0B\x0C"'#;,][^& \t\r\n\x0B\x0C"'#;,]*)"#),
        ),
        (
            "url_secret",
            KeyValue,
            format!(
                r#"\b[A-Za-z0-9_.-]*?(?i-u:{SECRET_KEY_SUFFIXES})["']?[ \t]*[=:][ \t]*{KV_VALUE}"#
            ),
        ),
        (
            "url_secret",
            KeyValue,
            format!(
                r"\b[A-Za-z0-9_.-]*?(?i-u:password|passwd|passphrase|secret)[ \t]+{QUOTED_VALUE}"
            ),
        ),
        (
            "url_secret",
            KeyValue,
            format!(r#"\b(?i-u:{SECRET_KEYS_EQ})["']?[ \t]*=[ \t]*{KV_VALUE}"#),
        ),
        (
            "totp_secret",
            Base32,
            s(
                r"\b(?i-u:(?:(?:totp|hotp|otp|mfa|2fa|authenticator|shared)[_ -]?)?(?:secret|seed|key)|totp|hotp)(?i-u:[ \t]+(?:secret|seed|key))?[^0-9A-Za-z_]{0,3}(?P<v>[A-Z2-7]{16,}|[a-z2-7]{16,}|[A-Za-z2-7]{4}(?:[ -][A-Za-z2-7]{4}){3,})\b",
            ),
        ),
        (
            "otp",
            Plain,
            format!(
                r"\b(?i-u:{OTP_WORDS})(?i-u:[_-]?(?:code|value|number))?{OTP_SEP}(?P<v>(?:G-)?(?:[0-9]{{3}}[ -][0-9]{{3}}|[0-9]{{4,12}}))\b"
            ),
        ),
        (
            "otp",
            Plain,
            format!(r"\b(?i-u:{APPROVAL_WORDS}){OTP_SEP}(?P<v>[0-9]{{2,8}})\b"),
        ),
        (
            "otp",
            BareCode,
            s(
                r#"\b(?i-u:code)["']?[ \t]*(?:[=:#]|(?i-u:is|was):?)[ \t]*["']?(?P<v>(?:G-)?(?:[0-9]{3}[ -][0-9]{3}|[0-9]{4,10}))\b"#,
            ),
        ),
        (
            "otp",
            Plain,
            s(
                r"\b(?P<v>(?:G-)?[0-9]{4,8})[ \t]+(?i-u:is[ \t]+your[ \t]+(?:[A-Za-z-]+[ \t]+){0,3}(?:code|passcode|otp|pin|password))\b",
            ),
        ),
        (
            "phone",
            Phone,
            s(
                r#"\b(?i-u:phone(?:[_-]?number)?|tel|telephone|mobile|cell|msisdn)["']?[ \t]*[:=][ \t]*["']?(?P<v>\+?[0-9][0-9 ().-]{5,18}[0-9])"#,
            ),
        ),
        (
            "email",
            Email,
            s(
                r"\b(?P<v>[A-Za-z0-9._+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b",
            ),
        ),
        (
            "ipv6",
            Ipv6,
            s(
                r"\b(?P<v>(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b|(?:[0-9a-fA-F]{1,4}:){1,7}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,5}\b)?)",
            ),
        ),
        (
            "ipv6",
            Ipv6,
            s(r"(?:^|[^0-9A-Za-z_:])(?P<v>::(?:[0-9a-fA-F]{1,4}:){0,5}[0-9a-fA-F]{1,4})\b"),
        ),
        (
            "ipv4",
            Ipv4,
            format!(r"\b(?P<v>{OCTET}(?:\.{OCTET}){{3}})\b"),
        ),
        (
            "phone",
            Phone,
            s(r"(?P<v>\+[1-9][0-9]{0,2}[ .-]?\(?[0-9]{1,4}\)?(?:[ .-]?[0-9]{2,4}){2,4})\b"),
        ),
        (
            "phone",
            Phone,
            s(r"(?P<v>\([0-9]{3}\) ?[0-9]{3}[ .-][0-9]{4})\b"),
        ),
        (
            "phone",
            Phone,
            s(r"\b(?P<v>[0-9]{3}-[0-9]{3}-[0-9]{4}|[0-9]{3}\.[0-9]{3}\.[0-9]{4})\b"),
        ),
        (
            // National numbers with a trunk 0: `020 7946 0958`, `07700 900123`,
            // `0151 23456789`, `06 12 34 56 78`.
            "phone",
            Phone,
            s(
                r"\b(?P<v>0[1-9][0-9]{1,4}[ -][0-9]{3,4}[ -]?[0-9]{3,4}|0[1-9](?:[ .-][0-9]{2}){4})\b",
            ),
        ),
    ]
}

/// Addresses with nothing personal in them: loopback, unspecified,
/// broadcast, and the best-known public resolvers.
const PUBLIC_ADDRESSES: &[&str] = &[
    "127.0.0.1",
    "0.0.0.0",
    "255.255.255.255",
    "8.8.8.8",
    "8.8.4.4",
    "1.1.1.1",
    "1.0.0.1",
    "9.9.9.9",
];

/// Words that stand where a secret would and say there is none.
const PLACEHOLDERS: &[&str] = &[
    "null",
    "nil",
    "none",
    "undefined",
    "true",
    "false",
    "empty",
    "missing",
    "redacted",
    "hidden",
    "private",
    "n/a",
    "-",
    "(null)",
    "<null>",
    "<nil>",
    "<none>",
    "<empty>",
    "<private>",
    "<redacted>",
    "<hidden>",
    "{}",
    "\"\"",
    "''",
];

const AUTH_SCHEMES: &[&str] = &[
    "bearer",
    "basic",
    "token",
    "digest",
    "negotiate",
    "dpop",
    "hoba",
    "mac",
    "aws4-hmac-sha256",
];

/// Words before `code: 1234` that make it an error or status code.
const NOT_OTP_CONTEXT: &[&str] = &[
    "error", "domain", "status", "http", "exit", "response", "result", "return", "reason", "fault",
    "signal", "errno", "country", "area", "zip", "postal",
];

/// One built-in rule once compiled: its category and its check.
#[derive(Debug, Clone, Copy)]
struct Rule {
    category: &'static str,
    check: Check,
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
        let combined = Regex::new(&source.join("|")).expect("the built-in patterns are valid");
        let singles = rules
            .iter()
            .zip(&source)
            .enumerate()
            .map(|(i, ((category, check, _), pattern))| {
                let pattern = pattern.replace(&format!("(?P<r{i}>"), "(?P<v>");
                let rule = Rule {
                    category,
                    check: *check,
                };
                (rule, pattern, OnceLock::new())
            })
            .collect();
        let groups = combined
            .capture_names()
            .map(|name| {
                let i: usize = name?.strip_prefix('r')?.parse().ok()?;
                let (category, check, _) = &rules[i];
                Some(Rule {
                    category,
                    check: *check,
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
        let mut out = self.pass_builtin(text, counts, true);
        for (name, token, regex) in &self.custom {
            if let Cow::Owned(replaced) = self.pass_custom(&out, name, token, regex, counts, true) {
                out = Cow::Owned(replaced);
            }
        }
        out
    }

    /// The secrets still present in `text`, by category (for `bundle verify`).
    pub fn scan(&self, text: &str) -> RedactionCounts {
        let mut counts = RedactionCounts::default();
        let _ = self.pass_builtin(text, &mut counts, false);
        for (name, token, regex) in &self.custom {
            let _ = self.pass_custom(text, name, token, regex, &mut counts, false);
        }
        counts
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
    ) -> Cow<'a, str> {
        // The DFA of the alternation finds where a match is (on most lines:
        // that there is none) without resolving groups.
        let mut out = String::new();
        let mut copied = 0;
        let mut at = 0;
        while at <= text.len() {
            let Some(whole) = self.combined.find_at(text, at) else {
                break;
            };
            let verdict = match self.matched(text, whole) {
                Some(_) if inside_token(text, whole.start()) || glued_to_token(text, whole) => {
                    Verdict::Reject
                }
                Some((rule, value)) => check(rule, text, whole, value),
                None => Verdict::Reject,
            };
            let found = match verdict {
                Verdict::Replace(found) if !self.exempt(&text[found.start..found.end]) => found,
                Verdict::Done => {
                    at = whole.end();
                    continue;
                }
                _ => {
                    // Not a secret after all: look again one character
                    // further, so that what it covered is still searched.
                    at = whole.start()
                        + text[whole.start()..]
                            .chars()
                            .next()
                            .map_or(1, char::len_utf8);
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
    fn matched<'t>(&self, text: &'t str, whole: Match<'t>) -> Option<(Rule, Match<'t>)> {
        let bound = whole.end() + next_char(text, whole.end()).map_or(0, char::len_utf8);
        let span = &text[..bound];
        let set = self
            .set
            .get_or_init(|| RegexSet::new(&self.sources).expect("the built-in patterns are valid"));
        for i in set.matches_at(span, whole.start()).iter() {
            let (rule, pattern, regex) = &self.singles[i];
            let regex =
                regex.get_or_init(|| Regex::new(pattern).expect("the built-in patterns are valid"));
            if let Some(caps) = regex.captures_at(span, whole.start()) {
                let m = caps.get(0).expect("group 0 always matches");
                if (m.start(), m.end()) == (whole.start(), whole.end()) {
                    return Some((*rule, caps.name("v")?));
                }
            }
        }
        self.matched_by_alternation(text, whole.start())
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

/// Where `[name]`-like tokens stand in a line.
fn token_spans(line: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(open) = bytes[i..].iter().position(|&b| b == b'[').map(|p| p + i) {
        let close = bytes[open + 1..]
            .iter()
            .position(|&b| !is_token_byte(b))
            .map(|p| p + open + 1);
        match close {
            Some(close) if bytes[close] == b']' && looks_like_token(&line[open + 1..close]) => {
                spans.push((open, close + 1));
                i = close + 1;
            }
            _ => i = open + 1,
        }
    }
    spans
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_.:-".contains(&b)
}

/// `otp`, `api-key`, `ipv4:1a2b3c4d`, `x`, a custom pattern's name: what
/// stands between the brackets of a replacement.
fn looks_like_token(inner: &str) -> bool {
    let (name, hash) = inner.split_once(':').unwrap_or((inner, "00000000"));
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        && hash.len() == 8
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether `at` falls inside a replacement such as `[api-key]`: the words
/// of a redacted text's tokens are not keywords (`key` in `[api-key]`).
fn inside_token(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    let mut open = at;
    while open > 0 && is_token_byte(bytes[open - 1]) {
        open -= 1;
    }
    if open == 0 || bytes[open - 1] != b'[' {
        return false;
    }
    let mut close = at;
    while close < bytes.len() && is_token_byte(bytes[close]) {
        close += 1;
    }
    close < bytes.len() && bytes[close] == b']' && looks_like_token(&text[open..close])
}

/// A match that touches a replacement (begins right after one, or ends
/// right before one): the text there ran on into something that was
/// replaced, so the match was not this one the first time, and a redacted
/// text must redact to itself.
fn glued_to_token(text: &str, whole: Match<'_>) -> bool {
    token_ends_at(text, whole.start()) || token_starts_at(text, whole.end())
}

fn token_ends_at(text: &str, at: usize) -> bool {
    at > 1 && text.as_bytes()[at - 1] == b']' && inside_token(text, at - 2)
}

fn token_starts_at(text: &str, at: usize) -> bool {
    text.as_bytes().get(at) == Some(&b'[') && inside_token(text, at + 1)
}

/// Whether a match is glued to what stands before or after it: a letter,
/// a digit, or a replacement (`]` before, `[` after: the text there was a
/// word that was replaced, so the match was not taken the first time
/// either, and a redacted text must redact to itself).
fn glued_before(text: &str, at: usize) -> bool {
    is_word_char(prev_char(text, at)) || prev_char(text, at) == Some(']')
}

fn glued_after(text: &str, at: usize) -> bool {
    is_word_char(next_char(text, at)) || next_char(text, at) == Some('[')
}

fn prev_char(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

fn next_char(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

/// The last `n` bytes (or a little fewer, at a character boundary) before `at`.
fn before(text: &str, at: usize, n: usize) -> &str {
    let mut from = at.saturating_sub(n);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    &text[from..at]
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// `.5`, `-5`, `:5` after a number: it goes on, so it was not what it seemed.
fn continues_with_digit(text: &str, at: usize) -> bool {
    let mut rest = text[at..].chars();
    matches!(rest.next(), Some('.' | '-' | ':'))
        && (rest.next().is_some_and(|c| c.is_ascii_digit()) || token_starts_at(text, at + 1))
}

/// An ordinary word (`Authentication`, `required`): no token looks like one.
fn is_word(value: &str) -> bool {
    let mut chars = value.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_lowercase())
}

fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    PLACEHOLDERS.contains(&lower.as_str())
        || value.chars().all(|c| matches!(c, '*' | '•' | '·'))
        || (value.len() >= 3 && value.chars().all(|c| c == 'x' || c == 'X'))
        || is_java_object(value)
}

/// `Token{a64f992`, `AppWindowToken{9f4ef63}`, `android.os.BinderProxy@2bd79ce`:
/// Android prints objects as their class and identity hash; no secret looks
/// like that.
fn is_java_object(value: &str) -> bool {
    let (class, hash) = match (value.split_once('{'), value.rsplit_once('@')) {
        (Some((class, rest)), _) => (class, rest.strip_suffix('}').unwrap_or(rest)),
        (None, Some((class, hash))) => (class.rsplit('.').next().unwrap_or(class), hash),
        (None, None) => return false,
    };
    let package_ok = value.split(['{', '@']).next().is_some_and(|path| {
        path.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_$.".contains(c))
    });
    package_ok
        && class.starts_with(|c: char| c.is_ascii_uppercase())
        && class
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        && (1..=16).contains(&hash.len())
        && hash.chars().all(|c| c.is_ascii_hexdigit())
}

fn is_base32(value: &str, min: usize) -> bool {
    let upper = value.trim_end_matches('=');
    upper.len() >= min
        && upper
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

fn is_jwt(value: &str) -> bool {
    value.starts_with("eyJ") && value.matches('.').count() >= 2
}

/// Trailing punctuation that closes what the value stood in: `(token=abc)`.
fn trim_closing(text: &str, start: usize, end: usize) -> usize {
    start
        + text[start..end]
            .trim_end_matches([',', ';', ')', '}', ']', '>'])
            .len()
}

/// Whether a match is what its pattern suggests, and what to replace.
fn check(rule: Rule, text: &str, whole: Match<'_>, v: Match<'_>) -> Verdict {
    let value = v.as_str();
    if rule.check == Check::KeyValue && value.starts_with('[') {
        // The value alternative that is a replacement already.
        return Verdict::Done;
    }
    match find(rule, text, whole, v) {
        Some(found) => Verdict::Replace(found),
        None => Verdict::Reject,
    }
}

fn find(rule: Rule, text: &str, whole: Match<'_>, v: Match<'_>) -> Option<Found> {
    let found = |category: &'static str, start: usize, end: usize| {
        (end > start).then_some(Found {
            category,
            start,
            end,
            resume: whole.end().max(end),
        })
    };
    let value = v.as_str();
    // A value that holds a replacement was cut out of a longer one the
    // first time: it is not a secret of its own now.
    let holds_token = matches!(
        rule.check,
        Check::Header | Check::Token | Check::Cookie | Check::KeyValue | Check::UserInfo
    ) && value.contains('[')
        && !token_spans(value).is_empty();
    if holds_token {
        return None;
    }
    match rule.check {
        Check::Plain | Check::UserInfo => found(rule.category, v.start(), v.end()),
        Check::Header => {
            let end = trim_closing(text, v.start(), v.end());
            let value = &text[v.start()..end];
            let prefix = text[whole.start()..v.start()]
                .trim_end()
                .to_ascii_lowercase();
            let has_scheme = AUTH_SCHEMES.iter().any(|s| prefix.ends_with(s));
            let scheme_alone = AUTH_SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(value));
            if scheme_alone || is_placeholder(value) || (!has_scheme && is_word(value)) {
                return None;
            }
            found(rule.category, v.start(), end)
        }
        Check::Token => (!is_word(value) && !is_placeholder(value))
            .then(|| found(rule.category, v.start(), v.end()))
            .flatten(),
        Check::Cookie => {
            let trimmed = value.trim_end();
            (trimmed.contains('=') && !is_placeholder(trimmed))
                .then(|| found(rule.category, v.start(), v.start() + trimmed.len()))
                .flatten()
        }
        Check::KeyValue => {
            // `stream/token: com.apple…` is a path, not a key.
            if prev_char(text, whole.start()) == Some('/') {
                return None;
            }
            let (start, end) = match value.as_bytes()[0] {
                quote @ (b'"' | b'\'') => {
                    let inner_end = if value.len() > 1 && value.as_bytes()[value.len() - 1] == quote
                    {
                        v.end() - 1
                    } else {
                        v.end()
                    };
                    (v.start() + 1, inner_end)
                }
                _ => (v.start(), trim_closing(text, v.start(), v.end())),
            };
            let secret = &text[start..end.max(start)];
            let quoted = start > v.start();
            let bare_punctuation = !quoted && !secret.chars().any(char::is_alphanumeric);
            if secret.is_empty() || bare_punctuation || is_placeholder(secret) {
                return None;
            }
            let key = text[whole.start()..v.start()].to_ascii_lowercase();
            let category = if rule.category != "url_secret" {
                rule.category
            } else if is_jwt(secret) {
                "jwt"
            } else if secret.contains(":APA91b") {
                "push_token"
            } else if (key.contains("secret") || key.contains("seed")) && is_base32(secret, 16) {
                "totp_secret"
            } else if key.starts_with("cookie") {
                "cookie"
            } else {
                rule.category
            };
            found(category, start, end)
        }
        Check::Base32 => {
            let letters_only = !value.bytes().any(|b| (b'2'..=b'7').contains(&b));
            let has_lower = value.bytes().any(|b| b.is_ascii_lowercase());
            (!(letters_only && has_lower))
                .then(|| found(rule.category, v.start(), v.end()))
                .flatten()
        }
        Check::BareCode => {
            let context = before(text, whole.start(), 48).to_ascii_lowercase();
            // A replacement in the context may have been one of those words
            // the first time; a redacted text must redact to itself.
            let replaced = context.contains('[') && !token_spans(&context).is_empty();
            (!replaced && !NOT_OTP_CONTEXT.iter().any(|w| context.contains(w)))
                .then(|| found(rule.category, v.start(), v.end()))
                .flatten()
        }
        Check::Email => {
            let domain = value
                .split_once('@')
                .or_else(|| value.split_once("%40"))
                .map_or("", |(_, d)| d);
            // `icon@2x.png` is an image, not an address.
            let b = domain.as_bytes();
            let scale = b.len() > 2 && b[0].is_ascii_digit() && b[1] == b'x' && b[2] == b'.';
            (!scale && !glued_before(text, v.start()) && !glued_after(text, v.end()))
                .then(|| found(rule.category, v.start(), v.end()))
                .flatten()
        }
        Check::Ipv4 => ipv4_is_address(text, v)
            .then(|| found(rule.category, v.start(), v.end()))
            .flatten(),
        Check::Ipv6 => {
            let prev = prev_char(text, v.start());
            let addr = value.parse::<Ipv6Addr>().ok()?;
            let looks_right = !glued_before(text, v.start())
                && !matches!(prev, Some('-' | '.'))
                && !glued_after(text, v.end())
                && next_char(text, v.end()) != Some(':')
                && !continues_with_digit(text, v.end())
                && value.bytes().any(|b| b.is_ascii_digit())
                && !addr.is_loopback()
                && !addr.is_unspecified();
            looks_right
                .then(|| found(rule.category, v.start(), v.end()))
                .flatten()
        }
        Check::Phone => {
            let prev = prev_char(text, whole.start());
            if glued_before(text, whole.start()) || matches!(prev, Some('.' | '-' | '/')) {
                return None;
            }
            // Too many digits, or running on into something else (`… 10.1.2.3`):
            // a number written right after it was taken in too; give groups
            // back from the end until it fits, and search them again.
            let digits = |end: usize| {
                text[v.start()..end]
                    .bytes()
                    .filter(u8::is_ascii_digit)
                    .count()
            };
            let mut end = v.end();
            while digits(end) > 15 || glued_after(text, end) || continues_with_digit(text, end) {
                let cut = text[v.start()..end].rfind([' ', '.', '-'])?;
                end = v.start() + cut;
            }
            (digits(end) >= 7).then_some(Found {
                category: rule.category,
                start: v.start(),
                end,
                resume: end,
            })
        }
    }
}

/// An IPv4 address, not a version number (`version 1.2.8.57`), part of a
/// longer dotted run (`1.2.840.113635.100.6.2.6`), a netmask or a public
/// address.
fn ipv4_is_address(text: &str, v: Match<'_>) -> bool {
    let value = v.as_str();
    if PUBLIC_ADDRESSES.contains(&value)
        || glued_before(text, v.start())
        || glued_after(text, v.end())
    {
        return false;
    }
    let bits = value
        .split('.')
        .fold(0u32, |acc, o| (acc << 8) | o.parse::<u32>().unwrap_or(0));
    if bits.leading_ones() >= 8 && bits.leading_ones() + bits.trailing_zeros() == 32 {
        return false;
    }
    let head = &text[..v.start()];
    if head.ends_with('.') && glued_before(text, v.start() - 1) {
        return false;
    }
    if continues_with_digit(text, v.end()) && next_char(text, v.end()) == Some('.') {
        return false;
    }
    let head = head.trim_end_matches([' ', '\t', '=', ':', '"', '\'', '(']);
    if token_ends_at(head, head.len()) {
        // What stood before it was replaced: it may have been a version
        // word, and a redacted text must redact to itself.
        return false;
    }
    let word_start = head
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = head[word_start..].to_ascii_lowercase();
    let versioned = word.ends_with("version")
        || ["v", "ver", "build", "release", "firmware", "fw", "sdk"].contains(&word.as_str());
    !versioned
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
        assert_eq!(named, rules().len());
        assert_eq!(named, redactor.groups.iter().flatten().count());
        for (category, _, _) in rules() {
            assert!(
                CATEGORIES.iter().any(|(name, _)| *name == category),
                "{category}"
            );
        }
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
                let fast = redactor.matched(line, whole).unwrap();
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
