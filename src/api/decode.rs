//! Tolerant decoding of response bodies: the shapes real servers send, not just the documented ones.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{ApiError, FieldMessage};
use super::models::{MemoryEntry, MemoryRead, OrgInfo, UserSummary, UsersPage};

/// How much of a bad body an error quotes.
const EXCERPT_CHARS: usize = 160;

/// A short, printable excerpt of a body for error messages; control characters are escaped so
/// a hostile server cannot reach the terminal through an error line.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    // A proxy's or framework's HTML error page says little in its first 160 characters of
    // markup: name its title (or first heading) instead.
    let text = match html_summary(&text) {
        Some(summary) => std::borrow::Cow::Owned(summary),
        None => text,
    };
    let trimmed = text.trim();
    let cut = trimmed
        .char_indices()
        .nth(EXCERPT_CHARS)
        .map_or(trimmed.len(), |(i, _)| i);
    // Escaped as memory text is (`\x1b`, `\u{202e}`), so a hostile byte reads the same in an
    // error as in an entry.
    let mut out = crate::text::sanitize_single_line(&trimmed[..cut]).into_owned();
    if cut < trimmed.len() {
        out.push('…');
    }
    out
}

/// "an HTML page: 502 Bad Gateway" for a body that is an HTML document, else `None`.
fn html_summary(text: &str) -> Option<String> {
    let head = text.trim_start();
    let lower: String = head
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    if !(lower.starts_with("<!doctype html") || lower.starts_with("<html")) {
        return None;
    }
    let inner = |tag: &str| -> Option<String> {
        let lower_all = head.to_ascii_lowercase();
        let open = lower_all.find(&format!("<{tag}"))?;
        let start = open + lower_all[open..].find('>')? + 1;
        let end = start + lower_all[start..].find(&format!("</{tag}"))?;
        let words: Vec<&str> = head.get(start..end)?.split_whitespace().collect();
        (!words.is_empty()).then(|| words.join(" "))
    };
    Some(match inner("title").or_else(|| inner("h1")) {
        Some(title) => format!("an HTML page: {title}"),
        None => "an HTML page (no title)".to_owned(),
    })
}

/// Decodes JSON into `T`, mapping failures to [`ApiError::Malformed`] with an excerpt.
pub fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| malformed(e.to_string(), body))
}

fn malformed(reason: impl Into<String>, body: &[u8]) -> ApiError {
    ApiError::Malformed {
        reason: reason.into(),
        excerpt: excerpt(body),
    }
}

/// A memory GET may answer one object, a list, or `{"results": [...]}`; all become a list.
pub fn memory_entries(body: &[u8]) -> Result<Vec<MemoryEntry>, ApiError> {
    memory_read(body).map(|read| read.entries)
}

/// Like [`memory_entries`], and says whether the answer can be the whole memory: one object
/// (the published shape) shows a single entry however many the user has, and a `results`
/// page with a `next` link shows one page.
pub fn memory_read(body: &[u8]) -> Result<MemoryRead, ApiError> {
    let value: Value = json(body)?;
    let (items, complete) = match value {
        Value::Array(items) => (items, true),
        // An entry object with an extra `data` or `results` field is still an entry: an
        // unknown field must not turn a user's memory into "none".
        Value::Object(map) if map.contains_key("id") => (vec![Value::Object(map)], false),
        Value::Object(mut map) => {
            let more = map.get("next").is_some_and(|n| !n.is_null());
            let count = map.get("count").and_then(Value::as_u64);
            match map.remove("results").or_else(|| map.remove("data")) {
                Some(Value::Array(items)) => {
                    // A `count` above what came is a page of a longer list, `next` or not.
                    let whole = !more && count.is_none_or(|c| c <= items.len() as u64);
                    (items, whole)
                }
                Some(Value::Null) if more || count.unwrap_or(0) > 0 => {
                    return Err(malformed("`results` is null yet more is promised", body));
                }
                Some(Value::Null) => (Vec::new(), true),
                Some(_) => return Err(malformed("`results` is not a list", body)),
                None => (vec![Value::Object(map)], false),
            }
        }
        // "No memory" is a 404; a `null` body proves nothing, so it is not read as empty.
        Value::Null => return Err(malformed("the memory read answered `null`", body)),
        _ => return Err(malformed("expected a memory object or a list", body)),
    };
    let entries = items
        .into_iter()
        .map(|item| {
            serde_json::from_value(item).map_err(|e| malformed(format!("memory entry: {e}"), body))
        })
        .collect::<Result<_, _>>()?;
    Ok(MemoryRead { entries, complete })
}

