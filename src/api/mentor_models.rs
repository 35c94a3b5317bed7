//! The data of mentor memories (`/api/ai-mentor/.../memories/` and friends), decoded
//! tolerantly: unknown fields ignored, ids opaque text, `null` lists read as empty.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient::{count, null_as_default, opt_opaque_id, opt_text, text};
use super::listing::Keyed;

/// One mentor memory: a category and its key/value entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MentorMemory {
    /// A UUID on real servers; kept as opaque text.
    #[serde(default, deserialize_with = "opt_opaque_id")]
    pub unique_id: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub category: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub mode: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub username: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub platform: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub mentor: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub session_id: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub catalog_item_type: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub catalog_item_id: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub entries: Vec<MentorEntry>,
    #[serde(default, deserialize_with = "opt_text")]
    pub inserted_at: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub is_auto_generated: Option<bool>,
}

impl Keyed for MentorMemory {
    fn key(&self) -> String {
        match &self.unique_id {
            Some(id) => format!("id:{id}"),
            // Without an id, a memory is the same as another only if it is identical.
            None => format!("json:{}", serde_json::to_string(self).unwrap_or_default()),
        }
    }
}

/// One key/value entry of a mentor memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MentorEntry {
    /// A UUID on real servers; kept as opaque text. The contract's own example omits it.
    #[serde(default, deserialize_with = "opt_opaque_id")]
    pub unique_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub key: String,
    #[serde(default, deserialize_with = "opt_text")]
    pub value: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub inserted_at: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub updated_at: Option<String>,
    /// `None` for an entry that never expires.
    #[serde(default, deserialize_with = "opt_text")]
    pub expires_at: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub category: Option<String>,
}

/// One page of mentor memories (`count`, `next`, `previous`, `results`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MentorMemoryPage {
    /// The server's claim, if it made one; it may exceed what the pages really hold.
    pub count: Option<u64>,
    /// Full URLs as the server wrote them: never requested as they are.
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<MentorMemory>,
}

impl MentorMemoryPage {
    /// Reads a page, or a bare list, or a single memory (which some servers answer a POST with).
    pub(super) fn from_value(value: Value) -> Result<MentorMemoryPage, String> {
        let (results, count_claim, next, previous) = match value {
            Value::Array(items) => (items, None, None, None),
            Value::Object(mut map) if map.contains_key("results") || map.contains_key("count") => {
                let results = match map.remove("results") {
                    Some(Value::Array(items)) => items,
                    None | Some(Value::Null) => Vec::new(),
                    Some(_) => return Err("`results` is not a list".into()),
                };
                let link = |v: Option<Value>| match v {
                    Some(Value::String(s)) if !s.trim().is_empty() => Some(s),
                    _ => None,
                };
                (
                    results,
                    count(map.get("count")),
                    link(map.remove("next")),
                    link(map.remove("previous")),
                )
            }
            Value::Object(map) if map.is_empty() => (Vec::new(), None, None, None),
            Value::Object(map) => (vec![Value::Object(map)], None, None, None),
            Value::Null => (Vec::new(), None, None, None),
            _ => return Err("expected a page of memories".into()),
        };
        let results: Vec<MentorMemory> = results
            .into_iter()
            .map(serde_json::from_value)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("mentor memory: {e}"))?;
        Ok(MentorMemoryPage {
            count: count_claim,
            next,
            previous,
            results,
        })
    }
}

/// Every mentor memory of a user, as far as the pages went.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MentorListing {
    pub memories: Vec<MentorMemory>,
    /// The `count` the server claimed on its last page, if it did.
    pub count: Option<u64>,
}

impl MentorListing {
    /// How many memories the server claimed but the pages did not hold (0 when all came).
    pub fn shortfall(&self) -> u64 {
        self.count
            .map_or(0, |c| c.saturating_sub(self.memories.len() as u64))
    }

    /// All entries, each with the memory it belongs to.
    pub fn entries(&self) -> impl Iterator<Item = (&MentorMemory, &MentorEntry)> {
        self.memories
            .iter()
            .flat_map(|m| m.entries.iter().map(move |e| (m, e)))
    }
}

