//! Repeated names in a users file, found in one extra read with memory that does not grow
//! with the file: a Bloom filter sized by the file marks the names that may have come before,
//! and only those are tracked exactly afterwards.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

/// The filter's size in bits: one a byte of the file (about 14 a name at 14 bytes a line),
/// between 8 KiB and 1 MiB. Past the cap (a file of about 600 000 names) the filter stays
/// 1 MiB and more names only raise its false hits, which cost 8 bytes each in
/// [`Repeats::maybe`], never a wrong answer.
const MIN_BITS: u64 = 1 << 16;
const MAX_BITS: u64 = 1 << 23;
const PROBES: u64 = 6;

/// Names of one file that may occur in it more than once, as 64-bit keyed fingerprints (two
/// different names sharing one would need about 4 billion names in one file to be likely).
/// Every name that does repeat is among them; so are the filter's false hits, which
/// [`Once`] then tells apart exactly.
pub struct Repeats {
    key: RandomState,
    maybe: HashSet<u64>,
}

impl std::fmt::Debug for Repeats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Repeats({} candidates)", self.maybe.len())
    }
}

impl Repeats {
    /// Reads every name once. `file_len` (bytes) sizes the filter, which is dropped before
    /// this returns.
    pub fn scan<S: AsRef<str>>(names: impl Iterator<Item = S>, file_len: u64) -> Repeats {
        Self::scan_names(names, filter_bits(file_len))
    }

    fn scan_names<S: AsRef<str>>(names: impl Iterator<Item = S>, bits: u64) -> Repeats {
        let key = RandomState::new();
        let mut filter = Bloom::new(bits);
        let mut maybe = HashSet::new();
        for name in names {
            let print = key.hash_one(name.as_ref());
            if filter.insert(print) {
                maybe.insert(print);
            }
        }
        Repeats { key, maybe }
    }

    /// How many names may repeat (true repeats and the filter's false hits).
    #[cfg(test)]
    fn candidates(&self) -> usize {
        self.maybe.len()
    }
}

fn filter_bits(file_len: u64) -> u64 {
    file_len.clamp(MIN_BITS, MAX_BITS).next_multiple_of(64)
}

/// Drops repeats in one read of the names, in order: the first time a name comes it is let
/// through, later times not. Holds 8 bytes a name for a pipe (read once, so nothing is known
/// before), and only the candidates of [`Repeats`] for a file scanned before.
pub enum Once {
    Unscanned(NameSet),
    Scanned {
        repeats: Arc<Repeats>,
        seen: HashSet<u64>,
    },
}

impl Default for Once {
    fn default() -> Once {
        Once::Unscanned(NameSet::default())
    }
}

/// Names held as 64-bit keyed fingerprints: 8 bytes a name however long it is. Two names
/// sharing one would need about 4 billion names to be likely.
#[derive(Debug, Default)]
pub struct NameSet {
    key: RandomState,
    prints: HashSet<u64>,
}

impl NameSet {
    /// Whether `name` was not in the set before.
    pub fn insert(&mut self, name: &str) -> bool {
        self.prints.insert(self.key.hash_one(name))
    }

    pub fn remove(&mut self, name: &str) {
        self.prints.remove(&self.key.hash_one(name));
    }

    pub fn contains(&self, name: &str) -> bool {
        self.prints.contains(&self.key.hash_one(name))
    }

    pub fn len(&self) -> usize {
        self.prints.len()
    }
}

impl Once {
    /// Drops the repeats of a file that [`Repeats::scan`] read.
    pub fn scanned(repeats: Arc<Repeats>) -> Once {
        Once::Scanned {
            repeats,
            seen: HashSet::new(),
        }
    }

    /// Whether this is the first time `name` comes.
    pub fn first(&mut self, name: &str) -> bool {
        match self {
            Once::Unscanned(seen) => seen.insert(name),
            Once::Scanned { repeats, seen } => {
                let print = repeats.key.hash_one(name);
                !repeats.maybe.contains(&print) || seen.insert(print)
            }
        }
    }
}

/// A Bloom filter, probed by double hashing of one 64-bit fingerprint (its two halves).
struct Bloom {
    words: Vec<u64>,
    bits: u64,
}

impl Bloom {
    fn new(bits: u64) -> Bloom {
        let words = usize::try_from(bits / 64).unwrap_or(usize::MAX).max(1);
        Bloom {
            words: vec![0; words],
            bits: words as u64 * 64,
        }
    }

    /// Sets the fingerprint's bits; true if every one was set already (it may have come before).
    fn insert(&mut self, print: u64) -> bool {
        let (low, high) = (print & 0xffff_ffff, (print >> 32) | 1);
        let mut all_set = true;
        for i in 0..PROBES {
            let bit = low.wrapping_add(i.wrapping_mul(high)) % self.bits;
            let (word, mask) = ((bit / 64) as usize, 1u64 << (bit % 64));
            if let Some(w) = self.words.get_mut(word) {
                all_set &= *w & mask != 0;
                *w |= mask;
            }
        }
        all_set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_times(once: &mut Once, names: &[String]) -> Vec<String> {
        names.iter().filter(|n| once.first(n)).cloned().collect()
    }

    #[test]
    fn a_scanned_file_drops_exactly_the_later_times_of_each_name() {
        let names: Vec<String> = ["ann", "bob", "ann", "cy", "bob", "ann", "dee", "\u{1b}]0;x"]
            .into_iter()
            .map(String::from)
            .chain(["\u{1b}]0;x".to_owned()])
            .collect();
        let repeats = Repeats::scan(names.iter().map(String::as_str), 100);
        let mut once = Once::scanned(Arc::new(repeats));
        assert_eq!(
            first_times(&mut once, &names),
            ["ann", "bob", "cy", "dee", "\u{1b}]0;x"]
        );
        // The same as a pipe's, which knows nothing beforehand.
        assert_eq!(
            first_times(&mut Once::default(), &names),
            ["ann", "bob", "cy", "dee", "\u{1b}]0;x"]
        );
    }

    #[test]
    fn a_filter_far_too_small_still_gives_the_exact_answer() {
        // 64 bits for 5 000 names: nearly every name is a false hit, so this checks that
        // false hits are told apart exactly, not just that they are rare.
        let names: Vec<String> = (0..5000).map(|i| format!("user{}", i % 4000)).collect();
        let repeats = Repeats::scan_names(names.iter().map(String::as_str), 64);
        assert!(repeats.candidates() > 3000, "{}", repeats.candidates());
        let kept = first_times(&mut Once::scanned(Arc::new(repeats)), &names);
        let want: Vec<String> = (0..4000).map(|i| format!("user{i}")).collect();
        assert_eq!(kept, want);
    }

    #[test]
    fn the_filter_holds_few_candidates_for_a_big_file_of_distinct_names() {
        let names: Vec<String> = (0..100_000).map(|i| format!("learner-{i:06}")).collect();
        let len = names.iter().map(|n| n.len() as u64 + 1).sum();
        let repeats = Repeats::scan(names.iter().map(String::as_str), len);
        // 15 bits a name and 6 probes: about 0.15% false hits.
        assert!(repeats.candidates() < 500, "{}", repeats.candidates());
    }

    #[test]
    fn the_filter_is_sized_by_the_file_within_bounds() {
        assert_eq!(filter_bits(0), MIN_BITS);
        assert_eq!(filter_bits(1_200_000), 1_200_000);
        assert_eq!(filter_bits(1_200_001), 1_200_064);
        assert_eq!(filter_bits(u64::MAX), MAX_BITS);
    }
}
