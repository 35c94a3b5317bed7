//! memory-console: a terminal admin console for ibl.ai chat memory.

pub mod api;
pub mod cli;
pub mod config;
pub mod logging;
pub mod mock;
pub mod store;
pub mod text;