/// Filters and paging of `memories/` and `filtered-memories/`; `None` sends nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MentorQuery {
    pub category: Option<String>,
    /// ISO dates.
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// A mentor's unique id.
    pub mentor: Option<String>,
    /// `guided`, `regular` or `all`.
    pub mode: Option<String>,
    pub platform: Option<String>,
    pub session: Option<String>,
    pub page: Option<u32>,
    pub page_size: Option<u32>,
}

impl MentorQuery {
    pub(super) fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let texts = [
            ("category", &self.category),
            ("start_date", &self.start_date),
            ("end_date", &self.end_date),
            ("mentor", &self.mentor),
            ("mode", &self.mode),
            ("platform", &self.platform),
            ("session", &self.session),
        ];
        for (name, value) in texts {
            if let Some(v) = value {
                out.push((name, v.clone()));
            }
        }
        if let Some(page) = self.page {
            out.push(("page", page.to_string()));
        }
        if let Some(size) = self.page_size {
            out.push(("page_size", size.to_string()));
        }
        out
    }
}

/// The categories a server knows (`memory-categories/`), and with them the users it has
/// memories for (`memory-filter/`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemoryFilter {
    pub categories: Vec<String>,
    pub users: Vec<FilterUser>,
}

/// A user as `memory-filter/` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FilterUser {
    #[serde(default, deserialize_with = "text")]
    pub username: String,
    #[serde(default, deserialize_with = "opt_text")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub lti_email: Option<String>,
}

impl MemoryFilter {
    /// `{"categories": [...], "users": [...]}`, or a bare list of categories; a category may
    /// also come as an object with a `name` (or `category`, `key`).
    pub(super) fn from_value(value: Value) -> Result<MemoryFilter, String> {
        let (categories, users) = match value {
            Value::Array(items) => (items, Vec::new()),
            Value::Object(mut map) => {
                let list = |v: Option<Value>| match v {
                    Some(Value::Array(items)) => Ok(items),
                    None | Some(Value::Null) => Ok(Vec::new()),
                    Some(_) => Err("`categories` or `users` is not a list".to_owned()),
                };
                (list(map.remove("categories"))?, list(map.remove("users"))?)
            }
            Value::Null => (Vec::new(), Vec::new()),
            _ => return Err("expected an object with `categories`".into()),
        };
        let categories = categories
            .into_iter()
            .filter_map(|c| match c {
                Value::String(s) => Some(s),
                Value::Object(mut m) => ["name", "category", "key"]
                    .iter()
                    .find_map(|k| m.remove(*k))
                    .and_then(|v| v.as_str().map(str::to_owned)),
                Value::Null => None,
                other => Some(other.to_string()),
            })
            .collect();
        let users = users
            .into_iter()
            .map(serde_json::from_value)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("memory-filter user: {e}"))?;
        Ok(MemoryFilter { categories, users })
    }
}

/// One entry of a memory to create: the server sets the times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MentorEntryWrite {
    pub key: String,
    pub value: String,
    /// The contract lets a request carry it; whether a server keeps it is up to the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

/// The body of `POST memories/`: a category and its entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MentorMemoryWrite {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub entries: Vec<MentorEntryWrite>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mentor_unique_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog_item_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog_item_id: Option<String>,
}

impl MentorMemoryWrite {
    /// What it takes to create this memory again (for a restore). The server mints new ids
    /// and times; expiry dates are sent, but a server may set its own.
    pub fn recreate(memory: &MentorMemory) -> MentorMemoryWrite {
        MentorMemoryWrite {
            category: memory.category.clone(),
            entries: memory
                .entries
                .iter()
                .map(|e| MentorEntryWrite {
                    key: e.key.clone(),
                    value: e.value.clone().unwrap_or_default(),
                    expires_at: e.expires_at.clone(),
                })
                .collect(),
            mode: memory.mode.clone(),
            name: memory.name.clone(),
            platform: memory.platform.clone(),
            mentor_unique_id: memory.mentor.clone(),
            session_id: memory.session_id.clone(),
            catalog_item_type: memory.catalog_item_type.clone(),
            catalog_item_id: memory.catalog_item_id.clone(),
        }
    }
}

