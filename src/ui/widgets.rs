//! Small drawing helpers the panes share: bordered blocks, the spinner, sizes.

use ratatui::widgets::{Block, BorderType};

use super::theme::Theme;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn spinner(tick: u64) -> &'static str {
    SPINNER[(tick % SPINNER.len() as u64) as usize]
}

pub fn pane_block<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
    let style = if focused {
        theme.border_focus
    } else {
        theme.border
    };
    Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(style)
        .title(title)
}

/// "812 B", "4.2 KiB", "5.0 MiB".
pub fn human_bytes(n: usize) -> String {
    const KIB: f64 = 1024.0;
    let f = n as f64;
    if f < KIB {
        format!("{n} B")
    } else if f < KIB * KIB {
        format!("{:.1} KiB", f / KIB)
    } else {
        format!("{:.1} MiB", f / KIB / KIB)
    }
}

pub use crate::text::human_age;

/// "2026-11-28 21:04 UTC": to the minute, with no nanoseconds to read past. UTC is said
/// aloud, since the console does not know the operator's zone reliably.
pub fn human_time(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_without_nanoseconds() {
        let t = time::OffsetDateTime::from_unix_timestamp_nanos(1_764_363_845_123_456_789)
            .expect("a time");
        assert_eq!(human_time(t), "2025-11-28 21:04 UTC");
    }
}
