//! Escaping of untrusted text so that it can be drawn on a terminal without acting on it.
//!
//! Chat memory is free text written by users and models, so it can hold escape sequences that
//! would retitle the window, write to the clipboard (OSC 52), move the cursor, or reorder what the
//! admin sees (bidi overrides), and invisible characters that hide instructions from the admin
//! while the model still reads them (zero-width and tag characters, variation-selector payloads).
//! Every such character is replaced by a visible, printable-ASCII escape:
//!
//! | input | shown as |
//! | --- | --- |
//! | ESC, other C0 controls, DEL | `\x1b`, `\x07`, `\x7f`, ... |
//! | CR, TAB | `\r`, `\t` (a tab is not expanded: its width would depend on its column, and escaping keeps each character's output independent of its neighbours) |
//! | LF | kept by [`sanitize_line`] (the caller splits lines), `\n` in [`sanitize_single_line`] |
//! | C1 controls U+0080–U+009F | `\u{9b}` |
//! | every format character (general category Cf): bidi controls, zero-width space/joiners, word joiner, BOM, soft hyphen, tag characters, ... | `\u{202e}` |
//! | line/paragraph separators U+2028/U+2029, Hangul fillers | `\u{2028}` |
//! | a variation selector right after another variation selector | `\u{fe0f}` |
//! | the 31st and later zero-width character in a row (stacked combining marks) | `\u{301}` |
//!
//! A single variation selector after a character is kept because emoji need it (`❤️`); a run of
//! them only ever carries hidden data. The zero-width run limit is the one of Unicode's
//! stream-safe text format (UAX #15), so real scripts never reach it, while "zalgo" text cannot
//! build one grapheme out of megabytes and make a single cell cost megabytes to draw.
//!
//! Backslashes are not escaped, so `\x1b` in the output can be either an escaped ESC or the
//! literal four characters; in exchange the escape text is ordinary printable ASCII and
//! sanitizing is idempotent. Emoji, CJK, combining marks in normal amounts, private-use and
//! unassigned code points are kept. ZWJ (U+200D) is a format character, so emoji ZWJ sequences are
//! shown as their parts joined by `\u{200d}`: that is the price of not hiding text.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_width::UnicodeWidthChar;

/// Zero-width characters kept in a row before the rest are escaped (UAX #15 stream-safe limit).
pub const MAX_ZERO_WIDTH_RUN: usize = 30;

/// Escapes everything that could act on a terminal or hide text, except `'\n'`.
///
/// `'\n'` is kept so that a whole multi-line text can be sanitized in one pass and split
/// afterwards with the same result as sanitizing each line; use [`sanitize_single_line`] where no
/// line break may appear. Returns the input borrowed when nothing needs escaping.
pub fn sanitize_line(s: &str) -> Cow<'_, str> {
    sanitize(s, true)
}

/// Like [`sanitize_line`], but also escapes `'\n'` as `\n`: for one-line fields such as user
/// names, where a line break would push the rest of the screen down.
pub fn sanitize_single_line(s: &str) -> Cow<'_, str> {
    sanitize(s, false)
}

/// Whether `c` is never drawn as itself: controls and format characters, whatever their
/// neighbours. (Variation selectors and zero-width runs also depend on context.)
pub fn is_always_escaped(c: char) -> bool {
    c.is_control() || is_format_or_invisible(c)
}

fn sanitize(s: &str, keep_newline: bool) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let mut state = State::default();
    // Allocated at the first character that must change, so clean text is never copied.
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Printable ASCII is most of any memory and never changes: skip it a byte at a time.
        if matches!(bytes[i], b' '..=b'~') {
            while i < bytes.len() && matches!(bytes[i], b' '..=b'~') {
                i += 1;
            }
            state.end_run();
            state.prev_was_selector = false;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        let next = i + c.len_utf8();
        if state.must_escape(c, keep_newline) {
            let out = out.get_or_insert_with(|| String::with_capacity(s.len() + 16));
            out.push_str(&s[copied..i]);
            push_escaped(out, c);
            copied = next;
        }
        i = next;
    }
    match out {
        None => Cow::Borrowed(s),
        Some(mut out) => {
            out.push_str(&s[copied..]);
            Cow::Owned(out)
        }
    }
}

/// What the decision for the next character depends on. It only looks at characters that were
/// kept as they are (an escape is ASCII and resets both), which is what makes sanitizing twice
/// give the same result as once.
#[derive(Default)]
struct State {
    prev_was_selector: bool,
    zero_width_run: usize,
    /// The current run of zero-width characters passed the limit: escape the rest of it.
    overflow: bool,
}

impl State {
    fn must_escape(&mut self, c: char, keep_newline: bool) -> bool {
        let selector = is_variation_selector(c);
        let after_selector = std::mem::replace(&mut self.prev_was_selector, selector);
        if c == '\n' {
            self.end_run();
            return !keep_newline;
        }
        if is_always_escaped(c) {
            self.end_run();
            return true;
        }
        if selector || c.width() == Some(0) {
            if self.overflow || self.zero_width_run >= MAX_ZERO_WIDTH_RUN {
                self.overflow = true;
                return true;
            }
            if selector && after_selector {
                // The escape is ASCII, so what follows starts a new run.
                self.end_run();
                return true;
            }
            self.zero_width_run += 1;
            return false;
        }
        self.end_run();
        false
    }

