//! A confirmation that proceeds only when the username is typed: erasing in the mentor or
//! course store (`d`, `D` on those tabs) and forgetting a user in every store (`F`). It
//! says what will go and that it is backed up first; Enter with anything else erases
//! nothing.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::text::sanitize_single_line;

use super::super::action::Action;
use super::super::event::{Effect, Target};
use super::super::state::Level;
use super::step::{KeyCtx, Step};
use super::username::{NameKey, name_key};
use super::window::{Theme, centered, pane_block};

#[derive(Debug, Clone)]
pub struct TypedConfirm {
    pub target: Target,
    /// The window's title, " Forget user " say.
    pub title: &'static str,
    /// What will happen, one line each, as plain text (escaped when drawn).
    pub lines: Vec<String>,
    /// The same in fewer rows, for a terminal too short for `lines`: what goes must stay in
    /// sight (every store a forget erases), the explanation may not.
    pub short: Vec<String>,
    /// The verb of the Enter key and of the cancel message: "erase", "forget".
    pub verb: &'static str,
    /// The write this confirms, its status while it runs, and the effect that does it.
    pub action: Action,
    pub busy: &'static str,
    pub effect: Effect,
    pub typed: String,
    pub mismatch: bool,
}

impl TypedConfirm {
    pub fn on_key(&mut self, key: KeyEvent, _ctx: &mut KeyCtx) -> Vec<Step> {
        let name = &self.target.user.username;
        match name_key(&mut self.typed, &mut self.mismatch, name, key) {
            NameKey::Cancel => self.cancelled(),
            NameKey::Typing => Vec::new(),
            NameKey::Confirmed => vec![
                Step::Close,
                Step::Write {
                    action: self.action,
                    busy: self.busy,
                    effect: self.effect.clone(),
                },
            ],
        }
    }

    fn cancelled(&self) -> Vec<Step> {
        vec![
            Step::Close,
            Step::status(Level::Info, format!("{} cancelled", self.verb)),
        ]
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let user = sanitize_single_line(&self.target.user.username).into_owned();
        let width = 70.min(area.width);
        let inner_width = width.saturating_sub(2).max(1) as usize;
        let lines = |text: &[String]| -> Vec<Line> {
            text.iter()
                .map(|l| Line::raw(sanitize_single_line(l).into_owned()))
                .collect()
        };
        let rows = |lines: &[Line]| -> usize {
            lines
                .iter()
                .map(|l| l.width().div_ceil(inner_width).max(1))
                .sum()
        };
        // Rows left for the text once the borders and the name's three rows are drawn.
        let room = (area.height as usize).saturating_sub(2 + 3);
        let mut about = lines(&self.lines);
        if rows(&about) > room && !self.short.is_empty() {
            about = lines(&self.short);
        }
        // The box for the name keeps its rows at the bottom, so a short terminal cuts the
        // explanation, never the place to type.
        let entry = vec![
            Line::raw(super::username::prompt(&self.target.user.username)),
            Line::from(vec![
                Span::styled(
                    format!("> {}", sanitize_single_line(&self.typed)),
                    theme.accent,
                ),
                Span::styled("▏", theme.accent),
            ]),
            if self.mismatch {
                Line::styled(format!("that is not {user}; nothing happened"), theme.error)
            } else {
                Line::raw("")
            },
        ];
        let about_rows = rows(&about);
        let height = u16::try_from(about_rows + 1 + entry.len() + 2).unwrap_or(u16::MAX);
        let r = centered(area, width, height);
        let block = pane_block(self.title.into(), true, theme)
            .border_style(theme.error)
            .title_bottom(Line::styled(
                format!(" Enter: {} · Esc: cancel (default) ", self.verb),
                theme.muted,
            ));
        let inner = block.inner(r);
        frame.render_widget(Clear, r);
        frame.render_widget(block, r);
        let [top, bottom] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(entry.len() as u16)])
                .areas(inner);
        frame.render_widget(Paragraph::new(about).wrap(Wrap { trim: false }), top);
        frame.render_widget(Paragraph::new(entry), bottom);
    }
}
