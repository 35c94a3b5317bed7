//! Turning names from the server (org keys, usernames, profiles) into safe file name parts.

use sha2::{Digest, Sha256};

/// Longest encoded name kept whole; longer ones are cut and given a hash so they stay
/// distinct and well below the usual 255-byte limit on a file name.
const MAX_LEN: usize = 96;

/// One path component that cannot leave its directory: ASCII letters, digits, `-`, `_`,
/// `@` and `.` stay; every other byte becomes `%XX`. A leading `.` is encoded too, so the
/// result is never `.`, `..` or a hidden file. Distinct inputs give distinct outputs.
pub fn safe_name(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for (i, b) in raw.bytes().enumerate() {
        let keep =
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'@') || (b == b'.' && i > 0);
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.is_empty() {
        // No raw name encodes to a lone "%", so the empty name cannot collide.
        return "%".into();
    }
    if is_windows_reserved(&out) {
        // "CON" and friends name devices on Windows; encoding the first letter avoids them.
        let first = out.as_bytes()[0];
        out = format!("%{first:02X}{}", &out[1..]);
    }
    if out.len() > MAX_LEN {
        let digest = Sha256::digest(raw.as_bytes());
        let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let mut cut = MAX_LEN - 24;
        // Never split a %XX escape (the output is ASCII, so any index is a char boundary).
        while out.as_bytes()[cut - 1] == b'%' || out.as_bytes()[cut - 2] == b'%' {
            cut -= 1;
        }
        out = format!("{}~{hash}", &out[..cut]);
    }
    out
}

fn is_windows_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_stay_readable() {
        assert_eq!(safe_name("johndoe"), "johndoe");
        assert_eq!(safe_name("john.doe@example.com"), "john.doe@example.com");
        assert_eq!(safe_name("a-b_c"), "a-b_c");
    }

    #[test]
    fn hostile_names_cannot_leave_the_directory() {
        for raw in [
            "../../etc/x",
            "..",
            ".",
            "/abs",
            "a\\b",
            "a\0b",
            "\u{1b}[31mred",
            "line\nbreak",
            "",
            "con",
            "LPT1.txt",
            "%2F",
        ] {
            let s = safe_name(raw);
            assert!(!s.is_empty(), "{raw:?}");
            assert!(!s.starts_with('.'), "{raw:?} -> {s}");
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_graphic() && b != b'/' && b != b'\\'),
                "{raw:?} -> {s}"
            );
            assert!(!is_windows_reserved(&s), "{raw:?} -> {s}");
        }
        assert_eq!(safe_name("../../etc/x"), "%2E.%2F..%2Fetc%2Fx");
    }

    /// Windows device names are encoded, with or without an extension and in any case;
    /// names that only start like one are not.
    #[test]
    fn device_names_are_encoded_and_only_they() {
        for reserved in ["con", "PRN", "aux.json", "Nul", "COM1", "lpt9.txt"] {
            let s = safe_name(reserved);
            assert!(s.starts_with('%'), "{reserved} -> {s}");
            assert!(is_windows_reserved(reserved), "{reserved}");
        }
        for ordinary in ["console", "COMX", "COM10", "LPT", "com", "xcon", "nul1"] {
            assert_eq!(safe_name(ordinary), ordinary, "{ordinary}");
            assert!(!is_windows_reserved(ordinary), "{ordinary}");
        }
    }

    /// A name up to the limit stays whole; a longer one keeps its first 72 characters, then
    /// `~` and a hash, and never splits a `%XX` escape at the cut.
    #[test]
    fn long_names_are_cut_readably_and_never_inside_an_escape() {
        let exact = "a".repeat(MAX_LEN);
        assert_eq!(safe_name(&exact), exact, "the limit itself is kept whole");
        let long = "b".repeat(MAX_LEN + 1);
        let cut = safe_name(&long);
        assert_eq!(cut.len(), MAX_LEN - 24 + 1 + 16, "{cut}");
        assert!(cut.starts_with(&"b".repeat(MAX_LEN - 24)), "{cut}");
        // Escapes put at each offset around the cut: whatever falls there, the part before
        // `~` ends on a whole escape or a plain character.
        for pad in 0..4 {
            let raw = format!("{}{}", "c".repeat(MAX_LEN - 26 + pad), "/".repeat(20));
            let s = safe_name(&raw);
            let (head, hash) = s.split_once('~').expect("cut");
            assert_eq!(hash.len(), 16, "{s}");
            assert!(
                head.len() <= MAX_LEN - 24 && head.len() >= MAX_LEN - 26,
                "{s}"
            );
            let tail_escape = head.rfind('%').map(|i| head.len() - i);
            assert!(tail_escape.is_none_or(|n| n == 3), "split escape: {s}");
        }
    }

    #[test]
    fn distinct_names_stay_distinct() {
        assert_ne!(safe_name("a/b"), safe_name("a%2Fb"));
        assert_ne!(safe_name(""), safe_name("%"));
        let long_a = "é".repeat(200);
        let long_b = format!("{}x", "é".repeat(200));
        let (a, b) = (safe_name(&long_a), safe_name(&long_b));
        assert_ne!(a, b);
        assert!(a.len() <= MAX_LEN && b.len() <= MAX_LEN, "{a}");
    }
}
