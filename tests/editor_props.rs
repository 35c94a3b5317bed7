//! Whatever the memory holds, the editor keeps its bytes: opening and saving unchanged gives
//! them back, a hidden character drawn as a placeholder is deleted as exactly that one
//! character, text typed to look like a placeholder stays text, and any keys undone give the
//! original back.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use memory_console::api::{OrgScope, UserRef};
use memory_console::app::{EditKind, Editor, Pos, Target};
use memory_console::text::hidden::is_hidden;
use proptest::prelude::*;

fn target() -> Target {
    Target {
        org: OrgScope::new("main"),
        user: UserRef::by_name("u"),
    }
}

fn editor(text: &str) -> Editor {
    Editor::new(target(), EditKind::Create, text.to_owned(), text)
}

fn press(ed: &mut Editor, code: KeyCode, modifiers: KeyModifiers) {
    ed.key(KeyEvent::new(code, modifiers));
}

/// Characters weighted towards the ones that need care: escape sequences, CR/LF, bidi
/// controls, zero-width and tag characters, combining marks, wide characters.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        1 => Just(' '),
        2 => Just('\n'),
        1 => Just('\r'),
        1 => Just('\t'),
        2 => Just('\x1b'),
        1 => Just('['),
        1 => Just('\x07'),
        1 => prop::char::range('\0', '\x1f'),
        1 => Just('\x7f'),
        1 => prop::char::range('\u{80}', '\u{9f}'),
        2 => prop::sample::select(vec![
            '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{61c}',
            '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{ad}', '\u{e0041}',
            '\u{e0020}', '\u{2028}', '\u{3164}',
        ]),
        1 => prop::sample::select(vec!['\u{fe0f}', '\u{e0100}', '\u{301}', '\u{308}', '\u{20e3}']),
        1 => prop::sample::select(vec!['⟨', '⟩']),
        1 => prop::char::range('\u{4e00}', '\u{4e80}'),
        1 => prop::char::range('\u{1f600}', '\u{1f640}'),
        1 => prop::char::range('\u{1f1e6}', '\u{1f1ff}'),
        1 => any::<char>(),
    ]
}

fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..max).prop_map(|v| v.into_iter().collect())
}

/// Where the character at byte `at` of `text` sits in the editor's lines.
fn pos_of(text: &str, at: usize) -> Pos {
    let before = &text[..at];
    let row = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Pos::new(row, at - line_start)
}

/// Moves the cursor from the start to `to` with Right, which must stop there.
fn walk_to(ed: &mut Editor, to: Pos) -> Result<(), TestCaseError> {
    press(ed, KeyCode::Home, KeyModifiers::CONTROL);
    let mut steps = 0;
    while ed.buffer.cursor() < to {
        press(ed, KeyCode::Right, KeyModifiers::NONE);
        steps += 1;
        prop_assert!(steps < 10_000, "Right never reached {:?}", to);
    }
    prop_assert_eq!(ed.buffer.cursor(), to, "Right stepped over the hidden char");
    Ok(())
}

