//! Why the console is waiting, in words for the status line: a 429's pause, or a server that
//! has not answered yet, so a spinner is never the only sign.

use std::time::{Duration, Instant};

use super::state::{App, Load};

/// Silence shorter than this is normal; after it the status line says so.
pub const QUIET_AFTER: Duration = Duration::from_secs(2);

impl App {
    /// "server asked to wait 5 s (429)", "no answer yet (12 s): memory of alice", or nothing.
    pub fn waiting_note(&self) -> Option<String> {
        self.waiting_note_at(Instant::now())
    }

    pub fn waiting_note_at(&self, now: Instant) -> Option<String> {
        if let Some(wait) = self.server_wait.filter(|d| !d.is_zero()) {
            return Some(format!(
                "server asked to wait {} s (429); requests resume after that",
                wait.as_secs_f64().ceil() as u64
            ));
        }
        let silent = |since: Option<Instant>| {
            since
                .map(|t| now.saturating_duration_since(t))
                .filter(|d| *d >= QUIET_AFTER)
        };
        if matches!(self.memory.entries, Load::Loading)
            && let Some(d) = silent(self.memory.asked_at)
        {
            let who = self
                .memory
                .target
                .as_ref()
                .map(|t| crate::text::sanitize_single_line(&t.user.username).into_owned())
                .unwrap_or_default();
            return Some(format!(
                "no answer yet ({} s): memory of {who}",
                d.as_secs()
            ));
        }
        if self.users.loading.is_some()
            && let Some(d) = silent(self.users.asked_at)
        {
            return Some(format!("no answer yet ({} s): users", d.as_secs()));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ClientSettings;
    use crate::app::Keymap;
    use crate::connection::Connection;
    use secrecy::SecretString;

    fn app() -> App {
        let session = Connection {
            demo: true,
            task_poll_give_up: Duration::from_secs(60),
            ..Connection::new(
                "t",
                ClientSettings::new(
                    "http://127.0.0.1:1",
                    SecretString::from("test-key".to_owned()),
                ),
                "test",
            )
        };
        App::new(session, Keymap::default())
    }

    #[test]
    fn says_why_it_waits() {
        let mut a = app();
        let t0 = Instant::now();
        assert_eq!(a.waiting_note_at(t0), None);
        a.memory.entries = Load::Loading;
        a.memory.asked_at = Some(t0);
        assert_eq!(a.waiting_note_at(t0 + Duration::from_secs(1)), None);
        let note = a.waiting_note_at(t0 + Duration::from_secs(12));
        assert_eq!(note.as_deref(), Some("no answer yet (12 s): memory of "));
        a.server_wait = Some(Duration::from_millis(4_200));
        let note = a
            .waiting_note_at(t0 + Duration::from_secs(12))
            .unwrap_or_default();
        assert!(note.starts_with("server asked to wait 5 s (429)"), "{note}");
    }
}