/// The users list; `results` may also come as `{"results": {"data": [...]}}` (with policies)
/// or under a top-level `data`.
pub fn users_page(body: &[u8], requested_page: u32) -> Result<UsersPage, ApiError> {
    let value: Value = json(body)?;
    let Value::Object(mut map) = value else {
        return Err(malformed("expected an object with `results`", body));
    };
    let results = match map.remove("results") {
        Some(Value::Object(mut inner)) => inner.remove("data").unwrap_or(Value::Null),
        Some(v) => v,
        None => map.remove("data").unwrap_or(Value::Null),
    };
    // One user at a time: a bad field in one must not hide the rest of the page.
    let items = match results {
        Value::Null => Vec::new(),
        Value::Array(items) => items,
        _ => return Err(malformed("`results` is not a list", body)),
    };
    let listed = items.len();
    let results: Vec<UserSummary> = items.iter().filter_map(user_leniently).collect();
    let unreadable = listed - results.len();
    let number = |v: Option<Value>| -> Option<u64> {
        match v? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    };
    let count = number(map.remove("count")).unwrap_or(results.len() as u64);
    let page_number = |v| number(v).and_then(|n| u32::try_from(n).ok());
    Ok(UsersPage {
        count,
        page: requested_page,
        next_page: page_number(map.remove("next_page")),
        previous_page: page_number(map.remove("previous_page")),
        results,
        unreadable,
    })
}

/// A user as far as it decodes: whole when it does; else its username with each other
/// field that decodes on its own (a malformed `user_id` or `active` is left out, not the
/// user); `None` when it has no username to address it by.
fn user_leniently(item: &Value) -> Option<UserSummary> {
    if let Ok(user) = UserSummary::deserialize(item) {
        return Some(user);
    }
    let map = item.as_object()?;
    let username = map.get("username")?.as_str()?;
    let mut kept = serde_json::Map::new();
    kept.insert("username".into(), Value::String(username.to_owned()));
    for (key, value) in map {
        if key == "username" {
            continue;
        }
        kept.insert(key.clone(), value.clone());
        if UserSummary::deserialize(&Value::Object(kept.clone())).is_err() {
            kept.remove(key);
        }
    }
    UserSummary::deserialize(&Value::Object(kept)).ok()
}

/// Org info is documented as one object; a list of them is accepted too.
pub fn org_info(body: &[u8], key: &str) -> Result<OrgInfo, ApiError> {
    let value: Value = json(body)?;
    let item = match value {
        Value::Array(items) => {
            let mut orgs: Vec<OrgInfo> = serde_json::from_value(Value::Array(items))
                .map_err(|e| malformed(format!("org info: {e}"), body))?;
            let pos = orgs.iter().position(|o| o.key == key).unwrap_or(0);
            if orgs.is_empty() {
                return Err(ApiError::NotFound {
                    detail: Some(format!("no org with key {key}")),
                });
            }
            return Ok(orgs.swap_remove(pos));
        }
        Value::Object(mut map) => match map.remove("results") {
            Some(Value::Array(mut items)) if !items.is_empty() => items.swap_remove(0),
            _ => Value::Object(map),
        },
        _ => return Err(malformed("expected an org object", body)),
    };
    serde_json::from_value(item).map_err(|e| malformed(format!("org info: {e}"), body))
}

