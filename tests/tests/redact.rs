//! The scrubber on realistic log lines: every category replaced, what a
//! developer needs kept byte for byte, and the real loghub samples.

use proptest::prelude::*;
use pushdoctor_core::redact::{IpMode, RedactionConfig, RedactionCounts, Redactor};

fn redactor() -> Redactor {
    Redactor::new(RedactionConfig {
        ip_mode: IpMode::Mask,
        ..RedactionConfig::default()
    })
    .unwrap()
}

fn redact(line: &str) -> (String, RedactionCounts) {
    let mut counts = RedactionCounts::default();
    let out = redactor().redact(line, &mut counts).into_owned();
    (out, counts)
}

/// (input, expected output, category counted)
const SECRETS: &[(&str, &str, &str)] = &[
    ("Your one-time passcode is 482913", "Your one-time passcode is [otp]", "otp"),
    ("OTP: 123456 sent", "OTP: [otp] sent", "otp"),
    ("verification code 90210 accepted", "verification code [otp] accepted", "otp"),
    ("approval code=4471", "approval code=[otp]", "otp"),
    (
        "scanned otpauth://totp/Acme:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme done",
        "scanned [otpauth-uri] done",
        "otpauth_uri",
    ),
    ("totp secret: JBSWY3DPEHPK3PXPJBSWY3DP", "totp secret: [totp-secret]", "totp_secret"),
    ("Authorization: Bearer abc.DEF-123_456~xyz", "Authorization: Bearer [token]", "bearer_token"),
    ("using bearer eyJhbGciOiJIUzI1NiJ9x", "using bearer [token]", "bearer_token"),
    (
        "id_token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        "id_token [jwt]",
        "jwt",
    ),
    ("Set-Cookie: session=38afes7a8; HttpOnly; Secure", "Set-Cookie: [cookie]", "cookie"),
    (
        "GET https://api.example.com/login?user=bob&password=hunter2&next=/home",
        "GET https://api.example.com/login?user=bob&password=[secret]&next=/home",
        "url_secret",
    ),
    ("connecting to https://bob:hunter2@example.com/x", "connecting to https://[secret]@example.com/x", "url_secret"),
    ("callback ?state=xyz&code=4/0AY0e-g7abc", "callback ?state=xyz&code=[secret]", "url_secret"),
    (r#"body {"password":"p@ss w0rd","user":"bob"}"#, r#"body {"password":"[secret]","user":"bob"}"#, "url_secret"),
    ("x-api-key: 9f8e7d6c5b4a", "x-api-key: [api-key]", "api_key"),
    ("key AIzaSyA1234567890abcdefghijklmnopqrstuv in config", "key [api-key] in config", "api_key"),
    (
        "fcm token: dX34abcdefgh:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx",
        "fcm token: [push-token]",
        "push_token",
    ),
    (
        "apns device token 740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad",
        "apns device token [push-token]",
        "push_token",
    ),
    ("mail alice.smith+mfa@example.co.uk now", "mail [email] now", "email"),
    ("call +44 20 7946 0958 for help", "call [phone] for help", "phone"),
    ("US number (415) 555-0132", "US number [phone]", "phone"),
    ("peer 203.0.113.42:443 refused", "peer [ipv4]:443 refused", "ipv4"),
    ("IPV6 Addr: 2607:f140:6000:8:c6b3:1ff:fecd:467f", "IPV6 Addr: [ipv6]", "ipv6"),
    ("link-local fe80::1c2b:3aff:fe4d:5e6f up", "link-local [ipv6] up", "ipv6"),
];

/// Lines a developer needs exactly as they are.
const KEPT: &[&str] = &[
    "03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app wtoken",
    "HTTP/1.1 503 Service Unavailable",
    "accept failed: status=503 after 1200ms, retry_count=3",
    "retry 2 of 3 took 250 ms",
    "pushdoctor 6.2.0 (build 4521) on Android 14",
    "Jul  1 09:00:55 calvisitor-10-105-160-95 kernel[0]: IOThunderboltSwitch<0>(0x0)::listenerCallback",
    "2026-11-27T09:41:00.123Z W Accept[1702:2395] (main): attempt 2",
    "AirPort_Brcm43xx::syncPowerState: WWEN[enabled]",
    "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "code 503 from upstream, pid 31337, uid 10037",
    "the request token was [secret] and the mail [email]",
];

#[test]
fn every_category_is_replaced_and_counted() {
    let mut wrong = Vec::new();
    for (input, expected, _) in SECRETS {
        let (out, _) = redact(input);
        if out != *expected {
            wrong.push(format!("{input}\n   gave {out}\n   want {expected}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    for (input, _, category) in SECRETS {
        let (out, counts) = redact(input);
        assert!(
            counts.0.get(*category).copied().unwrap_or(0) >= 1,
            "{input}: {counts:?}"
        );
        assert_eq!(
            redactor().scan(&out).total(),
            0,
            "nothing survives in {out}"
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
}

/// The real samples beside the repository (shared/data/loghub).
#[test]
fn loghub_samples_keep_their_shape() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/loghub");
    for file in ["Android_2k.log", "Mac_2k.log"] {
        let path = dir.join(file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!(
                "SKIPPED: {} is absent; redaction was not run over it",
                path.display()
            );
            continue;
        };
        let redactor = Redactor::new(RedactionConfig::default()).unwrap();
        let mut counts = RedactionCounts::default();
        let mut changed = 0;
        for line in text.lines() {
            let out = redactor.redact(line, &mut counts);
            assert!(!out.contains('\n'));
            if out != line {
                changed += 1;
                // Timestamps and the tag prefix survive.
                assert_eq!(out.get(..15), line.get(..15), "{line}");
            }
        }
        eprintln!(
            "{file}: {changed} of {} lines changed: {}",
            text.lines().count(),
            counts.summary()
        );
        assert!(
            changed < text.lines().count() / 5,
            "{file}: {changed} lines changed: over-eager"
        );
    }
}

proptest! {
    #[test]
    fn line_for_line_and_idempotent(text in "(?s)[ -~\\n\\t]{0,300}|[a-z0-9@.:/?=&+ -]{0,200}") {
        let r = redactor();
        let mut counts = RedactionCounts::default();
        let once = r.redact(&text, &mut counts).into_owned();
        prop_assert_eq!(once.matches('\n').count(), text.matches('\n').count());
        let twice = r.redact(&once, &mut RedactionCounts::default()).into_owned();
        prop_assert_eq!(&twice, &once);
        prop_assert_eq!(r.scan(&once).total(), 0);
    }
}
