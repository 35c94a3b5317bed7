//! The Memory pane's store tabs: which store is shown (chat, mentor, course), what the
//! mentor and course stores hold for the open user, and which of their items is selected.

use crate::api::{CourseMemory, MentorEntry, MentorListing, MentorMemory, StoreRead};
use crate::text::TextView;

use super::event::ReqId;
use super::state::Load;

/// The stores a user's memory lives in, one tab each, in key order (`1`, `2`, `3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StoreTab {
    #[default]
    Chat,
    Mentor,
    Course,
}

impl StoreTab {
    pub const ALL: [StoreTab; 3] = [StoreTab::Chat, StoreTab::Mentor, StoreTab::Course];

    /// The tab's name in full, as help and wide panes show it.
    pub fn title(self) -> &'static str {
        match self {
            StoreTab::Chat => "Chat memory",
            StoreTab::Mentor => "Mentor memories",
            StoreTab::Course => "Course memory",
        }
    }

    /// One word, for narrow panes.
    pub fn short(self) -> &'static str {
        match self {
            StoreTab::Chat => "Chat",
            StoreTab::Mentor => "Mentor",
            StoreTab::Course => "Course",
        }
    }
}

/// A category heading or one entry of it, as the mentor tab lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentorRow<'a> {
    Heading(&'a str),
    Entry(MentorItem<'a>),
}

/// One mentor entry with the memory that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MentorItem<'a> {
    pub memory: &'a MentorMemory,
    pub entry: &'a MentorEntry,
}

impl<'a> MentorItem<'a> {
    /// The category the entry is listed under: its memory's, else its own, else none.
    pub fn category(&self) -> &'a str {
        category_of(self.memory, self.entry)
    }
}

/// The heading of entries with no category at all.
pub const NO_CATEGORY: &str = "(no category)";

fn category_of<'a>(memory: &'a MentorMemory, entry: &'a MentorEntry) -> &'a str {
    memory
        .category
        .as_deref()
        .or(entry.category.as_deref())
        .filter(|c| !c.is_empty())
        .unwrap_or(NO_CATEGORY)
}

/// The mentor and course stores of the open user, and the tab in view.
#[derive(Debug, Default)]
pub struct StoresPane {
    pub tab: StoreTab,
    pub mentor_req: ReqId,
    pub mentor: Load<StoreRead<MentorListing>>,
    /// Index of the selected entry in [`StoresPane::mentor_items`] order.
    pub mentor_selected: usize,
    pub course_req: ReqId,
    pub course: Load<StoreRead<Vec<CourseMemory>>>,
    /// The course read was a whole list; the published read shows one memory ("1+").
    pub course_whole: bool,
    pub course_selected: usize,
    /// The selected item's detail (a mentor entry's value, a course memory's JSON), laid
    /// out once per selection.
    pub view: Option<TextView>,
    /// How far the detail text is scrolled.
    pub scroll: usize,
    /// When the mentor and course stores were asked for, so silence is said in words.
    pub asked_at: Option<std::time::Instant>,
}

