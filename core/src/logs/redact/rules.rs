//! The built-in rules: one pattern per kind of secret, and what is checked
//! in code once one matched.

use super::words::*;

/// What is checked in code once a pattern matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Check {
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
    /// A `Set-Cookie:` header: the cookie's value, not its attributes.
    SetCookie,
    /// `key=value`, `key: value`, `"key": "value"`: no placeholder
    /// (`null`, `<private>`, `***`, a Java object's `Token{a64f992`); the
    /// value's shape may say what it is (a JWT after `token=`).
    KeyValue,
    /// A base32 run after a word such as `secret`: not an ordinary word.
    Base32,
    /// `code: 123456`: not an error, status or exit code.
    BareCode,
    /// A code whose pattern cannot end on `\b` (full-width digits): no
    /// digit or letter right after it.
    CodeEnd,
    /// `xxxx-xxxx-xxxx`: a recovery word before it on its line, a digit
    /// in it, not part of a longer run (a UUID).
    Recovery,
    /// The lines of a PEM private key's body: not all replaced already.
    PemBody,
    /// A line that is 64 base64 characters (a PEM body line logged on its
    /// own): upper and lower case letters and digits in it.
    PemLine,
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
pub(super) const KV_VALUE: &str = r#"(?P<v>"(?:[^"\\\r\n\[]|\\[^\r\n])(?:[^"\\\r\n]|\\[^\r\n])*"?|'(?:[^'\\\r\n\[]|\\[^\r\n])(?:[^'\\\r\n]|\\[^\r\n])*'?|[^ \t\r\n\x0B\x0C"'\[&<][^ \t\r\n\x0B\x0C"'&]*|\[[A-Za-z][A-Za-z0-9_.-]*(?::[0-9a-f]{8})?\])"#;

/// Keys whose values are secrets, after any prefix (`client_secret`,
/// `X-Auth-Token`, `accessToken`), with `=` or `:`.
pub(super) const SECRET_KEY_SUFFIXES: &str = r"password|passwd|pwd|passphrase|secret|token|access[_-]?key|secret[_-]?key|account[_-]?key|private[_-]?key|signature";

/// A quoted value after a password word and a space: `password "hunter 2"`.
pub(super) const QUOTED_VALUE: &str = r#"(?P<v>"(?:[^"\\\r\n\[]|\\[^\r\n])(?:[^"\\\r\n]|\\[^\r\n])*"|'(?:[^'\\\r\n\[]|\\[^\r\n])(?:[^'\\\r\n]|\\[^\r\n])*')"#;

/// Keys whose values are secrets, exactly, with `=` only (`session: 3` is
/// no secret).
pub(super) const SECRET_KEYS_EQ: &str = r"pass|sid|sig|session|session[_-]?id|sessid|jsessionid|phpsessid|credential|code[_-]verifier|cookie|auth[_-]?key";

/// Between a code's word and the code: `: `, ` is `, `=`, `": "`, spaces.
pub(super) const OTP_SEP: &str = r#"["']?(?:[ \t]*(?:[=:#]|(?i-u:is|was):?)[ \t]*|[ \t]+)["']?"#;

/// A one-time code where the other languages announce it: 4–8 digits,
/// ASCII or full-width (`１２３４５６`), or `123 456`.
const INTL_DIGITS: &str = r"(?:[0-9０-９]{3}[ -][0-9０-９]{3}|[0-9０-９]{4,8})";

/// `word` patterns after an ASCII `\b` where they begin with an ASCII
/// letter, and anywhere otherwise (see `words.rs`).
fn bounded(words: &[&str]) -> String {
    let (ascii, other): (Vec<&str>, Vec<&str>) = words
        .iter()
        .partition(|w| w.starts_with(|c: char| c.is_ascii()));
    // An empty group would match nothing before the code at all.
    let mut parts = Vec::new();
    if !ascii.is_empty() {
        parts.push(format!(r"\b(?:{})", alternation(&ascii)));
    }
    if !other.is_empty() {
        parts.push(format!("(?:{})", alternation(&other)));
    }
    format!("(?:{})", parts.join("|"))
}

/// Between a word and a code in any language: `:`, `=`, `#`, a full-width
/// `：`, "is" (`es`, `est`, `ist`, `lautet`, `は`, `为`, `هو`, …), quotes and
/// blanks, or nothing (`验证码123456`).
fn intl_separator() -> String {
    format!(
        r#"["'「『]?[ \t]*(?:(?:[=:#：]|{})[ \t]*:?[ \t]*)?["'」』]?"#,
        alternation(SEPARATORS)
    )
}

