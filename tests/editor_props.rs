//! Whatever the memory holds, opening it in the editor and saving it unchanged gives back the
//! same bytes, so an edit never corrupts what it did not touch.

use memory_console::api::{OrgScope, UserRef};
use memory_console::app::{EditKind, Editor, Target};
use proptest::prelude::*;

fn target() -> Target {
    Target {
        org: OrgScope::new("main"),
        user: UserRef::by_name("u"),
    }
}

proptest! {
    #[test]
    fn content_round_trips_through_the_editor(text in "(\\PC|[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\\u{200b}-\\u{200f}\\u{202a}-\\u{202e}\\r\\n\\t])*") {
        let ed = Editor::new(target(), EditKind::Create, text.clone(), &text);
        prop_assert_eq!(ed.text(), text);
        prop_assert!(!ed.is_changed());
    }
}
