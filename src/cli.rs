//! The command line: flags for the console and the subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::mock::MockServerArgs;

/// A terminal admin console for ibl.ai chat memory. With no config file it runs a demo
/// against a built-in mock server.
///
/// The API key is read from the environment (IBL_API_KEY unless the profile names another
/// variable), never from the command line.
///
/// Exit codes of the subcommands: 0 ok, 1 other error, 2 usage or config error,
/// 3 not found, 4 the key was refused, 5 partial failure (some users failed),
/// 6 a waited-for task failed, 7 forget left data in a store (kept or failed),
/// 130 interrupted (Ctrl-C).
#[derive(Debug, Parser)]
#[command(name = "memory-console", version, about, long_about = None)]
pub struct Cli {
    /// Config file (default: ~/.config/memory-console/config.toml, or $MEMORY_CONSOLE_CONFIG).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Profile from the config file.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Server base URL, overriding the profile's. Without a config file the key comes from
    /// IBL_API_KEY.
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Audit log file (default: audit.jsonl in the data dir).
    #[arg(long, global = true, value_name = "PATH")]
    pub audit_log: Option<PathBuf>,

    /// Machine-readable output on stdout (subcommands); messages stay on stderr.
    #[arg(long, global = true)]
    pub json: bool,

    /// Run against the built-in mock server, even when a config file exists.
    #[arg(long)]
    pub demo: bool,

    /// Open this org first.
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,

    /// Refuse every change (edit, create, erase, on/off); the server sees only GETs.
    #[arg(long, global = true)]
    pub read_only: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the config and print the chosen profile (never the key).
    Config(ConfigArgs),
    /// Run the ibl-compatible mock server in the foreground.
    MockServer(MockServerArgs),
    /// List an org's users.
    Users(UsersArgs),
    /// Read or change one user's memory.
    #[command(subcommand)]
    Memory(MemoryCommand),
    /// Show (or wait for) a queued memory update.
    Task(TaskArgs),
    /// Save many users' memory, every store, to one file each, resumably.
    Export(ExportArgs),
    /// Erase many users' memory in the chosen stores (backup, delete, verify), resumably.
    Purge(PurgeArgs),
    /// Erase everything the AI remembers about one user, in every store: one backup first,
    /// then each store erased and verified empty. Exits 0 only when every store reads empty.
    Forget(ForgetArgs),
    /// Print a shell completion script on stdout (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on stdout, e.g. `memory-console man > memory-console.1`.
    Man,
}

#[derive(Debug, Clone, Args)]
pub struct OrgUser {
    /// The org key.
    #[arg(long, value_name = "ORG")]
    pub org: String,
    /// The username.
    #[arg(long, value_name = "USER")]
    pub user: String,
}

/// One of the places a user's memory is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum StoreName {
    /// Chat memory (`all-chats-memory`).
    Chat,
    /// Mentor memories: categories of key/value entries.
    Mentor,
    /// Course memory: lessons and next steps per catalog item.
    Course,
}

/// A store, or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum StoreChoice {
    Chat,
    Mentor,
    Course,
    /// Every store.
    All,
}

impl StoreChoice {
    /// The stores this choice names, in the order chat, mentor, course.
    pub fn stores(self) -> &'static [StoreName] {
        match self {
            StoreChoice::Chat => &[StoreName::Chat],
            StoreChoice::Mentor => &[StoreName::Mentor],
            StoreChoice::Course => &[StoreName::Course],
            StoreChoice::All => &[StoreName::Chat, StoreName::Mentor, StoreName::Course],
        }
    }
}

/// The stores a list of choices names, each once, in the order chat, mentor, course.
pub fn stores_of(choices: &[StoreChoice]) -> Vec<StoreName> {
    [StoreName::Chat, StoreName::Mentor, StoreName::Course]
        .into_iter()
        .filter(|s| choices.iter().any(|c| c.stores().contains(s)))
        .collect()
}

#[derive(Debug, Clone, Args)]
pub struct UsersArgs {
    #[arg(long, value_name = "ORG")]
    pub org: String,
    /// Server-side search over username, name and email.
    #[arg(long, value_name = "Q")]
    pub query: Option<String>,
}

/// Where new content comes from: --content, --file, else stdin.
#[derive(Debug, Clone, Args)]
pub struct ContentArgs {
    #[arg(long, value_name = "TEXT", conflicts_with = "file")]
    pub content: Option<String>,
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
}

