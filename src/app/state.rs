//! The console's state: what each pane shows, what is loading, and what is open.

use std::time::{Duration, Instant};

use crate::api::{MemoryEntry, OrgInfo, PageCursor, TaskId, TaskPhase, TaskState, UserSummary};
use crate::config::OrgChoice;
use crate::text::TextView;

use super::dialogs::Dialog;
use super::editor::Editor;
use super::erasing::UndoableErase;
use super::event::{ReqId, Target};

/// Something fetched from the server.
#[derive(Debug, Clone, Default)]
pub enum Load<T> {
    #[default]
    Idle,
    Loading,
    Ready(T),
    /// What failed and what to do, ready to show.
    Failed(String),
}

impl<T> Load<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Load::Ready(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, Load::Loading)
    }
}

/// The four panes, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Orgs,
    Users,
    Memory,
    Tasks,
}

impl Pane {
    pub const ORDER: [Pane; 4] = [Pane::Orgs, Pane::Users, Pane::Memory, Pane::Tasks];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Orgs => "Orgs",
            Pane::Users => "Users",
            Pane::Memory => "Memory",
            Pane::Tasks => "Tasks",
        }
    }
}

/// One org of the profile and what the server said about it.
#[derive(Debug, Clone)]
pub struct OrgItem {
    pub choice: OrgChoice,
    pub info: Load<OrgInfo>,
}

impl OrgItem {
    /// The configured name, else the server's, else the key.
    pub fn display_name(&self) -> &str {
        self.choice
            .name
            .as_deref()
            .or_else(|| self.info.ready().and_then(|i| i.name.as_deref()))
            .unwrap_or(&self.choice.scope.key)
    }
}

/// A selection with a scroll offset over a list of `len` rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCursor {
    pub selected: usize,
    pub offset: usize,
}

impl ListCursor {
    /// Moves by `delta` rows within `len`, keeping the selection inside a view of `height`.
    pub fn move_by(&mut self, delta: isize, len: usize, height: usize) {
        if len == 0 {
            *self = ListCursor::default();
            return;
        }
        let target = self.selected as isize + delta;
        self.selected = target.clamp(0, len as isize - 1) as usize;
        self.reveal(height);
    }

    pub fn reveal(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
    }
}

/// The users of the chosen org, loaded page by page as the operator scrolls.
#[derive(Debug, Clone, Default)]
pub struct UsersPane {
    pub org: Option<usize>,
    pub items: Vec<UserSummary>,
    pub count: Option<u64>,
    pub cursor: PageCursor,
    /// The page request in flight, if any; answers to any other id are stale.
    pub loading: Option<ReqId>,
    pub error: Option<String>,
    pub list: ListCursor,
    /// The search the list shows.
    pub search: String,
    /// The search being typed, while the search box is open.
    pub search_input: Option<String>,
    pub search_token: u64,
    /// `G` asked for the real end: pages keep loading until the last, or until Esc.
    pub load_to_end: bool,
    /// When the page in flight was asked for.
    pub asked_at: Option<Instant>,
    /// Users the server listed that could not be read at all (no username), so the
    /// counts say why fewer are shown.
    pub unreadable: usize,
}

impl UsersPane {
    /// "164 users · 50 loaded", or "164 users" once all are in.
    pub fn count_label(&self) -> String {
        let label = self.loaded_label();
        match self.unreadable {
            0 => label,
            n => format!("{label} · {n} unreadable"),
        }
    }

    fn loaded_label(&self) -> String {
        match self.count {
            Some(n) if n as usize > self.items.len() => {
                format!(
                    "{n} {} · {} loaded",
                    plural(n, "user", "users"),
                    self.items.len()
                )
            }
            Some(n) => format!("{n} {}", plural(n, "user", "users")),
            None => "…".into(),
        }
    }
}

