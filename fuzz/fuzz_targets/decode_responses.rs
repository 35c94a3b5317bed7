//! Fuzz target: every response decoder takes any bytes without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use memory_console::api::decode;

fuzz_target!(|data: &[u8]| {
    let _ = decode::memory_entries(data);
    let _ = decode::users_page(data, 1);
    let _ = decode::org_info(data, "main");
    let _ = decode::error_messages(data);
    let _ = decode::detail(data);
    let excerpt = decode::excerpt(data);
    assert!(!excerpt.chars().any(char::is_control));
});
