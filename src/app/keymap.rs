//! Keys as data: the default bindings, overrides from config, and the text of help and footer.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;

/// A key with its modifiers, comparable and printable ("ctrl-s", "shift-tab", "G").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyBinding {
    pub code: KeyCodeKey,
    pub ctrl: bool,
    pub alt: bool,
}

/// The parts of crossterm's KeyCode a binding can name (crossterm's own type is not Ord).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeKey {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Backspace,
    Delete,
    F(u8),
}

impl KeyBinding {
    pub const fn plain(c: char) -> KeyBinding {
        KeyBinding {
            code: KeyCodeKey::Char(c),
            ctrl: false,
            alt: false,
        }
    }

    const fn code(code: KeyCodeKey) -> KeyBinding {
        KeyBinding {
            code,
            ctrl: false,
            alt: false,
        }
    }

    const fn ctrl(c: char) -> KeyBinding {
        KeyBinding {
            code: KeyCodeKey::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    /// The binding a key press matches; `None` for releases and keys no binding can name.
    pub fn from_event(key: &KeyEvent) -> Option<KeyBinding> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let code = match key.code {
            // Shift is part of the character already ('G'), so it is not kept separately.
            KeyCode::Char(c) => KeyCodeKey::Char(c),
            KeyCode::Enter => KeyCodeKey::Enter,
            KeyCode::Esc => KeyCodeKey::Esc,
            KeyCode::Tab if key.modifiers.contains(KeyModifiers::SHIFT) => KeyCodeKey::BackTab,
            KeyCode::Tab => KeyCodeKey::Tab,
            KeyCode::BackTab => KeyCodeKey::BackTab,
            KeyCode::Up => KeyCodeKey::Up,
            KeyCode::Down => KeyCodeKey::Down,
            KeyCode::Left => KeyCodeKey::Left,
            KeyCode::Right => KeyCodeKey::Right,
            KeyCode::Home => KeyCodeKey::Home,
            KeyCode::End => KeyCodeKey::End,
            KeyCode::PageUp => KeyCodeKey::PageUp,
            KeyCode::PageDown => KeyCodeKey::PageDown,
            KeyCode::Backspace => KeyCodeKey::Backspace,
            KeyCode::Delete => KeyCodeKey::Delete,
            KeyCode::F(n) => KeyCodeKey::F(n),
            _ => return None,
        };
        Some(KeyBinding {
            code,
            ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
            alt: key.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// Parses "ctrl-s", "alt-x", "shift-tab", "pgdn", "enter", "G", "/".
    pub fn parse(text: &str) -> Result<KeyBinding, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text.trim();
        let mut shift = false;
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower
                .strip_prefix("ctrl-")
                .or_else(|| lower.strip_prefix("c-"))
            {
                ctrl = true;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower
                .strip_prefix("alt-")
                .or_else(|| lower.strip_prefix("m-"))
            {
                alt = true;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("shift-") {
                shift = true;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCodeKey::Char(if shift { c.to_ascii_uppercase() } else { c }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCodeKey::Enter,
                "esc" | "escape" => KeyCodeKey::Esc,
                "tab" if shift => KeyCodeKey::BackTab,
                "tab" => KeyCodeKey::Tab,
                "backtab" => KeyCodeKey::BackTab,
                "up" => KeyCodeKey::Up,
                "down" => KeyCodeKey::Down,
                "left" => KeyCodeKey::Left,
                "right" => KeyCodeKey::Right,
                "home" => KeyCodeKey::Home,
                "end" => KeyCodeKey::End,
                "pgup" | "pageup" => KeyCodeKey::PageUp,
                "pgdn" | "pagedown" => KeyCodeKey::PageDown,
                "backspace" => KeyCodeKey::Backspace,
                "delete" | "del" => KeyCodeKey::Delete,
                "space" => KeyCodeKey::Char(' '),
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n) if (1..=12).contains(&n) => KeyCodeKey::F(n),
                    _ => return Err(format!("unknown key {text:?}")),
                },
                _ => return Err(format!("unknown key {text:?}")),
            },
        };
        Ok(KeyBinding { code, ctrl, alt })
    }
}

impl fmt::Display for KeyBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCodeKey::Char(' ') => f.write_str("Space"),
            KeyCodeKey::Char(c) => write!(f, "{c}"),
            KeyCodeKey::Enter => f.write_str("Enter"),
            KeyCodeKey::Esc => f.write_str("Esc"),
            KeyCodeKey::Tab => f.write_str("Tab"),
            KeyCodeKey::BackTab => f.write_str("Shift-Tab"),
            KeyCodeKey::Up => f.write_str("↑"),
            KeyCodeKey::Down => f.write_str("↓"),
            KeyCodeKey::Left => f.write_str("←"),
            KeyCodeKey::Right => f.write_str("→"),
            KeyCodeKey::Home => f.write_str("Home"),
            KeyCodeKey::End => f.write_str("End"),
            KeyCodeKey::PageUp => f.write_str("PgUp"),
            KeyCodeKey::PageDown => f.write_str("PgDn"),
            KeyCodeKey::Backspace => f.write_str("Backspace"),
            KeyCodeKey::Delete => f.write_str("Del"),
            KeyCodeKey::F(n) => write!(f, "F{n}"),
        }
    }
}

