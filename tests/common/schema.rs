//! A small validator for the OpenAPI 3.0 schema subset the contract uses:
//! type, properties, required, nullable, maxLength/minLength, items, $ref, enum, format uuid.

use serde_json::Value;

/// Loads the chat-memory contract copied into the project (tests never read outside it).
pub fn load_spec() -> Value {
    load_contract("chat-memory.openapi.yaml")
}

/// Loads the contract of mentor memories and course memory.
pub fn load_stores_spec() -> Value {
    load_contract("memory-stores.openapi.yaml")
}

fn load_contract(name: &str) -> Value {
    let path = format!("{}/tests/contract/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("contract file is readable");
    serde_yaml_ng::from_str(&text).expect("contract is valid YAML")
}

/// A request-body schema as a client must meet it: `readOnly` properties are the server's
/// to fill, so they are not required of a request (OpenAPI 3.0 semantics).
pub fn request_schema(spec: &Value, schema: &Value) -> Value {
    let mut schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(spec, r).cloned().unwrap_or(Value::Null),
        None => schema.clone(),
    };
    let read_only: Vec<String> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .filter(|(_, p)| p.get("readOnly").and_then(Value::as_bool) == Some(true))
                .map(|(name, _)| name.clone())
                .collect()
        })
        .unwrap_or_default();
    if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
        required.retain(|f| f.as_str().is_none_or(|f| !read_only.iter().any(|r| r == f)));
    }
    schema
}

/// Checks `value` against `schema`; returns every problem found, with a JSON path.
pub fn validate(spec: &Value, schema: &Value, value: &Value) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    check(spec, schema, value, "$", &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn resolve<'a>(spec: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    spec.pointer(pointer)
}

fn check(spec: &Value, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        match resolve(spec, reference) {
            Some(target) => check(spec, target, value, at, problems),
            None => problems.push(format!("{at}: unresolvable $ref {reference}")),
        }
        return;
    }
    if value.is_null() {
        if schema.get("nullable").and_then(Value::as_bool) != Some(true)
            && schema.get("type").is_some()
        {
            problems.push(format!("{at}: null but not nullable"));
        }
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.iter().any(|a| same(a, value))
    {
        problems.push(format!("{at}: {value} not in enum {allowed:?}"));
    }
    let Some(kind) = schema.get("type").and_then(Value::as_str) else {
        return;
    };
    match kind {
        "object" => {
            let Some(object) = value.as_object() else {
                problems.push(format!("{at}: expected object, got {value}"));
                return;
            };
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for name in required.iter().filter_map(Value::as_str) {
                    if !object.contains_key(name) {
                        problems.push(format!("{at}: missing required property `{name}`"));
                    }
                }
            }
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    if let Some(inner) = object.get(name) {
                        check(spec, property, inner, &format!("{at}.{name}"), problems);
                    }
                }
            }
        }
        "array" => {
            let Some(items) = value.as_array() else {
                problems.push(format!("{at}: expected array, got {value}"));
                return;
            };
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check(spec, item_schema, item, &format!("{at}[{i}]"), problems);
                }
            }
        }
        "string" => {
            let Some(text) = value.as_str() else {
                problems.push(format!("{at}: expected string, got {value}"));
                return;
            };
            let chars = text.chars().count() as u64;
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
                && chars > max
            {
                problems.push(format!("{at}: {chars} characters, more than {max}"));
            }
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
                && chars < min
            {
                problems.push(format!("{at}: {chars} characters, fewer than {min}"));
            }
            if schema.get("format").and_then(Value::as_str) == Some("uuid")
                && uuid::Uuid::parse_str(text).is_err()
            {
                problems.push(format!("{at}: `{text}` is not a UUID"));
            }
        }
        "integer" => {
            if !(value.is_i64() || value.is_u64()) {
                problems.push(format!("{at}: expected integer, got {value}"));
            }
        }
        "number" => {
            if !value.is_number() {
                problems.push(format!("{at}: expected number, got {value}"));
            }
        }
        "boolean" => {
            if !value.is_boolean() {
                problems.push(format!("{at}: expected boolean, got {value}"));
            }
        }
        other => problems.push(format!("{at}: validator does not know type `{other}`")),
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// The schema of a response, or `None` if that status has no JSON body in the contract.
/// Panics when the path, method or status is not in the contract at all.
pub fn response_schema<'a>(
    spec: &'a Value,
    path: &str,
    method: &str,
    status: u16,
) -> Option<&'a Value> {
    let operation = spec
        .get("paths")
        .and_then(|p| p.get(path))
        .and_then(|p| p.get(method.to_lowercase()))
        .unwrap_or_else(|| panic!("{method} {path} is not in the contract"));
    let response = operation
        .get("responses")
        .and_then(|r| r.get(status.to_string()))
        .unwrap_or_else(|| panic!("{method} {path} does not declare status {status}"));
    response
        .get("content")
        .and_then(|c| c.get("application/json"))
        .and_then(|c| c.get("schema"))
}

/// Every (path, method, status) the contract declares.
pub fn declared_responses(spec: &Value) -> Vec<(String, String, u16)> {
    let mut all = Vec::new();
    let paths = spec.get("paths").and_then(Value::as_object).expect("paths");
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("path item") {
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                continue;
            };
            for status in responses.keys() {
                all.push((
                    path.clone(),
                    method.to_uppercase(),
                    status.parse().expect("numeric status"),
                ));
            }
        }
    }
    all.sort();
    all
}