pub(super) const OCTET: &str = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

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
pub(super) fn rules() -> Vec<(&'static str, Check, String)> {
    use Check::*;
    let s = |p: &str| p.to_string();
    vec![
        (
            "otpauth_uri",
            Plain,
            s(r#"(?P<v>(?i-u:otpauth(?:-migration)?)://[^ \t\r\n\x0B\x0C"'<>]+)"#),
        ),
        (
            // A PEM private key's body, when the block is in one text: each
            // of its lines becomes a token, its line breaks stay.
            "private_key",
            PemBody,
            s(
                r"-----BEGIN[ A-Z0-9]*PRIVATE KEY-----(?P<v>(?:\r?\n(?:[A-Za-z0-9+/=][A-Za-z0-9+/=:, -]{3,})?)+)",
            ),
        ),
        (
            // A body line on its own (one record a line): 64 base64
            // characters, the whole line.
            "private_key",
            PemLine,
            s(r"(?m:^)(?P<v>[A-Za-z0-9+/]{64})\r?(?m:$)"),
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
            SetCookie,
            s(r#"\b(?i-u:set-cookie)["']?[ \t]*:[ \t]*["']?(?P<v>[^ \t\r\n\x0B\x0C"\[][^\r\n"]*)"#),
        ),
        (
            "cookie",
            Cookie,
            s(r#"\b(?i-u:cookie)["']?[ \t]*:[ \t]*["']?(?P<v>[^ \t\r\n\x0B\x0C"\[][^\r\n"]*)"#),
        ),
        (
            "api_key",
            Plain,
            s(
                r"\b(?P<v>AIza[0-9A-Za-z_-]{35}|GOCSPX-[0-9A-Za-z_-]{24,}|[spr]k_(?:live|test)_[0-9A-Za-z]{16,}|whsec_[0-9A-Za-z]{24,}|xox[abposre]-[0-9A-Za-z-]{10,}|xapp-[0-9]-[0-9A-Za-z-]{10,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|gl(?:pat|dt|rt|ptt|cbt|oas|soat|ft|imt)-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}|SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{20,64}|SK[0-9a-f]{32}|AC[0-9a-f]{32}|(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[0-9A-Z]{16})\b",
            ),
        ),
        (
            // Slack incoming webhooks: the path is the credential.
            "api_key",
            Plain,
            s(
                r"(?i-u:https?://hooks\.slack\.com/(?:services|workflows|triggers)/)(?P<v>[A-Za-z0-9_/-]{16,})",
            ),
        ),
        (
            // Azure connection strings: `;`-separated, base64 values.
            "api_key",
            KeyValue,
            s(
                r#"\b(?i-u:AccountKey|SharedAccessKey|SharedAccessSignature)=(?P<v>[^ \t\r\n\x0B\x0C;"'\[&][^ \t\r\n\x0B\x0C;"'&]*)"#,
            ),
        ),
        (
            // AWS secret access keys and session tokens after their names.
            "api_key",
            KeyValue,
            format!(
                r#"\b(?i-u:aws_secret_access_key|aws_session_token|secret_?access_?key|aws_?secret(?:_?key)?)["']?[ \t]*[=:][ \t]*{KV_VALUE}"#
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
                r#"\b(?:[A-Za-z0-9_][A-Za-z0-9_.-]*?)?(?i-u:{SECRET_KEY_SUFFIXES})["']?[ \t]*[=:][ \t]*{KV_VALUE}"#
            ),
        ),
        (
            "url_secret",
            KeyValue,
            format!(
                r"\b(?:[A-Za-z0-9_][A-Za-z0-9_.-]*?)?(?i-u:password|passwd|passphrase|secret)[ \t]+{QUOTED_VALUE}"
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
                r"\b(?i-u:{OTP_WORDS_EN})(?i-u:[ _-]?(?:code|value|number|token))?{OTP_SEP}(?P<v>(?:G-)?(?:[0-9]{{3}}[ -][0-9]{{3}}|[0-9]{{4}}[ -][0-9]{{4}}|[0-9]{{4,12}}))\b"
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
            // The other languages' words that say "one-time code".
            "otp",
            CodeEnd,
            format!(
                "{}{}(?P<v>{INTL_DIGITS})",
                bounded(OTP_WORDS_INTL),
                intl_separator()
            ),
        ),
        (
            // "code" in any language: 6–8 digits, not an error code.
            "otp",
            BareCode,
            format!(
                "{}{}(?P<v>[0-9０-９]{{6,8}})",
                bounded(CODE_WORDS),
                intl_separator()
            ),
        ),
        (
            // The code first: `482913 es tu código`, `123456是您的验证码`.
            "otp",
            Plain,
            format!(
                r"\b(?P<v>[0-9]{{4,8}})[ \t]*(?:{})[ \t]*(?:[^ \t\r\n0-9]{{1,16}}[ \t]+){{0,2}}?{}",
                alternation(CODE_FIRST_PHRASES),
                bounded(&[OTP_WORDS_INTL, CODE_WORDS, &["otp", "passcode", "pin"]].concat())
            ),
        ),
        (
            // Recovery (backup) codes: `abcd-1234-efgh`, 3 to 8 groups.
            "recovery_code",
            Recovery,
            s(r"\b(?P<v>[A-Za-z0-9]{4,5}(?:-[A-Za-z0-9]{4,5}){2,7})\b"),
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
            // URL-encoded (`%2B14155550132`, `%2B44%207700%20900123`), as in
            // query strings and file names.
            "phone",
            Phone,
            s(
                r"(?P<v>%2[Bb][1-9][0-9]{0,2}(?:%20|[.-])?[0-9]{1,4}(?:(?:%20|[.-])?[0-9]{2,4}){2,4})\b",
            ),
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
                r"\b(?P<v>0[1-9][0-9]{0,4}[ -][0-9]{3,4}[ -]?[0-9]{3,4}|0[1-9](?:[ .-][0-9]{2}){4})\b",
            ),
        ),
        (
            // The same address with its parts bounded as the standards bound
            // them, for the short search only (`SHORT_ONLY_RULES`: its counted
            // repetitions would slow the alternation that scans every line
            // about fifty-fold), so an address is still found inside a span
            // that long rejected matches left to the short rules alone. It
            // comes last: an address or a phone number starting at the same
            // place is taken first.
            "email",
            Email,
            s(
                r"\b(?P<v>[A-Za-z0-9._\+-]{1,64}(?:@|%40)[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,4}\.[A-Za-z]{2,24})\b",
            ),
        ),
    ]
}

/// Addresses with nothing personal in them: loopback, unspecified,
/// broadcast, and the best-known public resolvers.
pub(super) const PUBLIC_ADDRESSES: &[&str] = &[
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
pub(super) const PLACEHOLDERS: &[&str] = &[
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

pub(super) const AUTH_SCHEMES: &[&str] = &[
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
