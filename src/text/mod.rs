//! Display safety and layout for untrusted text: escaping, display width, wrapping, scrolling.
//!
//! Everything the UI shows from chat memory or from user records goes through [`sanitize`]
//! first , so that no byte of it reaches the terminal as a
//! control sequence and nothing in it is invisible to the admin.

pub mod sanitize;
pub mod width;

pub use sanitize::{sanitize_line, sanitize_single_line};
pub use width::{display_width, truncate_to_width, truncate_with_ellipsis};
