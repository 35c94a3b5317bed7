//! Why the console is waiting, in words for the status line: a 429's pause, or a server that
//! has not answered yet, so a spinner is never the only sign.

use std::time::{Duration, Instant};

use super::state::{App, Load};
use super::stores_pane::StoreTab;

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
            return Some(format!(
                "no answer yet ({} s): memory of {}",
                d.as_secs(),
                self.open_username()
            ));
        }
        // The store tabs are read beside the chat memory; the tab in view is named first.
        let mentor = matches!(self.stores.mentor, Load::Loading);
        let course = matches!(self.stores.course, Load::Loading);
        let store = match self.stores.tab {
            StoreTab::Course if course => Some("course memory"),
            _ if mentor => Some("mentor memories"),
            _ if course => Some("course memory"),
            _ => None,
        };
        if let Some(store) = store
            && self.memory.target.is_some()
            && let Some(d) = silent(self.stores.asked_at)
        {
            return Some(format!(
                "no answer yet ({} s): {store} of {}",
                d.as_secs(),
                self.open_username()
            ));
        }
        if self.users.loading.is_some()
            && let Some(d) = silent(self.users.asked_at)
        {
            return Some(format!("no answer yet ({} s): users", d.as_secs()));
        }
        if let Some(lookup) = &self.lookup
            && let Some(d) = silent(Some(lookup.asked_at))
        {
            return Some(format!(
                "no answer yet ({} s): looking for {}",
                d.as_secs(),
                crate::text::sanitize_single_line(&lookup.query)
            ));
        }
        None
    }

    fn open_username(&self) -> String {
        self.memory
            .target
            .as_ref()
            .map(|t| crate::text::sanitize_single_line(&t.user.username).into_owned())
            .unwrap_or_default()
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

    #[test]
    fn says_so_for_the_store_tabs_and_a_user_lookup_too() {
        let mut a = app();
        let t0 = Instant::now();
        let later = t0 + Duration::from_secs(7);
        a.memory.target = Some(crate::app::Target {
            org: crate::api::OrgScope::new("main"),
            user: crate::api::UserRef::by_name("ann"),
        });
        a.memory.entries = Load::Ready(Vec::new());
        a.stores.mentor = Load::Loading;
        a.stores.course = Load::Loading;
        a.stores.asked_at = Some(t0);
        assert_eq!(
            a.waiting_note_at(later).as_deref(),
            Some("no answer yet (7 s): mentor memories of ann")
        );
        a.stores.tab = StoreTab::Course;
        assert_eq!(
            a.waiting_note_at(later).as_deref(),
            Some("no answer yet (7 s): course memory of ann")
        );
        a.stores.mentor = Load::Failed("x".into());
        a.stores.course = Load::Failed("x".into());
        assert_eq!(a.waiting_note_at(later), None);
        a.lookup = Some(crate::app::Lookup {
            req: 1,
            org: 0,
            query: "ann@example.edu\u{1b}[2J".into(),
            tried: 1,
            asked_at: t0,
        });
        assert_eq!(
            a.waiting_note_at(later).as_deref(),
            Some("no answer yet (7 s): looking for ann@example.edu\\x1b[2J")
        );
    }
}
