//! The erase confirmation: what will be erased and how it is backed up; it proceeds only
//! when the username is typed.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::api::MemoryEntry;
use crate::text::{count_noun, sanitize_single_line};

use super::super::action::Action;
use super::super::event::{Effect, EraseScope, Target};
use super::super::state::Level;
use super::step::{KeyCtx, Step};
use super::username::{NameKey, name_key};
use super::window::{Theme, centered, human_bytes, pane_block};

/// The erase confirmation: proceeds only when the username is typed.
#[derive(Debug, Clone)]
pub struct EraseDialog {
    pub target: Target,
    pub org_name: String,
    pub scope: EraseScope,
    /// What the server showed of what will be erased.
    pub entries: Vec<MemoryEntry>,
    /// The read was a whole list; else more entries may be found (and backed up) on the way.
    pub complete: bool,
    pub typed: String,
    pub mismatch: bool,
}

impl EraseDialog {
    pub fn bytes(&self) -> usize {
        self.entries.iter().map(|e| e.text().len()).sum()
    }

    /// Typing goes into the username box; Enter erases only when it is the username;
    /// Esc and Ctrl-C cancel.
    pub fn on_key(&mut self, key: KeyEvent, _ctx: &mut KeyCtx) -> Vec<Step> {
        let name = &self.target.user.username;
        match name_key(&mut self.typed, &mut self.mismatch, name, key) {
            NameKey::Cancel => cancelled(),
            NameKey::Typing => Vec::new(),
            NameKey::Confirmed => vec![
                Step::Close,
                Step::Write {
                    action: Action::Erase,
                    busy: "backing up, then erasing…",
                    effect: Effect::Erase {
                        target: self.target.clone(),
                        scope: self.scope,
                    },
                },
            ],
        }
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let r = centered(area, 64, 12);
        let user = sanitize_single_line(&self.target.user.username).into_owned();
        let what = match self.scope {
            EraseScope::Entry(id) => format!("Erase entry {id} of the chat memory of "),
            EraseScope::All => "Erase ALL chat memory of ".to_owned(),
        };
        let size = format!(
            "{}, {} shown",
            count_noun(self.entries.len(), "entry", "entries"),
            human_bytes(self.bytes())
        );
        let plan = match (self.scope, self.complete) {
            (EraseScope::Entry(_), _) => {
                format!("{size}. It is backed up before it is deleted.")
            }
            (EraseScope::All, true) => {
                format!("{size}. Each entry is backed up before it is deleted.")
            }
            (EraseScope::All, false) => format!(
                "{size}; the server shows one at a time, so more may be found. Each entry is backed up before it is deleted."
            ),
        };
        let question = vec![
            Line::from(vec![
                Span::raw(what),
                Span::styled(user.clone(), theme.accent),
                Span::raw(" in "),
                Span::styled(
                    sanitize_single_line(&self.org_name).into_owned(),
                    theme.accent,
                ),
                Span::raw("?"),
            ]),
            Line::raw(plan),
        ];
        let input = Line::from(vec![
            Span::styled(
                format!("> {}", sanitize_single_line(&self.typed)),
                theme.accent,
            ),
            Span::styled("▏", theme.accent),
        ]);
        let mismatch = self.mismatch.then(|| {
            Line::styled(
                format!("that is not {user}; nothing was erased"),
                theme.error,
            )
        });
        let block = pane_block(" Erase memory ".into(), true, theme)
            .border_style(theme.error)
            // On the border, so a short terminal still shows what the keys do.
            .title_bottom(Line::styled(
                " Enter: erase · Esc: cancel (default) ",
                theme.muted,
            ));
        let inner = block.inner(r);
        frame.render_widget(Clear, r);
        frame.render_widget(block, r);
        // The box the username is typed into is never cut: on a short terminal the
        // explanation goes first, then the prompt, then the mismatch note.
        let mut answer = vec![input];
        let rows = inner.height;
        if let Some(line) = mismatch.filter(|_| rows >= 2) {
            answer.push(line);
        }
        if rows >= answer.len() as u16 + 2 {
            answer.insert(
                0,
                Line::raw(super::username::prompt(&self.target.user.username)),
            );
        }
        let answer = Paragraph::new(answer).wrap(Wrap { trim: false });
        let answer_rows = (answer.line_count(inner.width) as u16).min(rows);
        let question = Paragraph::new(question).wrap(Wrap { trim: false });
        // Right under the question (one blank row between) when it fits; else the question
        // is cut from below.
        let wanted = (question.line_count(inner.width) as u16).saturating_add(1);
        let top_rows = wanted.min(rows - answer_rows);
        let top = Rect {
            height: top_rows.min(wanted - 1),
            ..inner
        };
        let bottom = Rect {
            y: inner.y + top_rows,
            height: answer_rows,
            ..inner
        };
        frame.render_widget(question, top);
        frame.render_widget(answer, bottom);
    }
}

fn cancelled() -> Vec<Step> {
    vec![Step::Close, Step::status(Level::Info, "erase cancelled")]
}
