//! The fuzz targets' properties run as ordinary property tests on stable Rust, so CI checks
//! them on every commit; `cargo fuzz` (see README) explores further.

use memory_console::api::decode;
use memory_console::text::sanitize::is_always_escaped;
use memory_console::text::{TextView, sanitize_line, sanitize_single_line};
use proptest::prelude::*;

mod common;

use common::hostile::hostile_text;

/// Bytes that look like JSON often enough to get past the first character.
fn json_ish() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        "[\\[\\]{}\",:0-9a-z_ \\\\\\-.eEnulltrf]{0,200}".prop_map(String::into_bytes),
        Just(br#"{"results": {"data": [{"username": 5}]}}"#.to_vec()),
        Just(br#"[{"id": "1e99"}, {"id": null}]"#.to_vec()),
    ]
}

proptest! {
    #[test]
    fn decoders_take_any_bytes(data in json_ish()) {
        let _ = decode::memory_entries(&data);
        let _ = decode::users_page(&data, 1);
        let _ = decode::org_info(&data, "main");
        let _ = decode::error_messages(&data);
        let _ = decode::detail(&data);
        let excerpt = decode::excerpt(&data);
        prop_assert!(!excerpt.chars().any(char::is_control));
    }

    /// The `sanitize` fuzz target's properties, on text full of escape sequences, bidi
    /// isolates, tag characters and variation selectors.
    #[test]
    fn sanitized_text_is_inert_and_views_of_it_do_not_panic(text in hostile_text(64)) {
        let once = sanitize_single_line(&text);
        prop_assert!(!once.chars().any(is_always_escaped));
        prop_assert_eq!(sanitize_single_line(&once), once.clone());
        let multi = sanitize_line(&text);
        prop_assert!(!multi.chars().any(|c| c != '\n' && is_always_escaped(c)));
        prop_assert_eq!(multi.matches('\n').count(), text.matches('\n').count());
        let view = TextView::new(&text);
        for width in [1u16, 7, 80] {
            let total = view.total_rows(width);
            prop_assert!(view.visual_rows(width, total / 2, 10).len() <= 10);
        }
    }
}