    fn end_run(&mut self) {
        self.zero_width_run = 0;
        self.overflow = false;
    }
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        // Writing to a String cannot fail.
        c if c.is_ascii() => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// Format characters (Unicode 15 general category Cf) plus the separators and fillers that
/// render as nothing. Cf covers the bidi controls (U+061C, U+200E–U+200F, U+202A–U+202E,
/// U+2066–U+2069), zero-width space and joiners (U+200B–U+200D), word joiner and invisible
/// operators (U+2060–U+2064), BOM / zero-width no-break space (U+FEFF), soft hyphen (U+00AD) and
/// the tag characters (U+E0000 block) used to smuggle invisible ASCII to language models.
fn is_format_or_invisible(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            // The whole Tags block: its unassigned code points draw as nothing too.
            | 0xE0000..=0xE007F
            // Line and paragraph separators (Zl, Zp).
            | 0x2028..=0x2029
            // Hangul fillers: letters that draw as blank space, a known way to fake empty names.
            | 0x115F..=0x1160
            | 0x3164
            | 0xFFA0
    )
}

fn is_variation_selector(c: char) -> bool {
    matches!(
        u32::from(c),
        0xFE00..=0xFE0F | 0xE0100..=0xE01EF | 0x180B..=0x180D | 0x180F
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> String {
        sanitize_line(s).into_owned()
    }

    #[test]
    fn clean_text_is_borrowed() {
        for s in [
            "",
            "hello world",
            "naïve café",
            "日本語のテキスト",
            "emoji 😀 ❤️ 👍🏽",
            "a\nb",
        ] {
            assert!(matches!(sanitize_line(s), Cow::Borrowed(_)), "{s:?}");
        }
        assert!(matches!(
            sanitize_single_line("plain name"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn escape_and_csi_are_literal() {
        assert_eq!(line("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
        assert_eq!(line("\x1b[2J"), "\\x1b[2J");
    }

    #[test]
    fn osc_title_and_clipboard_are_literal() {
        assert_eq!(line("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
        assert_eq!(line("\x1b]2;pwned\x1b\\"), "\\x1b]2;pwned\\x1b\\");
        assert_eq!(line("\x1b]52;c;ZXZpbA==\x07"), "\\x1b]52;c;ZXZpbA==\\x07");
    }

    #[test]
    fn dcs_is_literal() {
        assert_eq!(line("\x1bPq#0;2;0;0;0\x1b\\"), "\\x1bPq#0;2;0;0;0\\x1b\\");
    }

    #[test]
    fn c0_del_cr_tab() {
        assert_eq!(line("a\rb"), "a\\rb");
        assert_eq!(line("a\tb"), "a\\tb");
        assert_eq!(line("\0\x08\x7f"), "\\x00\\x08\\x7f");
    }

    #[test]
    fn c1_controls() {
        assert_eq!(line("\u{9b}2J"), "\\u{9b}2J");
        assert_eq!(line("\u{85}\u{80}\u{9f}"), "\\u{85}\\u{80}\\u{9f}");
    }

    #[test]
    fn bidi_controls() {
        assert_eq!(line("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(
            line("\u{2066}\u{2069}\u{200e}\u{200f}\u{61c}\u{202a}"),
            "\\u{2066}\\u{2069}\\u{200e}\\u{200f}\\u{61c}\\u{202a}"
        );
    }

    #[test]
    fn invisible_characters() {
        assert_eq!(line("a\u{200b}b"), "a\\u{200b}b");
        assert_eq!(
            line("\u{feff}x\u{ad}\u{2060}"),
            "\\u{feff}x\\u{ad}\\u{2060}"
        );
        assert_eq!(line("\u{e0041}\u{e0042}"), "\\u{e0041}\\u{e0042}");
        assert_eq!(line("a\u{2028}b\u{3164}"), "a\\u{2028}b\\u{3164}");
    }

    #[test]
    fn newline_kept_or_escaped() {
        assert_eq!(line("a\nb"), "a\nb");
        assert_eq!(sanitize_single_line("a\nb\r\n"), "a\\nb\\r\\n");
    }

    #[test]
    fn emoji_cjk_and_accents_untouched() {
        let s = "日本語 한국어 中文 😀👍🏽❤️ 1️⃣ e\u{301} ｶﾞ";
        assert_eq!(sanitize_line(s), s);
    }

    #[test]
    fn variation_selector_runs_are_revealed() {
        assert_eq!(line("❤\u{fe0f}"), "❤\u{fe0f}");
        assert_eq!(
            line("😀\u{fe01}\u{fe02}\u{e0100}"),
            "😀\u{fe01}\\u{fe02}\\u{e0100}"
        );
    }

    #[test]
    fn zero_width_runs_are_capped() {
        let zalgo: String = std::iter::once('a')
            .chain(std::iter::repeat_n('\u{301}', 40))
            .collect();
        let out = line(&zalgo);
        assert_eq!(out.matches('\u{301}').count(), MAX_ZERO_WIDTH_RUN);
        assert_eq!(out.matches("\\u{301}").count(), 40 - MAX_ZERO_WIDTH_RUN);
        assert_eq!(line(&out), out);
    }

    #[test]
    fn zwj_sequences_are_shown_in_parts() {
        assert_eq!(line("👩\u{200d}💻"), "👩\\u{200d}💻");
    }
}
