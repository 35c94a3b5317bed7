//! Who the open user is: name, email, id, active, admin, joined. Two "John Smith"s differ
//! here. A box beside the memory when the terminal is wide, one or two lines above it when
//! not. What does not fit degrades by priority: email, id and name stay longest, a cut
//! value ends with "…", and a long value takes a second row when there is one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::api::UserSummary;
use crate::app::App;
use crate::text::{display_width, sanitize_single_line, truncate_to_width, truncate_with_ellipsis};

use super::theme::Theme;
use super::widgets::pane_block;

/// Cells of the label column in the box ("joined" and a space, padded).
const LABEL: usize = 8;

/// The fields in the order they stay when room runs out: what a ticket names first.
const PRIORITY: [&str; 7] = ["email", "id", "name", "user", "active", "admin", "joined"];

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if area.is_empty() {
        return;
    }
    let block = pane_block(" User ".into(), false, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let Some(u) = &app.memory.user else {
        let name = app
            .memory
            .target
            .as_ref()
            .map(|t| sanitize_single_line(&t.user.username).into_owned())
            .unwrap_or_default();
        frame.render_widget(
            Paragraph::new(Line::styled(
                truncate_with_ellipsis(&format!("{name} (no details: opened by name)"), width)
                    .into_owned(),
                theme.muted,
            )),
            inner,
        );
        return;
    };
    let fields = fields(u);
    // The box is tall (a field a row); the line above the memory has one or two rows.
    let lines: Vec<Line> = if inner.height >= 4 {
        box_rows(&fields, width, inner.height as usize)
            .into_iter()
            .map(|(label, value)| {
                Line::from(vec![
                    Span::styled(format!("{label:<LABEL$}"), theme.muted),
                    Span::raw(value),
                ])
            })
            .collect()
    } else {
        summary_rows(&fields, width, inner.height as usize)
            .into_iter()
            .map(Line::raw)
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The user's fields, in the order the box shows them, sanitized.
pub fn fields(u: &UserSummary) -> Vec<(&'static str, String)> {
    let yes_no = |b: Option<bool>| match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "?",
    };
    let text = |s: Option<&str>| {
        s.filter(|s| !s.is_empty())
            .map(|s| sanitize_single_line(s).into_owned())
            .unwrap_or_else(|| "-".into())
    };
    vec![
        ("name", text(u.name.as_deref())),
        ("email", text(u.email.as_deref())),
        ("user", sanitize_single_line(&u.username).into_owned()),
        (
            "id",
            u.user_id.map_or_else(|| "-".into(), |id| id.to_string()),
        ),
        ("active", yes_no(u.active).into()),
        ("admin", yes_no(u.is_admin).into()),
        ("joined", joined(u.added_on.as_deref())),
    ]
}

fn rank(label: &str) -> usize {
    PRIORITY
        .iter()
        .position(|p| *p == label)
        .unwrap_or(PRIORITY.len())
}

/// `s` in pieces of at most `width` cells, for a value that takes more than one row;
/// a piece ends after a space, "@", "." or "-" when one is in its second half.
fn chunks(s: &str, width: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let mut head = truncate_to_width(rest, width);
        if head.is_empty() {
            // A character wider than the room: nothing more can be shown.
            break;
        }
        if head.len() < rest.len()
            && let Some(at) = head.rfind([' ', '@', '.', '-'])
            && display_width(&head[..at]) >= width / 2
        {
            head = &head[..=at];
        }
        out.push(head);
        rest = &rest[head.len()..];
    }
    out
}

