//! Generators of hostile text for property tests: characters that need care (controls,
//! C1, bidi controls and isolates, invisibles, tag characters, variation selectors,
//! combining marks, wide and emoji) and whole escape sequences (CSI, OSC, DCS, C1 CSI).

use proptest::prelude::*;

/// Characters weighted towards the ones that need care, plus anything at all.
pub fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        1 => Just(' '),
        1 => Just('\n'),
        1 => Just('\x1b'),
        1 => Just('\\'),
        1 => prop::char::range('\0', '\x1f'),
        1 => Just('\x7f'),
        1 => prop::char::range('\u{80}', '\u{9f}'),
        1 => prop::sample::select(vec![
            '\u{202a}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{200e}',
            '\u{200f}', '\u{61c}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}',
            '\u{ad}', '\u{2028}', '\u{3164}',
        ]),
        // Tag characters (the invisible "ASCII" of flag sequences and prompt smuggling).
        1 => prop::char::range('\u{e0000}', '\u{e007f}'),
        // Variation selectors, both blocks.
        1 => prop::char::range('\u{fe00}', '\u{fe0f}'),
        1 => prop::char::range('\u{e0100}', '\u{e01ef}'),
        2 => prop::sample::select(vec!['\u{301}', '\u{308}', '\u{20e3}', '\u{ff9e}', '\u{1160}']),
        2 => prop::char::range('\u{4e00}', '\u{4e80}'),
        1 => prop::char::range('\u{1f600}', '\u{1f640}'),
        1 => prop::char::range('\u{1f3fb}', '\u{1f3ff}'),
        1 => prop::char::range('\u{1f1e6}', '\u{1f1ff}'),
        2 => any::<char>(),
    ]
}

/// A whole terminal escape sequence: CSI (7-bit and C1), OSC ended by BEL or ST (a title,
/// a clipboard write, a hyperlink), DCS.
pub fn escape_sequence() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9;]{0,8}[A-Za-z@]".prop_map(|s| format!("\u{1b}[{s}")),
        "[0-9;]{0,8}[A-Za-z]".prop_map(|s| format!("\u{9b}{s}")),
        ("[0-9]{1,2}", "[ -~]{0,12}").prop_map(|(n, s)| format!("\u{1b}]{n};{s}\u{7}")),
        "[ -~]{0,12}".prop_map(|s| format!("\u{1b}]52;c;{s}\u{1b}\\")),
        "[ -~]{0,12}".prop_map(|s| format!("\u{1b}]8;;{s}\u{1b}\\")),
        "[ -~]{0,12}".prop_map(|s| format!("\u{1b}P{s}\u{1b}\\")),
    ]
}

/// Text of up to `max` pieces, each a hostile character or a whole escape sequence.
pub fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        8 => hostile_char().prop_map(String::from),
        1 => escape_sequence(),
    ];
    prop::collection::vec(piece, 0..max).prop_map(|v| v.concat())
}

/// Characters no terminal cell and no printed message may hold: C0/C1 controls, DEL, bidi
/// controls and other invisible format characters. Written out here, independent of the
/// sanitizer's own list, so that a gap in one shows up against the other.
pub fn forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{ad}' | '\u{61c}' | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}')
}
