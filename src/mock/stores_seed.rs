//! The demo data of mentor memories and course memories: named users' memories from the
//! seed file (`mentor_memories`, `course_memories`), and deterministic ones for generated users.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashSet;
use uuid::Uuid;

use super::config::SeedSource;
use super::error::MockError;
use super::seed::BUILTIN_SEED;
use super::store::Store;
use super::stores::{
    CourseRecord, MentorEntryRecord, MentorRecord, STANDARD_CATEGORIES, StoresData,
};

/// Times of seeded memories; fixed so the demo and tests are repeatable.
const SEED_INSERTED: &str = "2025-09-01T14:43:36.232705+00:00";
const SEED_UPDATED: &str = "2025-09-03T09:12:00.000000+00:00";
const SEED_EXPIRES: &str = "2027-06-30T00:00:00+00:00";

#[derive(Debug, Deserialize)]
struct SeedFile {
    orgs: Vec<SeedOrg>,
}

#[derive(Debug, Deserialize)]
struct SeedOrg {
    key: String,
    #[serde(default)]
    users: Vec<SeedUser>,
}

#[derive(Debug, Deserialize)]
struct SeedUser {
    username: String,
    #[serde(default)]
    mentor_memories: Vec<SeedMentor>,
    #[serde(default)]
    course_memories: Vec<SeedCourse>,
}

#[derive(Debug, Deserialize)]
struct SeedMentor {
    unique_id: Option<String>,
    name: Option<String>,
    category: Option<String>,
    mode: Option<String>,
    mentor: Option<String>,
    session_id: Option<String>,
    catalog_item_type: Option<String>,
    catalog_item_id: Option<String>,
    #[serde(default)]
    is_auto_generated: bool,
    inserted_at: Option<String>,
    updated_at: Option<String>,
    #[serde(default)]
    entries: Vec<SeedEntry>,
}

#[derive(Debug, Deserialize)]
struct SeedEntry {
    unique_id: Option<String>,
    key: String,
    value: Option<String>,
    inserted_at: Option<String>,
    updated_at: Option<String>,
    expires_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SeedCourse {
    catalog_item: Option<String>,
    #[serde(default)]
    lessons: Value,
    #[serde(default)]
    next_steps: Value,
}

/// Builds every user's stores: the seed's named users as written, generated users (those
/// the seed does not name) from a fixed random sequence.
pub(crate) fn build(source: &SeedSource, store: &Store) -> Result<StoresData, MockError> {
    let seed: SeedFile = match source {
        SeedSource::Builtin => serde_json::from_str(BUILTIN_SEED)?,
        SeedSource::Json(text) => serde_json::from_str(text)?,
        SeedSource::File(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| MockError::SeedRead {
                path: path.clone(),
                source,
            })?;
            serde_json::from_str(&text)?
        }
    };
    let mut rng = StdRng::seed_from_u64(0x0057_07E5);
    let mut data = StoresData::new();
    let mut named = HashSet::new();
    for org in &seed.orgs {
        for user in &org.users {
            let Some(at) = store.find_user(&org.key, &user.username) else {
                continue;
            };
            named.insert(at);
            let mentor = user
                .mentor_memories
                .iter()
                .map(|m| mentor_from_seed(m, &mut rng, &user.username))
                .collect::<Result<Vec<_>, _>>()?;
            let mut course = Vec::new();
            for c in &user.course_memories {
                let catalog_item = match &c.catalog_item {
                    None => None,
                    Some(text) => Some(uuid_of(text, &user.username)?),
                };
                course.push(CourseRecord {
                    id: data.new_course_id(),
                    catalog_item,
                    lessons: c.lessons.clone(),
                    next_steps: c.next_steps.clone(),
                });
            }
            if !mentor.is_empty() || !course.is_empty() {
                let stores = data.user_mut(at);
                stores.mentor = mentor;
                stores.course = course;
            }
        }
    }
    for (org_index, org) in store.orgs.iter().enumerate() {
        for (user_index, user) in org.users.iter().enumerate() {
            let at = (org_index, user_index);
            if named.contains(&at) || user.entries.is_empty() {
                continue;
            }
            generate_for(&mut data, at, &mut rng);
        }
    }
    Ok(data)
}

fn uuid_of(text: &str, username: &str) -> Result<Uuid, MockError> {
    Uuid::parse_str(text).map_err(|e| {
        MockError::SeedInvalid(format!(
            "user `{username}` has a store id `{text}` that is not a UUID: {e}"
        ))
    })
}

