//! Walking every page of a `count/next/previous` list without trusting `next`: its page
//! number is read and that page is asked of our own base URL, so the key never travels to
//! whatever host a `next` link names; repeats, overshoots and empty pages end the walk.

use std::collections::HashSet;

use url::Url;

use super::error::ApiError;

/// However large a `count` a server claims, a walk stops after this many pages.
const MAX_PAGES: u32 = 10_000;

/// What a `next` link asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum NextLink {
    /// No next page (`null`, missing or empty).
    End,
    /// The page number it names (`?page=N`).
    Page(u32),
    /// A link with no usable page number (a cursor, say): we will not follow it.
    Unusable,
}

/// Reads the page number of a `next` link. The link itself is never requested; a link to
/// another origin is only noted in the log.
pub(super) fn next_link(next: Option<&str>, base: &str) -> NextLink {
    let Some(raw) = next.map(str::trim).filter(|n| !n.is_empty()) else {
        return NextLink::End;
    };
    let base = Url::parse(base).ok();
    let parsed = match &base {
        Some(base) => base.join(raw),
        None => Url::parse(raw),
    };
    let Ok(url) = parsed else {
        return NextLink::Unusable;
    };
    if base.as_ref().is_some_and(|b| b.origin() != url.origin()) {
        tracing::warn!(
            next_host = url.host_str().unwrap_or("?"),
            "a `next` link names another origin; asking our own server for its page number instead"
        );
    }
    url.query_pairs()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.trim().parse::<u32>().ok())
        .filter(|&n| n >= 1)
        .map_or(NextLink::Unusable, NextLink::Page)
}

/// Items that can tell whether a page repeats ones already collected.
pub(super) trait Keyed {
    fn key(&self) -> String;
}

/// The state of one walk over a paged list.
#[derive(Debug, Default)]
pub(super) struct Walk {
    seen_pages: HashSet<u32>,
    seen_items: HashSet<String>,
    first_page_len: Option<usize>,
    fetched: u32,
}

