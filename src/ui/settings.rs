//! The `[ui]` table of the config: keys and theme, with unknown entries refused.

use crate::app::Keymap;

use super::theme::Theme;

/// Reads `[ui.keys]` and `[ui.theme]`; anything else under `[ui]` is an error, so a typo is
/// reported instead of silently ignored.
pub fn from_config(ui: &toml::Table, no_color: bool) -> Result<(Keymap, Theme), String> {
    if let Some(other) = ui.keys().find(|k| *k != "keys" && *k != "theme") {
        return Err(format!(
            "[ui]: unknown entry {other:?} (expected keys or theme)"
        ));
    }
    let table = |name: &str| -> Result<Option<&toml::Table>, String> {
        match ui.get(name) {
            None => Ok(None),
            Some(toml::Value::Table(t)) => Ok(Some(t)),
            Some(_) => Err(format!("[ui] {name} must be a table")),
        }
    };
    let keymap = Keymap::with_overrides(table("keys")?)?;
    let theme = Theme::from_config(table("theme")?, no_color)?;
    Ok((keymap, theme))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_entries_are_refused() {
        let t: toml::Table = toml::from_str("[colours]\naccent = \"red\"").unwrap();
        assert!(from_config(&t, false).unwrap_err().contains("colours"));
        let t: toml::Table = toml::from_str("keys = 3").unwrap();
        assert!(from_config(&t, false).is_err());
        assert!(from_config(&toml::Table::new(), false).is_ok());
    }
}
