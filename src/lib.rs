//! memory-console: a terminal admin console for ibl.ai chat memory.
pub mod mock;
