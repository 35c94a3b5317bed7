//! The data of course memory (catalog item memory, `/api/ai-prompt/.../memory/`): `lessons`
//! and `next_steps` are free JSON, ids opaque text, unknown fields ignored.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient::{opaque_id, opt_text};

/// What the AI remembers about a user in one catalog item (a course, say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseMemory {
    /// An integer on real servers; kept as its decimal text.
    #[serde(deserialize_with = "opaque_id")]
    pub id: String,
    #[serde(default, deserialize_with = "opt_text")]
    pub student: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub platform: Option<String>,
    /// Documented as a UUID, but servers send other ids ("course-v1:..."): kept as text.
    #[serde(default, deserialize_with = "opt_text")]
    pub catalog_item: Option<String>,
    /// Any JSON: an object, a list, text, or `null`.
    #[serde(default)]
    pub lessons: Value,
    #[serde(default)]
    pub next_steps: Value,
}

/// The body of a create or update; the client fills `student` and `platform`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CourseMemoryWrite {
    pub catalog_item: Option<String>,
    pub lessons: Value,
    pub next_steps: Value,
}

impl CourseMemoryWrite {
    /// What it takes to create this memory again (for a restore); the server mints the id.
    pub fn recreate(memory: &CourseMemory) -> CourseMemoryWrite {
        CourseMemoryWrite {
            catalog_item: memory.catalog_item.clone(),
            lessons: memory.lessons.clone(),
            next_steps: memory.next_steps.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_contract_example_decodes_and_hostile_shapes_too() {
        let m: CourseMemory = serde_json::from_value(json!({
            "id": 1, "student": "johndoe", "platform": "main",
            "catalog_item": "course-v1:edX+DemoX+Demo_Course",
            "lessons": {"completed": ["lesson1"], "in_progress": ["lesson3"]},
            "next_steps": {"recommended": ["lesson4"]}, "extra": true
        }))
        .unwrap();
        assert_eq!(m.id, "1");
        assert_eq!(
            m.catalog_item.as_deref(),
            Some("course-v1:edX+DemoX+Demo_Course")
        );
        assert_eq!(m.lessons["completed"][0], "lesson1");
        let odd: CourseMemory =
            serde_json::from_value(json!({"id": "abc", "lessons": "text", "student": null}))
                .unwrap();
        assert_eq!(odd.next_steps, Value::Null);
        assert_eq!(odd.lessons, json!("text"));
        assert!(serde_json::from_value::<CourseMemory>(json!({"lessons": []})).is_err());
    }
}
