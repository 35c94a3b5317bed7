//! Walking an org's users page by page without trusting the server's `next_page` or `count` blindly.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

use super::models::{UserSummary, UsersPage};

/// Page size when the caller does not choose one.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// What one fetched page adds: its users not listed before, and why paging stopped early
/// or what was dropped, when the server misbehaved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageStep {
    pub users: Vec<UserSummary>,
    pub warning: Option<String>,
}

/// Tracks which page to ask for next. It always ends: some servers repeat a page forever,
/// or hand out a `next_page` that grows while the same users come back, so paging stops
/// when `count` users are listed, when a page brings no new user, when `next_page` does
/// not move forward, and after the number of pages `count` implies (plus one, for a list
/// that grew while it was read). Users seen before are dropped.
#[derive(Debug, Clone)]
pub struct PageCursor {
    next: Option<u32>,
    seen_pages: HashSet<u32>,
    /// A 64-bit keyed hash of each username listed, not the name: `purge` without a users
    /// file walks the whole org, and 8 bytes a user keep its memory nearly flat. Two names
    /// sharing one would need about 4 billion users to be likely.
    seen_users: HashSet<u64>,
    key: RandomState,
    page_size: u32,
    fetched: u64,
}

impl Default for PageCursor {
    fn default() -> Self {
        PageCursor::new()
    }
}

impl PageCursor {
    /// A cursor that starts at page 1, with pages of [`DEFAULT_PAGE_SIZE`].
    pub fn new() -> PageCursor {
        PageCursor::with_page_size(DEFAULT_PAGE_SIZE)
    }

    /// A cursor for pages of `page_size` users (at least 1): the size bounds the pages.
    pub fn with_page_size(page_size: u32) -> PageCursor {
        PageCursor {
            next: Some(1),
            seen_pages: HashSet::new(),
            seen_users: HashSet::new(),
            key: RandomState::new(),
            page_size: page_size.max(1),
            fetched: 0,
        }
    }

    /// The page size to ask for.
    pub fn page_size(&self) -> u32 {
        self.page_size
    }

    /// The page to fetch next, or `None` when all pages are in.
    pub fn next_page(&self) -> Option<u32> {
        self.next
    }

    pub fn is_finished(&self) -> bool {
        self.next.is_none()
    }

    /// Users listed so far (duplicates not counted).
    pub fn listed(&self) -> u64 {
        self.seen_users.len() as u64
    }