impl StoresPane {
    /// Every mentor entry, grouped by category (categories sorted, "no category" last) and
    /// in the server's order within one.
    pub fn mentor_items(&self) -> Vec<MentorItem<'_>> {
        let Some(listing) = self.mentor.ready().and_then(StoreRead::items) else {
            return Vec::new();
        };
        let mut items: Vec<MentorItem<'_>> = listing
            .entries()
            .map(|(memory, entry)| MentorItem { memory, entry })
            .collect();
        // A stable sort keeps the server's order inside each category.
        items.sort_by(|a, b| {
            let (ca, cb) = (a.category(), b.category());
            (ca == NO_CATEGORY, ca).cmp(&(cb == NO_CATEGORY, cb))
        });
        items
    }

    /// The mentor tab's rows: a heading before the first entry of each category.
    pub fn mentor_rows(&self) -> Vec<MentorRow<'_>> {
        let mut rows = Vec::new();
        let mut last: Option<&str> = None;
        for item in self.mentor_items() {
            let category = item.category();
            if last != Some(category) {
                rows.push(MentorRow::Heading(category));
                last = Some(category);
            }
            rows.push(MentorRow::Entry(item));
        }
        rows
    }

    /// The row (in [`Self::mentor_rows`]) of entry `index`: its place plus the headings
    /// above it.
    pub fn mentor_row_of(&self, index: usize) -> usize {
        let mut entries = 0;
        for (row, r) in self.mentor_rows().iter().enumerate() {
            if let MentorRow::Entry(_) = r {
                if entries == index {
                    return row;
                }
                entries += 1;
            }
        }
        0
    }

    /// The mentor entry with this unique id, when the store is read and holds it.
    pub fn mentor_entry_by_id(&self, entry_id: &str) -> Option<&MentorEntry> {
        let listing = self.mentor.ready().and_then(StoreRead::items)?;
        listing
            .entries()
            .map(|(_, entry)| entry)
            .find(|e| e.unique_id.as_deref() == Some(entry_id))
    }

    pub fn selected_mentor(&self) -> Option<MentorItem<'_>> {
        self.mentor_items().get(self.mentor_selected).copied()
    }

    pub fn courses(&self) -> &[CourseMemory] {
        self.course
            .ready()
            .and_then(StoreRead::items)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn selected_course(&self) -> Option<&CourseMemory> {
        self.courses().get(self.course_selected)
    }

    /// How many items the tab's store has, for its title: a number, "…" while loading,
    /// "0" when the server answered 404 (how it says "no memory"), "n/a" when it does not
    /// offer the store at all (405), "!" when the read failed.
    pub fn count_label(
        &self,
        tab: StoreTab,
        chat: &Load<Vec<crate::api::MemoryEntry>>,
        chat_complete: bool,
    ) -> String {
        match tab {
            StoreTab::Chat => match chat {
                Load::Ready(e) => format!("{}{}", e.len(), if chat_complete { "" } else { "+" }),
                Load::Failed(_) => "!".into(),
                _ => "…".into(),
            },
            StoreTab::Mentor => match &self.mentor {
                Load::Ready(StoreRead::Items(listing)) => {
                    let more = if listing.shortfall() > 0 { "+" } else { "" };
                    format!("{}{more}", listing.entries().count())
                }
                Load::Ready(StoreRead::Unavailable(gap)) => gap_label(gap),
                Load::Failed(_) => "!".into(),
                _ => "…".into(),
            },
            StoreTab::Course => match &self.course {
                Load::Ready(StoreRead::Items(items)) => {
                    let more = if self.course_whole || items.is_empty() {
                        ""
                    } else {
                        "+"
                    };
                    format!("{}{more}", items.len())
                }
                Load::Ready(StoreRead::Unavailable(gap)) => gap_label(gap),
                Load::Failed(_) => "!".into(),
                _ => "…".into(),
            },
        }
    }

    /// Rows the current tab's list has: mentor headings and entries, or course memories.
    pub fn list_len(&self) -> usize {
        match self.tab {
            StoreTab::Chat => 0,
            StoreTab::Mentor => self.mentor_rows().len(),
            StoreTab::Course => self.courses().len(),
        }
    }

    /// How many items the current tab can select from (0 on the chat tab: it has its own).
    pub fn item_count(&self) -> usize {
        match self.tab {
            StoreTab::Chat => 0,
            StoreTab::Mentor => self.mentor_items().len(),
            StoreTab::Course => self.courses().len(),
        }
    }

    /// Selects item `index` of the current tab (clamped) and lays out its detail.
    pub fn select(&mut self, index: usize) {
        let len = self.item_count();
        let index = index.min(len.saturating_sub(1));
        match self.tab {
            StoreTab::Chat => return,
            StoreTab::Mentor => self.mentor_selected = index,
            StoreTab::Course => self.course_selected = index,
        }
        self.scroll = 0;
        self.view = self.detail_text().map(|t| TextView::new(&t));
    }

    /// The text shown under the list for the selected item: a mentor entry's value, or a
    /// course memory's `lessons` and `next_steps` as pretty JSON.
    fn detail_text(&self) -> Option<String> {
        match self.tab {
            StoreTab::Chat => None,
            StoreTab::Mentor => self
                .selected_mentor()
                .map(|item| item.entry.value.clone().unwrap_or_default()),
            StoreTab::Course => self.selected_course().map(course_detail),
        }
    }
}

/// Rows the list of a mentor or course tab takes out of `body` rows: all it has while the
/// selected item keeps its name line and three rows of text, else at least half the pane.
pub fn list_height(body: usize, rows: usize) -> usize {
    if rows == 0 {
        return 0;
    }
    let room = body.saturating_sub(1 + 3).max((body / 2).max(1));
    rows.min(room).min(body)
}

/// The first list row shown, so that row `selected` is in view of `height` rows.
pub fn list_offset(selected: usize, height: usize) -> usize {
    (selected + 1).saturating_sub(height.max(1))
}

/// The tab bar's labels for a pane `width` cells wide: "1 Chat memory (3)"; the short
/// "1 Chat (3)" when those do not fit; and when even those do not, the tab in view short
/// and the others by their key alone ("1  2 Mentor (5)  3"). `keys` are the tabs' keys,
/// `counts` their counts, both in tab order.
pub fn tab_labels(
    keys: &[String; 3],
    counts: &[String; 3],
    active: StoreTab,
    width: usize,
) -> Vec<String> {
    let build = |full: bool, others_key_only: bool| -> Vec<String> {
        StoreTab::ALL
            .iter()
            .enumerate()
            .map(|(i, tab)| {
                if others_key_only && *tab != active {
                    return keys[i].clone();
                }
                let name = if full { tab.title() } else { tab.short() };
                format!("{} {name} ({})", keys[i], counts[i])
            })
            .collect()
    };
    let fits = |labels: &[String]| {
        let used: usize = labels
            .iter()
            .map(|l| crate::text::display_width(l) + TAB_GAP)
            .sum();
        used <= width + TAB_GAP
    };
    let full = build(true, false);
    if fits(&full) {
        return full;
    }
    let short = build(false, false);
    if fits(&short) {
        return short;
    }
    build(false, true)
}

