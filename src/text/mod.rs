//! Display safety and layout for untrusted text: escaping, display width, wrapping, scrolling.
//!
//! Everything the UI shows from chat memory or from user records goes through [`sanitize`]
//! first (directly or inside [`TextView`]), so that no byte of it reaches the terminal as a
//! control sequence and nothing in it is invisible to the admin.

mod age;
pub mod hidden;
pub mod layout;
mod plural;
pub mod sanitize;
pub mod scroll;
pub mod shorten;
pub mod width;

pub use age::human_age;
pub use layout::{Anchor, TextView};
pub use plural::count_noun;
pub use sanitize::{sanitize_line, sanitize_single_line};
pub use scroll::Scroll;
pub use shorten::{display_path, truncate_middle};
pub use width::{display_width, truncate_to_width, truncate_with_ellipsis};