/// Error bodies: DRF's `{"field": ["msg"]}`, `{"detail": "..."}`, a list of strings, or text.
pub fn error_messages(body: &[u8]) -> Vec<FieldMessage> {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        let text = excerpt(body);
        return if text.is_empty() {
            Vec::new()
        } else {
            vec![FieldMessage {
                field: None,
                message: text,
            }]
        };
    };
    let mut out = Vec::new();
    collect_messages(None, &value, &mut out);
    out
}

fn collect_messages(field: Option<&str>, value: &Value, out: &mut Vec<FieldMessage>) {
    match value {
        Value::String(s) => out.push(FieldMessage {
            field: field.map(str::to_owned),
            message: excerpt(s.as_bytes()),
        }),
        Value::Array(items) => items.iter().for_each(|v| collect_messages(field, v, out)),
        Value::Object(map) => {
            for (k, v) in map {
                let name = match k.as_str() {
                    "detail" | "non_field_errors" | "message" | "error" => field,
                    other => Some(other),
                };
                collect_messages(name, v, out);
            }
        }
        Value::Null => {}
        other => out.push(FieldMessage {
            field: field.map(str::to_owned),
            message: other.to_string(),
        }),
    }
}

/// The `detail` of an error body, when it has one.
pub fn detail(body: &[u8]) -> Option<String> {
    let messages = error_messages(body);
    if messages.is_empty() {
        None
    } else {
        Some(
            messages
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_in_three_shapes() {
        let one = br#"{"id": 1, "username": "u", "platform_key": "main", "content": "c"}"#;
        let list = br#"[{"id": 1, "username": "u", "platform_key": "main", "content": "c"}]"#;
        let paged = br#"{"count": 1, "results": [{"id": 1, "username": "u", "platform_key": "main", "content": "c"}]}"#;
        let a = memory_entries(one).unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a, memory_entries(list).unwrap());
        assert_eq!(a, memory_entries(paged).unwrap());
        assert!(memory_entries(b"[]").unwrap().is_empty());
        assert!(matches!(
            memory_entries(b"42"),
            Err(ApiError::Malformed { .. })
        ));
        assert!(matches!(
            memory_entries(b"<html>"),
            Err(ApiError::Malformed { .. })
        ));
    }

    #[test]
    fn a_read_is_whole_only_when_nothing_says_there_is_more() {
        let e = |id: i64| {
            format!(r#"{{"id": {id}, "username": "u", "platform_key": "m", "content": "c{id}"}}"#)
        };
        let read = |body: String| memory_read(body.as_bytes());
        // `count` above what came: a page of a longer list, even without `next`.
        let short = read(format!(
            r#"{{"count": 3, "results": [{}, {}]}}"#,
            e(1),
            e(2)
        ))
        .unwrap();
        assert_eq!(short.entries.len(), 2);
        assert!(!short.complete);
        let whole = read(format!(
            r#"{{"count": 2, "results": [{}, {}]}}"#,
            e(1),
            e(2)
        ))
        .unwrap();
        assert!(whole.complete);
        let next = read(format!(r#"{{"next": "p2", "results": [{}]}}"#, e(1))).unwrap();
        assert!(!next.complete);
        assert!(read(format!("[{}]", e(1))).unwrap().complete);
        assert!(
            !read(e(1)).unwrap().complete,
            "one object shows one entry of any number"
        );
    }

    #[test]
    fn unknown_fields_never_turn_memory_into_none() {
        for extra in [r#""data": null"#, r#""results": null"#, r#""data": []"#] {
            let body = format!(
                r#"{{"id": 7, "username": "u", "platform_key": "m", "content": "kept", {extra}}}"#
            );
            let read = memory_read(body.as_bytes()).unwrap();
            assert_eq!(read.entries.len(), 1, "{extra}");
            assert_eq!(read.entries[0].text(), "kept");
            assert!(!read.complete);
        }
        // A `null` body and a null list that promises more prove nothing.
        assert!(matches!(
            memory_read(b"null"),
            Err(ApiError::Malformed { .. })
        ));
        assert!(matches!(
            memory_read(br#"{"count": 2, "results": null}"#),
            Err(ApiError::Malformed { .. })
        ));
        assert!(
            memory_read(br#"{"count": 0, "results": null}"#)
                .unwrap()
                .entries
                .is_empty()
        );
    }

    #[test]
    fn drf_field_errors_become_messages() {
        let m = error_messages(br#"{"username": ["This field is required."], "detail": "Bad"}"#);
        assert!(m.contains(&FieldMessage {
            field: Some("username".into()),
            message: "This field is required.".into()
        }));
        assert!(m.contains(&FieldMessage {
            field: None,
            message: "Bad".into()
        }));
        assert_eq!(detail(b"plain text"), Some("plain text".into()));
        assert_eq!(detail(b""), None);
    }

    #[test]
    fn html_error_pages_are_summarized_not_quoted() {
        let page = "<!DOCTYPE html>\n<html><head><title>502 Bad\n Gateway</title>\
                    <style>body{}</style></head><body><h1>Bad Gateway</h1></body></html>";
        assert_eq!(excerpt(page.as_bytes()), "an HTML page: 502 Bad Gateway");
        assert_eq!(
            excerpt(b"<html><body><h1>Oops \x1b[31m</h1></body></html>"),
            "an HTML page: Oops \\x1b[31m"
        );
        assert_eq!(excerpt(b"<html></html>"), "an HTML page (no title)");
        assert_eq!(excerpt(b"{\"detail\": \"x\"}"), "{\"detail\": \"x\"}");
    }

    #[test]
    fn excerpts_are_short_and_inert() {
        let e = excerpt("\u{1b}]0;pwned\u{7}hi\u{202e}".as_bytes());
        assert!(
            !e.chars().any(crate::text::sanitize::is_always_escaped),
            "{e:?}"
        );
        assert_eq!(
            e, "\\x1b]0;pwned\\x07hi\\u{202e}",
            "escaped as memory text is"
        );
        let long = "x".repeat(1000);
        assert!(excerpt(long.as_bytes()).chars().count() <= EXCERPT_CHARS + 1);
    }

    #[test]
    fn users_page_tolerates_policies_shape_and_nulls() {
        let body = br#"{"count": 3, "next_page": null, "previous_page": null, "results": {"allowed_policies": [], "data": [{"username": "a", "user_id": 1}]}}"#;
        let p = users_page(body, 1).unwrap();
        assert_eq!(p.count, 3);
        assert_eq!(p.next_page, None);
        assert_eq!(p.results[0].username, "a");
        assert_eq!(p.unreadable, 0);
    }

    #[test]
    fn one_bad_field_hides_neither_its_user_nor_the_page() {
        let body = br#"{"count": 4, "results": [
            {"username": "ann", "user_id": 1, "email": "ann@example.edu"},
            {"username": "bob", "user_id": {"oops": 1}, "active": "maybe", "email": "bob@example.edu"},
            {"user_id": 3, "email": "no-username@example.edu"},
            {"username": "dee\u001b[2J", "name": ["not", "a", "string"], "is_admin": true}
        ]}"#;
        let p = users_page(body, 1).expect("the page decodes");
        let names: Vec<&str> = p.results.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names, ["ann", "bob", "dee\u{1b}[2J"]);
        assert_eq!(p.unreadable, 1, "the user with no username");
        let bob = &p.results[1];
        assert_eq!(
            bob.email.as_deref(),
            Some("bob@example.edu"),
            "what decodes stays"
        );
        assert_eq!((bob.user_id, bob.active), (None, None));
        assert_eq!(p.results[2].is_admin, Some(true));
        assert_eq!(p.results[2].name, None);
    }
}