    /// Takes in a fetched page: answers its new users, and decides the next page.
    pub fn take(&mut self, page: UsersPage) -> PageStep {
        self.fetched += 1;
        let number = page.page;
        let fresh_page = self.seen_pages.insert(number);
        let rows = page.results.len();
        let users: Vec<UserSummary> = page
            .results
            .into_iter()
            .filter(|u| self.seen_users.insert(self.key.hash_one(&u.username)))
            .collect();
        let dropped = rows - users.len();
        let listed = self.listed();
        let count = page.count;
        let most_pages = count.div_ceil(u64::from(self.page_size)).max(1) + 1;
        let mut notes = Vec::new();
        if dropped > 0 && !users.is_empty() {
            notes.push(format!(
                "page {number} repeated {dropped} users already listed; they were dropped"
            ));
        }
        let short = listed < count;
        self.next = match page.next_page {
            _ if count > 0 && !short => None,
            _ if users.is_empty() => {
                if rows > 0 || short {
                    notes.push(format!(
                        "page {number} brought no new users; stopped with {listed} of the {count} the server counts"
                    ));
                }
                None
            }
            Some(n) if n <= number || !fresh_page || self.seen_pages.contains(&n) => {
                if short {
                    notes.push(format!(
                        "the server's next page after {number} is {n}, which does not move on; stopped with {listed} of {count} users"
                    ));
                }
                None
            }
            Some(_) if self.fetched >= most_pages => {
                notes.push(format!(
                    "stopped after {} pages: {count} users in pages of {} need at most {most_pages}",
                    self.fetched, self.page_size
                ));
                None
            }
            Some(n) => Some(n),
            None => None,
        };
        PageStep {
            users,
            warning: (!notes.is_empty()).then(|| notes.join("; ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> UserSummary {
        UserSummary {
            username: name.to_owned(),
            user_id: None,
            name: None,
            email: None,
            platform_key: None,
            platform_org: None,
            active: None,
            is_admin: None,
            is_staff: None,
            added_on: None,
        }
    }

    fn page(n: u32, next: Option<u32>, count: u64, names: &[&str]) -> UsersPage {
        UsersPage {
            count,
            page: n,
            next_page: next,
            previous_page: None,
            unreadable: 0,
            results: names.iter().map(|s| user(s)).collect(),
        }
    }

    fn names(step: &PageStep) -> Vec<&str> {
        step.users.iter().map(|u| u.username.as_str()).collect()
    }

    #[test]
    fn follows_next_page_until_count_is_reached() {
        let mut c = PageCursor::with_page_size(2);
        assert_eq!(c.next_page(), Some(1));
        let step = c.take(page(1, Some(2), 3, &["a", "b"]));
        assert_eq!(names(&step), ["a", "b"]);
        assert_eq!(step.warning, None);
        assert_eq!(c.next_page(), Some(2));
        // The server offers a page 3, but all 3 users are in: no need to ask.
        let step = c.take(page(2, Some(3), 3, &["c"]));
        assert_eq!(names(&step), ["c"]);
        assert_eq!(step.warning, None);
        assert!(c.is_finished());
    }

    #[test]
    fn stops_on_null_empty_backwards_or_repeated_pages() {
        let mut c = PageCursor::new();
        c.take(page(1, None, 100, &["a"]));
        assert!(c.is_finished());
        let mut c = PageCursor::new();
        let step = c.take(page(1, Some(2), 100, &[]));
        assert!(c.is_finished());
        assert!(step.warning.is_some(), "an empty page short of count warns");
        let mut c = PageCursor::new();
        c.take(page(1, Some(2), 100, &["a"]));
        let step = c.take(page(2, Some(1), 100, &["b"]));
        assert_eq!(names(&step), ["b"]);
        assert!(c.is_finished());
        assert!(
            step.warning
                .unwrap_or_default()
                .contains("does not move on")
        );
    }

    #[test]
    fn a_next_page_stuck_on_the_same_page_warns_and_drops_duplicates() {
        let mut c = PageCursor::new();
        c.take(page(1, Some(1), 62, &["a", "b"]));
        assert!(c.is_finished(), "a next_page equal to the page stops");
        // A server that ignores `page` hands the same users back under growing numbers.
        let mut c = PageCursor::new();
        c.take(page(1, Some(2), 62, &["a", "b"]));
        let step = c.take(page(2, Some(3), 62, &["a", "b"]));
        assert!(step.users.is_empty(), "{step:?}");
        assert!(c.is_finished());
        let warning = step.warning.unwrap_or_default();
        assert!(
            warning.contains("no new users") && warning.contains("2 of the 62"),
            "{warning}"
        );
        assert_eq!(c.listed(), 2);
    }

    #[test]
    fn a_page_of_some_repeats_keeps_the_new_users_and_warns() {
        let mut c = PageCursor::with_page_size(2);
        c.take(page(1, Some(2), 4, &["a", "b"]));
        let step = c.take(page(2, Some(3), 4, &["b", "c"]));
        assert_eq!(names(&step), ["c"]);
        assert!(
            step.warning
                .unwrap_or_default()
                .contains("repeated 1 users")
        );
        assert_eq!(c.next_page(), Some(3));
    }

    #[test]
    fn pages_are_bounded_by_what_count_implies() {
        // One new user a page under a `count` of 50: the count never fills, but 50 users
        // in pages of 2 need 25 pages, so the cursor stops after one spare page more.
        let mut c = PageCursor::with_page_size(2);
        let mut pages = 0;
        let mut last = None;
        let mut n = 1u32;
        while let Some(p) = c.next_page() {
            assert_eq!(p, n);
            let a = format!("x{n}");
            last = c.take(page(p, Some(p + 1), 50, &[a.as_str()])).warning;
            pages += 1;
            n += 1;
            assert!(pages <= 100, "paging must end");
        }
        assert_eq!(
            pages, 26,
            "50 users in pages of 2: 25 pages, plus one spare"
        );
        assert!(last.unwrap_or_default().contains("stopped after 26 pages"));
    }
}
