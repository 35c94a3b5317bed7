//! memory-console: a terminal admin console for ibl.ai chat memory.

pub mod api;
pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod connect;
pub mod connection;
pub mod console;
pub mod launch;
pub mod logging;
pub mod mock;
pub mod ops;
pub mod store;
pub mod text;
pub mod tui;
pub mod ui;
