//! The Memory pane's tab bar and the mentor and course tabs: a list (mentor entries under
//! their category headings, or course memories), the selected item's details, and its text.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use serde_json::Value;

use crate::api::{CourseMemory, StoreRead};
use crate::app::{App, Load, MentorItem, MentorRow, StoreTab};
use crate::text::{display_width, sanitize_single_line, truncate_with_ellipsis};

use super::theme::Theme;
use super::widgets::spinner;

/// Draws the tab bar in the first row of `inner` and returns the rows under it.
pub fn tab_bar(frame: &mut Frame, inner: Rect, app: &App, theme: &Theme) -> Rect {
    if inner.height == 0 {
        return inner;
    }
    let [bar, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let mut spans = Vec::new();
    for (i, (label, tab)) in app.tab_labels().into_iter().zip(StoreTab::ALL).enumerate() {
        if i > 0 {
            // The gap the app's hit-testing counts with.
            spans.push(Span::raw(" ".repeat(crate::app::TAB_GAP)));
        }
        let style = if tab == app.stores.tab {
            theme.selected
        } else {
            theme.muted
        };
        spans.push(Span::styled(label, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), bar);
    body
}

/// Draws the mentor or course tab into `area` (the pane under the tab bar).
pub fn draw_tab(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let s = &app.stores;
    let (what, load_state) = match s.tab {
        StoreTab::Chat => return,
        StoreTab::Mentor => ("mentor memories", state_of(&s.mentor)),
        StoreTab::Course => ("course memory", state_of(&s.course)),
    };
    let note = |frame: &mut Frame, text: String, style| {
        frame.render_widget(
            Paragraph::new(text).style(style).wrap(Wrap { trim: false }),
            area,
        );
    };
    match load_state {
        State::Loading => {
            return note(
                frame,
                format!("{} loading {what}…", spinner(app.tick)),
                theme.muted,
            );
        }
        State::Failed(e) => return note(frame, e.to_owned(), theme.error),
        State::Unavailable(gap) if gap.status == 404 => {
            return note(
                frame,
                format!(
                    "No {what} for this user ({}).",
                    sanitize_single_line(&gap.to_string())
                ),
                theme.muted,
            );
        }
        State::Unavailable(gap) => {
            return note(
                frame,
                format!(
                    "{what}: n/a for this user, treated as empty; {}",
                    sanitize_single_line(&gap.to_string())
                ),
                theme.warning,
            );
        }
        State::Ready => {}
    }
    let rows: Vec<(String, ratatui::style::Style)> = match s.tab {
        StoreTab::Mentor => mentor_rows(app, area.width as usize, theme),
        _ => course_rows(app, area.width as usize, theme),
    };
    if rows.is_empty() {
        let mut text = format!("no {what} for this user");
        let shortfall = match &s.mentor {
            Load::Ready(StoreRead::Items(l)) if s.tab == StoreTab::Mentor => l.shortfall(),
            _ => 0,
        };
        if shortfall > 0 {
            text.push_str(&format!(
                " it can list (the server counts {} its pages did not hold)",
                crate::text::count_noun(shortfall as usize, "more memory", "more memories")
            ));
        }
        return note(frame, text, theme.muted);
    }
    let body = area.height as usize;
    let list_height = crate::app::list_height(body, rows.len());
    let selected_row = match s.tab {
        StoreTab::Mentor => s.mentor_row_of(s.mentor_selected),
        _ => s.course_selected,
    };
    let offset = crate::app::list_offset(selected_row, list_height);
    let hidden = hidden_rows(rows.len(), offset, list_height);
    let list: Vec<Line> = rows
        .into_iter()
        .skip(offset)
        .take(list_height)
        .map(|(text, style)| Line::styled(text, style))
        .collect();
    let [list_area, meta_area, text_area] = Layout::vertical([
        Constraint::Length(list_height as u16),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(list), list_area);
    let meta = match s.tab {
        StoreTab::Mentor => s.selected_mentor().map(mentor_meta),
        _ => s.selected_course().map(course_meta),
    }
    .unwrap_or_default();
    // Rows the list has no room for are named first, so none is missed unseen.
    let meta = match hidden {
        Some(h) => format!("{h} · {meta}"),
        None => meta,
    };
    frame.render_widget(
        Paragraph::new(Line::styled(
            truncate_with_ellipsis(&meta, area.width as usize).into_owned(),
            theme.accent,
        )),
        meta_area,
    );
    if let Some(view) = &s.view {
        let width = text_area.width.max(1);
        let rows = view.visual_rows(width, s.scroll, text_area.height as usize);
        frame.render_widget(Paragraph::new(rows), text_area);
    }
}

/// "↓ 3 more rows", "↑ 2 ↓ 1 more rows": list rows out of view above and below, when any.
fn hidden_rows(rows: usize, offset: usize, shown: usize) -> Option<String> {
    let below = rows.saturating_sub(offset + shown);
    let mut parts = Vec::new();
    if offset > 0 {
        parts.push(format!("↑ {offset}"));
    }
    if below > 0 {
        parts.push(format!("↓ {below}"));
    }
    if parts.is_empty() {
        return None;
    }
    let rows = if offset + below == 1 { "row" } else { "rows" };
    Some(format!("{} more {rows}", parts.join(" ")))
}

/// What a store's load amounts to, for drawing.
enum State<'a> {
    Loading,
    Failed(&'a str),
    Unavailable(&'a crate::api::StoreGap),
    Ready,
}

fn state_of<T>(load: &Load<StoreRead<T>>) -> State<'_> {
    match load {
        Load::Idle | Load::Loading => State::Loading,
        Load::Failed(e) => State::Failed(e),
        Load::Ready(StoreRead::Unavailable(gap)) => State::Unavailable(gap),
        Load::Ready(StoreRead::Items(_)) => State::Ready,
    }
}

/// The mentor tab's list: category headings, and per entry its key, the start of its value,
/// when it was updated and when it expires. Every piece is escaped.
fn mentor_rows(app: &App, width: usize, theme: &Theme) -> Vec<(String, ratatui::style::Style)> {
    let selected = app.stores.mentor_selected;
    let mut index = 0;
    app.stores
        .mentor_rows()
        .into_iter()
        .map(|row| match row {
            MentorRow::Heading(category) => (
                truncate_with_ellipsis(&sanitize_single_line(category), width).into_owned(),
                theme.accent.add_modifier(Modifier::BOLD),
            ),
            MentorRow::Entry(item) => {
                let is_selected = index == selected;
                index += 1;
                let style = if is_selected {
                    theme.selected
                } else {
                    ratatui::style::Style::default()
                };
                (mentor_row(item, is_selected, width), style)
            }
        })
        .collect()
}

fn mentor_row(item: MentorItem<'_>, selected: bool, width: usize) -> String {
    let e = item.entry;
    let when = format!(
        "upd {} · exp {}",
        e.updated_at.as_deref().map_or("-".into(), short_date),
        e.expires_at.as_deref().map_or("never".into(), short_date),
    );
    let value = first_line(e.value.as_deref().unwrap_or(""), width);
    let left = format!(
        "{} {}: {}",
        if selected { "▸" } else { " " },
        sanitize_single_line(&e.key),
        sanitize_single_line(value)
    );
    let room = width.saturating_sub(display_width(&when) + 3);
    if room < 16 {
        return truncate_with_ellipsis(&left, width).into_owned();
    }
    let left = truncate_with_ellipsis(&left, room);
    let pad = room.saturating_sub(display_width(&left));
    format!("{left}{} · {when}", " ".repeat(pad))
}

/// The selected entry in full: key, times, and which memory holds it.
fn mentor_meta(item: MentorItem<'_>) -> String {
    let e = item.entry;
    let memory = item
        .memory
        .name
        .as_deref()
        .or(item.memory.unique_id.as_deref())
        .unwrap_or("-");
    sanitize_single_line(&format!(
        "{} · updated {} · expires {} · memory {memory}",
        e.key,
        e.updated_at.as_deref().map_or("-".into(), shown_time),
        e.expires_at.as_deref().map_or("never".into(), shown_time),
    ))
    .into_owned()
}

/// A server time as the console shows times ("2025-09-04 10:00 UTC"), never its
/// nanoseconds; a text that is not an RFC 3339 time is shown as it is (escaped later).
fn shown_time(ts: &str) -> String {
    match time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339) {
        Ok(t) => super::widgets::human_time(t),
        Err(_) => ts.to_owned(),
    }
}

fn course_rows(app: &App, width: usize, theme: &Theme) -> Vec<(String, ratatui::style::Style)> {
    app.stores
        .courses()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let selected = i == app.stores.course_selected;
            let row = format!(
                "{} #{} · {} · lessons {} · next steps {}",
                if selected { "▸" } else { " " },
                sanitize_single_line(&c.id),
                sanitize_single_line(c.catalog_item.as_deref().unwrap_or("(no catalog item)")),
                json_size(&c.lessons),
                json_size(&c.next_steps),
            );
            let style = if selected {
                theme.selected
            } else {
                ratatui::style::Style::default()
            };
            (truncate_with_ellipsis(&row, width).into_owned(), style)
        })
        .collect()
}

