//! An ibl-compatible mock of the chat-memory API and the stores beside it (mentor memories,
//! course memory), with demo seed data, fault injection and test hooks.
//!
//! The mock serves every path, method, status and body shape of
//! `tests/contract/chat-memory.openapi.yaml` and `tests/contract/memory-stores.openapi.yaml`
//! (subsets of ibl-data-manager's OpenAPI),
//! so the console can be demonstrated, tested and benchmarked without a real platform.
//!
//! Two ways to run it:
//! - [`run_foreground`] for the `mock-server` subcommand: binds [`MockServerArgs::addr`],
//!   prints the base URL and API key, serves until Ctrl-C.
//! - [`MockServer::start`] in-process (TUI demo, tests): binds `127.0.0.1:0` and hands
//!   back a handle whose [`MockServer::state`] lets tests inspect data, change faults and
//!   count requests.
//!
//! Every route requires `Authorization: Api-Key <key>`. Queued memory replacements
//! (`PUT .../all-chats-memory/`) land when their task completes, `task_delay` after the
//! request; they are applied lazily by the first request that looks at the user after
//! the deadline, which makes the outcome independent of timer scheduling.
//!
//! Control routes under `/__mock/` (same API key; no faults, not counted):
//! `GET|PUT /__mock/faults` (a [`Faults`] object; PUT takes any subset of its fields),
//! `GET|DELETE /__mock/requests` (the request log), and
//! `PUT /__mock/memory/{org}/{user}` with `{"content": "..."}` (see
//! [`MockState::set_memory_content`]).
//!
//! # Seed format
//!
//! The built-in seed is `assets/demo/seed.json` (see `assets/demo/README.md`);
//! `--seed PATH` replaces it with a file of the same format:
//!
//! ```json
//! {
//!   "names": { "first": ["Amara", "..."], "last": ["Okafor", "..."] },
//!   "memory_snippets": ["One sentence a generated memory is built from.", "..."],
//!   "orgs": [{
//!     "key": "main", "name": "Main Campus", "org": "main",
//!     "lms_url": "https://learn.example.com", "cms_url": null, "portal_url": null,
//!     "status": 1, "active": true,
//!     "users": [{
//!       "username": "big.bertha", "name": "Bertha Big", "email": "bertha@example.com",
//!       "is_admin": false, "is_staff": false, "active": true,
//!       "added_on": "2022-01-01T09:00:00.000000Z", "expired_on": null,
//!       "memory_enabled": true,
//!       "memories": [
//!         { "content": "text", "session_id": "937d3d46-3048-4f9d-aa5c-ce7c51d85332" },
//!         { "generate_bytes": 1048576 }
//!       ],
//!       "mentor_memories": [{
//!         "category": "personal_information", "name": "About Bertha", "mode": "all",
//!         "mentor": null, "session_id": null, "catalog_item_type": null,
//!         "catalog_item_id": null, "is_auto_generated": false,
//!         "entries": [{ "key": "city", "value": "Lagos", "expires_at": null }]
//!       }],
//!       "course_memories": [{
//!         "catalog_item": "5f0c8a1e-3b7d-4c2a-9e61-0d4b7a9c2e11",
//!         "lessons": { "completed": ["lesson1"] }, "next_steps": { "recommended": ["lesson2"] }
//!       }]
//!     }],
//!     "generate": { "count": 150, "email_domain": "example.com" }
//!   }]
//! }
//! ```
//!
//! Everything but `orgs[].key` and `users[].username` is optional. `generate` adds
//! `count` users built deterministically from `names` and `memory_snippets`;
//! `generate_bytes` makes a deterministic memory of that many bytes at startup.
//! User ids are assigned in file order from 1001, memory ids from 1. Mentor memory and
//! entry ids (`unique_id`, optional in the seed) and catalog items are UUIDs; course
//! memory ids count from 1. Generated users get mentor and course memories from a fixed
//! random sequence (see `stores_seed.rs`).
//!
//! Mentor-memory and course-memory DELETEs really delete; `MockState::set_keep_store_deletes`
//! makes them answer success and keep the data, like a broken server;
//! `MockState::set_store_unavailable` makes every route of one store answer 404 or 405,
//! like a server without it. A mentor memory whose
//! last entry is deleted goes too. The course-memory GET follows `--memory-shape` (one
//! object, or a list of every catalog item) like the chat-memory GET.

mod args;
mod config;
mod course_routes;
mod error;
mod mentor_body;
mod mentor_one;
mod mentor_routes;
mod middleware;
mod routes;
mod seed;
mod server;
mod state;
mod store;
mod stores;
mod stores_seed;
mod stores_state;

pub use args::{MockServerArgs, MockServerCli};
pub use config::{MemoryShape, MockConfig, PagingQuirk, SeedSource};
pub use error::MockError;
pub use server::{MockServer, run_foreground};
pub use state::{Faults, MockState, RequestRecord};
pub use store::{MemoryEntry, TaskState};
pub use stores::{CourseRecord, MentorEntryRecord, MentorRecord, STANDARD_CATEGORIES};
pub use stores_state::StoreKind;
