//! Erasing, updating and forgetting in every store where ibl.ai keeps what its mentors
//! remember about a user: chat memory, mentor memories and course memory. Each erase keeps
//! the chat sequence: read what will go → back it up (durable) → audit intent naming the
//! store → request → audit outcome → verify by re-reading. A forget backs up every store
//! into one file before its first delete and reports per store.

mod course;
mod forget;
mod kind;
mod mentor;
mod outcome;
pub(super) mod revive;
mod sweep;
mod work;

pub use kind::{StoreKind, UnknownStore};
pub use outcome::{ForgetReport, StoreEraseError, StoreErased, StoreFailure, StoreOutcome};