/// Which key does what.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: BTreeMap<KeyBinding, Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        use KeyCodeKey as K;
        let pairs = [
            (KeyBinding::code(K::Tab), Action::NextPane),
            (KeyBinding::plain('l'), Action::NextPane),
            (KeyBinding::code(K::Right), Action::NextPane),
            (KeyBinding::code(K::BackTab), Action::PrevPane),
            (KeyBinding::plain('h'), Action::PrevPane),
            (KeyBinding::code(K::Left), Action::PrevPane),
            (KeyBinding::plain('k'), Action::Up),
            (KeyBinding::code(K::Up), Action::Up),
            (KeyBinding::plain('j'), Action::Down),
            (KeyBinding::code(K::Down), Action::Down),
            (KeyBinding::plain('g'), Action::Top),
            (KeyBinding::code(K::Home), Action::Top),
            (KeyBinding::plain('G'), Action::Bottom),
            (KeyBinding::code(K::End), Action::Bottom),
            (KeyBinding::code(K::PageUp), Action::PageUp),
            (KeyBinding::code(K::PageDown), Action::PageDown),
            (KeyBinding::code(K::Enter), Action::Open),
            (KeyBinding::plain('/'), Action::Search),
            (KeyBinding::plain(':'), Action::Command),
            (KeyBinding::plain('r'), Action::Refresh),
            (KeyBinding::plain('1'), Action::TabChat),
            (KeyBinding::plain('2'), Action::TabMentor),
            (KeyBinding::plain('3'), Action::TabCourse),
            (KeyBinding::plain('['), Action::PrevEntry),
            (KeyBinding::plain(']'), Action::NextEntry),
            (KeyBinding::plain('e'), Action::Edit),
            (KeyBinding::plain('E'), Action::EditQueued),
            (KeyBinding::plain('n'), Action::Create),
            (KeyBinding::plain('d'), Action::Erase),
            (KeyBinding::plain('D'), Action::EraseAll),
            (KeyBinding::plain('t'), Action::ToggleMemory),
            (KeyBinding::plain('u'), Action::UndoErase),
            (KeyBinding::plain('F'), Action::Forget),
            (KeyBinding::plain('a'), Action::AuditLog),
            (KeyBinding::plain('?'), Action::Help),
            (KeyBinding::plain('q'), Action::Quit),
            (KeyBinding::ctrl('c'), Action::Quit),
        ];
        Keymap {
            bindings: pairs.into_iter().collect(),
        }
    }
}