/// `one` for 1, else `many`: "1 entry", "2 entries".
pub fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// The memory of the opened user: a list of entries, one of them selected.
#[derive(Debug, Default)]
pub struct MemoryPane {
    pub target: Option<Target>,
    pub user_label: String,
    /// Who the user is (name, email, flags), when the console has their record.
    pub user: Option<UserSummary>,
    pub req: ReqId,
    pub entries: Load<Vec<MemoryEntry>>,
    /// The read was a whole list; `false` when the server shows one entry at a time.
    pub complete: bool,
    /// Index of the selected entry in `entries`.
    pub selected: usize,
    /// The entry to select again when a refresh's read arrives.
    pub reselect: Option<i64>,
    /// The selected entry's content laid out for display, built once per selection.
    pub view: Option<TextView>,
    pub status_req: ReqId,
    pub enabled: Load<bool>,
    pub scroll: usize,
    /// When the memory was asked for, to say how long the server has been silent.
    pub asked_at: Option<Instant>,
}

impl MemoryPane {
    /// At most this many entry rows are listed above the text; the list scrolls.
    pub const MAX_LIST_ROWS: usize = 5;

    pub fn entries(&self) -> &[MemoryEntry] {
        self.entries.ready().map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn selected_entry(&self) -> Option<&MemoryEntry> {
        self.entries().get(self.selected)
    }

    /// Takes a fresh read, keeping the selected entry (by id) when it is still there.
    pub fn set_entries(&mut self, read: crate::api::MemoryRead) {
        let keep = self
            .reselect
            .take()
            .or_else(|| self.selected_entry().map(|e| e.id));
        let index = keep
            .and_then(|id| read.entries.iter().position(|e| e.id == id))
            .unwrap_or(0);
        let same = keep.is_some() && read.entries.get(index).map(|e| e.id) == keep;
        self.complete = read.complete;
        self.entries = Load::Ready(read.entries);
        self.selected = index;
        self.view = Some(TextView::new(
            self.selected_entry().map(MemoryEntry::text).unwrap_or(""),
        ));
        if !same {
            self.scroll = 0;
        }
    }

    /// Selects entry `index` (clamped); whether the selection changed.
    pub fn select(&mut self, index: usize) -> bool {
        let len = self.entries().len();
        if len == 0 {
            return false;
        }
        let index = index.min(len - 1);
        if index == self.selected && self.view.is_some() {
            return false;
        }
        self.selected = index;
        self.scroll = 0;
        self.view = Some(TextView::new(
            self.selected_entry().map(MemoryEntry::text).unwrap_or(""),
        ));
        true
    }

    /// The text an editor starts from: the selected entry's.
    pub fn editable_text(&self) -> String {
        self.selected_entry()
            .map(|e| e.text().to_owned())
            .unwrap_or_default()
    }

    /// Entry rows listed above the text: up to [`Self::MAX_LIST_ROWS`] when the pane has
    /// room for them, the status line and three rows of text; else only the selected one,
    /// and none in a pane too short for even that.
    pub fn list_rows(&self, inner_height: usize) -> usize {
        let n = self.entries().len();
        if n == 0 {
            return 0;
        }
        let wanted = n.min(Self::MAX_LIST_ROWS);
        // The text comes first: on a short pane the list gives way, and "entry 2 of 4" on
        // the line above the text still says where the reader is.
        if inner_height >= wanted + 1 + 3 {
            wanted
        } else if inner_height > 5 {
            1
        } else {
            0
        }
    }

    /// The first entry row shown, so that the selected one is in view.
    pub fn list_offset(&self, rows: usize) -> usize {
        if rows == 0 {
            return 0;
        }
        (self.selected + 1).saturating_sub(rows)
    }

    pub fn total_bytes(&self) -> usize {
        self.entries().iter().map(|e| e.text().len()).sum()
    }
}

/// One queued update of this run, polled until it ends.
#[derive(Debug, Clone)]
pub struct TaskItem {
    pub target: Target,
    pub task_id: TaskId,
    pub kind: &'static str,
    pub state: Option<TaskState>,
    /// Why the state could not be read, while it cannot.
    pub unknown_reason: Option<String>,
    /// When this run started following it: polling gives up counting from here, so a
    /// task of an earlier run is asked about again, not given up at once.
    pub created: Instant,
    /// How long before `created` it was queued (zero for a task of this run; for one of
    /// an earlier run, from the tasks file), so its age counts from the queueing; `None`
    /// when an older tasks file did not say.
    pub queued_before: Option<Duration>,
    pub next_delay: Duration,
    pub gave_up: bool,
    /// The text sent, kept so a failed update loses nothing (empty for a task of an earlier
    /// run: its draft holds the text).
    pub text: String,
    /// Queued by an earlier run and picked up from the data dir.
    pub earlier_run: bool,
}

impl TaskItem {
    pub fn phase(&self) -> TaskPhase {
        self.state
            .as_ref()
            .map(|s| s.phase)
            .unwrap_or(TaskPhase::Queued)
    }

