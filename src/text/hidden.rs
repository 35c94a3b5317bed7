//! Visible names for characters that draw as nothing or act on the terminal, for the editor.
//!
//! The editor keeps the exact text and draws each such character as one placeholder such as
//! `⟨RLO⟩`, `⟨ESC⟩`, `⟨CR⟩`, `⟨ZWSP⟩` or `⟨TAG A⟩` (a tag character, the invisible ASCII used
//! to smuggle instructions to a model). A placeholder is only a drawing: the text still holds
//! the one character, so the cursor steps over it and Backspace removes it as one unit, and a
//! user who types `⟨ESC⟩` gets those five characters, never an escape.

use std::borrow::Cow;

use super::sanitize::is_always_escaped;

/// Whether the editor shows `c` as a placeholder: every character the sanitizer always
/// escapes, except the line break (the editor's lines are split on it).
pub fn is_hidden(c: char) -> bool {
    c != '\n' && is_always_escaped(c)
}

/// The placeholder drawn for a hidden character, e.g. `⟨RLO⟩`; `None` for any other.
pub fn placeholder(c: char) -> Option<Cow<'static, str>> {
    if !is_hidden(c) {
        return None;
    }
    if let Some(name) = name(c) {
        return Some(Cow::Owned(format!("⟨{name}⟩")));
    }
    let code = u32::from(c);
    // The tag characters mirror printable ASCII: show which letter they hide.
    if let 0xE0021..=0xE007E = code
        && let Some(ascii) = char::from_u32(code - 0xE0000)
    {
        return Some(Cow::Owned(format!("⟨TAG {ascii}⟩")));
    }
    Some(Cow::Owned(format!("⟨U+{code:04X}⟩")))
}

/// The placeholder for a run of characters that draws as nothing on its own (combining marks
/// left without a base, e.g. after a hidden character): its first character's code point.
pub fn orphan_placeholder(unit: &str) -> String {
    let mut chars = unit.chars();
    let first = chars.next().map_or(0, u32::from);
    let more = if chars.next().is_some() { "…" } else { "" };
    format!("⟨U+{first:04X}{more}⟩")
}

fn name(c: char) -> Option<&'static str> {
    const C0: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF",
        "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
        "SUB", "ESC", "FS", "GS", "RS", "US",
    ];
    let code = u32::from(c);
    if code < 0x20 {
        return C0.get(code as usize).copied();
    }
    Some(match code {
        0x7F => "DEL",
        0x85 => "NEL",
        0x90 => "DCS",
        0x9B => "CSI",
        0x9C => "ST",
        0x9D => "OSC",
        0xAD => "SHY",
        0x061C => "ALM",
        0x180E => "MVS",
        0x200B => "ZWSP",
        0x200C => "ZWNJ",
        0x200D => "ZWJ",
        0x200E => "LRM",
        0x200F => "RLM",
        0x2028 => "LS",
        0x2029 => "PS",
        0x202A => "LRE",
        0x202B => "RLE",
        0x202C => "PDF",
        0x202D => "LRO",
        0x202E => "RLO",
        0x2060 => "WJ",
        0x2066 => "LRI",
        0x2067 => "RLI",
        0x2068 => "FSI",
        0x2069 => "PDI",
        0xFEFF => "BOM",
        0xE0001 => "LANG TAG",
        0xE0020 => "TAG SP",
        0xE007F => "CANCEL TAG",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::sanitize_single_line;

    #[test]
    fn names_of_the_usual_suspects() {
        assert_eq!(placeholder('\u{202e}').as_deref(), Some("⟨RLO⟩"));
        assert_eq!(placeholder('\u{1b}').as_deref(), Some("⟨ESC⟩"));
        assert_eq!(placeholder('\r').as_deref(), Some("⟨CR⟩"));
        assert_eq!(placeholder('\t').as_deref(), Some("⟨TAB⟩"));
        assert_eq!(placeholder('\u{200b}').as_deref(), Some("⟨ZWSP⟩"));
        assert_eq!(placeholder('\u{e0041}').as_deref(), Some("⟨TAG A⟩"));
        assert_eq!(placeholder('\u{9b}').as_deref(), Some("⟨CSI⟩"));
        assert_eq!(placeholder('\u{3164}').as_deref(), Some("⟨U+3164⟩"));
        assert_eq!(placeholder('a'), None);
        assert_eq!(placeholder('\n'), None);
        assert_eq!(placeholder('é'), None);
    }

    #[test]
    fn placeholders_are_plain_printable_text() {
        for code in (0..0x110000).step_by(7).chain(0xE0000..0xE0080) {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            if let Some(p) = placeholder(c) {
                assert_eq!(sanitize_single_line(&p), p, "{code:x}");
                assert!(p.starts_with('⟨') && p.ends_with('⟩'));
            }
        }
        assert_eq!(orphan_placeholder("\u{301}\u{302}"), "⟨U+0301…⟩");
    }
}