/// The keys an operator might press, editing keys and moves alike.
fn any_key() -> impl Strategy<Value = (KeyCode, KeyModifiers)> {
    let none = KeyModifiers::NONE;
    prop_oneof![
        4 => hostile_char()
            .prop_filter("typed", |c| !c.is_control())
            .prop_map(move |c| (KeyCode::Char(c), none)),
        1 => Just((KeyCode::Enter, none)),
        1 => Just((KeyCode::Tab, none)),
        2 => Just((KeyCode::Backspace, none)),
        2 => Just((KeyCode::Delete, none)),
        2 => Just((KeyCode::Left, none)),
        2 => Just((KeyCode::Right, none)),
        1 => Just((KeyCode::Up, none)),
        1 => Just((KeyCode::Down, none)),
        1 => Just((KeyCode::Home, none)),
        1 => Just((KeyCode::End, none)),
        1 => Just((KeyCode::Left, KeyModifiers::SHIFT)),
        1 => Just((KeyCode::Right, KeyModifiers::SHIFT)),
        1 => Just((KeyCode::Down, KeyModifiers::SHIFT)),
        1 => Just((KeyCode::Right, KeyModifiers::CONTROL)),
        1 => Just((KeyCode::Left, KeyModifiers::CONTROL)),
        1 => Just((KeyCode::Char('w'), KeyModifiers::CONTROL)),
        1 => Just((KeyCode::Char('k'), KeyModifiers::CONTROL)),
        1 => Just((KeyCode::Char('j'), KeyModifiers::CONTROL)),
        1 => Just((KeyCode::Char('x'), KeyModifiers::CONTROL)),
        1 => Just((KeyCode::Char('y'), KeyModifiers::CONTROL)),
        1 => Just((KeyCode::Char('z'), KeyModifiers::CONTROL)),
        1 => Just((KeyCode::Char('r'), KeyModifiers::CONTROL)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn content_round_trips_through_the_editor(text in hostile_text(120)) {
        let mut ed = editor(&text);
        prop_assert_eq!(ed.text(), text.clone());
        prop_assert!(!ed.is_changed());
        // Moving about and selecting changes no byte either.
        for (code, m) in [
            (KeyCode::End, KeyModifiers::CONTROL),
            (KeyCode::Up, KeyModifiers::SHIFT),
            (KeyCode::Left, KeyModifiers::CONTROL),
            (KeyCode::Home, KeyModifiers::NONE),
            (KeyCode::Down, KeyModifiers::NONE),
        ] {
            press(&mut ed, code, m);
        }
        prop_assert_eq!(ed.text(), text);
        prop_assert!(!ed.looks_changed());
    }

    #[test]
    fn deleting_a_placeholder_deletes_exactly_its_char(
        text in hostile_text(60),
        pick in any::<prop::sample::Index>(),
        backwards in any::<bool>(),
    ) {
        let hidden: Vec<(usize, char)> =
            text.char_indices().filter(|(_, c)| is_hidden(*c)).collect();
        prop_assume!(!hidden.is_empty());
        let (at, c) = hidden[pick.index(hidden.len())];
        let mut ed = editor(&text);
        let mut expected = text.clone();
        expected.replace_range(at..at + c.len_utf8(), "");
        if backwards {
            walk_to(&mut ed, pos_of(&text, at + c.len_utf8()))?;
            press(&mut ed, KeyCode::Backspace, KeyModifiers::NONE);
        } else {
            walk_to(&mut ed, pos_of(&text, at))?;
            press(&mut ed, KeyCode::Delete, KeyModifiers::NONE);
        }
        prop_assert_eq!(ed.text(), expected);
    }

    #[test]
    fn typed_placeholder_lookalikes_stay_text(
        names in prop::collection::vec(
            prop::sample::select(vec!["ESC", "RLO", "CR", "ZWSP", "TAG A", "U+001B", "NUL"]),
            1..6,
        ),
    ) {
        let typed: String = names.iter().map(|n| format!("⟨{n}⟩")).collect();
        let mut ed = editor("");
        for c in typed.chars() {
            press(&mut ed, KeyCode::Char(c), KeyModifiers::NONE);
        }
        ed.paste(&typed);
        prop_assert_eq!(ed.text(), format!("{typed}{typed}"));
        prop_assert!(!ed.text().chars().any(is_hidden));
    }

    #[test]
    fn any_keys_undone_give_the_original_back(
        text in hostile_text(60),
        keys in prop::collection::vec(any_key(), 0..60),
    ) {
        let mut ed = editor(&text);
        for (code, m) in keys {
            press(&mut ed, code, m);
            // The text is always whole lines of the bytes it holds.
            prop_assert_eq!(ed.text(), ed.buffer.lines().join("\n"));
        }
        for _ in 0..200 {
            press(&mut ed, KeyCode::Char('z'), KeyModifiers::CONTROL);
        }
        prop_assert_eq!(ed.text(), text);
        prop_assert!(!ed.looks_changed());
    }
}
