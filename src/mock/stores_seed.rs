//! The demo data of mentor memories and course memories: named users' memories from the
//! seed file (`mentor_memories`, `course_memories`), and deterministic ones for generated users.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Arc;
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
                    lessons: Arc::new(c.lessons.clone()),
                    next_steps: Arc::new(c.next_steps.clone()),
                });
            }
            if !mentor.is_empty() || !course.is_empty() {
                let stores = data.user_mut(at);
                stores.mentor = mentor;
                stores.course = course;
            }
        }
    }
    let pool = Pool::new();
    for (org_index, org) in store.orgs.iter().enumerate() {
        for (user_index, user) in org.users.iter().enumerate() {
            let at = (org_index, user_index);
            if named.contains(&at) || user.entries.is_empty() {
                continue;
            }
            generate_for(&mut data, at, &mut rng, &pool);
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
            key: e.key.as_str().into(),
            value: e.value.as_deref().map(Arc::from),
            inserted_at: e.inserted_at.as_deref().unwrap_or(SEED_INSERTED).into(),
            updated_at: e.updated_at.as_deref().unwrap_or(SEED_UPDATED).into(),
            expires_at: e.expires_at.as_deref().map(Arc::from),
        });
    }
    Ok(MentorRecord {
        unique_id,
        name: seed
            .name
            .as_deref()
            .or(seed.category.as_deref())
            .unwrap_or("memory")
            .into(),
        category: seed.category.as_deref().map(Arc::from),
        mode: seed.mode.as_deref().unwrap_or("all").into(),
        mentor: seed.mentor.clone(),
        session_id: seed.session_id.clone(),
        catalog_item_type: seed.catalog_item_type.clone(),
        catalog_item_id: seed.catalog_item_id.clone(),
        is_auto_generated: seed.is_auto_generated,
        inserted_at: seed.inserted_at.as_deref().unwrap_or(SEED_INSERTED).into(),
        updated_at: seed.updated_at.as_deref().unwrap_or(SEED_UPDATED).into(),
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

/// A category's name and its key/value pairs.
type CategoryPool = (Arc<str>, Vec<(Arc<str>, Arc<str>)>);

/// The texts generated memories share, made once.
struct Pool {
    inserted: Arc<str>,
    updated: Arc<str>,
    expires: Arc<str>,
    mode: Arc<str>,
    /// Per category: its name and its key/value pairs.
    categories: Vec<CategoryPool>,
    /// Lessons and next steps for 1 to 4 completed lessons.
    courses: Vec<(Arc<Value>, Arc<Value>)>,
}

impl Pool {
    fn new() -> Self {
        let courses = (1..=4)
            .map(|done: u32| {
                let lessons = json!({
                    "completed": (1..=done).map(|i| format!("lesson{i}")).collect::<Vec<_>>(),
                    "in_progress": [format!("lesson{}", done + 1)],
                });
                let next = json!({ "recommended": [format!("lesson{}", done + 2)] });
                (Arc::new(lessons), Arc::new(next))
            })
            .collect();
        Self {
            inserted: SEED_INSERTED.into(),
            updated: SEED_UPDATED.into(),
            expires: SEED_EXPIRES.into(),
            mode: "all".into(),
            categories: GENERATED_ENTRIES
                .iter()
                .map(|(category, pairs)| {
                    debug_assert!(STANDARD_CATEGORIES.contains(category));
                    let pairs = pairs
                        .iter()
                        .map(|(k, v)| (Arc::from(*k), Arc::from(*v)))
                        .collect();
                    (Arc::from(*category), pairs)
                })
                .collect(),
            courses,
        }
    }
}

/// Half of the generated users with chat memory get a mentor memory, a third a course memory.
fn generate_for(data: &mut StoresData, at: (usize, usize), rng: &mut StdRng, pool: &Pool) {
    if rng.random_bool(0.5) {
        let (category, pairs) = &pool.categories[rng.random_range(0..pool.categories.len())];
        let count = rng.random_range(1..=pairs.len());
        let entries = pairs[..count]
            .iter()
            .map(|(key, value)| MentorEntryRecord {
                unique_id: random_uuid(rng),
                key: key.clone(),
                value: Some(value.clone()),
                inserted_at: pool.inserted.clone(),
                updated_at: pool.updated.clone(),
                expires_at: rng.random_bool(0.3).then(|| pool.expires.clone()),
            })
            .collect();
        let memory = MentorRecord {
            unique_id: random_uuid(rng),
            name: category.clone(),
            category: Some(category.clone()),
            mode: pool.mode.clone(),
            mentor: None,
            session_id: None,
            catalog_item_type: None,
            catalog_item_id: None,
            is_auto_generated: true,
            inserted_at: pool.inserted.clone(),
            updated_at: pool.updated.clone(),
            entries,
        };
        // `vec![...]` holds exactly one; a push would reserve room for four.
        data.user_mut(at).mentor = vec![memory];
    }
    if rng.random_bool(0.33) {
        let (lessons, next_steps) = &pool.courses[rng.random_range(0..pool.courses.len())];
        let course = CourseRecord {
            id: data.new_course_id(),
            catalog_item: Some(random_uuid(rng)),
            lessons: lessons.clone(),
            next_steps: next_steps.clone(),
        };
        data.user_mut(at).course = vec![course];
    }
}

fn random_uuid(rng: &mut StdRng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}
