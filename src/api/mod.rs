//! The API client for ibl chat memory, mentor memories and course memory: typed, tolerant of
//! real servers, and careful with the key.
//! Nothing here knows about the terminal UI.

mod client;
mod course;
mod course_models;
pub mod decode;
mod error;
mod lenient;
mod listing;
mod mentor;
mod mentor_models;
mod models;
mod paging;
mod retry;
mod settings;
mod store_read;
pub mod tls;
mod transport;

pub use client::{ApiClient, UsersQuery};
pub use course_models::{CourseMemory, CourseMemoryWrite};
pub use decode::excerpt;
pub use error::{ApiError, ErrorKind, FieldMessage};
pub use mentor_models::{
    FilterUser, MemoryFilter, MentorEntry, MentorEntryUpdate, MentorEntryWrite, MentorListing,
    MentorMemory, MentorMemoryPage, MentorMemoryWrite, MentorQuery,
};
pub use models::{
    Deleted, EraseOutcome, MemoryEntry, MemoryRead, MemoryStatus, MemoryWrite, OrgInfo,
    QueuedUpdate, TaskId, TaskPhase, TaskState, UserRef, UserSummary, UsersPage,
};
pub use paging::{DEFAULT_PAGE_SIZE, PageCursor, PageStep};
pub use retry::RetryPolicy;
pub use settings::{ClientSettings, DEFAULT_MAX_BODY_BYTES, OrgScope, Timeouts, UserPath};
pub use store_read::{StoreGap, StoreRead};