fn mentor_from_seed(
    seed: &SeedMentor,
    rng: &mut StdRng,
    username: &str,
) -> Result<MentorRecord, MockError> {
    let unique_id = match &seed.unique_id {
        Some(text) => uuid_of(text, username)?,
        None => random_uuid(rng),
    };
    let mut entries = Vec::new();
    for e in &seed.entries {
        entries.push(MentorEntryRecord {
            unique_id: match &e.unique_id {
                Some(text) => uuid_of(text, username)?,
                None => random_uuid(rng),
            },
            key: e.key.clone(),
            value: e.value.clone(),
            inserted_at: e
                .inserted_at
                .clone()
                .unwrap_or_else(|| SEED_INSERTED.into()),
            updated_at: e.updated_at.clone().unwrap_or_else(|| SEED_UPDATED.into()),
            expires_at: e.expires_at.clone(),
        });
    }
    Ok(MentorRecord {
        unique_id,
        name: seed
            .name
            .clone()
            .or_else(|| seed.category.clone())
            .unwrap_or_else(|| "memory".into()),
        category: seed.category.clone(),
        mode: seed.mode.clone().unwrap_or_else(|| "all".into()),
        mentor: seed.mentor.clone(),
        session_id: seed.session_id.clone(),
        catalog_item_type: seed.catalog_item_type.clone(),
        catalog_item_id: seed.catalog_item_id.clone(),
        is_auto_generated: seed.is_auto_generated,
        inserted_at: seed
            .inserted_at
            .clone()
            .unwrap_or_else(|| SEED_INSERTED.into()),
        updated_at: seed
            .updated_at
            .clone()
            .unwrap_or_else(|| SEED_UPDATED.into()),
        entries,
    })
}

/// Key/value pairs generated memories pick from, by category.
const GENERATED_ENTRIES: [(&str, &[(&str, &str)]); 4] = [
    (
        "lessons_learned",
        &[
            (
                "learning_style",
                "Prefers worked examples before the theory.",
            ),
            (
                "pace",
                "Works best in short sessions of about twenty minutes.",
            ),
        ],
    ),
    (
        "knowledge_gaps",
        &[
            ("recursion", "Unsure how to choose a base case."),
            ("statistics", "Mixes up the median and the mean."),
        ],
    ),
    (
        "help_requests",
        &[("essay", "Asked for help outlining an argumentative essay.")],
    ),
    (
        "personal_information",
        &[
            ("timezone", "UTC+1"),
            ("goal", "Pass the spring certification exam."),
        ],
    ),
];

/// Half of the generated users with chat memory get a mentor memory, a third a course memory.
fn generate_for(data: &mut StoresData, at: (usize, usize), rng: &mut StdRng) {
    if rng.random_bool(0.5) {
        let (category, pairs) = GENERATED_ENTRIES[rng.random_range(0..GENERATED_ENTRIES.len())];
        let count = rng.random_range(1..=pairs.len());
        let entries = pairs[..count]
            .iter()
            .map(|(key, value)| MentorEntryRecord {
                unique_id: random_uuid(rng),
                key: (*key).to_owned(),
                value: Some((*value).to_owned()),
                inserted_at: SEED_INSERTED.into(),
                updated_at: SEED_UPDATED.into(),
                expires_at: rng.random_bool(0.3).then(|| SEED_EXPIRES.to_owned()),
            })
            .collect();
        debug_assert!(STANDARD_CATEGORIES.contains(&category));
        let memory = MentorRecord {
            unique_id: random_uuid(rng),
            name: category.to_owned(),
            category: Some(category.to_owned()),
            mode: "all".into(),
            mentor: None,
            session_id: None,
            catalog_item_type: None,
            catalog_item_id: None,
            is_auto_generated: true,
            inserted_at: SEED_INSERTED.into(),
            updated_at: SEED_UPDATED.into(),
            entries,
        };
        data.user_mut(at).mentor.push(memory);
    }
    if rng.random_bool(0.33) {
        let done = rng.random_range(1..=4);
        let course = CourseRecord {
            id: data.new_course_id(),
            catalog_item: Some(random_uuid(rng)),
            lessons: json!({
                "completed": (1..=done).map(|i| format!("lesson{i}")).collect::<Vec<_>>(),
                "in_progress": [format!("lesson{}", done + 1)],
            }),
            next_steps: json!({ "recommended": [format!("lesson{}", done + 2)] }),
        };
        data.user_mut(at).course.push(course);
    }
}

fn random_uuid(rng: &mut StdRng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}
