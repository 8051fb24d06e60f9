//! What a match must also be, checked in code where a pattern cannot say
//! enough, and the helpers that look around it.

use std::net::Ipv6Addr;

use regex::Match;

use super::rules::*;
use super::words::{mentions, CODE_WORDS, NOT_OTP_CONTEXT, RECOVERY_WORDS};
use super::{Found, Rule, Verdict};

/// Where `[name]`-like tokens stand in a line.
pub(super) fn token_spans(line: &str) -> Vec<(usize, usize)> {
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

pub(super) fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_.:-".contains(&b)
}

/// `otp`, `api-key`, `ipv4:1a2b3c4d`, `x`, a custom pattern's name: what
/// stands between the brackets of a replacement.
pub(super) fn looks_like_token(inner: &str) -> bool {
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
pub(super) fn inside_token(text: &str, at: usize) -> bool {
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
pub(super) fn glued_to_token(text: &str, whole: Match<'_>) -> bool {
    token_ends_at(text, whole.start()) || token_starts_at(text, whole.end())
}

pub(super) fn token_ends_at(text: &str, at: usize) -> bool {
    at > 1 && text.as_bytes()[at - 1] == b']' && inside_token(text, at - 2)
}

pub(super) fn token_starts_at(text: &str, at: usize) -> bool {
    text.as_bytes().get(at) == Some(&b'[') && inside_token(text, at + 1)
}

/// Whether a match is glued to what stands before or after it: a letter,
/// a digit, or a replacement (`]` before, `[` after: the text there was a
/// word that was replaced, so the match was not taken the first time
/// either, and a redacted text must redact to itself).
pub(super) fn glued_before(text: &str, at: usize) -> bool {
    is_word_char(prev_char(text, at)) || prev_char(text, at) == Some(']')
}

pub(super) fn glued_after(text: &str, at: usize) -> bool {
    is_word_char(next_char(text, at)) || next_char(text, at) == Some('[')
}

pub(super) fn prev_char(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

pub(super) fn next_char(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

/// The last `n` bytes (or a little fewer, at a character boundary) before `at`.
pub(super) fn before(text: &str, at: usize, n: usize) -> &str {
    let mut from = at.saturating_sub(n);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    &text[from..at]
}

pub(super) fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// `.5`, `-5`, `:5` after a number: it goes on, so it was not what it seemed.
pub(super) fn continues_with_digit(text: &str, at: usize) -> bool {
    let mut rest = text[at..].chars();
    matches!(rest.next(), Some('.' | '-' | ':'))
        && (rest.next().is_some_and(|c| c.is_ascii_digit()) || token_starts_at(text, at + 1))
}

/// An ordinary word (`Authentication`, `required`): no token looks like one.
pub(super) fn is_word(value: &str) -> bool {
    let mut chars = value.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_lowercase())
}

pub(super) fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    PLACEHOLDERS.contains(&lower.as_str())
        || value.chars().all(|c| matches!(c, '*' | '•' | '·'))
        || (value.len() >= 3 && value.chars().all(|c| c == 'x' || c == 'X'))
        || is_java_object(value)
}

/// `Token{a64f992`, `AppWindowToken{9f4ef63}`, `android.os.BinderProxy@2bd79ce`:
/// Android prints objects as their class and identity hash; no secret looks
/// like that.
pub(super) fn is_java_object(value: &str) -> bool {
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

pub(super) fn is_base32(value: &str, min: usize) -> bool {
    let upper = value.trim_end_matches('=');
    upper.len() >= min
        && upper
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

pub(super) fn is_jwt(value: &str) -> bool {
    value.starts_with("eyJ") && value.matches('.').count() >= 2
}

/// Trailing punctuation that closes what the value stood in: `(token=abc)`.
pub(super) fn trim_closing(text: &str, start: usize, end: usize) -> usize {
    start
        + text[start..end]
            .trim_end_matches([',', ';', ')', '}', ']', '>'])
            .len()
}

/// Whether a match is what its pattern suggests, and what to replace.
pub(super) fn check(
    rule: Rule,
    text: &str,
    whole: Match<'_>,
    v: Match<'_>,
    line: &mut LineContext,
) -> Verdict {
    let value = v.as_str();
    if rule.check == Check::KeyValue && value.starts_with('[') {
        // The value alternative that is a replacement already.
        return Verdict::Done;
    }
    match find(rule, text, whole, v, line) {
        Some(found) => Verdict::Replace(found),
        None => Verdict::Reject,
    }
}

pub(super) fn find(
    rule: Rule,
    text: &str,
    whole: Match<'_>,
    v: Match<'_>,
    line: &mut LineContext,
) -> Option<Found> {
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
        Check::Header
            | Check::Token
            | Check::Cookie
            | Check::SetCookie
            | Check::KeyValue
            | Check::UserInfo
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
        Check::SetCookie => {
            let trimmed = value.trim_end();
            let (name, rest) = trimmed.split_once('=')?;
            let cookie_end = rest.find(';').unwrap_or(rest.len());
            let cookie = rest[..cookie_end].trim_end();
            let attributes = &rest[cookie_end..];
            // A cookie's name is an HTTP token (RFC 6265): `otpauth://…?a=`
            // is something else, for the other rules.
            let name_ok = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !name_ok || cookie.is_empty() || is_placeholder(cookie) {
                return None;
            }
            // One cookie a header (RFC 6265): what follows are attributes.
            // A folded header with another cookie in it is replaced whole.
            let another_cookie = attributes.split([';', ',']).any(|part| {
                part.split_once('=').is_some_and(|(n, _)| {
                    !COOKIE_ATTRIBUTES.contains(&n.trim().to_ascii_lowercase().as_str())
                })
            });
            if another_cookie {
                return found(rule.category, v.start(), v.start() + trimmed.len());
            }
            // The attributes after it are searched too (`Domain=` may hold
            // an address).
            let start = v.start() + name.len() + 1;
            let end = start + cookie.len();
            Some(Found {
                category: rule.category,
                start,
                end,
                resume: end,
            })
        }
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
            (!replaced && !mentions(&context, NOT_OTP_CONTEXT) && code_ends(text, v.end()))
                .then(|| found(rule.category, v.start(), v.end()))
                .flatten()
        }
        Check::CodeEnd => code_ends(text, v.end())
            .then(|| found(rule.category, v.start(), v.end()))
            .flatten(),
        Check::Recovery => {
            let prev = prev_char(text, v.start());
            let longer_run = matches!(prev, Some('-' | '.' | ':' | '/'))
                || (matches!(next_char(text, v.end()), Some('-' | '.' | ':'))
                    && (text[v.end()..]
                        .chars()
                        .nth(1)
                        .is_some_and(|c| c.is_ascii_alphanumeric())
                        // What ran on was replaced the first time (`-[jwt]`).
                        || token_starts_at(text, v.end() + 1)));
            (!longer_run
                && value.bytes().any(|b| b.is_ascii_digit())
                && line.said_before(text, v.start()))
            .then(|| found(rule.category, v.start(), v.end()))
            .flatten()
        }
        Check::PemBody => {
            // Every line a token already: replaced the first time.
            let open = value
                .split(['\r', '\n'])
                .any(|line| !line.is_empty() && token_spans(line) != [(0, line.len())]);
            open.then(|| found(rule.category, v.start(), v.end()))
                .flatten()
        }
        Check::PemLine => {
            let b = value.as_bytes();
            (b.iter().any(u8::is_ascii_uppercase)
                && b.iter().any(u8::is_ascii_lowercase)
                && b.iter().any(u8::is_ascii_digit))
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
            // URL-encoded (`sms_%2B4477…`) says what it is whatever is glued
            // before it.
            let encoded = value.starts_with('%');
            if !encoded
                && (glued_before(text, whole.start()) || matches!(prev, Some('.' | '-' | '/')))
            {
                return None;
            }
            // Too many digits, or running on into something else (`… 10.1.2.3`):
            // a number written right after it was taken in too; give groups
            // back from the end until it fits, and search them again.
            let digits = |end: usize| {
                // `%2B` holds one digit, `%20` two, none of the number's.
                let part = &text[v.start()..end];
                let plus = part.matches("%2B").count() + part.matches("%2b").count();
                let space = part.matches("%20").count();
                part.bytes().filter(u8::is_ascii_digit).count() - plus - 2 * space
            };
            let mut end = v.end();
            while digits(end) > 15 || glued_after(text, end) || continues_with_digit(text, end) {
                let cut = text[v.start()..end].rfind([' ', '.', '-', '%'])?;
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
pub(super) fn ipv4_is_address(text: &str, v: Match<'_>) -> bool {
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

/// What a pass has learnt of the line it is in: whether a recovery word
/// (or "code" in any language) stands anywhere before the current match on
/// its line, outside a token. Learnt as the pass goes (its matches come in
/// order), so each byte is looked at about once however many codes a line
/// lists; and anywhere on the line, not within some distance, because a
/// distance changes when what stands between is replaced, and a redacted
/// text must redact to itself.
#[derive(Debug, Default)]
pub(super) struct LineContext {
    searched_to: usize,
    said: bool,
}

impl LineContext {
    fn said_before(&mut self, text: &str, at: usize) -> bool {
        if at < self.searched_to {
            *self = LineContext::default();
        }
        if let Some(nl) = text[self.searched_to..at].rfind(['\n', '\r']) {
            *self = LineContext {
                searched_to: self.searched_to + nl + 1,
                said: false,
            };
        }
        // A word cannot run across where the last look stopped: that was
        // the start of a code, after a `\b`, and no word holds a space.
        if !self.said {
            let from = self.searched_to;
            self.said = mentions_outside_tokens(text, from, at, RECOVERY_WORDS)
                || mentions_outside_tokens(text, from, at, CODE_WORDS);
        }
        self.searched_to = at;
        self.said
    }
}

/// Whether one of `words` (lowercase) stands in `text[from..to]`, in any
/// case, outside a token (`[recovery-code]` is no recovery word).
fn mentions_outside_tokens(text: &str, from: usize, to: usize, words: &[&str]) -> bool {
    // Lowercased letter by letter where that keeps the byte length, so an
    // offset in it is one in `text`.
    let lower: String = text[from..to]
        .chars()
        .map(|c| {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
                _ => c,
            }
        })
        .collect();
    words.iter().any(|w| {
        lower
            .match_indices(w)
            .any(|(i, _)| !inside_token(text, from + i))
    })
}

/// Set-Cookie attributes (RFC 6265 and later drafts): kept, they say how
/// the cookie is used, not what it is.
const COOKIE_ATTRIBUTES: &[&str] = &[
    "path",
    "domain",
    "expires",
    "max-age",
    "samesite",
    "secure",
    "httponly",
    "partitioned",
    "priority",
    "version",
    "comment",
];

/// No digit (ASCII or not) or ASCII letter right after a code: it did not
/// go on. A Japanese or Chinese word may follow (`123456です`).
fn code_ends(text: &str, at: usize) -> bool {
    !next_char(text, at).is_some_and(|c| c.is_ascii_alphanumeric() || c.is_numeric() || c == '_')
}
