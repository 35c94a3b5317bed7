//! The fuzz targets' properties run as ordinary property tests on stable Rust, so CI checks
//! them on every commit; `cargo fuzz` (see README) explores further.

use memory_console::api::decode;
use memory_console::text::sanitize::is_always_escaped;
use memory_console::text::{TextView, sanitize_single_line};
use proptest::prelude::*;

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

    #[test]
    fn sanitized_text_is_inert_and_views_of_it_do_not_panic(text in "\\PC{0,64}|[\\x00-\\x1f\\u{80}-\\u{9f}\\u{200b}-\\u{202e}a-z ]{0,64}") {
        let once = sanitize_single_line(&text);
        prop_assert!(!once.chars().any(is_always_escaped));
        prop_assert_eq!(sanitize_single_line(&once), once.clone());
        let view = TextView::new(&text);
        for width in [1u16, 3, 80] {
            let total = view.total_rows(width);
            prop_assert!(view.visual_rows(width, total / 2, 10).len() <= 10);
        }
    }
}