impl Walk {
    /// Takes in page `page` (its items, the claimed `count`, its `next`), adds the items not
    /// seen before to `out`, and answers which page to ask for next, if any.
    pub(super) fn take<T: Keyed>(
        &mut self,
        page: u32,
        count: Option<u64>,
        next: Option<&str>,
        base: &str,
        items: Vec<T>,
        out: &mut Vec<T>,
    ) -> Result<Option<u32>, ApiError> {
        self.fetched += 1;
        self.seen_pages.insert(page);
        let page_len = items.len();
        let before = out.len();
        for item in items {
            if self.seen_items.insert(item.key()) {
                out.push(item);
            }
        }
        let count_reached = count.is_some_and(|c| out.len() as u64 >= c);
        if out.len() == before || count_reached || self.fetched >= MAX_PAGES {
            return Ok(None);
        }
        let per_page = *self.first_page_len.get_or_insert(page_len.max(1)) as u64;
        // Without a `count`, only the other rules (and MAX_PAGES) end the walk.
        let last_page = count.map_or(u64::from(MAX_PAGES), |c| {
            c.div_ceil(per_page).min(u64::from(MAX_PAGES))
        });
        match next_link(next, base) {
            NextLink::End => Ok(None),
            NextLink::Page(n) if self.seen_pages.contains(&n) || u64::from(n) > last_page => {
                Ok(None)
            }
            NextLink::Page(n) => Ok(Some(n)),
            NextLink::Unusable => Err(ApiError::Malformed {
                reason: format!(
                    "the list's `next` link has no page number; stopped after {} of {} items rather than follow it",
                    out.len(),
                    count.map_or("?".to_owned(), |c| c.to_string())
                ),
                excerpt: super::decode::excerpt(next.unwrap_or_default().as_bytes()),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://base.example.com";

    impl Keyed for u32 {
        fn key(&self) -> String {
            self.to_string()
        }
    }

    #[test]
    fn next_links_give_page_numbers_only() {
        assert_eq!(next_link(None, BASE), NextLink::End);
        assert_eq!(next_link(Some(" "), BASE), NextLink::End);
        assert_eq!(
            next_link(Some("https://base.example.com/x/?page=3&mode=all"), BASE),
            NextLink::Page(3)
        );
        assert_eq!(
            next_link(Some("http://api.example.org/accounts/?page=4"), BASE),
            NextLink::Page(4)
        );
        assert_eq!(next_link(Some("/x/?page=2"), BASE), NextLink::Page(2));
        assert_eq!(next_link(Some("/x/?cursor=abc"), BASE), NextLink::Unusable);
        assert_eq!(next_link(Some("/x/?page=0"), BASE), NextLink::Unusable);
        assert_eq!(next_link(Some("/x/?page=-1"), BASE), NextLink::Unusable);
    }

    #[test]
    fn a_walk_stops_on_repeats_overshoot_and_count() {
        let mut out = Vec::new();
        let mut w = Walk::default();
        let n = w
            .take(1, Some(5), Some("/?page=2"), BASE, vec![1, 2], &mut out)
            .unwrap();
        assert_eq!(n, Some(2));
        // page 2 points back at page 1: stop
        assert_eq!(
            w.take(2, Some(5), Some("/?page=1"), BASE, vec![3, 4], &mut out)
                .unwrap(),
            None
        );
        assert_eq!(out, vec![1, 2, 3, 4]);

        // count larger than the results: a page of repeats ends it
        let mut out = Vec::new();
        let mut w = Walk::default();
        assert_eq!(
            w.take(1, Some(123), Some("/?page=4"), BASE, vec![1], &mut out)
                .unwrap(),
            Some(4)
        );
        assert_eq!(
            w.take(4, Some(123), Some("/?page=5"), BASE, vec![1], &mut out)
                .unwrap(),
            None
        );
        assert_eq!(out, vec![1]);

        // a next beyond what count implies is not asked for
        let mut out = Vec::new();
        let mut w = Walk::default();
        assert_eq!(
            w.take(1, Some(4), Some("/?page=9"), BASE, vec![1, 2], &mut out)
                .unwrap(),
            None
        );

        // count reached
        let mut out = Vec::new();
        let mut w = Walk::default();
        assert_eq!(
            w.take(1, Some(2), Some("/?page=2"), BASE, vec![1, 2], &mut out)
                .unwrap(),
            None
        );

        // no count: the pages' own links decide, a page of one item does not end it
        let mut out = Vec::new();
        let mut w = Walk::default();
        assert_eq!(
            w.take(1, None, Some("/?page=2"), BASE, vec![1], &mut out)
                .unwrap(),
            Some(2)
        );

        // an unusable next is an error, not a silent partial list
        let mut out = Vec::new();
        let mut w = Walk::default();
        let err = w
            .take(1, Some(9), Some("/?cursor=x"), BASE, vec![1], &mut out)
            .unwrap_err();
        assert!(err.to_string().contains("no page number"), "{err}");
    }

    proptest::proptest! {
        /// Whatever pages, counts and `next` links a server sends, a walk ends (each step asks
        /// for a page number not seen before) and never collects an item twice.
        #[test]
        fn walks_always_end_without_duplicates(
            nexts in proptest::collection::vec(0u32..40, 1..60),
            count in proptest::option::of(0u64..500),
            pages in proptest::collection::vec(proptest::collection::vec(0u32..30, 0..5), 1..60),
        ) {
            let mut w = Walk::default();
            let mut out = Vec::new();
            let mut page = 1u32;
            let mut steps = 0;
            loop {
                steps += 1;
                proptest::prop_assert!(steps <= 41, "{steps} steps");
                let i = page as usize % pages.len();
                let next = format!("/x/?page={}", nexts[i % nexts.len()]);
                match w.take(page, count, Some(&next), BASE, pages[i].clone(), &mut out) {
                    Ok(Some(n)) => page = n,
                    _ => break,
                }
            }
            let mut unique = out.clone();
            unique.sort_unstable();
            unique.dedup();
            proptest::prop_assert_eq!(unique.len(), out.len());
        }
    }
}