/// The box: (label, value) rows for `height` rows of `width` cells. Each field gets a row
/// in priority order while rows last, then long values (email first) get more rows; a
/// value not shown whole ends with "…". Rows follow the fields' own order; a value's
/// second row has an empty label.
pub fn box_rows(
    fields: &[(&'static str, String)],
    width: usize,
    height: usize,
) -> Vec<(&'static str, String)> {
    let room = width.saturating_sub(LABEL);
    if room == 0 {
        return Vec::new();
    }
    let pieces: Vec<Vec<&str>> = fields.iter().map(|(_, v)| chunks(v, room)).collect();
    let mut order: Vec<usize> = (0..fields.len()).collect();
    order.sort_by_key(|&i| rank(fields[i].0));
    let mut rows = vec![0usize; fields.len()];
    let mut left = height;
    for &i in &order {
        if left == 0 {
            break;
        }
        rows[i] = 1;
        left -= 1;
    }
    for &i in &order {
        let more = pieces[i].len().saturating_sub(rows[i]).min(left);
        rows[i] += more;
        left -= more;
    }
    let mut out = Vec::new();
    for (i, (label, value)) in fields.iter().enumerate() {
        let n = rows[i];
        if n == 0 {
            continue;
        }
        let whole = pieces[i].len() <= n;
        for (k, piece) in pieces[i].iter().take(n).enumerate() {
            let label = if k == 0 { *label } else { "" };
            let last = k + 1 == n;
            let shown = if last && !whole {
                // The rest of the value from here, cut with the ellipsis in view.
                let start = pieces[i][..k].iter().map(|p| p.len()).sum::<usize>();
                truncate_with_ellipsis(&value[start..], room).into_owned()
            } else {
                (*piece).to_owned()
            };
            out.push((label, shown));
        }
    }
    out
}

/// The summary's parts: the name, the email, then the labelled rest (the username is in
/// the Memory pane's title).
fn parts(fields: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    fields
        .iter()
        .filter(|(label, _)| *label != "user")
        .map(|(label, v)| {
            let shown = match *label {
                "name" if v == "-" => "no name".to_owned(),
                "email" if v == "-" => "no email".to_owned(),
                "name" | "email" => v.clone(),
                _ => format!("{label} {v}"),
            };
            (*label, shown)
        })
        .collect()
}

/// Cells the one-row summary needs, for the layout to give it a second row.
pub fn summary_width(u: &UserSummary) -> usize {
    let parts = parts(&fields(u));
    parts.iter().map(|(_, p)| display_width(p)).sum::<usize>() + 3 * parts.len().saturating_sub(1)
}

/// The parts a row may cut (keeping at least [`MIN_CUT`] cells and a "…"); the others are
/// short facts shown whole or not at all.
fn cuttable(label: &str) -> bool {
    matches!(label, "name" | "email")
}

const MIN_CUT: usize = 12;

/// One row of `parts` in `width` cells: the facts whole, the name and email sharing what
/// is left (the email first), and whether anything was cut; `None` when even their
/// shortest forms do not fit.
fn fit_row(parts: &[(&'static str, String)], width: usize) -> Option<(String, bool)> {
    let widths: Vec<usize> = parts.iter().map(|(_, p)| display_width(p)).collect();
    let seps = 3 * parts.len().saturating_sub(1);
    let fixed: usize = parts
        .iter()
        .zip(&widths)
        .filter(|((l, _), _)| !cuttable(l))
        .map(|(_, w)| *w)
        .sum();
    let mut room = width.checked_sub(fixed + seps)?;
    let mut give: Vec<usize> = widths.clone();
    let cut: Vec<usize> = (0..parts.len()).filter(|&i| cuttable(parts[i].0)).collect();
    let cutting = cut.iter().map(|&i| widths[i]).sum::<usize>() > room;
    if cutting {
        for &i in &cut {
            give[i] = widths[i].min(MIN_CUT);
        }
        room = room.checked_sub(cut.iter().map(|&i| give[i]).sum())?;
        let mut by_rank = cut.clone();
        by_rank.sort_by_key(|&i| rank(parts[i].0));
        for i in by_rank {
            let more = (widths[i] - give[i]).min(room);
            give[i] += more;
            room -= more;
        }
    }
    let shown: Vec<String> = parts
        .iter()
        .zip(&give)
        .map(|((_, p), &w)| truncate_with_ellipsis(p, w).into_owned())
        .collect();
    Some((shown.join(" · "), cutting))
}

/// Lays `parts` out, in order, on one row or split over two of `width` cells; `None`
/// when they do not fit.
fn pack(parts: &[(&'static str, String)], width: usize, rows: usize) -> Option<Vec<String>> {
    let one = fit_row(parts, width);
    if rows < 2 || one.as_ref().is_some_and(|(_, cut)| !cut) {
        return one.map(|(row, _)| vec![row]);
    }
    // A split that cuts nothing beats one that does; among each, late breaks keep the
    // first row fullest.
    let splits: Vec<(Vec<String>, bool)> = (1..parts.len())
        .rev()
        .filter_map(|at| {
            let (first, a) = fit_row(&parts[..at], width)?;
            let (second, b) = fit_row(&parts[at..], width)?;
            Some((vec![first, second], a || b))
        })
        .collect();
    let whole = splits.iter().position(|(_, cut)| !cut);
    match (whole, one) {
        (Some(i), _) => splits.into_iter().nth(i).map(|(rows, _)| rows),
        (None, Some((row, _))) => Some(vec![row]),
        (None, None) => splits.into_iter().next().map(|(rows, _)| rows),
    }
}

/// The summary above the memory on `rows` rows (one or two): every part when they fit;
/// else the least telling parts left out (joined, admin, active, then the name), so the
/// email and id stay.
pub fn summary_rows(fields: &[(&'static str, String)], width: usize, rows: usize) -> Vec<String> {
    if width == 0 || rows == 0 {
        return Vec::new();
    }
    let all = parts(fields);
    let mut drop_order: Vec<&str> = all.iter().map(|(l, _)| *l).collect();
    drop_order.sort_by_key(|l| std::cmp::Reverse(rank(l)));
    for dropped in 0..all.len() {
        let gone = &drop_order[..dropped];
        let kept: Vec<(&'static str, String)> = all
            .iter()
            .filter(|(l, _)| !gone.contains(l))
            .cloned()
            .collect();
        if let Some(lines) = pack(&kept, width, rows) {
            return lines;
        }
    }
    // Not even the email fits beside anything: show what does of it.
    let email = all
        .iter()
        .find(|(l, _)| *l == "email")
        .map(|(_, p)| p.as_str())
        .unwrap_or_default();
    vec![truncate_with_ellipsis(email, width).into_owned()]
}

/// The join date as a day ("2024-03-01"), whatever precision the server sends.
fn joined(added_on: Option<&str>) -> String {
    match added_on.filter(|s| !s.is_empty()) {
        Some(s) => {
            let clean = sanitize_single_line(s);
            let day = clean.split(['T', ' ']).next().unwrap_or(&clean);
            day.to_owned()
        }
        None => "-".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long_user() -> Vec<(&'static str, String)> {
        vec![
            (
                "name",
                "Maximilian Alexander von Hohenzollern-Sigmaringen III".into(),
            ),
            (
                "email",
                "maximilian.alexander.von.hohenzollern@students.example-university.edu".into(),
            ),
            ("user", "maximilian.alexander".into()),
            ("id", "4200017".into()),
            ("active", "no".into()),
            ("admin", "yes".into()),
            ("joined", "2024-03-01".into()),
        ]
    }

    #[test]
    fn the_box_wraps_a_long_email_and_keeps_every_field() {
        let rows = box_rows(&long_user(), 32, 46);
        let labels: Vec<&str> = rows
            .iter()
            .map(|(l, _)| *l)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(
            labels,
            ["name", "email", "user", "id", "active", "admin", "joined"]
        );
        let email: String = rows
            .iter()
            .skip_while(|(l, _)| *l != "email")
            .take_while(|(l, _)| *l == "email" || l.is_empty())
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(
            email,
            "maximilian.alexander.von.hohenzollern@students.example-university.edu"
        );
        for (_, v) in &rows {
            assert!(display_width(v) <= 24, "{v}");
        }
    }

    #[test]
    fn a_short_box_keeps_email_id_name_and_cuts_with_an_ellipsis() {
        let rows = box_rows(&long_user(), 32, 3);
        let labels: Vec<&str> = rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(labels, ["name", "email", "id"]);
        assert!(rows[1].1.ends_with('…'), "{:?}", rows[1]);
        assert!(rows[0].1.ends_with('…'), "{:?}", rows[0]);
    }

    #[test]
    fn two_summary_rows_at_80_columns_show_every_flag() {
        let lines = summary_rows(&long_user(), 52, 2);
        let all = lines.join("\n");
        for want in [
            "id 4200017",
            "active no",
            "admin yes",
            "joined 2024-03-01",
            "maximil",
        ] {
            assert!(all.contains(want), "{want} missing: {all}");
        }
        for l in &lines {
            assert!(display_width(l) <= 52, "{l}");
        }
    }

    #[test]
    fn one_narrow_summary_row_keeps_email_and_id_first() {
        let lines = summary_rows(&long_user(), 60, 1);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].contains("id 4200017"), "{lines:?}");
        assert!(lines[0].contains("maximilian.alex"), "{lines:?}");
        assert!(display_width(&lines[0]) <= 60, "{lines:?}");
        // Only a cut value carries the ellipsis; everything else is whole.
        assert!(!lines[0].contains("joined"), "{lines:?}");
    }
}