/// Cells between two tab labels.
pub const TAB_GAP: usize = 2;

/// A course memory's `lessons` and `next_steps`, each as pretty JSON under its name.
pub fn course_detail(memory: &CourseMemory) -> String {
    let pretty =
        |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string());
    format!(
        "lessons:\n{}\n\nnext_steps:\n{}",
        pretty(&memory.lessons),
        pretty(&memory.next_steps)
    )
}

/// A 404 is how the server says a user has no memory in a store (after a forget, say):
/// that is "0", not "n/a", which would read as "this server has no such store".
fn gap_label(gap: &crate::api::StoreGap) -> String {
    if gap.status == 404 {
        "0".into()
    } else {
        "n/a".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn listing() -> MentorListing {
        serde_json::from_value::<Vec<MentorMemory>>(json!([
            {"unique_id": "m1", "category": "personal_information",
             "entries": [{"unique_id": "e1", "key": "name", "value": "Amara"}]},
            {"unique_id": "m2", "entries": [{"unique_id": "e2", "key": "loose", "value": "x"}]},
            {"unique_id": "m3", "category": "knowledge_gaps",
             "entries": [{"unique_id": "e3", "key": "b", "value": "1"},
                         {"unique_id": "e4", "key": "a", "value": "2"}]},
            {"unique_id": "m4", "category": "personal_information",
             "entries": [{"unique_id": "e5", "key": "city", "value": "Lagos"}]}
        ]))
        .map(|memories| MentorListing {
            memories,
            count: None,
        })
        .unwrap()
    }

    #[test]
    fn mentor_rows_group_by_category_with_no_category_last() {
        let pane = StoresPane {
            mentor: Load::Ready(StoreRead::Items(listing())),
            ..StoresPane::default()
        };
        let rows: Vec<String> = pane
            .mentor_rows()
            .iter()
            .map(|r| match r {
                MentorRow::Heading(c) => format!("# {c}"),
                MentorRow::Entry(i) => i.entry.key.clone(),
            })
            .collect();
        assert_eq!(
            rows,
            [
                "# knowledge_gaps",
                "b",
                "a",
                "# personal_information",
                "name",
                "city",
                "# (no category)",
                "loose"
            ]
        );
    }

    #[test]
    fn a_404_counts_as_no_memory_and_only_a_405_as_not_offered() {
        use crate::api::StoreGap;
        let mut pane = StoresPane::default();
        let chat = Load::Ready(Vec::new());
        pane.course = Load::Ready(StoreRead::Unavailable(StoreGap {
            status: 404,
            detail: Some("Not found.".into()),
        }));
        pane.mentor = Load::Ready(StoreRead::Unavailable(StoreGap {
            status: 405,
            detail: None,
        }));
        assert_eq!(pane.count_label(StoreTab::Course, &chat, true), "0");
        assert_eq!(pane.count_label(StoreTab::Mentor, &chat, true), "n/a");
    }

    #[test]
    fn tab_labels_shorten_to_fit() {
        let keys = ["1".to_owned(), "2".to_owned(), "3".to_owned()];
        let counts = ["3".to_owned(), "12".to_owned(), "n/a".to_owned()];
        let at = |w| tab_labels(&keys, &counts, StoreTab::Mentor, w).join("|");
        assert_eq!(
            at(80),
            "1 Chat memory (3)|2 Mentor memories (12)|3 Course memory (n/a)"
        );
        assert_eq!(at(41), "1 Chat (3)|2 Mentor (12)|3 Course (n/a)");
        assert_eq!(at(40), "1|2 Mentor (12)|3");
        assert_eq!(at(20), "1|2 Mentor (12)|3");
    }

    #[test]
    fn selection_is_clamped_and_lays_out_the_value() {
        let mut pane = StoresPane {
            tab: StoreTab::Mentor,
            mentor: Load::Ready(StoreRead::Items(listing())),
            ..StoresPane::default()
        };
        pane.select(99);
        assert_eq!(pane.mentor_selected, 4);
        assert_eq!(
            pane.view.as_ref().map(TextView::sanitized),
            Some("x"),
            "the last entry is the one without a category"
        );
        pane.select(2);
        assert_eq!(
            pane.selected_mentor().map(|i| i.entry.key.as_str()),
            Some("name")
        );
    }
}
