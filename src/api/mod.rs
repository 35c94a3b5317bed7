//! The API client for ibl chat memory: typed, tolerant of real servers, and careful with the key.
//! Nothing here knows about the terminal UI.

mod client;
pub mod decode;
mod error;
mod models;
mod paging;
mod retry;
mod settings;
pub mod tls;
mod transport;

pub use client::{ApiClient, UsersQuery};
pub use decode::excerpt;
pub use error::{ApiError, ErrorKind, FieldMessage};
pub use models::{
    EraseOutcome, MemoryEntry, MemoryStatus, MemoryWrite, OrgInfo, QueuedUpdate, TaskId, TaskPhase,
    TaskState, UserRef, UserSummary, UsersPage,
};
pub use paging::{DEFAULT_PAGE_SIZE, PageCursor, PageStep};
pub use retry::RetryPolicy;
pub use settings::{ClientSettings, DEFAULT_MAX_BODY_BYTES, OrgScope, Timeouts, UserPath};
