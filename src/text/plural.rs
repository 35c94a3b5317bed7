//! Counts in words: "1 entry", "3 entries".

/// `n` followed by the singular or plural noun.
pub fn count_noun(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_zero_is_plural() {
        assert_eq!(count_noun(1, "entry", "entries"), "1 entry");
        assert_eq!(count_noun(0, "entry", "entries"), "0 entries");
        assert_eq!(count_noun(3, "entry", "entries"), "3 entries");
    }
}
