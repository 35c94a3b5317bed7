//! Colours: a theme from `[ui.theme]` in config, plain when NO_COLOR is set. The defaults use
//! the 16 ANSI colours so any terminal shows them.

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub accent: Style,
    pub border: Style,
    pub border_focus: Style,
    pub selected: Style,
    pub muted: Style,
    pub success: Style,
    pub warning: Style,
    pub error: Style,
    pub badge: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            accent: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            border: Style::new().fg(Color::DarkGray),
            border_focus: Style::new().fg(Color::Cyan),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            muted: Style::new().fg(Color::DarkGray),
            success: Style::new().fg(Color::Green),
            warning: Style::new().fg(Color::Yellow),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            badge: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
        }
    }
}

impl Theme {
    /// No colour at all: emphasis by bold, reverse and dim only.
    pub fn plain() -> Theme {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            accent: bold,
            border: Style::new(),
            border_focus: bold,
            selected: Style::new().add_modifier(Modifier::REVERSED),
            muted: Style::new().add_modifier(Modifier::DIM),
            success: Style::new(),
            warning: bold,
            error: bold,
            badge: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }

    /// The theme for this run: `NO_COLOR` (any value) wins, then `[ui.theme]` colours.
    pub fn from_config(table: Option<&toml::Table>, no_color: bool) -> Result<Theme, String> {
        if no_color {
            return Ok(Theme::plain());
        }
        let mut theme = Theme::default();
        let Some(table) = table else {
            return Ok(theme);
        };
        for (name, value) in table {
            let text = value.as_str().ok_or_else(|| {
                format!("[ui.theme] {name}: expected a colour name like \"cyan\" or \"#00afff\"")
            })?;
            let color = Color::from_str(text)
                .map_err(|_| format!("[ui.theme] {name}: {text:?} is not a colour"))?;
            let slot = match name.as_str() {
                "accent" => &mut theme.accent,
                "border" => &mut theme.border,
                "border_focus" => &mut theme.border_focus,
                "muted" => &mut theme.muted,
                "success" => &mut theme.success,
                "warning" => &mut theme.warning,
                "error" => &mut theme.error,
                "badge" => {
                    theme.badge = theme.badge.bg(color);
                    continue;
                }
                "selected" => {
                    theme.selected = Style::new().bg(color).fg(Color::Black);
                    continue;
                }
                other => return Err(format!("[ui.theme]: unknown colour slot {other:?}")),
            };
            *slot = slot.fg(color);
        }
        Ok(theme)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_wins_and_bad_entries_are_named() {
        let t: toml::Table = toml::from_str("accent = \"magenta\"").unwrap();
        assert_eq!(Theme::from_config(Some(&t), true).unwrap(), Theme::plain());
        assert_eq!(
            Theme::from_config(Some(&t), false).unwrap().accent.fg,
            Some(Color::Magenta)
        );
        let bad: toml::Table = toml::from_str("accent = \"chartreuse-ish\"").unwrap();
        assert!(
            Theme::from_config(Some(&bad), false)
                .unwrap_err()
                .contains("accent")
        );
        let bad: toml::Table = toml::from_str("sparkle = \"red\"").unwrap();
        assert!(Theme::from_config(Some(&bad), false).is_err());
    }
}
