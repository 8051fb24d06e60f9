//! The scrubber on realistic log lines: every category replaced, what a
//! developer needs kept byte for byte, the IP modes, the app's own rules,
//! the real loghub samples, and the properties (line for line, a redacted
//! text redacts to itself and scans clean).

use std::net::IpAddr;
use std::sync::OnceLock;

use proptest::prelude::*;
use pushdoctor_core::logs::redact::{
    CustomPattern, IpMode, RedactionConfig, RedactionCounts, RedactionError, Redactor,
};

/// One scrubber per IP mode for the whole binary (building one is the
/// expensive part in a debug build).
fn with_mode(ip_mode: IpMode) -> &'static Redactor {
    static SCRUBBERS: OnceLock<[Redactor; 3]> = OnceLock::new();
    let all = SCRUBBERS.get_or_init(|| {
        [IpMode::Mask, IpMode::KeepNetwork, IpMode::Hash].map(|ip_mode| {
            Redactor::new(RedactionConfig {
                ip_mode,
                ..RedactionConfig::default()
            })
            .unwrap()
        })
    });
    match ip_mode {
        IpMode::Mask => &all[0],
        IpMode::KeepNetwork => &all[1],
        IpMode::Hash => &all[2],
    }
}

fn redactor() -> &'static Redactor {
    with_mode(IpMode::Mask)
}

fn redact(line: &str) -> (String, RedactionCounts) {
    let mut counts = RedactionCounts::default();
    let out = redactor().redact(line, &mut counts).into_owned();
    (out, counts)
}

