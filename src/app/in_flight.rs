//! Erases and restores still running: while one runs for a user, no other write to that
//! user starts (an edit saved mid-erase would be deleted unbacked), and `q` asks twice.

use super::event::{Effect, Target};
use super::state::{App, Level};

/// The kind of long write running for a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Running {
    Erase,
    Restore,
    Forget,
}

impl Running {
    fn words(self) -> &'static str {
        match self {
            Running::Erase => "an erase",
            Running::Restore => "a restore",
            Running::Forget => "a forget",
        }
    }
}

impl App {
    /// Notes a long write as it starts, so the guards below know of it.
    pub(super) fn note_in_flight(&mut self, effect: &Effect) {
        let running = match effect {
            Effect::Erase { target, .. } => Some((target.clone(), Running::Erase)),
            Effect::Restore { target, .. } => Some((target.clone(), Running::Restore)),
            Effect::StoreErase { target, .. } => Some((target.clone(), Running::Erase)),
            Effect::Forget { target } => Some((target.clone(), Running::Forget)),
            _ => None,
        };
        if let Some(entry) = running {
            self.in_flight.push(entry);
        }
    }

    /// The write for `target` ended (whatever its outcome).
    pub(super) fn ended_in_flight(&mut self, target: &Target) {
        if let Some(i) = self.in_flight.iter().position(|(t, _)| t == target) {
            self.in_flight.remove(i);
        }
        if self.in_flight.is_empty() {
            self.quit_armed = false;
        }
    }

    /// Why a write to the open user must wait, if an erase or restore of them still runs.
    pub(super) fn busy_with_open_user(&self) -> Option<String> {
        let target = self.memory.target.as_ref()?;
        let (_, running) = self.in_flight.iter().find(|(t, _)| t == target)?;
        Some(format!(
            "{} of {} is still running: wait for it to end before changing that memory",
            running.words(),
            crate::text::sanitize_single_line(&target.user.username)
        ))
    }

    /// `q` while an erase or restore runs: the first press says what quitting would cut
    /// short, the second quits.
    pub(super) fn quit_or_warn(&mut self) {
        let Some((target, running)) = self.in_flight.first() else {
            self.should_quit = true;
            return;
        };
        if self.quit_armed {
            self.should_quit = true;
            return;
        }
        // A restore deletes nothing: what it wrote is noted in the backup instead.
        let kept = if *running == Running::Restore {
            "what it wrote is noted in the backup, and restoring again goes on from there"
        } else {
            "what it deleted is in its backup"
        };
        let text = format!(
            "{} of {} is still running; quitting now stops it halfway ({kept}). Press q again to quit anyway",
            running.words(),
            crate::text::sanitize_single_line(&target.user.username)
        );
        self.quit_armed = true;
        self.set_status(Level::Warning, text);
    }
}
