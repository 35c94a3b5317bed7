//! Fuzz target: sanitized text holds no control or format character and is stable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use memory_console::text::sanitize::is_always_escaped;
use memory_console::text::{TextView, sanitize_line, sanitize_single_line};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let once = sanitize_single_line(&text);
    assert!(!once.chars().any(is_always_escaped));
    assert_eq!(sanitize_single_line(&once), once);
    let multi = sanitize_line(&text);
    assert!(!multi.chars().any(|c| c != '\n' && is_always_escaped(c)));
    let view = TextView::new(&text);
    for width in [1u16, 7, 80] {
        let total = view.total_rows(width);
        let rows = view.visual_rows(width, total / 2, 10);
        assert!(rows.len() <= 10);
    }
});
