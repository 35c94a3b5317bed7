//! Erases and restores still running: while one runs for a user, no other write to that
//! user starts (an edit saved mid-erase would be deleted unbacked), and `q` asks twice.

use super::event::{Effect, Target};
use super::state::{App, Level};

impl App {
    /// Notes a long write as it starts, so the guards below know of it.
    pub(super) fn note_in_flight(&mut self, effect: &Effect) {
        let running = match effect {
            Effect::Erase { target, .. } => Some((target.clone(), "an erase")),
            Effect::Restore { target, .. } => Some((target.clone(), "a restore")),
            Effect::StoreErase { target, .. } => Some((target.clone(), "an erase")),
            Effect::Forget { target } => Some((target.clone(), "a forget")),
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
        let (_, what) = self.in_flight.iter().find(|(t, _)| t == target)?;
        Some(format!(
            "{what} of {} is still running: wait for it to end before changing that memory",
            crate::text::sanitize_single_line(&target.user.username)
        ))
    }

    /// `q` while an erase or restore runs: the first press says what quitting would cut
    /// short, the second quits.
    pub(super) fn quit_or_warn(&mut self) {
        let Some((target, what)) = self.in_flight.first() else {
            self.should_quit = true;
            return;
        };
        if self.quit_armed {
            self.should_quit = true;
            return;
        }
        // A restore deletes nothing: what it wrote is noted in the backup instead.
        let kept = if *what == "a restore" {
            "what it wrote is noted in the backup, and restoring again goes on from there"
        } else {
            "what it deleted is in its backup"
        };
        let text = format!(
            "{what} of {} is still running; quitting now stops it halfway ({kept}). Press q again to quit anyway",
            crate::text::sanitize_single_line(&target.user.username)
        );
        self.quit_armed = true;
        self.set_status(Level::Warning, text);
    }
}
