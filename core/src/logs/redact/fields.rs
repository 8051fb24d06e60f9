//! A record's fields: the key decides too. `password=hunter2` given as a
//! field (`fields: {"password": "hunter2"}`) is a secret whatever the value
//! looks like; a field whose key says nothing is scrubbed as text.

/// What a field's key says its value is: the category its value is counted
/// under (and so its token), or nothing.
///
/// The key is cut into words at `_`, `-`, `.`, spaces and lower-to-upper
/// case changes (`accessToken`, `X-Auth-Token`, `user.password`) and the
/// last word or two decide, so `token_type`, `session_count`, `pinned` and
/// `error_code` stay ordinary keys.
pub(super) fn secret_key_category(key: &str) -> Option<&'static str> {
    let words = key_words(key);
    let last = words.last()?.as_str();
    let pair = match words.len() {
        0 | 1 => String::new(),
        n => format!("{} {}", words[n - 2], words[n - 1]),
    };
    let three = match words.len() {
        0..=2 => String::new(),
        n => format!("{} {} {}", words[n - 3], words[n - 2], words[n - 1]),
    };
    let is = |list: &[&str], word: &str| list.contains(&word);
    if is(OTP_PAIRS, &pair) || is(OTP_LAST, last) || (words.len() == 1 && last == "code") {
        Some("otp")
    } else if is(RECOVERY_PAIRS, &pair) {
        Some("recovery_code")
    } else if is(API_KEY_PAIRS, &pair) || is(API_KEY_LAST, last) {
        Some("api_key")
    } else if is(PRIVATE_KEY_PAIRS, &pair) || is(PRIVATE_KEY_LAST, last) {
        Some("private_key")
    } else if is(COOKIE_LAST, last) || is(COOKIE_PAIRS, &pair) {
        Some("cookie")
    } else if is(AUTHORIZATION_LAST, last) {
        Some("bearer_token")
    } else if is(SECRET_LAST, last) || is(SECRET_PAIRS, &pair) || is(SECRET_THREES, &three) {
        Some("url_secret")
    } else {
        None
    }
}

/// `X-Auth-Token` → `x auth token`; `accessToken` → `access token`;
/// `PHPSESSID` → `phpsessid`.
fn key_words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

const OTP_LAST: &[&str] = &[
    "otp",
    "totp",
    "hotp",
    "passcode",
    "pin",
    "pincode",
    "mfacode",
    "otpcode",
    "smscode",
    "verificationcode",
    "código",
    "codice",
    "код",
    "验证码",
    "驗證碼",
    "認証コード",
];
const OTP_PAIRS: &[&str] = &[
    "otp code",
    "verification code",
    "security code",
    "confirmation code",
    "auth code",
    "authentication code",
    "login code",
    "sms code",
    "mfa code",
    "2fa code",
    "access code",
    "pass code",
    "pin code",
    "approval code",
    "push code",
    "mfa token",
    "otp token",
    "totp code",
    "user code",
];
const RECOVERY_PAIRS: &[&str] = &[
    "recovery code",
    "recovery codes",
    "backup code",
    "backup codes",
];
const API_KEY_LAST: &[&str] = &["apikey"];
const API_KEY_PAIRS: &[&str] = &[
    "api key",
    "access key",
    "secret key",
    "account key",
    "auth key",
    "shared key",
    "signing key",
    "encryption key",
    "master key",
    "license key",
];
const PRIVATE_KEY_LAST: &[&str] = &["privatekey"];
const PRIVATE_KEY_PAIRS: &[&str] = &["private key"];
const COOKIE_LAST: &[&str] = &[
    "cookie",
    "cookies",
    "session",
    "sessionid",
    "sid",
    "jsessionid",
    "phpsessid",
    "sessid",
];
const COOKIE_PAIRS: &[&str] = &["session id", "session token", "session key"];
const AUTHORIZATION_LAST: &[&str] = &["authorization", "authorisation", "bearer"];
const SECRET_LAST: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "secret",
    "secrets",
    "token",
    "signature",
    "sig",
    "credential",
    "credentials",
    "seed",
    "verifier",
    // Password in the other languages, where a key is spelt that way.
    "contraseña",
    "contrasena",
    "clave",
    "motdepasse",
    "passwort",
    "kennwort",
    "senha",
    "wachtwoord",
    "пароль",
    "密码",
    "密碼",
    "パスワード",
    "كلمةالمرور",
    "पासवर्ड",
];
const SECRET_PAIRS: &[&str] = &["pass word", "كلمة المرور"];
const SECRET_THREES: &[&str] = &["mot de passe"];
