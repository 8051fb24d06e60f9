//! The words around a secret that say what it is, in the languages
//! authenticator apps ship in the most (en, es, fr, de, pt, it, nl, ja, zh,
//! ru, ar, hi). Kept as lists so that a language is added in one place;
//! [`alternation`] turns a list into a pattern.
//!
//! The scrubber's `\b` is ASCII-only (a Unicode one would stop the DFA on
//! every non-ASCII byte), and `(?i-u:…)` folds ASCII case only (no Unicode
//! case tables in the mobile library). So a word that begins with a
//! non-ASCII letter gets no `\b` before it (Japanese and Chinese have no
//! spaces between words anyway: `您的验证码为123456`), and the non-ASCII
//! letters of a word match in both cases through a class (`[Кк]од`).

/// Words right before a one-time code in English: 4–12 digits after them
/// are a code.
pub(super) const OTP_WORDS_EN: &str = r"otp|totp|hotp|one[- ]?time[- ](?:pass(?:code|word)?|code|pin|password|token)|passcode|pass[- ]code|verification[- ]code|security[- ]code|confirmation[- ]code|auth(?:entication|orization)?[- ]code|log[- ]?in[- ]code|sign[- ]?in[- ]code|access[- ]code|sms[- ]code|2fa(?:[- ]code)?|mfa(?:[- ]code)?|pin(?:[- ]?code)?|[0-9]-digit[- ]code|backup[- ]code|recovery[- ]code";

/// Push approval codes (number matching) are 2–8 digits after these.
pub(super) const APPROVAL_WORDS: &str = r"approval[- ](?:code|number)|number[- ]match(?:ing)?(?:[- ](?:code|number))?|match(?:ing)?[- ]number|verified[- ]push[- ]code|push[- ]code|challenge[- ](?:code|number)";

/// Words that on their own say "one-time code", in the other languages: a
/// code of 4–8 digits may follow them directly or after a separator
/// ([`SEPARATORS`]). Phrases are listed by the word nearest the code
/// (`código de verificación 123456` needs only `verificación`).
pub(super) const OTP_WORDS_INTL: &[&str] = &[
    // es
    "verificación",
    "verificacion",
    "autenticación",
    "autenticacion",
    "confirmación",
    "confirmacion",
    "código de acceso",
    "código de seguridad",
    "código de un solo uso",
    "contraseña de un solo uso",
    "clave de un solo uso",
    "clave dinámica",
    // fr
    "vérification",
    "verification",
    "validation",
    "authentification",
    "code de sécurité",
    "code de connexion",
    "code d'accès",
    "usage unique",
    // de
    "bestätigungscode",
    "sicherheitscode",
    "verifizierungscode",
    "authentifizierungscode",
    "anmeldecode",
    "einmalcode",
    "einmalpasswort",
    "einmalkennwort",
    "prüfcode",
    "zugangscode",
    "mtan",
    "tan",
    // pt
    "verificação",
    "verificacao",
    "autenticação",
    "confirmação",
    "código de segurança",
    "senha de uso único",
    "senha temporária",
    // it
    "verifica",
    "codice di sicurezza",
    "codice di accesso",
    "codice monouso",
    "password monouso",
    "conferma",
    // nl
    "verificatiecode",
    "beveiligingscode",
    "bevestigingscode",
    "inlogcode",
    "toegangscode",
    "eenmalige code",
    "eenmalig wachtwoord",
    // ja
    "認証コード",
    "確認コード",
    "認証番号",
    "確認番号",
    "ワンタイムパスワード",
    "ワンタイムコード",
    "セキュリティコード",
    "パスコード",
    "暗証番号",
    "ログインコード",
    // zh (simplified, traditional)
    "验证码",
    "驗證碼",
    "校验码",
    "校驗碼",
    "认证码",
    "認證碼",
    "确认码",
    "確認碼",
    "安全码",
    "安全碼",
    "动态码",
    "動態碼",
    "动态密码",
    "動態密碼",
    "动态口令",
    "動態口令",
    "一次性密码",
    "一次性密碼",
    "授权码",
    "授權碼",
    "登录码",
    "登入碼",
    // ru
    "подтверждения",
    "проверки",
    "верификации",
    "одноразовый код",
    "одноразовый пароль",
    "код доступа",
    "код безопасности",
    "код входа",
    // ar
    "رمز التحقق الخاص بك",
    "رمز التحقق",
    "رمز التأكيد",
    "رمز الأمان",
    "رمز الدخول",
    "رمز التفعيل",
    "كود التحقق",
    "كود التفعيل",
    "كلمة المرور لمرة واحدة",
    // hi
    "सत्यापन कोड",
    "ओटीपी",
    "पासकोड",
    "वन टाइम पासवर्ड",
    "सुरक्षा कोड",
    "लॉगिन कोड",
];

