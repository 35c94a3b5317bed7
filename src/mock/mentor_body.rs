//! Reading a mentor-memory create body (`POST memories/`) the way DRF would: field errors
//! for what is missing, blank or of the wrong type, nested per entry.

use std::sync::Arc;

use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::routes::{Rejection, json_kind, parse_json};
use super::stores::{MentorEntryRecord, MentorRecord, now_stamp};

const MODES: [&str; 3] = ["guided", "regular", "all"];

pub(super) fn optional_text(
    map: &Map<String, Value>,
    field: &str,
    errors: &mut Map<String, Value>,
) -> Option<String> {
    match map.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.insert(field.to_owned(), json!(["Not a valid string."]));
            None
        }
    }
}

fn parse_entry(value: &Value, now: &Arc<str>) -> Result<MentorEntryRecord, Map<String, Value>> {
    let mut errors = Map::new();
    let Value::Object(map) = value else {
        errors.insert(
            "non_field_errors".into(),
            json!([format!(
                "Invalid data. Expected a dictionary, but got {}.",
                json_kind(value)
            )]),
        );
        return Err(errors);
    };
    let mut required = |field: &str| match map.get(field) {
        Some(Value::String(s)) if field == "key" && s.is_empty() => {
            errors.insert(field.into(), json!(["This field may not be blank."]));
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        None => {
            errors.insert(field.into(), json!(["This field is required."]));
            None
        }
        Some(_) => {
            errors.insert(field.into(), json!(["Not a valid string."]));
            None
        }
    };
    let key = required("key");
    let value = required("value");
    let expires_at = optional_text(map, "expires_at", &mut errors);
    match (key, value) {
        (Some(key), Some(value)) if errors.is_empty() => Ok(MentorEntryRecord {
            unique_id: Uuid::new_v4(),
            key: key.into(),
            value: Some(value.into()),
            inserted_at: now.clone(),
            updated_at: now.clone(),
            expires_at: expires_at.map(Arc::from),
        }),
        _ => Err(errors),
    }
}

pub(super) fn parse_create(body: &[u8]) -> Result<MentorRecord, Rejection> {
    let value = parse_json(body)?;
    let Value::Object(map) = value else {
        let mut errors = Map::new();
        errors.insert(
            "non_field_errors".into(),
            json!([format!(
                "Invalid data. Expected a dictionary, but got {}.",
                json_kind(&value)
            )]),
        );
        return Err(Rejection::Fields(errors));
    };
    let now = now_stamp();
    let mut errors = Map::new();
    let entries = match map.get("entries") {
        None => {
            errors.insert("entries".into(), json!(["This field is required."]));
            Vec::new()
        }
        Some(Value::Array(items)) => {
            let parsed: Vec<_> = items.iter().map(|item| parse_entry(item, &now)).collect();
            if parsed.iter().any(Result::is_err) {
                let each: Vec<Value> = parsed
                    .iter()
                    .map(|p| match p {
                        Ok(_) => json!({}),
                        Err(e) => Value::Object(e.clone()),
                    })
                    .collect();
                errors.insert("entries".into(), Value::Array(each));
            }
            parsed.into_iter().filter_map(Result::ok).collect()
        }
        Some(other) => {
            errors.insert(
                "entries".into(),
                json!([format!(
                    "Expected a list of items but got type \"{}\".",
                    json_kind(other)
                )]),
            );
            Vec::new()
        }
    };
    let mode = optional_text(&map, "mode", &mut errors).unwrap_or_else(|| "all".into());
    if !MODES.contains(&mode.as_str()) {
        errors.insert(
            "mode".into(),
            json!([format!("\"{mode}\" is not a valid choice.")]),
        );
    }
    let name = optional_text(&map, "name", &mut errors);
    let category = optional_text(&map, "category", &mut errors);
    let mentor = optional_text(&map, "mentor_unique_id", &mut errors);
    let session_id = optional_text(&map, "session_id", &mut errors);
    let catalog_item_type = optional_text(&map, "catalog_item_type", &mut errors);
    let catalog_item_id = optional_text(&map, "catalog_item_id", &mut errors);
    let _platform = optional_text(&map, "platform", &mut errors);
    if !errors.is_empty() {
        return Err(Rejection::Fields(errors));
    }
    Ok(MentorRecord {
        unique_id: Uuid::new_v4(),
        name: name
            .or_else(|| category.clone())
            .unwrap_or_else(|| "memory".into())
            .into(),
        category: category.map(Arc::from),
        mode: mode.into(),
        mentor,
        session_id,
        catalog_item_type,
        catalog_item_id,
        is_auto_generated: false,
        inserted_at: now.clone(),
        updated_at: now,
        entries,
    })
}
