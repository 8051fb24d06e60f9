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
//! nothing suspicious costs one pass of a DFA and comes back borrowed.
//! Replacing never adds or removes a newline, and a redacted text redacts
//! to itself. See `docs/redaction.md`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use regex::{Captures, Regex};
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
    /// The network part stays (`10.1.2.[x]`, `2607:f140:6000:[x]`): a
    /// developer can tell carrier from Wi-Fi, not the device.
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
    pub name: String,
    pub regex: String,
}

/// What the scrubber replaces, and how.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionConfig {
    #[serde(default)]
    pub ip_mode: IpMode,
    /// The key of [`IpMode::Hash`]. Not a cryptographic key: it makes the
    /// tokens of one app (or one bundle) differ from another's.
    #[serde(default)]
    pub hash_key: String,
    /// The app's own patterns, applied after the built-in ones.
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

/// One built-in category: its group in the combined pattern and its token.
struct Category {
    name: &'static str,
    token: &'static str,
}

/// The built-in patterns, most specific first (keywords match in any ASCII
/// case: `(?i-u:…)` needs no Unicode case tables in the mobile library): at one position the first
/// alternative that matches wins, so an `otpauth://` URI is one secret, not
/// an e-mail address and a base32 run. Each names the part to replace as
/// group `<name>`; text around it (`password=`) stays for context. A value
/// never starts with `[`, so tokens are not taken for secrets again.
const PATTERNS: &[(&str, &str, &str)] = &[
    (
        "otpauth_uri",
        "[otpauth-uri]",
        r#"(?P<otpauth_uri>(?i-u:otpauth)://[^\s"'<>]+)"#,
    ),
    (
        "jwt",
        "[jwt]",
        r"(?P<jwt>\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,})",
    ),
    (
        "bearer_token",
        "[token]",
        r"(?i-u:\b(?:authorization|proxy-authorization)\s*[:=]\s*(?:bearer|basic|token|digest)?\s*)(?P<bearer_token>[^\s\[][^\s]*)|(?i-u:\bbearer\s+)(?P<bearer_token2>[A-Za-z0-9\-._~+/]{8,}=*)",
    ),
    (
        "cookie",
        "[cookie]",
        r"(?i-u:\b(?:set-)?cookie\s*:\s*)(?P<cookie>[^\s\[][^\r\n]*)",
    ),
    (
        "api_key",
        "[api-key]",
        r"(?P<api_key>\b(?:AIza[0-9A-Za-z_-]{35}|sk_(?:live|test)_[0-9A-Za-z]{16,}|xox[abpr]-[0-9A-Za-z-]{10,}|gh[pousr]_[A-Za-z0-9]{30,}|AKIA[0-9A-Z]{16})\b)|(?i-u:\b(?:x-)?api[_-]?key\b\s*[:=]\s*)(?P<api_key2>[^\s\[&,;][^\s&,;]*)",
    ),
    (
        "push_token",
        "[push-token]",
        r"(?P<push_token>\b[A-Za-z0-9_-]{11,}:APA91b[A-Za-z0-9_-]{20,})|(?i-u:\b(?:apns|fcm|firebase|device|push|registration)[_ -]?(?:token|id)\b)\W{0,3}(?P<push_token2>[A-Za-z0-9_:-]{32,})|(?P<push_token3><[0-9a-fA-F]{8}(?: [0-9a-fA-F]{8}){7}>)",
    ),
    (
        "url_secret",
        "[secret]",
        r#"://(?P<url_secret>[^/\s:@\[]+:[^/\s@]+)@|(?i-u:[?&;]code=)(?P<url_secret2>[^\[&\s"'#;,][^&\s"'#;,]*)|(?i-u:\b(?:password|passwd|pwd|pass|passphrase|secret|client_secret|token|access_token|refresh_token|id_token|auth_token|session|sessionid|session_id|sid|signature|sig)=)(?P<url_secret3>[^\[&\s"'#;,][^&\s"'#;,]*)|(?i-u:"(?:password|passwd|secret|client_secret|token|access_token|refresh_token|id_token|otp|passcode|session|api_key|apiKey)"\s*:\s*")(?P<url_secret4>[^"\[][^"]*)"#,
    ),
    (
        "totp_secret",
        "[totp-secret]",
        r"(?i-u:\b(?:totp|hotp|seed|secret|shared[_ ]?secret)\b)\W{0,3}(?P<totp_secret>[A-Z2-7]{16,}=*)",
    ),
    (
        "otp",
        "[otp]",
        r"(?i-u:\b(?:otp|totp|one[- ]time(?: pass)?code|one[- ]time password|passcode|pass code|verification code|security code|approval code|confirmation code|auth(?:entication)? code|login code|2fa code|mfa code|pin)\b(?:\s*(?:is|was|=|:|#)\s*|\s+))(?P<otp>[0-9]{4,8})\b",
    ),
    (
        "email",
        "[email]",
        r"(?P<email>\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b)",
    ),
    (
        "ipv6",
        "[ipv6]",
        r"(?P<ipv6>\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b|\b(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,5})?\b)",
    ),
    (
        "ipv4",
        "[ipv4]",
        r"(?P<ipv4>\b(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}\b)",
    ),
    (
        "phone",
        "[phone]",
        r"(?P<phone>\+[1-9][0-9]{0,2}[ .-]?\(?[0-9]{1,4}\)?(?:[ .-]?[0-9]{2,4}){2,4}\b|\([0-9]{3}\) ?[0-9]{3}[ .-][0-9]{4}\b|\b[0-9]{3}[.-][0-9]{3}[.-][0-9]{4}\b)",
    ),
];