/// (input, expected output, category counted)
const SECRETS: &[(&str, &str, &str)] = &[
    // One-time passcodes and push approval codes: digits after a word that says so.
    ("Your one-time passcode is 482913", "Your one-time passcode is [otp]", "otp"),
    ("OTP: 123456 sent", "OTP: [otp] sent", "otp"),
    ("otp=123456&user=bob", "otp=[otp]&user=bob", "otp"),
    ("verification code 90210 accepted", "verification code [otp] accepted", "otp"),
    ("Your Acme verification code is: 123-456", "Your Acme verification code is: [otp]", "otp"),
    ("MFA code 123 456 rejected", "MFA code [otp] rejected", "otp"),
    ("sms code G-884211", "sms code [otp]", "otp"),
    ("PIN: 4821", "PIN: [otp]", "otp"),
    ("approval code=4471", "approval code=[otp]", "otp"),
    ("Push approval code 47 shown on the sign-in screen", "Push approval code [otp] shown on the sign-in screen", "otp"),
    ("number match: 83", "number match: [otp]", "otp"),
    ("login ok, code: 884211", "login ok, code: [otp]", "otp"),
    ("Your code is 554433", "Your code is [otp]", "otp"),
    (r#"{"otp":"123456","attempt":2}"#, r#"{"otp":"[otp]","attempt":2}"#, "otp"),
    ("SMS: 482913 is your Acme verification code", "SMS: [otp] is your Acme verification code", "otp"),
    // otpauth URIs (they carry the secret and the account) and TOTP secrets.
    (
        "scanned otpauth://totp/Acme:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme done",
        "scanned [otpauth-uri] done",
        "otpauth_uri",
    ),
    (
        "import otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGGFsaWNlQGV4YW1wbGUuY29t",
        "import [otpauth-uri]",
        "otpauth_uri",
    ),
    ("totp secret: JBSWY3DPEHPK3PXPJBSWY3DP", "totp secret: [totp-secret]", "totp_secret"),
    ("enrol secret=JBSWY3DPEHPK3PXP issuer=Acme", "enrol secret=[totp-secret] issuer=Acme", "totp_secret"),
    ("the seed JBSWY3DPEHPK3PXP was provisioned", "the seed [totp-secret] was provisioned", "totp_secret"),
    ("manual key: jbsw y3dp ehpk 3pxp", "manual key: [totp-secret]", "totp_secret"),
    // Bearer and API tokens, JWTs, cookies.
    ("Authorization: Bearer abc.DEF-123_456~xyz", "Authorization: Bearer [token]", "bearer_token"),
    ("authorization: Basic Ym9iOmh1bnRlcjI=", "authorization: Basic [token]", "bearer_token"),
    (r#"headers {"Authorization":"Bearer abcdef1234567890"}"#, r#"headers {"Authorization":"Bearer [token]"}"#, "bearer_token"),
    (
        r#"Proxy-Authorization: Digest username="bob", realm="x", response="6629fae49393a05397450978507c4ef1""#,
        "Proxy-Authorization: Digest [token]",
        "bearer_token",
    ),
    ("using bearer eyJhbGciOiJIUzI1NiJ9x", "using bearer [token]", "bearer_token"),
    (
        "id_token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        "id_token [jwt]",
        "jwt",
    ),
    (
        "token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVP-mB92K27uhbU",
        "token=[jwt]",
        "jwt",
    ),
    ("Set-Cookie: session=38afes7a8; HttpOnly; Secure", "Set-Cookie: session=[cookie]; HttpOnly; Secure", "cookie"),
    ("Cookie: sid=abc; csrftoken=xyz", "Cookie: [cookie]", "cookie"),
    ("x-api-key: 9f8e7d6c5b4a", "x-api-key: [api-key]", "api_key"),
    (r#"config {"apiKey": "AIzaSyA1234567890abcdefghijklmnopqrstuv"}"#, r#"config {"apiKey": "[api-key]"}"#, "api_key"),
    ("key AIzaSyA1234567890abcdefghijklmnopqrstuv in config", "key [api-key] in config", "api_key"),
    // Passwords and tokens in URLs, query strings, key=value and JSON.
    (
        "GET https://api.example.com/login?user=bob&password=hunter2&next=/home",
        "GET https://api.example.com/login?user=bob&password=[secret]&next=/home",
        "url_secret",
    ),
    ("connecting to https://bob:hunter2@example.com/x", "connecting to https://[secret]@example.com/x", "url_secret"),
    ("callback ?state=xyz&code=4/0AY0e-g7abc", "callback ?state=xyz&code=[secret]", "url_secret"),
    ("https://example.com/cb#access_token=ya29.a0AfH6&token_type=bearer", "https://example.com/cb#access_token=[secret]&token_type=bearer", "url_secret"),
    (r#"body {"password":"p@ss w0rd","user":"bob"}"#, r#"body {"password":"[secret]","user":"bob"}"#, "url_secret"),
    ("password: hunter2", "password: [secret]", "url_secret"),
    ("user typed password \"correct horse\"", "user typed password \"[secret]\"", "url_secret"),
    ("X-Auth-Token: 0123456789abcdef0123", "X-Auth-Token: [secret]", "url_secret"),
    ("refresh with refreshToken=1//0gabcdefghijk", "refresh with refreshToken=[secret]", "url_secret"),
    ("PushService token=abc123def456 rejected", "PushService token=[secret] rejected", "url_secret"),
    // Push tokens: FCM registration tokens and APNs device tokens.
    (
        "fcm token: dX34abcdefgh:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx",
        "fcm token: [push-token]",
        "push_token",
    ),
    (
        "Refreshed token: cK9x2abcDEF:APA91bFOO_barBaz1234567890abcdefghijklmnop",
        "Refreshed token: [push-token]",
        "push_token",
    ),
    (
        "apns device token 740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad",
        "apns device token [push-token]",
        "push_token",
    ),
    (
        "didRegisterForRemoteNotificationsWithDeviceToken: <740f4707 bebcf74f 9b7c25d4 8e335894 5f6aa01d a5ddb387 462c7eaf 61bb78ad>",
        "didRegisterForRemoteNotificationsWithDeviceToken: [push-token]",
        "push_token",
    ),
    // Personal data.
    ("mail alice.smith+mfa@example.co.uk now", "mail [email] now", "email"),
    ("carddav https://xpc_ben%40163.com@contacts.example.com/", "carddav https://[email]@contacts.example.com/", "email"),
    ("call +44 20 7946 0958 for help", "call [phone] for help", "phone"),
    ("SMS to +14155550132 queued", "SMS to [phone] queued", "phone"),
    ("US number (415) 555-0132", "US number [phone]", "phone"),
    ("callback 415-555-0132", "callback [phone]", "phone"),
    ("UK mobile 07700 900123", "UK mobile [phone]", "phone"),
    ("msisdn=447700900123", "msisdn=[phone]", "phone"),
    ("peer 203.0.113.42:443 refused", "peer [ipv4]:443 refused", "ipv4"),
    ("IPV6 Addr: 2607:f140:6000:8:c6b3:1ff:fecd:467f", "IPV6 Addr: [ipv6]", "ipv6"),
    ("link-local fe80::1c2b:3aff:fe4d:5e6f up", "link-local [ipv6] up", "ipv6"),
    ("dial [2001:db8::7]:443", "dial [[ipv6]]:443", "ipv6"),
];

/// Lines a developer needs exactly as they are.
const KEPT: &[&str] = &[
    "03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app wtoken = AppWindowToken{9f4ef63 token=Token{a64f992 ActivityRecord{de9231d u0 com.tencent.qt.qtl/.activity.info.NewsDetailXmlActivity t761}}}",
    "03-17 16:13:45.466  1702 17632 W ActivityManager: Bad activity token: android.os.BinderProxy@2bd79ce",
    "HTTP/1.1 503 Service Unavailable",
    "HTTP/1.1 200 OK",
    "accept failed: status=503 after 1200ms, retry_count=3",
    "response code: 200, exit code 1, code 503 from upstream",
    "retry 2 of 3 took 250 ms",
    "took 1234ms",
    "pushdoctor 6.2.0 (build 4521) on Android 14",
    "version 6.2.0 (build 12345)",
    "update to version 1.2.8.57",
    "<KSTicket:0x10053b310 productID=com.google.Keystone version=1.2.8.57 xc=<KSPathExistenceChecker:0x10053ac30>",
    "certificate leaf[field.1.2.840.113635.100.6.1.13] exists",
    "Jul  1 09:00:55 calvisitor-10-105-160-95 kernel[0]: IOThunderboltSwitch<0>(0x0)::listenerCallback",
    "2026-11-27T09:41:00.123Z W Accept[1702:2395] (main): attempt 2",
    "2026-11-27T09:41:00+01:00 sync",
    "AirPort_Brcm43xx::syncPowerState: WWEN[enabled]",
    "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "pid 31337, uid 10037, tid 12345 uptime 1234567890",
    "Error Domain=com.apple.security.sos.error Code=1035 \"Account identity not set\"",
    "Error Domain=NSURLErrorDomain Code=-1001 \"The request timed out.\" errorCode=1001",
    "the request token was [secret] and the mail [email]",
    "Could not get event name for stream/token: com.apple.xpc.activity/4505: 132",
    "token: null, password: <private>, secret=***",
    "Authorization: required",
    "Bearer authentication failed",
    "loopback 127.0.0.1 and ::1, netmask 255.255.255.0, dns 8.8.8.8",
    "mac aa:bb:cc:dd:ee:ff bssid 00:1a:2b:3c:4d:5e time 12:34:56",
    "uuid 123e4567-e89b-12d3-a456-426614174000",
    "std::vector Add::Delete Result::Ok",
    "icon@2x.png loaded",
    "pinned certificate 1234567, spinning 1234 times",
    "date 2026-11-27 12:00 build 2026.11.27.1",
];

#[test]
fn every_category_is_replaced_and_counted() {
    let mut wrong = Vec::new();
    for (input, expected, category) in SECRETS {
        let (out, counts) = redact(input);
        if out != *expected {
            wrong.push(format!("{input}\n   gave {out}\n   want {expected}"));
        } else if counts.0.get(*category).copied().unwrap_or(0) < 1 {
            wrong.push(format!("{input}\n   counted {counts:?}, want {category}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    for (input, expected, _) in SECRETS {
        assert_eq!(
            redactor().scan(expected).total(),
            0,
            "nothing survives in {expected}"
        );
        assert_eq!(
            redact(expected).0,
            *expected,
            "{expected} redacts to itself"
        );
        assert!(
            redactor().scan(input).total() >= 1,
            "scan finds the secret in {input}"
        );
    }
}

#[test]
fn what_developers_need_is_kept_byte_for_byte() {
    let changed: Vec<String> = KEPT
        .iter()
        .filter_map(|line| {
            let (out, counts) = redact(line);
            (out != *line).then(|| format!("{line}\n   gave {out} ({counts:?})"))
        })
        .collect();
    assert!(changed.is_empty(), "{}", changed.join("\n"));
    for line in KEPT {
        assert_eq!(redactor().scan(line).total(), 0, "{line}");
    }
}

#[test]
fn ip_modes() {
    let line = "from 192.168.1.77 to 2001:db8:85a3::8a2e:370:7334 and 192.168.1.77 again";
    let with = |ip_mode, hash_key: &str| {
        let redactor = Redactor::new(RedactionConfig {
            ip_mode,
            hash_key: hash_key.into(),
            ..RedactionConfig::default()
        })
        .unwrap();
        let mut counts = RedactionCounts::default();
        let out = redactor.redact(line, &mut counts).into_owned();
        assert_eq!(counts.summary(), "ipv4 2, ipv6 1");
        assert_eq!(redactor.redact(&out, &mut RedactionCounts::default()), out);
        assert_eq!(redactor.scan(&out).total(), 0, "{out}");
        out
    };
    assert_eq!(
        with(IpMode::Mask, ""),
        "from [ipv4] to [ipv6] and [ipv4] again"
    );
    assert_eq!(
        with(IpMode::KeepNetwork, ""),
        "from 192.168.1.[x] to 2001:db8:85a3:[x] and 192.168.1.[x] again"
    );
    let hashed = with(IpMode::Hash, "app-key");
    let words: Vec<&str> = hashed.split(' ').collect();
    assert!(words[1].starts_with("[ipv4:") && words[1].len() == "[ipv4:12345678]".len());
    assert!(words[3].starts_with("[ipv6:"));
    assert_eq!(words[1], words[5], "the same address, the same token");
    assert_eq!(
        hashed,
        with(IpMode::Hash, "app-key"),
        "stable under one key"
    );
    assert_ne!(hashed, with(IpMode::Hash, "other-key"), "keyed");
    assert_eq!(
        RedactionConfig::default().ip_mode,
        IpMode::Hash,
        "the bundle's default"
    );
}

#[test]
fn the_apps_own_patterns_and_exemptions() {
    let config = RedactionConfig {
        custom_patterns: vec![CustomPattern {
            name: "account_id".into(),
            regex: r"\bACME-[0-9]{8}\b".into(),
        }],
        exemptions: vec!["support@acme.example".into()],
        exemption_patterns: vec![r"10\.0\.2\.[0-9]+".into()],
        ip_mode: IpMode::Mask,
        ..RedactionConfig::default()
    };
    // The configuration travels as JSON (from Kotlin or Swift).
    let json = serde_json::to_string(&config).unwrap();
    let config: RedactionConfig = serde_json::from_str(&json).unwrap();
    let redactor = Redactor::new(config).unwrap();
    let mut counts = RedactionCounts::default();
    let out = redactor.redact(
        "ACME-12345678 wrote to support@acme.example and bob@example.com from emulator 10.0.2.15 and 10.1.2.3",
        &mut counts,
    );
    assert_eq!(
        out,
        "[account_id] wrote to support@acme.example and [email] from emulator 10.0.2.15 and [ipv4]"
    );
    assert_eq!(counts.summary(), "account_id 1, email 1, ipv4 1");
    assert_eq!(redactor.scan(&out).total(), 0);

    let invalid = Redactor::new(RedactionConfig {
        custom_patterns: vec![CustomPattern {
            name: "broken".into(),
            regex: "ACME-[0-9".into(),
        }],
        ..RedactionConfig::default()
    });
    match invalid {
        Err(RedactionError::InvalidPattern { name, .. }) => assert_eq!(name, "broken"),
        Ok(_) => panic!("an invalid pattern was accepted"),
    }
    // An empty configuration (`{}`) is the default.
    let empty: RedactionConfig = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, RedactionConfig::default());
}

#[test]
fn newlines_are_never_added_or_removed() {
    let text = "a {\"password\":\"abc\ndef\"}\r\nAuthorization: Bearer abcdefgh12345678\r\n\nCookie: a=b\rc=d\nlast bob@example.com";
    let (out, _) = redact(text);
    assert_eq!(out.matches('\n').count(), text.matches('\n').count());
    assert_eq!(out.matches('\r').count(), text.matches('\r').count());
    assert_eq!(
        out,
        "a {\"password\":\"[secret]\ndef\"}\r\nAuthorization: Bearer [token]\r\n\nCookie: [cookie]\rc=d\nlast [email]"
    );
}

/// An independent look for addresses: words of hex digits, `:` and `.`
/// that std parses as an IP address (a port after an IPv4 address
/// allowed), other than loopback and unspecified, and not a version.
fn addresses(line: &str) -> Vec<String> {
    let is_part = |c: char| c.is_ascii_hexdigit() || c == ':' || c == '.';
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = line[at..].find(|c: char| c.is_ascii_hexdigit() || c == ':') {
        let start = at + offset;
        let end = line[start..]
            .find(|c: char| !is_part(c))
            .map_or(line.len(), |n| start + n);
        at = end;
        // `en0:10.1.2.3`, `Addr: …:`: a colon that is not `::` is punctuation.
        let mut word = &line[start..end];
        let mut from = start;
        if !word.starts_with("::") {
            from += word.len() - word.trim_start_matches(':').len();
            word = word.trim_start_matches(':');
        }
        if !word.ends_with("::") {
            word = word.trim_end_matches(':');
        }
        let before = &line[..from];
        let glued = before.ends_with(|c: char| c.is_alphanumeric() || c == '.')
            || line[end..].starts_with(|c: char| c.is_alphanumeric());
        let candidate = match word.rsplit_once(':') {
            Some((v4, port)) if v4.contains('.') && port.parse::<u16>().is_ok() => v4,
            _ => word.trim_end_matches('.'),
        };
        if let Ok(ip) = candidate.parse::<IpAddr>() {
            if !glued && !ip.is_loopback() && !ip.is_unspecified() && !before.ends_with("version=")
            {
                found.push(candidate.to_string());
            }
        }
    }
    found
}

fn loghub(file: &str) -> Option<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/loghub");
    let path = dir.join(file);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            pushdoctor_tests::skip::skip(&format!(
                "{} is absent; redaction was not run over it",
                path.display()
            ));
            None
        }
    }
}

/// The first 200 lines of each sample: nothing changes but the addresses.
#[test]
fn loghub_first_lines_stay_byte_identical_but_for_addresses() {
    for file in ["Android_2k.log", "Mac_2k.log"] {
        let Some(text) = loghub(file) else { continue };
        let redactor = with_mode(IpMode::Hash);
        let mut changed = 0;
        for (n, line) in text.lines().take(200).enumerate() {
            let mut counts = RedactionCounts::default();
            let out = redactor.redact(line, &mut counts);
            let expected = addresses(line);
            if expected.is_empty() {
                assert_eq!(out, line, "{file}:{}: changed ({counts:?})", n + 1);
            } else {
                changed += 1;
                for address in &expected {
                    assert!(!out.contains(address.as_str()), "{file}:{}: {out}", n + 1);
                }
                let categories: Vec<&String> = counts.0.keys().collect();
                assert!(
                    categories.iter().all(|c| *c == "ipv4" || *c == "ipv6"),
                    "{file}:{}: {counts:?}",
                    n + 1
                );
            }
        }
        eprintln!("{file}: first 200 lines, {changed} with an address changed, the rest identical");
    }
}

/// Both samples whole: the line count is kept (redacting the whole text at
/// once, as a file), every address found independently is gone, only lines
/// with an address or an `@` change, and a second pass changes nothing.
#[test]
fn loghub_samples_keep_their_shape() {
    for file in ["Android_2k.log", "Mac_2k.log"] {
        let Some(text) = loghub(file) else { continue };
        let redactor = with_mode(IpMode::Hash);
        let mut counts = RedactionCounts::default();
        let whole = redactor.redact(&text, &mut counts);
        assert_eq!(whole.lines().count(), text.lines().count(), "{file}");
        assert_eq!(whole.matches('\n').count(), text.matches('\n').count());
        let mut changed = 0;
        for (n, (before, after)) in text.lines().zip(whole.lines()).enumerate() {
            for address in addresses(before) {
                assert!(
                    !after.contains(address.as_str()),
                    "{file}:{}: {address} survived: {after}",
                    n + 1
                );
            }
            if before != after {
                changed += 1;
                assert!(
                    !addresses(before).is_empty() || before.contains('@'),
                    "{file}:{}: changed with no address or e-mail in it:\n{before}\n{after}",
                    n + 1
                );
                // The timestamp at the start survives.
                assert_eq!(after.get(..15), before.get(..15), "{before}");
            }
        }
        assert_eq!(
            redactor.redact(&whole, &mut RedactionCounts::default()),
            whole
        );
        assert_eq!(redactor.scan(&whole).total(), 0);
        eprintln!(
            "{file}: {changed} of {} lines changed: {}",
            text.lines().count(),
            if counts.total() == 0 {
                "nothing redacted".to_string()
            } else {
                counts.summary()
            }
        );
    }
}

/// Pieces of secrets and of what surrounds them, for the properties.
const PIECES: &[&str] = &[
    "password",
    "token",
    "secret",
    "seed",
    "key",
    "otp",
    "code",
    "pin",
    "passcode",
    "approval code",
    "Authorization: ",
    "Bearer ",
    "Cookie: ",
    "Set-Cookie: ",
    "x-api-key",
    "device token",
    "version",
    "=",
    ":",
    ": ",
    " is ",
    "\"",
    "'",
    " ",
    " ",
    "\n",
    "\r\n",
    "\t",
    ";",
    "&",
    "?",
    "#",
    "@",
    ".",
    "-",
    "/",
    "://",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    "%40",
    "123456",
    "4521",
    "12",
    "503",
    "0",
    "255",
    "10.1.2.3",
    "1.2",
    "fe80",
    "::",
    "2001:db8",
    "1",
    "+44 20 7946 0958",
    "(415) 555-0132",
    "07700 900123",
    "bob",
    "example.com",
    "bob@example.com",
    "https://",
    "user:pw@host",
    "JBSWY3DPEHPK3PXP",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijk",
    "AIzaSyA1234567890abcdefghijklmnopqrstuv",
    "dX34abcdefgh:APA91bHun4MxP5egoKMwt2KZFBaFUH",
    "740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad",
    "otpauth://totp/x?secret=A",
    "[email]",
    "[secret]",
    "[ipv4:1a2b3c4d]",
    "[x]",
    "null",
    "Token{ab12",
    "é",
    "日本",
    "\\",
    "G-",
    "验证码",
    "为",
    "код",
    "：",
    "１２３４５６",
    "código",
    " es ",
    "-----BEGIN PRIVATE KEY-----",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
    "Set-Cookie: ",
    "sid=",
    "; Path=/",
    "%2B44",
    "%20",
    "1234-5678-9012",
    "recovery",
    "AKIAIOSFODNN7EXAMPLE",
    "https://hooks.slack.com/services/",
    "AccountKey=",
];

fn assert_properties(r: &Redactor, text: &str) -> Result<(), TestCaseError> {
    let mut counts = RedactionCounts::default();
    let once = r.redact(text, &mut counts).into_owned();
    prop_assert_eq!(once.matches('\n').count(), text.matches('\n').count());
    prop_assert_eq!(once.matches('\r').count(), text.matches('\r').count());
    prop_assert_eq!(once.lines().count(), text.lines().count());
    let twice = r
        .redact(&once, &mut RedactionCounts::default())
        .into_owned();
    prop_assert_eq!(&twice, &once);
    prop_assert_eq!(r.scan(&once).total(), 0);
    prop_assert_eq!(r.scan(text).total(), counts.total());
    Ok(())
}

/// Texts the property tests once found wrong, kept as they were found.
#[test]
fn found_by_the_property_tests() {
    for text in [
        // A key's prefix began at the `.` after a JWT: once the JWT was a
        // token, that match touched it and was let go, and the next JWT
        // came to light only the second time.
        "eyJhbGciOi.eyJhbGciOi.eyJhbGciOi.eyJhbGciOi.eyJhbGciOi.eyJhbGciOi.eyJhbGciOi.AccountKey=AccountKey=",
        "eyJhbGciOi.eyJhbGciOi.eyJhbGciOi.eyJhbGciOi.eyJhbGciOi.eyJhbGciOi.eyJhbGciOi.token=token=",
        // A recovery word within a fixed distance: the distance changed
        // when what stood between was replaced.
        "验证码1111-1111-1111 1111-1111-1111 1111-1111-1111 1111-1111-1111 1111-1111-1111 1111-1111-1111 1111-1111-1111 1111-1111-1111 1111-1111-1111 1111-1111-1111 1111-1111-1111 1111-1111-1111 ",
        // A cookie's "name" that was a URI.
        "Set-Cookie: otpauth://totp/x?secret=A",
        // `Set-` glued to a word before it is no `Set-Cookie` header.
        "bob@example.comSet-Cookie: sid=",
        "a@b.Set-Cookie: a =",
        // Every word start of a long key could begin a rejected match.
        "x-api-keyx-api-keyx-api-keyx-api-keyx-api-keyx-api-keyx-api-keytoken: null ",
    ] {
        for ip_mode in [IpMode::Mask, IpMode::Hash, IpMode::KeepNetwork] {
            assert_properties(with_mode(ip_mode), text).unwrap();
        }
    }
}

fn mode() -> impl Strategy<Value = IpMode> {
    prop_oneof![
        Just(IpMode::Mask),
        Just(IpMode::Hash),
        Just(IpMode::KeepNetwork)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn line_for_line_and_idempotent_on_any_text(
        text in "(?s)[ -~\\n\\r\\t]{0,300}|[a-z0-9@.:/?=&+ -]{0,200}",
        ip_mode in mode(),
    ) {
        assert_properties(with_mode(ip_mode), &text)?;
    }

    #[test]
    fn line_for_line_and_idempotent_on_secrets_glued_together(
        pieces in prop::collection::vec(prop::sample::select(PIECES), 0..16),
        ip_mode in mode(),
    ) {
        assert_properties(with_mode(ip_mode), &pieces.concat())?;
    }
}

/// One line of the corpus (`tests/fixtures/redaction/`): the line as fed,
/// as expected back, and the categories expected counted.
struct CorpusLine {
    at: String,
    input: String,
    expected: String,
    categories: Vec<String>,
}

/// `⟦category:secret⟧` → the secret in the input, the category's token in
/// the expected output.
fn corpus_line(at: String, line: &str) -> CorpusLine {
    let token = |category: &str| {
        pushdoctor_core::logs::redact::CATEGORIES
            .iter()
            .find(|(name, _)| *name == category)
            .map(|(_, token)| token.to_string())
            .unwrap_or_else(|| panic!("{at}: no category `{category}`"))
    };
    let (mut input, mut expected, mut categories) = (String::new(), String::new(), Vec::new());
    let mut rest = line;
    while let Some(open) = rest.find('⟦') {
        let close = rest[open..]
            .find('⟧')
            .map(|c| open + c)
            .unwrap_or_else(|| panic!("{at}: ⟦ without ⟧"));
        let (category, secret) = rest[open + '⟦'.len_utf8()..close]
            .split_once(':')
            .unwrap_or_else(|| panic!("{at}: ⟦category:secret⟧"));
        input.push_str(&rest[..open]);
        expected.push_str(&rest[..open]);
        input.push_str(secret);
        expected.push_str(&token(category));
        categories.push(category.to_string());
        rest = &rest[close + '⟧'.len_utf8()..];
    }
    input.push_str(rest);
    expected.push_str(rest);
    CorpusLine {
        at,
        input,
        expected,
        categories,
    }
}

fn corpus() -> Vec<CorpusLine> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/redaction");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut lines = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for (n, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            lines.push(corpus_line(format!("{name}:{}", n + 1), line));
        }
    }
    lines
}

/// Every corpus line comes back as expected, with what it held counted, and
/// the result redacts to itself and scans clean.
#[test]
fn the_corpus() {
    let lines = corpus();
    let mut wrong = Vec::new();
    for line in &lines {
        let (out, counts) = redact(&line.input);
        if out != line.expected {
            wrong.push(format!(
                "{}: {}\n   gave {out}\n   want {}",
                line.at, line.input, line.expected
            ));
            continue;
        }
        let mut want = RedactionCounts::default();
        for category in &line.categories {
            *want.0.entry(category.clone()).or_default() += 1;
        }
        if counts != want {
            wrong.push(format!(
                "{}: {}\n   counted {}, want {}",
                line.at,
                line.input,
                counts.summary(),
                want.summary()
            ));
        }
        if redactor().scan(&line.expected).total() != 0 || redact(&line.expected).0 != line.expected
        {
            wrong.push(format!(
                "{}: {} is not a fixed point",
                line.at, line.expected
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{}\n{} wrong",
        wrong.join("\n"),
        wrong.len()
    );
    assert!(lines.len() >= 200, "{} lines", lines.len());
}

/// The corpus covers every language the issue names and every kind of
/// secret it names (a corpus file deleted or emptied fails here).
#[test]
fn the_corpus_covers_the_languages_and_the_formats() {
    let lines = corpus();
    for lang in [
        "en", "es", "fr", "de", "pt", "it", "nl", "ja", "zh", "ru", "ar", "hi",
    ] {
        let file = format!("{lang}.txt:");
        let otp = lines
            .iter()
            .filter(|l| l.at.starts_with(&file) && l.categories.iter().any(|c| c == "otp"))
            .count();
        let kept = lines
            .iter()
            .filter(|l| l.at.starts_with(&file) && l.categories.is_empty())
            .count();
        assert!(
            otp >= 4 && kept >= 2,
            "{lang}: {otp} codes, {kept} look-alikes"
        );
    }
    for category in ["recovery_code", "api_key", "private_key", "phone", "cookie"] {
        assert!(
            lines
                .iter()
                .any(|l| l.categories.iter().any(|c| c == category)),
            "{category}"
        );
    }
}

/// Each well-known key format on its own, with no key name before it to
/// help: deleting any one from the scrubber fails here.
#[test]
fn every_documented_key_format_is_caught_alone() {
    let formats = [
        ("Google", "AIzaSyA1234567890abcdefghijklmnopqrstuv"),
        (
            "Google OAuth client secret",
            "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",
        ),
        ("Stripe secret", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
        ("Stripe publishable", "pk_test_TYooMQauvdEDq54NiTphI7jx"),
        ("Stripe restricted", "rk_live_51H8abcdefghijklmnop"),
        ("Stripe webhook", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        ("Slack bot", "xoxb-123456789012-1234567890123-AbCdEfGhIjKl"),
        ("Slack user", "xoxp-123456789012-1234567890123-AbCdEfGhIjKl"),
        ("Slack app", "xapp-1-A0123456789-1234567890123-abcdef0123"),
        ("GitHub classic", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
        ("GitHub OAuth", "gho_16C7e42F292c6912E7710c838347Ae178B4a"),
        (
            "GitHub fine-grained",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
        ),
        ("GitLab personal", "glpat-xxxxxxxxxxxxxxxxxxxx"),
        ("GitLab deploy", "gldt-AbCdEfGhIjKlMnOpQrSt"),
        ("GitLab runner", "glrt-AbCdEfGhIjKlMnOpQrSt"),
        ("npm", "npm_abcdefghijklmnopqrstuvwxyz0123456789"),
        ("AWS key id", "AKIAIOSFODNN7EXAMPLE"),
        ("AWS temporary key id", "ASIAY34FZKBOKMUTVV7A"),
        ("Twilio API key", "SK0123456789abcdef0123456789abcdef"),
        ("Twilio account", "AC0123456789abcdef0123456789abcdef"),
        (
            "SendGrid",
            "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",
        ),
    ];
    for (what, key) in formats {
        let line = format!("loaded {key} from config");
        let (out, counts) = redact(&line);
        assert_eq!(out, "loaded [api-key] from config", "{what}");
        assert_eq!(counts.summary(), "api_key 1", "{what}");
    }
    // The Slack webhook's path is the credential.
    let (out, _) = redact("POST https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX ok");
    assert_eq!(out, "POST https://hooks.slack.com/services/[api-key] ok");
}

/// Each key name the text rules know, with `=` and with `: `, in a line
/// (deleting `private_key` or `signature` from the scrubber fails here).
#[test]
fn every_secret_key_name_is_caught_in_text() {
    let keys = [
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "client_secret",
        "access_token",
        "refresh_token",
        "X-Auth-Token",
        "aws_access_key",
        "secret_key",
        "AccountKey",
        "private_key",
        "privateKey",
        "signature",
        "X-Hub-Signature",
    ];
    for key in keys {
        for sep in ["=", ": "] {
            let line = format!("config {key}{sep}Zx81kq0v done");
            let (out, counts) = redact(&line);
            assert!(
                !out.contains("Zx81kq0v") && counts.total() == 1,
                "{key}{sep}: {out} ({counts:?})"
            );
        }
    }
    for key in [
        "pass",
        "sid",
        "sig",
        "session",
        "jsessionid",
        "credential",
        "code_verifier",
    ] {
        let (out, _) = redact(&format!("{key}=Zx81kq0v"));
        assert_eq!(out, format!("{key}=[secret]"), "{key}");
    }
}

/// A PEM private key in one text: every body line replaced, every line
/// break kept, the BEGIN/END lines kept (they say what was there).
#[test]
fn a_pem_private_key_block_loses_its_body_not_its_lines() {
    let block = "key loaded:\n-----BEGIN RSA PRIVATE KEY-----\r\nProc-Type: 4,ENCRYPTED\r\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\r\nMZjJ8LvIRQ==\r\n-----END RSA PRIVATE KEY-----\ndone";
    let (out, counts) = redact(block);
    assert_eq!(
        out,
        "key loaded:\n-----BEGIN RSA PRIVATE KEY-----\r\n[private-key]\r\n[private-key]\r\n[private-key]\r\n-----END RSA PRIVATE KEY-----\ndone"
    );
    assert_eq!(counts.summary(), "private_key 1");
    assert_eq!(redact(&out).0, out);
    assert_eq!(redactor().scan(&out).total(), 0);
}

/// Field keys decide: the whole value of a secret-named key is replaced
/// whatever it looks like; other keys' values are scrubbed as text.
#[test]
fn a_fields_key_decides() {
    let r = redactor();
    let cases: &[(&str, &str, &str)] = &[
        ("password", "hunter2", "[secret]"),
        ("Password", "correct horse battery", "[secret]"),
        ("user.password", "x", "[secret]"),
        ("passwd", "x1", "[secret]"),
        ("pwd", "x1", "[secret]"),
        ("secret", "x1", "[secret]"),
        ("client_secret", "x1", "[secret]"),
        ("token", "abc", "[secret]"),
        ("access_token", "abc", "[secret]"),
        ("accessToken", "abc", "[secret]"),
        ("oauth2Token", "abc", "[secret]"),
        ("refresh_token", "abc", "[secret]"),
        ("id_token", "abc", "[secret]"),
        ("X-Auth-Token", "abc", "[secret]"),
        ("api_key", "abc", "[api-key]"),
        ("apiKey", "abc", "[api-key]"),
        ("aws_secret_access_key", "abc", "[api-key]"),
        ("otp", "771204", "[otp]"),
        ("code", "771204", "[otp]"),
        ("passcode", "12", "[otp]"),
        ("pin", "0000", "[otp]"),
        ("verification_code", "771204", "[otp]"),
        ("recovery_codes", "a b c", "[recovery-code]"),
        ("private_key", "MIIEvQIBADANBg", "[private-key]"),
        ("privateKey", "MIIEvQIBADANBg", "[private-key]"),
        ("signature", "t=1,v1=ab", "[secret]"),
        ("cookie", "a=b", "[cookie]"),
        ("session", "s1", "[cookie]"),
        ("session_id", "s1", "[cookie]"),
        ("JSESSIONID", "s1", "[cookie]"),
        ("Authorization", "Bearer abc", "[token]"),
        ("contraseña", "x1", "[secret]"),
        ("mot_de_passe", "x1", "[secret]"),
        ("Passwort", "x1", "[secret]"),
        ("senha", "x1", "[secret]"),
        ("пароль", "x1", "[secret]"),
        ("密码", "x1", "[secret]"),
        ("パスワード", "x1", "[secret]"),
    ];
    for (key, value, token) in cases {
        let mut counts = RedactionCounts::default();
        let out = r.redact_field(key, value, &mut counts);
        assert!(matches!(out, std::borrow::Cow::Owned(_)), "{key}");
        assert_eq!(out, *token, "{key}={value}");
        assert_eq!(counts.total(), 1, "{key}");
        assert_eq!(r.scan_field(key, value), counts, "{key}");
        // Scrubbed, it stays as it is, and scans clean.
        let mut again = RedactionCounts::default();
        assert_eq!(r.redact_field(key, &out, &mut again), out, "{key}");
        assert_eq!(again.total(), 0, "{key}");
        assert_eq!(r.scan_field(key, &out).total(), 0, "{key}");
    }
    // Keys that say nothing (or say something else): the value as text.
    let kept: &[(&str, &str)] = &[
        ("token_type", "bearer"),
        ("session_count", "3"),
        ("error_code", "1001"),
        ("status_code", "503"),
        ("country_code", "44"),
        ("pinned", "true"),
        ("tokens_used", "512"),
        ("attempt", "2"),
        ("key", "volume_up"),
        ("message", "all good"),
    ];
    for (key, value) in kept {
        let mut counts = RedactionCounts::default();
        let out = r.redact_field(key, value, &mut counts);
        assert!(matches!(out, std::borrow::Cow::Borrowed(_)), "{key}");
        assert_eq!(counts.total(), 0, "{key}");
    }
    // A plain key's value is still scrubbed as text.
    let mut counts = RedactionCounts::default();
    assert_eq!(
        r.redact_field("note", "mail bob@example.com", &mut counts),
        "mail [email]"
    );
    // An exempted value stays, whatever its key.
    let exempting = Redactor::new(RedactionConfig {
        exemptions: vec!["demo-password".into()],
        ..RedactionConfig::default()
    })
    .unwrap();
    let out = exempting.redact_field("password", "demo-password", &mut counts);
    assert!(matches!(out, std::borrow::Cow::Borrowed("demo-password")));
    assert_eq!(exempting.scan_field("password", "demo-password").total(), 0);
    // Nothing there: a placeholder or empty value stays, borrowed.
    for value in ["", "null", "<private>", "***"] {
        let out = r.redact_field("password", value, &mut counts);
        assert!(matches!(out, std::borrow::Cow::Borrowed(_)), "{value:?}");
    }
}

/// `logs.txt` of a bundle holding `record` (the records' one copy since
/// bundle format 2), once the bundle has verified clean.
fn bundled(record: &pushdoctor_core::logs::LogRecord) -> [(&'static str, String); 1] {
    use pushdoctor_core::bundle::{BundleOptions, BundleWriter};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.zip");
    let mut writer = BundleWriter::create(&path, BundleOptions::default()).unwrap();
    writer.add(record).unwrap();
    writer.finish().unwrap();
    let report = pushdoctor_core::bundle::inspect::Bundle::open(&path)
        .unwrap()
        .verify();
    assert!(report.is_ok(), "{:?}", report.problems);
    ["logs.txt"].map(|entry| (entry, pushdoctor_tests::bundle_entry(&path, entry)))
}

#[test]
fn every_string_of_a_record_is_scrubbed_in_a_bundle_not_only_the_message() {
    use pushdoctor_core::logs::{Level, LogRecord, Origin};
    let mut record = LogRecord::new(
        1_790_000_000_000,
        Level::Info,
        "Login/alice@example.com",
        "nothing here",
        Origin::App,
    );
    record.thread = Some("sync-bob@example.com".into());
    record.fields = vec![("carol@example.com".into(), "ok".into())];
    for (entry, text) in bundled(&record) {
        for address in ["alice@", "bob@", "carol@"] {
            assert!(!text.contains(address), "{address} in {entry}: {text}");
        }
        // As the tools read it back: a tag's `[` is written `\x5b`, since
        // in the line it would start the ids.
        let read = pushdoctor_core::bundle::log_line::parse_line(&text).unwrap();
        assert_eq!(read.tag, "Login/[email]", "{entry}: {text}");
        assert_eq!(read.thread.as_deref(), Some("[email]"), "{entry}: {text}");
        assert_eq!(read.fields, [("[email]".to_string(), "ok".to_string())]);
    }
}

/// Through a real bundle: `password=hunter2` and `otp=771204` given as
/// fields do not survive in logs.txt, and the bundle verifies clean.
#[test]
fn secret_fields_do_not_survive_a_bundle() {
    use pushdoctor_core::logs::{Level, LogRecord, Origin};
    let mut record = LogRecord::new(
        1_790_000_000_000,
        Level::Info,
        "Login",
        "sign-in attempt",
        Origin::App,
    );
    record.fields = vec![
        ("password".into(), "hunter2".into()),
        ("otp".into(), "771204".into()),
        ("access_token".into(), "tok-ABC".into()),
        ("private_key".into(), "MIIEvQIBADAN".into()),
        ("attempt".into(), "2".into()),
    ];
    let [(_, text)] = bundled(&record);
    for secret in ["hunter2", "771204", "tok-ABC", "MIIEvQIBADAN"] {
        assert!(!text.contains(secret), "{secret} in logs.txt: {text}");
    }
    assert!(
        text.contains(
            "{password=[secret] otp=[otp] access_token=[secret] private_key=[private-key] attempt=2}"
        ),
        "{text}"
    );
}

/// Texts built to make a scrubber backtrack or restart: many near-matches
/// of every rule's start, rejected one after another.
const HOSTILE_UNITS: &[&str] = &[
    "code ",
    "code: ",
    "1111-",
    "1111-1111-1111 ",
    "recovery 1111-",
    "cookie: a ",
    "Set-Cookie: a ",
    "Set-Cookie: a=; ",
    "password=",
    "token: null ",
    "Authorization: ",
    "Bearer x ",
    "+44 ",
    "%2B4",
    "0",
    "07700 ",
    "1.2.3.4.",
    "a@",
    "a@b.",
    "::",
    "fe80:",
    "验证码",
    "код ",
    "-----BEGIN PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE KEY-----",
    "eyJ",
    "eyJhbGciOi.",
    "otpauth:",
    "secret ",
    "AAAA",
    "x",
    "é",
];

fn work_per_byte(text: &str) -> (f64, f64) {
    let mut work = pushdoctor_core::logs::redact::SearchWork::default();
    let _ = redactor().redact_measured(text, &mut RedactionCounts::default(), &mut work);
    let n = text.len().max(1) as f64;
    (work.searches as f64 / n, work.bytes as f64 / n)
}

/// The scrubber's work is linear in its input: on hostile texts, the
/// searches and the bytes they look at, per byte of input, stay under a
/// bound that does not grow with the input (counted, not timed); and what
/// it returns is at most a small multiple of what it was given.
#[test]
fn the_work_is_linear_in_the_input() {
    let mut report = Vec::new();
    for unit in HOSTILE_UNITS {
        let small = unit.repeat(2_000 / unit.len() + 1);
        let large = unit.repeat(16_000 / unit.len() + 1);
        let (s_small, b_small) = work_per_byte(&small);
        let (s_large, b_large) = work_per_byte(&large);
        report.push(format!(
            "{unit:?}: searches/byte {s_small:.2} → {s_large:.2}, bytes/byte {b_small:.1} → {b_large:.1}"
        ));
        // Every byte is looked at, at least once.
        assert!(s_large > 0.0 && b_large >= 1.0, "{}", report.join("\n"));
        assert!(s_large <= 2.0, "{}", report.join("\n"));
        assert!(b_large <= MAX_BYTES_PER_BYTE, "{}", report.join("\n"));
        // Eight times the input, the same work per byte (give or take the
        // ends).
        assert!(b_large <= b_small * 1.1 + 1.0, "{}", report.join("\n"));
        assert!(s_large <= s_small * 1.1 + 0.01, "{}", report.join("\n"));
    }
    // A long run before one rejected match: every word start in it could
    // begin the match (a key's prefix), each reading to its end.
    for (unit, tail) in [
        ("x-api-key", "token: null"),
        ("a-", "password=***"),
        ("a.", "secret \"null\""),
        ("a-", "Set-Cookie: =x"),
    ] {
        let ratio = |n: usize| {
            let text = format!("{}{tail}", unit.repeat(n));
            work_per_byte(&text).1
        };
        let (small, large) = (ratio(200), ratio(1_600));
        report.push(format!(
            "{unit:?}…{tail:?}: bytes/byte {small:.1} → {large:.1}"
        ));
        assert!(large <= MAX_BYTES_PER_BYTE, "{}", report.join("\n"));
        assert!(large <= small * 1.1 + 1.0, "{}", report.join("\n"));
    }
    eprintln!("{}", report.join("\n"));
}

/// Bytes looked at per byte of input, at most: the longest short match
/// (a recovery code of eight groups, looked at again from each of its
/// groups) bounds it.
const MAX_BYTES_PER_BYTE: f64 = 64.0;

/// The output is at most this many times the input (plus a little): the
/// shortest secret with the longest token is a three-character IPv6
/// address (`1::`) hashed into `[ipv6:1a2b3c4d]`.
const MAX_GROWTH: usize = 5;

fn hostile_text() -> impl Strategy<Value = String> {
    let unit = prop::sample::select(HOSTILE_UNITS);
    let piece = prop::sample::select(PIECES);
    (
        prop::collection::vec((prop_oneof![unit, piece], 1..40usize), 1..12),
        prop::bool::ANY,
    )
        .prop_map(|(parts, one_line)| {
            let text: String = parts.iter().map(|(p, n)| p.repeat(*n)).collect();
            if one_line {
                text.replace(['\n', '\r'], " ")
            } else {
                text
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Hostile texts: the work per byte stays under the bound, the output
    /// under its multiple, and the usual properties hold.
    #[test]
    fn hostile_texts_cost_linear_work_and_bounded_memory(
        text in hostile_text(),
        ip_mode in mode(),
    ) {
        let r = with_mode(ip_mode);
        let mut work = pushdoctor_core::logs::redact::SearchWork::default();
        let mut counts = RedactionCounts::default();
        let out = r.redact_measured(&text, &mut counts, &mut work);
        let n = text.len() as u64 + 1;
        prop_assert!(work.searches <= 2 * n, "{} searches for {} bytes", work.searches, n);
        prop_assert!(
            work.bytes as f64 <= MAX_BYTES_PER_BYTE * n as f64 + 256.0,
            "{} bytes looked at for {} bytes", work.bytes, n
        );
        prop_assert!(out.len() <= MAX_GROWTH * text.len() + 64, "{} → {}", text.len(), out.len());
        assert_properties(r, &text)?;
    }
}

/// A recovery word counts anywhere before the codes on its line, however
/// many codes the list holds (a distance would change when what stands
/// between is replaced), and not inside a token; the next line starts
/// afresh.
#[test]
fn recovery_codes_of_a_long_list_are_all_replaced() {
    let codes: Vec<String> = (0..40).map(|i| format!("{i:04}-ab{i:02}-9x8y")).collect();
    let line = format!("recovery codes: {}\nnext 1234-5678-9012", codes.join(" "));
    let (out, counts) = redact(&line);
    assert_eq!(counts.summary(), "recovery_code 40");
    assert_eq!(
        out,
        format!(
            "recovery codes: {}\nnext 1234-5678-9012",
            vec!["[recovery-code]"; 40].join(" ")
        )
    );
    assert_eq!(redact(&out).0, out);
    // The token's own words are no context.
    let (out, _) = redact("[recovery-code] 1234-5678-9012");
    assert_eq!(out, "[recovery-code] 1234-5678-9012");
}