/// The body of `POST memory-entries/{id}/`: a new key and value for one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MentorEntryUpdate {
    pub key: String,
    pub value: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_contract_example_decodes() {
        let page = MentorMemoryPage::from_value(json!({
            "count": 123, "next": "http://api.example.org/accounts/?page=4", "previous": null,
            "results": [{"mode": "guided", "name": "user memory 1", "unique_id": 7,
                "entries": [{"key": "name", "value": "myname", "expires_at": null, "odd": 1},
                            {"key": "n", "value": 5}],
                "category": "important", "is_auto_generated": false, "surprise": {"a": 1}}]
        }))
        .unwrap();
        assert_eq!(page.count, Some(123));
        assert_eq!(
            page.next.as_deref(),
            Some("http://api.example.org/accounts/?page=4")
        );
        let m = &page.results[0];
        assert_eq!(m.unique_id.as_deref(), Some("7"));
        assert_eq!(m.entries[1].value.as_deref(), Some("5"));
        assert_eq!(m.entries[0].expires_at, None);
    }

    #[test]
    fn pages_in_other_shapes() {
        let bare = MentorMemoryPage::from_value(json!([{"name": "a"}, {"name": "b"}])).unwrap();
        assert_eq!((bare.count, bare.results.len()), (None, 2));
        let single = MentorMemoryPage::from_value(json!({"name": "a", "entries": null})).unwrap();
        assert_eq!(single.results.len(), 1);
        assert!(single.results[0].entries.is_empty());
        let counted = MentorMemoryPage::from_value(json!({"count": "3", "results": null})).unwrap();
        assert_eq!((counted.count, counted.results.len()), (Some(3), 0));
        assert!(MentorMemoryPage::from_value(json!({"results": 1})).is_err());
        assert!(MentorMemoryPage::from_value(json!("x")).is_err());
    }

    #[test]
    fn filters_in_other_shapes() {
        let f = MemoryFilter::from_value(json!({
            "categories": ["lessons_learned", {"name": "knowledge_gaps"}, null],
            "users": [{"username": "a", "email": null, "lti_email": ""}]
        }))
        .unwrap();
        assert_eq!(f.categories, vec!["lessons_learned", "knowledge_gaps"]);
        assert_eq!(f.users[0].username, "a");
        let bare = MemoryFilter::from_value(json!(["x"])).unwrap();
        assert_eq!(bare.categories, vec!["x"]);
    }

    fn any_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|n| json!(n)),
            ".{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map(
                    "results|count|next|previous|entries|unique_id|key|value|categories|users|username|name|[a-z]{1,4}",
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// Any JSON at all is read or refused with an error, never a panic.
        #[test]
        fn any_body_decodes_or_errs(value in any_json()) {
            let _ = MentorMemoryPage::from_value(value.clone());
            let _ = MemoryFilter::from_value(value.clone());
            let _ = serde_json::from_value::<MentorEntry>(value.clone());
            let _ = serde_json::from_value::<crate::api::CourseMemory>(value);
        }
    }

    #[test]
    fn recreate_keeps_category_and_entries() {
        let m: MentorMemory = serde_json::from_value(json!({
            "unique_id": "u", "category": "personal_information", "mentor": "m1",
            "entries": [{"key": "k", "value": null, "expires_at": "2030-01-01T00:00:00Z"}]
        }))
        .unwrap();
        let w = MentorMemoryWrite::recreate(&m);
        let body = serde_json::to_value(&w).unwrap();
        assert_eq!(body["category"], "personal_information");
        assert_eq!(body["mentor_unique_id"], "m1");
        assert_eq!(
            body["entries"][0],
            json!({"key": "k", "value": "", "expires_at": "2030-01-01T00:00:00Z"})
        );
        assert!(
            body.get("name").is_none(),
            "absent fields are not sent as null"
        );
    }
}