    /// How long ago it was queued, at `now` on this run's clock; `None` when unknown.
    pub fn age(&self, now: Instant) -> Option<Duration> {
        self.queued_before
            .map(|before| now.saturating_duration_since(self.created) + before)
    }

    pub fn is_open(&self) -> bool {
        !self.phase().is_final() && !self.gave_up
    }
}

/// The tasks of this run.
#[derive(Debug, Clone, Default)]
pub struct TasksPane {
    pub items: Vec<TaskItem>,
    pub list: ListCursor,
}

/// How loud a status line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Success,
    Warning,
    Error,
}

/// What a status message reports on, so that a later outcome of the same thing replaces
/// it (a read that works again clears the error of the one that failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Topic {
    #[default]
    General,
    /// Reading the users list.
    Users,
    /// Reading the open user's chat memory.
    Memory,
}

#[derive(Debug, Clone)]
pub struct Status {
    pub text: String,
    pub level: Level,
    /// The user the message is about: opening another user drops it.
    pub about: Option<super::event::Target>,
    pub topic: Topic,
}

/// The whole console.
#[derive(Debug)]
pub struct App {
    /// Where the console works (the built-in mock or a configured server), as resolved;
    /// a `:profile` switch replaces it whole.
    pub session: crate::connection::Connection,
    /// This run's log file, for the help screen; `None` when it could not be opened.
    pub log_path: Option<std::path::PathBuf>,
    pub keymap: super::keymap::Keymap,
    pub orgs: Vec<OrgItem>,
    pub orgs_list: ListCursor,
    pub users: UsersPane,
    pub memory: MemoryPane,
    /// The Memory pane's tabs and the stores beside chat memory.
    pub stores: super::stores_pane::StoresPane,
    pub tasks: TasksPane,
    pub focus: Pane,
    pub editor: Option<Editor>,
    pub dialog: Option<Dialog>,
    pub status: Option<Status>,
    pub size: (u16, u16),
    pub tick: u64,
    /// The time of the last tick: the console's only clock (see [`super::Input::Tick`]).
    pub clock: Instant,
    pub next_req: ReqId,
    pub should_quit: bool,
    /// A found draft the operator chose to decide on later. A user has one draft file, so
    /// no editor opens for that user until it is restored or discarded: a new edit's
    /// autosave would overwrite it.
    pub deferred_draft: Option<(Target, crate::store::Draft)>,
    /// This run's last erase, for `u`.
    pub last_erase: Option<UndoableErase>,
    /// The erases before it in this run, newest last: once `u` restored the last one, the
    /// next `u` offers the one before (a `d` then a `D` come back in two steps).
    pub earlier_erases: Vec<UndoableErase>,
    /// How many of this run's erases `u` has undone, so a `u` with none left says so
    /// rather than "nothing was erased".
    pub erases_undone: usize,
    /// Entries this run's restores wrote, per user: an older backup may be restored beside
    /// them, since they are what an undo just brought back, not memory gathered since.
    pub restored_ids: Vec<(Target, i64)>,
    /// Erases and restores sent and not yet answered, with what each is ("an erase").
    pub in_flight: Vec<(Target, super::in_flight::Running)>,
    /// `q` was pressed once while one of them ran; the next `q` quits.
    pub quit_armed: bool,
    /// The `:` command line, while it is open, and its history.
    pub command: super::command::CommandLine,
    /// A `:user` lookup waiting for the server's search.
    pub lookup: Option<super::command::Lookup>,
    /// How long a 429 from the server still holds requests back (the console sets this).
    pub server_wait: Option<Duration>,
    /// The profiles `:profile` can switch to.
    pub profiles: Vec<String>,
    /// A `:profile` switch the console should carry out (it waits for saves in flight).
    pub switch_profile: Option<String>,
}