impl Keymap {
    /// The default map with `[ui.keys]` applied: `action = "key"` or `action = ["k1", "k2"]`
    /// replaces that action's keys.
    pub fn with_overrides(table: Option<&toml::Table>) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        let Some(table) = table else {
            return Ok(map);
        };
        for (name, value) in table {
            let action: Action = toml::Value::String(name.clone())
                .try_into()
                .map_err(|_| format!("[ui.keys]: unknown action {name:?}"))?;
            let keys: Vec<String> = match value {
                toml::Value::String(s) => vec![s.clone()],
                toml::Value::Array(items) => items
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| format!("[ui.keys] {name}: keys must be strings"))
                    })
                    .collect::<Result<_, _>>()?,
                _ => {
                    return Err(format!(
                        "[ui.keys] {name}: expected a key or a list of keys"
                    ));
                }
            };
            map.bindings.retain(|_, a| *a != action);
            for k in keys {
                let binding =
                    KeyBinding::parse(&k).map_err(|e| format!("[ui.keys] {name}: {e}"))?;
                map.bindings.insert(binding, action);
            }
        }
        // A key taken from another action can leave it with none, silently: say so instead.
        let defaults = Keymap::default();
        for (key, action) in &defaults.bindings {
            if map.keys_for(*action).is_empty() {
                let now = map.bindings.get(key).map_or("nothing", |a| a.describe());
                return Err(format!(
                    "[ui.keys]: \"{}\" has no key left ({key} now does \"{now}\"); give it another key in [ui.keys]",
                    action.describe()
                ));
            }
        }
        Ok(map)
    }

    pub fn action(&self, key: &KeyEvent) -> Option<Action> {
        KeyBinding::from_event(key).and_then(|b| self.bindings.get(&b).copied())
    }

    /// The keys bound to an action, in a stable order.
    pub fn keys_for(&self, action: Action) -> Vec<KeyBinding> {
        self.bindings
            .iter()
            .filter(|(_, a)| **a == action)
            .map(|(k, _)| *k)
            .collect()
    }

    /// "e" or "Tab/l" for an action, for hints.
    pub fn label(&self, action: Action) -> String {
        let keys = self.keys_for(action);
        if keys.is_empty() {
            return "unbound".into();
        }
        keys.iter()
            .take(2)
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taking_the_only_key_of_another_action_is_refused_with_both_named() {
        let table: toml::Table = toml::from_str(r#"erase = ["e"]"#).unwrap();
        let e = Keymap::with_overrides(Some(&table)).unwrap_err();
        assert!(e.contains("has no key left"), "{e}");
        assert!(e.contains(Action::Edit.describe()), "{e}");
        // Moving edit too is fine.
        let table: toml::Table = toml::from_str("erase = [\"e\"]\nedit = [\"i\"]").unwrap();
        let map = Keymap::with_overrides(Some(&table)).expect("both have keys");
        assert_eq!(map.label(Action::Edit), "i");
    }

    #[test]
    fn parses_what_it_prints() {
        for text in [
            "ctrl-s",
            "shift-tab",
            "G",
            "/",
            "pgdn",
            "enter",
            "f5",
            "alt-x",
            "space",
        ] {
            let b = KeyBinding::parse(text).unwrap();
            let again = KeyBinding::parse(
                &b.to_string()
                    .replace("Ctrl-", "ctrl-")
                    .replace("Alt-", "alt-"),
            )
            .unwrap();
            assert_eq!(b, again, "{text}");
        }
        assert!(KeyBinding::parse("hyper-x").is_err());
        assert!(KeyBinding::parse("f99").is_err());
    }

    #[test]
    fn overrides_replace_an_actions_keys() {
        let t: toml::Table = toml::from_str("edit = \"i\"\nquit = [\"x\", \"ctrl-q\"]").unwrap();
        let m = Keymap::with_overrides(Some(&t)).unwrap();
        let press = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(m.action(&press('i')), Some(Action::Edit));
        assert_eq!(m.action(&press('e')), None);
        assert_eq!(m.action(&press('x')), Some(Action::Quit));
        assert_eq!(m.action(&press('q')), None);
        let bad: toml::Table = toml::from_str("fly = \"f\"").unwrap();
        assert!(
            Keymap::with_overrides(Some(&bad))
                .unwrap_err()
                .contains("fly")
        );
    }

    #[test]
    fn every_action_has_a_default_key() {
        let m = Keymap::default();
        for a in Action::ALL {
            assert!(!m.keys_for(a).is_empty(), "{a:?}");
        }
    }
}