/// Addresses with nothing personal in them.
const PUBLIC_ADDRESSES: &[&str] = &["127.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::"];

/// What a pattern can match that is no secret: addresses with nothing
/// personal in them, and an authorization scheme word standing alone (the
/// header after its value was already replaced: `Bearer [token]`).
fn not_a_secret(category: &str, value: &str) -> bool {
    match category {
        "ipv4" | "ipv6" => PUBLIC_ADDRESSES.contains(&value),
        "bearer_token" => ["bearer", "basic", "token", "digest"]
            .iter()
            .any(|scheme| scheme.eq_ignore_ascii_case(value)),
        _ => false,
    }
}

/// The scrubber. Built once, shared across threads.
#[derive(Debug, Clone)]
pub struct Redactor {
    combined: Regex,
    /// Group index → category name and token, for the combined pattern.
    groups: Vec<Option<(&'static str, &'static str)>>,
    custom: Vec<(String, String, Regex)>,
    exemptions: Vec<String>,
    exemption_patterns: Vec<Regex>,
    ip_mode: IpMode,
    hash_key: String,
}

impl Redactor {
    pub fn new(config: RedactionConfig) -> Result<Self, RedactionError> {
        let source: Vec<&str> = PATTERNS.iter().map(|(_, _, p)| *p).collect();
        let combined = Regex::new(&source.join("|")).expect("the built-in patterns are valid");
        let categories: Vec<Category> = PATTERNS
            .iter()
            .map(|(name, token, _)| Category { name, token })
            .collect();
        let groups = combined
            .capture_names()
            .map(|name| {
                let name = name?;
                // `bearer_token2` belongs to `bearer_token` (but `ipv4` is `ipv4`).
                let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
                categories
                    .iter()
                    .find(|c| c.name == name)
                    .or_else(|| categories.iter().find(|c| c.name == base))
                    .map(|c| (c.name, c.token))
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
        Ok(Redactor {
            combined,
            groups,
            custom,
            exemptions: config.exemptions,
            exemption_patterns,
            ip_mode: config.ip_mode,
            hash_key: config.hash_key,
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
        // The DFA answers "anything at all?" without resolving groups.
        if !self.combined.is_match(text) {
            return Cow::Borrowed(text);
        }
        let mut out = String::new();
        let mut copied = 0;
        for caps in self.combined.captures_iter(text) {
            let Some((group, (category, token))) = self.matched_group(&caps) else {
                continue;
            };
            let secret = caps.get(group).expect("the group matched");
            let value = secret.as_str();
            if self.exempt(value) || not_a_secret(category, value) {
                continue;
            }
            counts.bump(category);
            if rewrite {
                out.push_str(&text[copied..secret.start()]);
                self.push_replacement(&mut out, category, token, value);
                copied = secret.end();
            }
        }
        if !rewrite || copied == 0 {
            return Cow::Borrowed(text);
        }
        out.push_str(&text[copied..]);
        Cow::Owned(out)
    }

    fn matched_group(&self, caps: &Captures<'_>) -> Option<(usize, (&'static str, &'static str))> {
        self.groups
            .iter()
            .enumerate()
            .find_map(|(i, category)| Some((i, (*category)?)).filter(|_| caps.get(i).is_some()))
    }

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
        for m in regex.find_iter(text) {
            if m.as_str().is_empty() || self.exempt(m.as_str()) || m.as_str() == token {
                continue;
            }
            counts.bump(name);
            if rewrite {
                out.push_str(&text[copied..m.start()]);
                out.push_str(token);
                copied = m.end();
            }
        }
        if copied == 0 {
            return Cow::Borrowed(text);
        }
        out.push_str(&text[copied..]);
        Cow::Owned(out)
    }

    fn push_replacement(&self, out: &mut String, category: &str, token: &str, value: &str) {
        let ip = match category {
            "ipv4" => Some(("ipv4", '.', 3)),
            "ipv6" => Some(("ipv6", ':', 3)),
            _ => None,
        };
        match (ip, self.ip_mode) {
            (None, _) | (Some(_), IpMode::Mask) => out.push_str(token),
            (Some((kind, _, _)), IpMode::Hash) => {
                out.push_str(&format!(
                    "[{kind}:{:08x}]",
                    keyed_hash(&self.hash_key, value) as u32
                ));
            }
            (Some((_, separator, keep)), IpMode::KeepNetwork) => {
                // The first `keep` parts: an IPv4 /24, an IPv6 /48.
                let network: Vec<&str> = value.split(separator).take(keep).collect();
                out.push_str(&network.join(&separator.to_string()));
                out.push(separator);
                out.push_str("[x]");
            }
        }
    }
}

/// FNV-1a over key and value: stable across builds and platforms (unlike
/// std's hasher), cheap, and not meant to resist a determined attacker who
/// knows the key: it keeps addresses apart, not secret from their owner.
fn keyed_hash(key: &str, value: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes().chain([0xff]).chain(value.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(text: &str) -> (String, RedactionCounts) {
        let redactor = Redactor::new(RedactionConfig::default()).unwrap();
        let mut counts = RedactionCounts::default();
        let out = redactor.redact(text, &mut counts).into_owned();
        (out, counts)
    }

    #[test]
    fn every_pattern_compiles_and_has_a_category() {
        let redactor = Redactor::new(RedactionConfig::default()).unwrap();
        let named = redactor.combined.capture_names().flatten().count();
        assert_eq!(named, redactor.groups.iter().flatten().count());
    }

    #[test]
    fn nothing_suspicious_comes_back_borrowed() {
        let redactor = Redactor::new(RedactionConfig::default()).unwrap();
        let mut counts = RedactionCounts::default();
        let line = "03-17 16:13:38.811  1702  2395 D WindowManager: retry_count=3 took 250ms HTTP/1.1 503 version 6.2.0";
        assert!(matches!(
            redactor.redact(line, &mut counts),
            Cow::Borrowed(_)
        ));
        assert_eq!(counts.total(), 0);
    }

    #[test]
    fn ip_modes() {
        let line = "connect to 192.168.1.77 and 2607:f140:6000:8:c6b3:1ff:fecd:467f";
        let with = |ip_mode| {
            let redactor = Redactor::new(RedactionConfig {
                ip_mode,
                hash_key: "k".into(),
                ..RedactionConfig::default()
            })
            .unwrap();
            redactor
                .redact(line, &mut RedactionCounts::default())
                .into_owned()
        };
        assert_eq!(with(IpMode::Mask), "connect to [ipv4] and [ipv6]");
        assert_eq!(
            with(IpMode::KeepNetwork),
            "connect to 192.168.1.[x] and 2607:f140:6000:[x]"
        );
        let hashed = with(IpMode::Hash);
        assert!(
            hashed.starts_with("connect to [ipv4:") && hashed.contains(" and [ipv6:"),
            "{hashed}"
        );
        assert_eq!(hashed, with(IpMode::Hash), "stable");
        assert_eq!(redact("loopback 127.0.0.1").1.total(), 0);
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
    }
}