/// How fast to poll a task; hidden, for tests.
#[derive(Debug, Clone, Args)]
pub struct PollArgs {
    /// First pause between task polls, in milliseconds (grows to 10x).
    #[arg(long, hide = true, value_name = "MS", default_value_t = 1000)]
    pub poll_ms: u64,
}

#[derive(Debug, Subcommand)]
pub enum MemoryCommand {
    /// Print the memory (chat: exact bytes; --json for the entries), or another store's.
    Get {
        #[command(flatten)]
        who: OrgUser,
        /// Which store: chat memory, mentor memories, course memory, or all in one document.
        #[arg(long, value_enum, value_name = "STORE", default_value_t = StoreChoice::Chat)]
        store: StoreChoice,
    },
    /// Create memory from --content, --file or stdin.
    Create {
        #[command(flatten)]
        who: OrgUser,
        #[command(flatten)]
        content: ContentArgs,
    },
    /// Replace the memory (queued; --wait for the task), or one entry with --entry.
    Update {
        #[command(flatten)]
        who: OrgUser,
        #[arg(long, value_name = "ID")]
        entry: Option<i64>,
        #[command(flatten)]
        content: ContentArgs,
        /// Poll the queued task to its end; non-zero exit if it failed.
        #[arg(long)]
        wait: bool,
        #[command(flatten)]
        poll: PollArgs,
    },
    /// Erase a store (or one entry, or a mentor category), after a backup.
    Delete {
        #[command(flatten)]
        who: OrgUser,
        /// Which store to erase from.
        #[arg(long, value_enum, value_name = "STORE", default_value_t = StoreName::Chat)]
        store: StoreName,
        /// One entry: a chat entry id (a number), a mentor entry id or a course memory id.
        #[arg(long, value_name = "ID")]
        entry: Option<String>,
        /// A whole mentor-memory category (with --store mentor).
        #[arg(long, value_name = "NAME", conflicts_with = "entry")]
        category: Option<String>,
        /// Do not ask; required when stdin is not a terminal.
        #[arg(long)]
        yes: bool,
    },
    /// Switch memory on for the user.
    Enable(OrgUser),
    /// Switch memory off for the user.
    Disable(OrgUser),
    /// Write an erase backup back (at most once).
    Restore {
        #[arg(long, value_name = "PATH")]
        backup: PathBuf,
    },
}

#[derive(Debug, Clone, Args)]
pub struct TaskArgs {
    #[command(flatten)]
    pub who: OrgUser,
    pub task_id: String,
    /// Poll the task to its end; non-zero exit if it failed.
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub poll: PollArgs,
}

/// Which users a bulk job covers.
#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = false)]
pub struct UserSelection {
    /// Every user of the org.
    #[arg(long)]
    pub all: bool,
    /// One username per line; blank lines and # comments are ignored.
    #[arg(long, value_name = "PATH")]
    pub users_file: Option<PathBuf>,
}

/// Knobs shared by the bulk jobs.
#[derive(Debug, Clone, Args)]
pub struct BulkArgs {
    /// Users worked on at once.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,
    /// Stop starting users after this many finished, as Ctrl-C would (for tests).
    #[arg(long, hide = true, value_name = "N")]
    pub stop_after: Option<u64>,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    #[arg(long, value_name = "ORG")]
    pub org: String,
    #[command(flatten)]
    pub users: UserSelection,
    /// Directory for the files and the journal; re-run with the same one to resume.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub bulk: BulkArgs,
}

#[derive(Debug, Clone, Args)]
pub struct PurgeArgs {
    #[arg(long, value_name = "ORG")]
    pub org: String,
    #[command(flatten)]
    pub users: UserSelection,
    /// Directory for backups and the journal (default: a new one under the data dir);
    /// re-run with the same one to resume.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The stores to erase, comma-separated (chat, mentor, course, or all).
    #[arg(
        long,
        value_enum,
        value_name = "STORES",
        value_delimiter = ',',
        default_value = "all"
    )]
    pub stores: Vec<StoreChoice>,
    /// List what would be erased and its size; send no DELETE.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask; required when stdin is not a terminal.
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub bulk: BulkArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ForgetArgs {
    #[command(flatten)]
    pub who: OrgUser,
    /// Do not ask; required when stdin is not a terminal.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Also make one read-only call per org (org info and the first users page) and report
    /// whether the key is accepted, the latency, and whether the answers fit the contract.
    /// Exits 4 when the key is refused, 1 when the server cannot be reached.
    #[arg(long)]
    pub check: bool,
}