fn course_meta(c: &CourseMemory) -> String {
    sanitize_single_line(&format!(
        "catalog item {} · student {}",
        c.catalog_item.as_deref().unwrap_or("-"),
        c.student.as_deref().unwrap_or("-"),
    ))
    .into_owned()
}

/// "3 items", "2 keys", "text", "none": what a free-JSON field holds, in a word or two.
fn json_size(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        Value::Array(a) => crate::text::count_noun(a.len(), "item", "items"),
        Value::Object(o) => crate::text::count_noun(o.len(), "key", "keys"),
        Value::String(_) => "text".into(),
        other => sanitize_single_line(&other.to_string()).into_owned(),
    }
}

/// "2025-09-03" of "2025-09-03T09:12:00+00:00"; other text as it is, escaped.
fn short_date(ts: &str) -> String {
    let short = match ts.get(..10) {
        Some(d) if d.as_bytes().get(4) == Some(&b'-') => d,
        _ => ts,
    };
    sanitize_single_line(short).into_owned()
}

/// The first line of `text`, looking at no more than a row's worth of it.
fn first_line(text: &str, width: usize) -> &str {
    let head = match text.char_indices().nth(width.max(1) * 2) {
        Some((cut, _)) => &text[..cut],
        None => text,
    };
    head.split('\n').next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::hidden_rows;

    #[test]
    fn rows_out_of_view_are_counted_above_and_below() {
        assert_eq!(hidden_rows(5, 0, 5), None, "all shown");
        assert_eq!(hidden_rows(10, 0, 7).as_deref(), Some("↓ 3 more rows"));
        assert_eq!(hidden_rows(10, 2, 7).as_deref(), Some("↑ 2 ↓ 1 more rows"));
        assert_eq!(hidden_rows(8, 1, 7).as_deref(), Some("↑ 1 more row"));
    }
}
