//! The console's state: what each pane shows, what is loading, and what is open.

use std::time::{Duration, Instant};

use crate::api::{MemoryEntry, OrgInfo, PageCursor, TaskId, TaskPhase, TaskState, UserSummary};
use crate::config::OrgChoice;
use crate::text::TextView;

use super::editor::Editor;
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
}

impl UsersPane {
    /// "164 users · 50 loaded", or "164 users" once all are in.
    pub fn count_label(&self) -> String {
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

/// The memory of the opened user.
#[derive(Debug, Default)]
pub struct MemoryPane {
    pub target: Option<Target>,
    pub user_label: String,
    /// Who the user is (name, email, flags), when the console has their record.
    pub user: Option<UserSummary>,
    pub req: ReqId,
    pub entries: Load<Vec<MemoryEntry>>,
    /// The entries' content laid out for display, built once per load.
    pub view: Option<TextView>,
    pub status_req: ReqId,
    pub enabled: Load<bool>,
    pub scroll: usize,
    /// When the memory was asked for, to say how long the server has been silent.
    pub asked_at: Option<Instant>,
}

impl MemoryPane {
    pub fn entries(&self) -> &[MemoryEntry] {
        self.entries.ready().map(Vec::as_slice).unwrap_or(&[])
    }

    /// The text an editor starts from: all entries' content, the first entry's when one.
    pub fn editable_text(&self) -> String {
        self.entries()
            .first()
            .map(|e| e.text().to_owned())
            .unwrap_or_default()
    }

    /// Entry detail lines above the text (at most 3); none in a pane too short to also
    /// show some text, where the on/off line alone stays.
    pub fn detail_rows(&self, inner_height: usize) -> usize {
        let wanted = self.entries().len().min(3);
        if inner_height >= wanted + 1 + 3 {
            wanted
        } else {
            0
        }
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
    pub created: Instant,
    pub next_delay: Duration,
    pub gave_up: bool,
    /// The text sent, kept so a failed update loses nothing.
    pub text: String,
}

impl TaskItem {
    pub fn phase(&self) -> TaskPhase {
        self.state
            .as_ref()
            .map(|s| s.phase)
            .unwrap_or(TaskPhase::Queued)
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

/// The erase confirmation: proceeds only when the username is typed.
#[derive(Debug, Clone)]
pub struct EraseDialog {
    pub target: Target,
    pub org_name: String,
    pub entries: Vec<MemoryEntry>,
    pub typed: String,
    pub mismatch: bool,
}

impl EraseDialog {
    pub fn bytes(&self) -> usize {
        self.entries.iter().map(|e| e.text().len()).sum()
    }
}

/// The server's memory changed while it was being edited: both versions, nothing sent.
#[derive(Debug, Clone)]
pub struct ConflictDialog {
    pub target: Target,
    pub mine: String,
    pub server: String,
    pub session_id: Option<String>,
    /// The edit was a create, and meanwhile the user got memory.
    pub creating: bool,
    pub scroll: usize,
}

/// A window over the panes; at most one at a time.
#[derive(Debug)]
pub enum Dialog {
    Help {
        scroll: usize,
    },
    Erase(EraseDialog),
    Conflict(ConflictDialog),
    /// An unsaved edit from earlier exists for the user just opened.
    RestoreDraft {
        target: Target,
        draft: crate::store::Draft,
    },
    /// Undo of this run's last erase, from its backup.
    ConfirmRestore {
        target: Target,
        backup: std::path::PathBuf,
    },
    Audit {
        records: Load<Vec<crate::store::AuditRecord>>,
        scroll: usize,
    },
    /// Switch memory on or off? One stray `t` must not change data.
    ConfirmToggle {
        target: Target,
        enable: bool,
    },
    /// Quit with unsaved text in the editor?
    ConfirmQuit,
    /// Leave the editor and drop the changes?
    ConfirmDiscard,
}

/// How loud a status line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Success,
    Warning,
    Error,
}

#[derive(Debug, Clone)]
pub struct Status {
    pub text: String,
    pub level: Level,
}

/// Where the console runs: against the built-in mock or a configured server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub demo: bool,
    pub profile: String,
    pub base_url: String,
    pub key_source: String,
    pub read_only: bool,
    pub log_path: Option<std::path::PathBuf>,
    pub task_poll_give_up: Duration,
}

/// The whole console.
#[derive(Debug)]
pub struct App {
    pub session: Session,
    pub keymap: super::keymap::Keymap,
    pub orgs: Vec<OrgItem>,
    pub orgs_list: ListCursor,
    pub users: UsersPane,
    pub memory: MemoryPane,
    pub tasks: TasksPane,
    pub focus: Pane,
    pub editor: Option<Editor>,
    pub dialog: Option<Dialog>,
    pub status: Option<Status>,
    pub size: (u16, u16),
    pub tick: u64,
    pub next_req: ReqId,
    pub should_quit: bool,
    /// This run's last erase, for `u`.
    pub last_erase: Option<(Target, std::path::PathBuf)>,
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
