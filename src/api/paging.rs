//! Walking an org's users page by page without trusting the server's `next_page` blindly.

use std::collections::HashSet;

use super::models::UsersPage;

/// Tracks which page to ask for next. Stops when `next_page` is missing, does not advance,
/// or names a page already seen, since some servers repeat the last page forever.
#[derive(Debug, Clone)]
pub struct PageCursor {
    next: Option<u32>,
    seen: HashSet<u32>,
    finished: bool,
}

impl Default for PageCursor {
    fn default() -> Self {
        PageCursor::new()
    }
}

impl PageCursor {
    /// A cursor that starts at page 1.
    pub fn new() -> PageCursor {
        PageCursor {
            next: Some(1),
            seen: HashSet::new(),
            finished: false,
        }
    }

    /// The page to fetch next, or `None` when all pages are in.
    pub fn next_page(&self) -> Option<u32> {
        if self.finished { None } else { self.next }
    }

    pub fn is_finished(&self) -> bool {
        self.next_page().is_none()
    }

    /// Takes in a fetched page; answers whether its rows are new (false for a repeated page).
    pub fn advance(&mut self, page: &UsersPage) -> bool {
        let fresh = self.seen.insert(page.page);
        self.next = match page.next_page {
            Some(n)
                if fresh
                    && n > page.page
                    && !self.seen.contains(&n)
                    && !page.results.is_empty() =>
            {
                Some(n)
            }
            _ => None,
        };
        self.finished = self.next.is_none();
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::UserSummary;

    fn page(n: u32, next: Option<u32>, rows: usize) -> UsersPage {
        UsersPage {
            count: 100,
            page: n,
            next_page: next,
            previous_page: None,
            results: (0..rows)
                .map(|i| UserSummary {
                    username: format!("u{n}-{i}"),
                    user_id: None,
                    name: None,
                    email: None,
                    platform_key: None,
                    platform_org: None,
                    active: None,
                    is_admin: None,
                    is_staff: None,
                    added_on: None,
                })
                .collect(),
        }
    }

    #[test]
    fn follows_next_page_until_it_stops_advancing() {
        let mut c = PageCursor::new();
        assert_eq!(c.next_page(), Some(1));
        assert!(c.advance(&page(1, Some(2), 10)));
        assert_eq!(c.next_page(), Some(2));
        assert!(c.advance(&page(2, Some(2), 10)));
        assert_eq!(c.next_page(), None);
    }

    #[test]
    fn stops_on_null_empty_backwards_or_repeated_pages() {
        let mut c = PageCursor::new();
        c.advance(&page(1, None, 10));
        assert!(c.is_finished());
        let mut c = PageCursor::new();
        c.advance(&page(1, Some(2), 0));
        assert!(c.is_finished());
        let mut c = PageCursor::new();
        c.advance(&page(1, Some(2), 5));
        c.advance(&page(2, Some(1), 5));
        assert!(c.is_finished());
        let mut c = PageCursor::new();
        c.advance(&page(1, Some(2), 5));
        assert!(
            !c.advance(&page(1, Some(2), 5)),
            "a repeated page is not fresh"
        );
        assert!(c.is_finished());
    }
}
