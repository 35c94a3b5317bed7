//! The yes/no questions: y does it, any other key leaves things as they are. Memory on/off
//! and undo erase carry what they would act on; quit and discard need nothing.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::text::{display_path, sanitize_single_line};

use super::super::action::Action;
use super::super::event::{Effect, Target};
use super::super::state::Level;
use super::step::{KeyCtx, Step};
use super::window::{Theme, question};

fn is_yes(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y'))
}

/// Switch memory on or off? One stray `t` must not change data.
#[derive(Debug, Clone)]
pub struct ToggleQuestion {
    pub target: Target,
    pub enable: bool,
}

impl ToggleQuestion {
    pub fn on_key(&mut self, key: KeyEvent, _ctx: &mut KeyCtx) -> Vec<Step> {
        if is_yes(&key) {
            return vec![
                Step::Close,
                Step::Toggle {
                    target: self.target.clone(),
                    enable: self.enable,
                },
            ];
        }
        vec![
            Step::Close,
            Step::status(Level::Info, "memory on/off unchanged"),
        ]
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        question(
            frame,
            area,
            " Memory on/off ",
            format!(
                "Switch memory {} for {} ({})? y/n",
                if self.enable { "ON" } else { "OFF" },
                sanitize_single_line(&self.target.user.username),
                sanitize_single_line(&self.target.org.key)
            ),
            theme,
        );
    }
}

/// Undo of this run's last erase, from its backup.
#[derive(Debug, Clone)]
pub struct RestoreQuestion {
    pub target: Target,
    pub backup: PathBuf,
    /// What the erase took, in words ("3 entries of chat memory").
    pub what: String,
    /// Entries an earlier undo of this run wrote for the user.
    pub beside: Vec<i64>,
}

impl RestoreQuestion {
    pub fn on_key(&mut self, key: KeyEvent, _ctx: &mut KeyCtx) -> Vec<Step> {
        if is_yes(&key) {
            return vec![
                Step::Close,
                Step::Write {
                    action: Action::UndoErase,
                    busy: "restoring from the backup…",
                    effect: Effect::Restore {
                        target: self.target.clone(),
                        backup: self.backup.clone(),
                        beside: self.beside.clone(),
                    },
                },
            ];
        }
        vec![Step::Close, Step::status(Level::Info, "restore cancelled")]
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        question(
            frame,
            area,
            " Undo erase ",
            format!(
                "Restore {} of {} (org {})? From {}. y: restore, any other key: cancel",
                sanitize_single_line(&self.what),
                sanitize_single_line(&self.target.user.username),
                sanitize_single_line(&self.target.org.key),
                display_path(&self.backup)
            ),
            theme,
        );
    }
}

/// Quit with unsaved text in the editor? The question stays up while the console quits.
pub fn quit_on_key(key: KeyEvent, _ctx: &mut KeyCtx) -> Vec<Step> {
    if is_yes(&key) {
        return vec![Step::Quit];
    }
    vec![Step::Close]
}

pub fn quit_draw(frame: &mut Frame, area: Rect, theme: &Theme) {
    question(
        frame,
        area,
        " Unsaved changes ",
        "Quit with an unsaved edit? It is kept as a draft and offered when you open this \
         user again. y: quit, any other key: stay"
            .into(),
        theme,
    );
}

/// Leave the editor and drop the changes?
pub fn discard_on_key(key: KeyEvent, _ctx: &mut KeyCtx) -> Vec<Step> {
    if is_yes(&key) {
        return vec![
            Step::Close,
            Step::DiscardEditor,
            Step::status(Level::Info, "changes discarded"),
        ];
    }
    vec![Step::Close]
}

pub fn discard_draw(frame: &mut Frame, area: Rect, theme: &Theme) {
    question(
        frame,
        area,
        " Unsaved changes ",
        "Drop the changes in the editor? y: drop them, any other key: keep editing".into(),
        theme,
    );
}