/// The bare word "code" in each language: a number right after it is a
/// code only with 6–8 digits and when nothing before it says error or
/// status ([`NOT_OTP_CONTEXT`]).
pub(super) const CODE_WORDS: &[&str] = &[
    "code",
    "código",
    "codigo",
    "codice",
    "код",
    "кода",
    "كود",
    "الكود",
    "رمز",
    "الرمز",
    "कोड",
    "コード",
    "码",
    "碼",
    "密码",
    "密碼",
];

/// Between a code's word and the code, besides `:` `=` `#` and spaces: "is"
/// in each language (`es`, `est`, `ist`, `lautet`, `é`, `è`, `は`, `为`, `是`,
/// `هو`, `—`).
pub(super) const SEPARATORS: &[&str] = &[
    "is", "was", "es", "est", "ist", "lautet", "lautet:", "é", "è", "era", "sono", "は", "为",
    "為", "是", "هو", "هي", "—", "–", "：", "、", "- ",
];

/// Between a code and the word after it, when the code comes first:
/// `482913 es tu código`, `123456是您的验证码`, `123456 は認証コードです`.
pub(super) const CODE_FIRST_PHRASES: &[&str] = &[
    "is your",
    "es tu",
    "es su",
    "est votre",
    "est ton",
    "ist ihr",
    "ist dein",
    "é o seu",
    "é seu",
    "é o teu",
    "è il tuo",
    "è il suo",
    "is uw",
    "is je",
    "は",
    "があなたの",
    "是您的",
    "是你的",
    "为您的",
    "為您的",
    "это ваш",
    "— ваш",
    "هو",
    "आपका",
];

/// Words that make a recovery code of a line's `xxxx-xxxx-xxxx` groups
/// (with the code words of [`CODE_WORDS`]).
pub(super) const RECOVERY_WORDS: &[&str] = &[
    "recovery",
    "backup",
    "scratch",
    "emergency",
    "rescue",
    "recuperación",
    "recuperacion",
    "respaldo",
    "récupération",
    "secours",
    "wiederherstellung",
    "recuperação",
    "recupero",
    "emergenza",
    "herstel",
    "リカバリ",
    "バックアップ",
    "復旧",
    "恢复",
    "恢復",
    "备用",
    "備用",
    "восстановлени",
    "резервн",
    "الاسترداد",
    "الاسترجاع",
    "احتياطي",
    "पुनर्प्राप्ति",
    "बैकअप",
];

/// Words before a bare `code 123456` that make it an error, status or
/// other code, in each language.
pub(super) const NOT_OTP_CONTEXT: &[&str] = &[
    "error",
    "domain",
    "status",
    "http",
    "exit",
    "response",
    "result",
    "return",
    "reason",
    "fault",
    "signal",
    "errno",
    "country",
    "area",
    "zip",
    "postal",
    "build",
    "version",
    "order",
    "commit",
    "ticket",
    "invoice",
    "tracking",
    "product",
    "promo",
    "erreur",
    "fehler",
    "statut",
    "estado",
    "erro",
    "errore",
    "stato",
    "fout",
    "エラー",
    "状態",
    "ステータス",
    "错误",
    "錯誤",
    "状态",
    "狀態",
    "ошибк",
    "статус",
    "خطأ",
    "الخطأ",
    "حالة",
    "त्रुटि",
    "स्थिति",
];

/// One alternation of `words`: every letter with a case as a class of
/// both (`[кК][оО][дД]`: `(?i)` would need Unicode case tables for the
/// non-ASCII ones), a space as any run of ASCII blanks, punctuation
/// escaped.
pub(super) fn alternation(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| caseless(w))
        .collect::<Vec<_>>()
        .join("|")
}

fn caseless(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars() {
        let (lower, upper) = (single(c.to_lowercase()), single(c.to_uppercase()));
        match (lower, upper) {
            _ if c == ' ' => out.push_str("[ \\t]+"),
            (Some(l), Some(u)) if l != u => {
                out.push('[');
                out.push(l);
                out.push(u);
                out.push(']');
            }
            _ => out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4]))),
        }
    }
    out
}

fn single(mut chars: impl Iterator<Item = char>) -> Option<char> {
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

/// Whether `text` holds one of `words` (any case).
pub(super) fn mentions(text: &str, words: &[&str]) -> bool {
    let lower = text.to_lowercase();
    words.iter().any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_lowercase_so_mentions_finds_them() {
        for list in [
            OTP_WORDS_INTL,
            CODE_WORDS,
            RECOVERY_WORDS,
            NOT_OTP_CONTEXT,
            CODE_FIRST_PHRASES,
        ] {
            for w in list {
                assert_eq!(*w, w.to_lowercase(), "{w}");
            }
        }
    }

    #[test]
    fn caseless_folds_non_ascii_letters() {
        assert_eq!(caseless("код"), "[кК][оО][дД]");
        assert_eq!(caseless("a b"), "[aA][ \\t]+[bB]");
        assert_eq!(caseless("验证码"), "验证码");
        let re = regex::Regex::new(&format!("^(?:{})$", alternation(&["vérification"]))).unwrap();
        assert!(re.is_match("VÉRIFICATION") && re.is_match("vérification"));
        assert!(!re.is_match("verification"));
    }
}
