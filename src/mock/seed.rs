//! Loading the seed (built-in `assets/demo/seed.json` or a file) and generating users and memories deterministically.

use std::sync::Arc;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::Deserialize;
use uuid::Uuid;

use super::config::SeedSource;
use super::error::MockError;
use super::store::{OrgInfo, Store, UserInfo};

pub(super) const BUILTIN_SEED: &str = include_str!("../../assets/demo/seed.json");

/// Generated memories for `--users` come from a small shared pool, so 100k users cost
/// a few megabytes rather than hundreds.
const SHARED_POOL_SIZE: usize = 64;

#[derive(Debug, Deserialize)]
struct SeedFile {
    #[serde(default)]
    names: Names,
    #[serde(default)]
    memory_snippets: Vec<String>,
    orgs: Vec<SeedOrg>,
}

#[derive(Debug, Default, Deserialize)]
struct Names {
    #[serde(default)]
    first: Vec<String>,
    #[serde(default)]
    last: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct SeedOrg {
    key: String,
    name: Option<String>,
    org: Option<String>,
    lms_url: Option<String>,
    cms_url: Option<String>,
    portal_url: Option<String>,
    #[serde(default = "default_status")]
    status: i64,
    #[serde(default = "yes")]
    active: bool,
    #[serde(default)]
    users: Vec<SeedUser>,
    generate: Option<Generate>,
}

#[derive(Debug, Deserialize)]
struct SeedUser {
    username: String,
    name: Option<String>,
    email: Option<String>,
    #[serde(default)]
    is_admin: bool,
    #[serde(default)]
    is_staff: bool,
    #[serde(default = "yes")]
    active: bool,
    added_on: Option<String>,
    expired_on: Option<String>,
    #[serde(default = "yes")]
    memory_enabled: bool,
    #[serde(default)]
    memories: Vec<SeedMemory>,
}

#[derive(Debug, Deserialize)]
struct SeedMemory {
    content: Option<String>,
    session_id: Option<String>,
    generate_bytes: Option<usize>,
}

#[derive(Debug, Deserialize)]
struct Generate {
    count: usize,
    #[serde(default = "default_domain")]
    email_domain: String,
}

fn default_status() -> i64 {
    1
}

fn yes() -> bool {
    true
}

fn default_domain() -> String {
    "example.com".to_owned()
}

/// Builds the store from a seed plus `extra_users` generated into the first org.
/// `extra_users` are generated into the first org; each of them that has memory gets
/// `entries_per_user` entries (at least one), so benchmarks can erase users of several entries.
pub(crate) fn build_store(
    source: &SeedSource,
    extra_users: usize,
    entries_per_user: usize,
) -> Result<Store, MockError> {
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
    let generator = Generator::new(&seed);
    let mut store = Store::new();
    for (org_number, org) in seed.orgs.iter().enumerate() {
        let org_index = store
            .add_org(OrgInfo {
                key: org.key.clone(),
                name: org.name.clone(),
                org: org.org.clone(),
                lms_url: org.lms_url.clone(),
                cms_url: org.cms_url.clone(),
                portal_url: org.portal_url.clone(),
                status: org.status,
                active: org.active,
            })
            .map_err(MockError::SeedInvalid)?;
        for user in &org.users {
            add_seed_user(&mut store, org_index, user, &generator)?;
        }
        if let Some(generate) = &org.generate {
            let mut rng = StdRng::seed_from_u64(0x5EED_0000 + org_number as u64);
            for _ in 0..generate.count {
                let (info, enabled, has_memory) =
                    generator.user(&mut rng, store.next_user_id, &generate.email_domain);
                let content = generator.memory(&mut rng, &info.name);
                let session = random_uuid(&mut rng);
                let contents = if has_memory {
                    vec![(Some(Arc::from(content)), Some(session))]
                } else {
                    Vec::new()
                };
                store
                    .add_user(org_index, info, enabled, contents)
                    .map_err(MockError::SeedInvalid)?;
            }
        }
    }
    if extra_users > 0 {
        if store.orgs.is_empty() {
            return Err(MockError::SeedInvalid(
                "extra users were asked for but the seed has no org".to_owned(),
            ));
        }
        let mut rng = StdRng::seed_from_u64(0xE17A);
        let pool: Vec<Arc<str>> = (0..SHARED_POOL_SIZE)
            .map(|i| Arc::from(generator.memory(&mut rng, &format!("learner #{i}"))))
            .collect();
        for _ in 0..extra_users {
            let (info, enabled, has_memory) =
                generator.user(&mut rng, store.next_user_id, "example.org");
            let contents = if has_memory {
                (0..entries_per_user.max(1))
                    .map(|_| {
                        let content = pool[rng.random_range(0..pool.len())].clone();
                        (Some(content), Some(random_uuid(&mut rng)))
                    })
                    .collect()
            } else {
                Vec::new()
            };
            store
                .add_user(0, info, enabled, contents)
                .map_err(MockError::SeedInvalid)?;
        }
    }
    Ok(store)
}

fn add_seed_user(
    store: &mut Store,
    org: usize,
    user: &SeedUser,
    generator: &Generator,
) -> Result<(), MockError> {
    let mut contents = Vec::new();
    for memory in &user.memories {
        let content = match (memory.generate_bytes, &memory.content) {
            (Some(bytes), _) => Some(generator.text_of_size(bytes)),
            (None, content) => content.clone(),
        };
        let session_id = match &memory.session_id {
            None => None,
            Some(text) => Some(Uuid::parse_str(text).map_err(|e| {
                MockError::SeedInvalid(format!(
                    "user `{}` has a bad session_id `{text}`: {e}",
                    user.username
                ))
            })?),
        };
        contents.push((content.map(Arc::from), session_id));
    }
    let info = UserInfo {
        user_id: 0,
        username: user.username.clone(),
        name: user.name.clone().unwrap_or_default(),
        email: user
            .email
            .clone()
            .unwrap_or_else(|| format!("{}@example.com", user.username)),
        is_admin: user.is_admin,
        is_staff: user.is_staff,
        active: user.active,
        added_on: user
            .added_on
            .clone()
            .unwrap_or_else(|| "2022-09-01T08:00:00.000000Z".to_owned()),
        expired_on: user.expired_on.clone(),
    };
    store
        .add_user(org, info, user.memory_enabled, contents)
        .map_err(MockError::SeedInvalid)?;
    Ok(())
}

fn random_uuid(rng: &mut StdRng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

struct Generator {
    first: Vec<String>,
    last: Vec<String>,
    snippets: Vec<String>,
}

impl Generator {
    fn new(seed: &SeedFile) -> Self {
        let or_default = |list: &Vec<String>, fallback: &str| {
            if list.is_empty() {
                vec![fallback.to_owned()]
            } else {
                list.clone()
            }
        };
        Self {
            first: or_default(&seed.names.first, "Alex"),
            last: or_default(&seed.names.last, "Example"),
            snippets: or_default(
                &seed.memory_snippets,
                "The learner prefers short explanations with examples.",
            ),
        }
    }

    /// A user; the username carries the user id, which keeps it unique.
    fn user(&self, rng: &mut StdRng, user_id: u64, domain: &str) -> (UserInfo, bool, bool) {
        let first = &self.first[rng.random_range(0..self.first.len())];
        let last = &self.last[rng.random_range(0..self.last.len())];
        let username = format!("{}.{}{}", ascii_slug(first), ascii_slug(last), user_id);
        let active = rng.random_bool(0.95);
        let info = UserInfo {
            user_id: 0,
            email: format!("{username}@{domain}"),
            name: format!("{first} {last}"),
            username,
            is_admin: rng.random_bool(0.03),
            is_staff: rng.random_bool(0.08),
            active,
            added_on: format!(
                "{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
                rng.random_range(2019..=2025),
                rng.random_range(1..=12),
                rng.random_range(1..=28),
                rng.random_range(0..24),
                rng.random_range(0..60),
                rng.random_range(0..60),
                rng.random_range(0..1_000_000)
            ),
            expired_on: (!active).then(|| "2025-06-30T23:59:59.000000Z".to_owned()),
        };
        let enabled = rng.random_bool(0.9);
        let has_memory = rng.random_bool(0.85);
        (info, enabled, has_memory)
    }

    /// A memory of varied length: one line, a few paragraphs, or pages.
    fn memory(&self, rng: &mut StdRng, name: &str) -> String {
        let roll: f64 = rng.random();
        let (paragraphs, sentences) = if roll < 0.5 {
            (1, 1)
        } else if roll < 0.85 {
            (rng.random_range(2..=5), rng.random_range(2..=5))
        } else {
            (rng.random_range(20..=60), rng.random_range(4..=8))
        };
        let mut text = String::new();
        if paragraphs > 1 {
            text.push_str(&format!("Notes about {name}\n\n"));
        }
        for p in 0..paragraphs {
            if p > 0 {
                text.push_str("\n\n");
            }
            for s in 0..sentences {
                if s > 0 {
                    text.push(' ');
                }
                text.push_str(&self.snippets[rng.random_range(0..self.snippets.len())]);
            }
        }
        text
    }

    /// Deterministic text of exactly `bytes` bytes (cut at a character boundary).
    fn text_of_size(&self, bytes: usize) -> String {
        let mut text = String::with_capacity(bytes + 256);
        let mut line = 0usize;
        while text.len() < bytes {
            if line.is_multiple_of(40) {
                text.push_str(&format!("\n## Session log, part {}\n\n", line / 40 + 1));
            }
            text.push_str(&format!(
                "{line:06}: {}\n",
                self.snippets[line % self.snippets.len()]
            ));
            line += 1;
        }
        let mut end = bytes;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text
    }
}

fn ascii_slug(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_seed_loads() {
        let store = build_store(&SeedSource::Builtin, 0, 1).unwrap();
        assert_eq!(store.orgs.len(), 3);
        let total: usize = store.orgs.iter().map(|o| o.users.len()).sum();
        assert!((200..1000).contains(&total), "{total} users");
    }

    #[test]
    fn generation_is_deterministic() {
        let a = build_store(&SeedSource::Builtin, 50, 1).unwrap();
        let b = build_store(&SeedSource::Builtin, 50, 1).unwrap();
        let names = |s: &Store| {
            s.orgs[0]
                .users
                .iter()
                .map(|u| (u.info.username.clone(), u.entries.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&a), names(&b));
    }

    #[test]
    fn generated_users_get_the_entries_asked_for() {
        let store = build_store(&SeedSource::Builtin, 40, 3).unwrap();
        let generated = &store.orgs[0].users[store.orgs[0].users.len() - 40..];
        let counts: Vec<usize> = generated.iter().map(|u| u.entries.len()).collect();
        assert!(counts.iter().all(|&n| n == 0 || n == 3), "{counts:?}");
        assert!(
            counts.iter().filter(|&&n| n == 3).count() > 20,
            "{counts:?}"
        );
    }

    #[test]
    fn sized_text_is_exact() {
        let generator = Generator::new(&serde_json::from_str(BUILTIN_SEED).unwrap());
        assert_eq!(generator.text_of_size(1_048_576).len(), 1_048_576);
        assert_eq!(generator.text_of_size(10).len(), 10);
    }

    #[test]
    fn duplicate_usernames_are_refused() {
        let json = r#"{"orgs":[{"key":"a","users":[{"username":"x"},{"username":"x"}]}]}"#;
        let err = build_store(&SeedSource::Json(json.to_owned()), 0, 1).unwrap_err();
        assert!(matches!(err, MockError::SeedInvalid(_)), "{err}");
    }
}
