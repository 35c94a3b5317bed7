//! Serde helpers for tolerant decoding of the memory stores: opaque ids, text that may come
//! as a number, `null` read as empty, and bodies that hold one item or a list of them.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::decode;
use super::error::ApiError;

/// An id the server may send as a string or a number; numbers are kept as their decimal text,
/// so `7` and `"7"` are the same id and nothing is lost to float rounding.
pub(super) fn opt_opaque_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(serde::de::Error::custom(format!(
            "an id must be a string or a number, got {other}"
        ))),
    }
}

/// Like [`opt_opaque_id`] for an id that must be there.
pub(super) fn opaque_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    opt_opaque_id(d)?.ok_or_else(|| serde::de::Error::custom("id is missing"))
}

/// Text that a loose server may send as a number or a boolean; objects and lists are kept as
/// their JSON text rather than refused, so one odd field does not hide a whole memory.
pub(super) fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

/// Text that must be there but may be `null` (read as empty).
pub(super) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_text(d)?.unwrap_or_default())
}

/// A field that may be `null`, read as its default (an empty list).
pub(super) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A count that may come as a number or numeric text.
pub(super) fn count(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A body holding one object, a list, or `{"results": [...]}` (or `data`); all become a
/// list. Also whether the body was a list rather than one bare item (an object without
/// `results` or `data`: the published one-object read, which may hide the rest).
pub(super) fn one_or_many<T: DeserializeOwned>(
    body: &[u8],
    what: &str,
) -> Result<(Vec<T>, bool), ApiError> {
    let value: Value = decode::json(body)?;
    let (items, whole) = match value {
        Value::Array(items) => (items, true),
        Value::Object(mut map) => match map.remove("results").or_else(|| map.remove("data")) {
            Some(Value::Array(items)) => (items, true),
            Some(Value::Null) => (Vec::new(), true),
            Some(_) => return Err(malformed("`results` is not a list", body)),
            None if map.is_empty() => (Vec::new(), true),
            None => (vec![Value::Object(map)], false),
        },
        Value::Null => (Vec::new(), true),
        _ => return Err(malformed(&format!("expected a {what} or a list"), body)),
    };
    let items = items
        .into_iter()
        .map(|item| {
            serde_json::from_value(item).map_err(|e| malformed(&format!("{what}: {e}"), body))
        })
        .collect::<Result<_, _>>()?;
    Ok((items, whole))
}

pub(super) fn malformed(reason: &str, body: &[u8]) -> ApiError {
    ApiError::Malformed {
        reason: reason.to_owned(),
        excerpt: decode::excerpt(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        #[serde(deserialize_with = "opaque_id")]
        id: String,
        #[serde(default, deserialize_with = "opt_text")]
        value: Option<String>,
    }

    #[test]
    fn ids_and_text_are_tolerant() {
        let a: Item = serde_json::from_str(r#"{"id": 7, "value": 3.5, "extra": [1]}"#).unwrap();
        assert_eq!(a.id, "7");
        assert_eq!(a.value.as_deref(), Some("3.5"));
        let b: Item = serde_json::from_str(r#"{"id": "x-1", "value": null}"#).unwrap();
        assert_eq!(b.id, "x-1");
        assert_eq!(b.value, None);
        assert!(serde_json::from_str::<Item>(r#"{"id": {}}"#).is_err());
        assert!(serde_json::from_str::<Item>(r#"{"value": "v"}"#).is_err());
    }

    #[test]
    fn one_or_many_reads_every_shape() {
        let (one, whole): (Vec<Item>, _) = one_or_many(br#"{"id": 1}"#, "item").unwrap();
        assert!(!whole, "one bare item may hide the rest");
        let (list, whole): (Vec<Item>, _) = one_or_many(br#"[{"id": 1}]"#, "item").unwrap();
        assert!(whole);
        let (paged, whole): (Vec<Item>, _) =
            one_or_many(br#"{"count": 1, "results": [{"id": "1"}]}"#, "item").unwrap();
        assert!(whole);
        assert_eq!(one, list);
        assert_eq!(one, paged);
        assert_eq!(one_or_many::<Item>(b"{}", "item").unwrap(), (vec![], true));
        assert_eq!(
            one_or_many::<Item>(b"null", "item").unwrap(),
            (vec![], true)
        );
        assert!(one_or_many::<Item>(b"5", "item").is_err());
        assert!(one_or_many::<Item>(br#"{"results": 5}"#, "item").is_err());
    }
}
