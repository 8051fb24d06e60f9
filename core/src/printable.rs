//! Text from outside (log lines, tags, zip entry names, snapshot strings)
//! made safe to put on one line of a terminal or of `logs.txt`.
//!
//! Whoever controls a string that we print controls the screen it lands on
//! unless its control characters are escaped: a newline forges a line of
//! its own (`x.zip: sound`), an ANSI escape recolours or clears the
//! terminal, a right-to-left override reorders what the reader sees. Every
//! string that did not come from Push Doctor itself goes through
//! [`push_printable`] (or [`printable`]) before it is printed or written to
//! a line-oriented file. The escapes are Rust's: `\n`, `\r`, `\x1b`,
//! `\u{202e}`. Tabs stay (they cannot start a line or move the cursor
//! back). Backslashes are not doubled, so a Windows path stays readable;
//! the exact text is in the JSON forms (`logs.ndjson`, `--format json`).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must be escaped: C0 controls but tab, DEL, C1 controls, the
/// Unicode line and paragraph separators and the bidirectional controls.
pub fn is_unprintable(c: char) -> bool {
    matches!(c,
        '\0'..='\x08' | '\x0a'..='\x1f' | '\x7f'..='\u{9f}'
        | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{061c}' | '\u{feff}')
}

/// Whether any byte of `text` may start a character to escape: a cheap
/// test that lets almost every string through without decoding it.
fn may_need_escaping(text: &str) -> bool {
    text.bytes()
        .any(|b| (b < 0x20 && b != b'\t') || b == 0x7f || matches!(b, 0xc2 | 0xd8 | 0xe2 | 0xef))
}

/// Appends `text` to `out` with every unprintable character escaped.
pub fn push_printable(out: &mut String, text: &str) {
    if !may_need_escaping(text) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        if !is_unprintable(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
}

/// `text` with every unprintable character escaped; borrowed when there is
/// none.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    push_printable(&mut out, text);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_and_unchanged() {
        for text in [
            "",
            "I/Tag: hello\tworld",
            "C:\\Users\\bob",
            "Grüße, 東京, مرحبا",
        ] {
            assert!(matches!(printable(text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn controls_are_escaped_so_nothing_starts_a_line_or_moves_the_cursor() {
        assert_eq!(printable("a\nb: sound"), "a\\nb: sound");
        assert_eq!(printable("x\r\n"), "x\\r\\n");
        assert_eq!(printable("\x1b[2J\x1b]0;t\x07"), "\\x1b[2J\\x1b]0;t\\x07");
        assert_eq!(printable("\x7f\u{85}\u{9b}"), "\\x7f\\u{85}\\u{9b}");
        assert_eq!(printable("abc\u{202e}gpj.exe"), "abc\\u{202e}gpj.exe");
        assert_eq!(printable("a\u{2028}b\u{2029}c"), "a\\u{2028}b\\u{2029}c");
        assert_eq!(printable("\0"), "\\x00");
    }

    #[test]
    fn every_character_either_passes_or_is_escaped_into_printable_ascii() {
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let s = c.to_string();
            let out = printable(&s);
            assert!(!out.chars().any(is_unprintable), "{c:?} → {out:?}");
            if is_unprintable(c) {
                assert!(out.starts_with('\\') && out.is_ascii(), "{c:?} → {out:?}");
            } else {
                assert_eq!(out, s);
            }
            let mut pushed = String::new();
            push_printable(&mut pushed, &s);
            assert_eq!(pushed, out);
        }
    }
}
