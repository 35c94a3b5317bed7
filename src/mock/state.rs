//! `MockState`: the shared state of a running mock (data, fault settings, request log) and the hooks tests use.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::config::{MemoryShape, MockConfig, PagingQuirk};
use super::error::MockError;
use super::seed;
use super::store::{MemoryEntry, PendingChange, Store, TaskRecord, TaskState, UserRecord};
use super::stores::StoresData;
use super::stores_seed;

/// The request log keeps only the most recent requests, so a benchmark cannot grow it without bound.
const LOG_CAPACITY: usize = 10_000;

/// Fault settings, changeable while the server runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Faults {
    pub latency_ms: u64,
    pub task_delay_ms: u64,
    pub fail_rate: f64,
    pub error_rate: f64,
    pub throttle_rate: f64,
}

/// One answered request, as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRecord {
    #[serde(serialize_with = "serialize_method")]
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub status: u16,
}

fn serialize_method<S: serde::Serializer>(method: &Method, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(method.as_str())
}

pub(crate) enum InjectedFault {
    ServerError,
    Throttle,
}

/// A user's memory as handlers need it, copied out of the store cheaply.
pub(crate) struct UserMemory {
    pub username: String,
    pub platform_key: String,
    pub entries: Vec<MemoryEntry>,
}

/// Shared state of one mock server. Locks are held only briefly and never across an await.
#[derive(Debug)]
pub struct MockState {
    store: RwLock<Store>,
    /// Mentor memories and course memory (see `stores_state.rs`).
    pub(super) stores: RwLock<StoresData>,
    faults: RwLock<Faults>,
    shape: RwLock<MemoryShape>,
    paging: PagingQuirk,
    rng: Mutex<StdRng>,
    streak_cap: Option<u32>,
    /// Faults injected in a row, per request (see `MockConfig::fault_streak_cap`).
    streaks: Mutex<HashMap<String, u32>>,
    counters: Mutex<HashMap<Method, u64>>,
    log: Mutex<VecDeque<RequestRecord>>,
    api_key: String,
}

fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn clamp_rate(rate: f64) -> f64 {
    if rate.is_nan() {
        0.0
    } else {
        rate.clamp(0.0, 1.0)
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

impl MockState {
    /// Builds the data from the configured seed (this may take a moment for 100k users).
    pub fn new(config: &MockConfig) -> Result<Self, MockError> {
        let store = seed::build_store(&config.seed, config.extra_users, config.entries_per_user)?;
        let stores = stores_seed::build(&config.seed, &store)?;
        Ok(Self {
            store: RwLock::new(store),
            stores: RwLock::new(stores),
            faults: RwLock::new(Faults {
                latency_ms: millis(config.latency),
                task_delay_ms: millis(config.task_delay),
                fail_rate: clamp_rate(config.fail_rate),
                error_rate: clamp_rate(config.error_rate),
                throttle_rate: clamp_rate(config.throttle_rate),
            }),
            shape: RwLock::new(config.memory_shape),
            paging: config.paging,
            rng: Mutex::new(StdRng::seed_from_u64(config.fault_seed)),
            streak_cap: config.fault_streak_cap,
            streaks: Mutex::new(HashMap::new()),
            counters: Mutex::new(HashMap::new()),
            log: Mutex::new(VecDeque::new()),
            api_key: config.api_key.clone(),
        })
    }

    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    // ----- faults -------------------------------------------------------------------

    pub fn faults(&self) -> Faults {
        *read(&self.faults)
    }

    /// Replaces all fault settings at once (rates are clamped to 0..=1).
    pub fn set_faults(&self, faults: Faults) {
        *write(&self.faults) = Faults {
            fail_rate: clamp_rate(faults.fail_rate),
            error_rate: clamp_rate(faults.error_rate),
            throttle_rate: clamp_rate(faults.throttle_rate),
            ..faults
        };
    }

    pub fn set_latency(&self, latency: Duration) {
        write(&self.faults).latency_ms = millis(latency);
    }

    /// Applies to tasks queued from now on.
    pub fn set_task_delay(&self, delay: Duration) {
        write(&self.faults).task_delay_ms = millis(delay);
    }

    pub fn set_fail_rate(&self, rate: f64) {
        write(&self.faults).fail_rate = clamp_rate(rate);
    }

    pub fn set_error_rate(&self, rate: f64) {
        write(&self.faults).error_rate = clamp_rate(rate);
    }

    pub fn set_throttle_rate(&self, rate: f64) {
        write(&self.faults).throttle_rate = clamp_rate(rate);
    }

    pub fn memory_shape(&self) -> MemoryShape {
        *read(&self.shape)
    }

    pub fn paging(&self) -> PagingQuirk {
        self.paging
    }

    pub fn set_memory_shape(&self, shape: MemoryShape) {
        *write(&self.shape) = shape;
    }

    /// The fault (if any) for one request; `request` names it for the streak cap.
    pub(crate) fn draw_fault(&self, request: &str) -> Option<InjectedFault> {
        let faults = self.faults();
        if faults.error_rate <= 0.0 && faults.throttle_rate <= 0.0 {
            return None;
        }
        let roll: f64 = lock(&self.rng).random();
        let fault = if roll < faults.error_rate {
            Some(InjectedFault::ServerError)
        } else if roll < faults.error_rate + faults.throttle_rate {
            Some(InjectedFault::Throttle)
        } else {
            None
        };
        let Some(cap) = self.streak_cap else {
            return fault;
        };
        let mut streaks = lock(&self.streaks);
        let streak = streaks.entry(request.to_owned()).or_insert(0);
        if fault.is_none() || *streak >= cap {
            streaks.remove(request);
            return None;
        }
        *streak += 1;
        fault
    }

    fn draw_task_failure(&self, fail_rate: f64) -> bool {
        fail_rate > 0.0 && lock(&self.rng).random::<f64>() < fail_rate
    }

    // ----- request log --------------------------------------------------------------

    pub(crate) fn record(
        &self,
        method: Method,
        path: String,
        query: Option<String>,
        status: StatusCode,
    ) {
        *lock(&self.counters).entry(method.clone()).or_insert(0) += 1;
        let mut log = lock(&self.log);
        if log.len() == LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(RequestRecord {
            method,
            path,
            query,
            status: status.as_u16(),
        });
    }

    /// How many API requests (control routes excluded) used this method.
    pub fn count(&self, method: Method) -> u64 {
        lock(&self.counters).get(&method).copied().unwrap_or(0)
    }

    pub fn total_requests(&self) -> u64 {
        lock(&self.counters).values().sum()
    }

    /// The most recent requests (up to 10 000), oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.log).iter().cloned().collect()
    }

    /// Forgets the log and the counters.
    pub fn clear_requests(&self) {
        lock(&self.counters).clear();
        lock(&self.log).clear();
    }

    // ----- data access ----------------------------------------------------------------

    pub(crate) fn store(&self) -> RwLockReadGuard<'_, Store> {
        read(&self.store)
    }

    /// Runs `f` on a user after applying any of its tasks whose deadline has passed.
    /// The write lock is taken only when there is something to apply.
    pub(crate) fn read_user<R>(
        &self,
        org: &str,
        user: &str,
        f: impl FnOnce(&Store, &UserRecord) -> R,
    ) -> Option<R> {
        let now = Instant::now();
        {
            let store = read(&self.store);
            let at = store.find_user(org, user)?;
            if !store.has_due_tasks(at, now) {
                return Some(f(&store, store.user(at)));
            }
        }
        let mut store = write(&self.store);
        let at = store.find_user(org, user)?;
        store.settle(at, now);
        Some(f(&store, store.user(at)))
    }

    /// Runs `f` with write access to a user, after settling its due tasks.
    pub(crate) fn write_user<R>(
        &self,
        org: &str,
        user: &str,
        f: impl FnOnce(&mut Store, (usize, usize)) -> R,
    ) -> Option<R> {
        let mut store = write(&self.store);
        let at = store.find_user(org, user)?;
        store.settle(at, Instant::now());
        Some(f(&mut store, at))
    }

    pub(crate) fn user_memory(&self, org: &str, user: &str) -> Option<UserMemory> {
        self.read_user(org, user, |_, record| UserMemory {
            username: record.info.username.clone(),
            platform_key: org.to_owned(),
            entries: record.entries.clone(),
        })
    }

    /// Queues a replacement of the user's memory; `None` if the user is unknown,
    /// `Some(None)` if the user has no memory.
    pub(crate) fn queue_update(
        &self,
        org: &str,
        user: &str,
        content: Option<Option<Arc<str>>>,
        session_id: Option<Option<Uuid>>,
    ) -> Option<Option<Uuid>> {
        let faults = self.faults();
        let will_fail = self.draw_task_failure(faults.fail_rate);
        self.write_user(org, user, |store, at| {
            let record = store.user(at);
            if record.entries.is_empty() {
                return None;
            }
            let id = Uuid::new_v4();
            let task = TaskRecord {
                org: at.0,
                user: at.1,
                created: Instant::now(),
                delay: Duration::from_millis(faults.task_delay_ms),
                will_fail,
                erase_generation: record.erase_generation,
                change: Some(PendingChange {
                    content,
                    session_id,
                }),
                outcome: None,
            };
            store.tasks.insert(id, task);
            store.user_mut(at).pending_tasks.push(id);
            Some(id)
        })
    }

    /// The state of a task, if it belongs to that org and user.
    pub(crate) fn task_for(&self, org: &str, user: &str, id: Uuid) -> Option<TaskState> {
        let now = Instant::now();
        {
            let store = read(&self.store);
            let at = store.find_user(org, user)?;
            let task = store.tasks.get(&id)?;
            if (task.org, task.user) != at {
                return None;
            }
            if !store.has_due_tasks(at, now) {
                return Some(task.state(now));
            }
        }
        let mut store = write(&self.store);
        let at = store.find_user(org, user)?;
        store.settle(at, now);
        store.tasks.get(&id).map(|task| task.state(now))
    }

    // ----- hooks for tests ------------------------------------------------------------

    /// Org keys in seed order.
    pub fn orgs(&self) -> Vec<String> {
        read(&self.store)
            .orgs
            .iter()
            .map(|org| org.info.key.clone())
            .collect()
    }

    pub fn user_count(&self, org: &str) -> Option<usize> {
        let store = read(&self.store);
        let index = *store.org_index.get(org)?;
        Some(store.orgs[index].users.len())
    }

    /// Usernames of an org in user-id order.
    pub fn usernames(&self, org: &str) -> Option<Vec<String>> {
        let store = read(&self.store);
        let index = *store.org_index.get(org)?;
        Some(
            store.orgs[index]
                .users
                .iter()
                .map(|user| user.info.username.clone())
                .collect(),
        )
    }

    /// A user's entries (`user` is the username or the numeric id), with due tasks applied.
    pub fn memory(&self, org: &str, user: &str) -> Option<Vec<MemoryEntry>> {
        self.read_user(org, user, |_, record| record.entries.clone())
    }

    pub fn memory_enabled(&self, org: &str, user: &str) -> Option<bool> {
        self.read_user(org, user, |_, record| record.memory_enabled)
    }

    /// Replaces the content of the user's first entry at once, creating an entry if there
    /// is none: simulates someone else editing the memory. `false` if the user is unknown.
    pub fn set_memory_content(&self, org: &str, user: &str, content: &str) -> bool {
        let content: Arc<str> = Arc::from(content);
        self.write_user(org, user, |store, at| {
            if store.user(at).entries.is_empty() {
                let id = store.new_memory_id();
                store.user_mut(at).entries.push(MemoryEntry {
                    id,
                    content: Some(content),
                    session_id: None,
                });
            } else {
                store.user_mut(at).entries[0].content = Some(content);
            }
        })
        .is_some()
    }

    /// The state of any task by id, with due tasks applied.
    pub fn task_state(&self, id: Uuid) -> Option<TaskState> {
        let now = Instant::now();
        let mut store = write(&self.store);
        let task = store.tasks.get(&id)?;
        let at = (task.org, task.user);
        store.settle(at, now);
        store.tasks.get(&id).map(|task| task.state(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streak_cap_lets_the_same_request_through_after_that_many_faults() {
        let config = MockConfig::default()
            .with_throttle_rate(1.0)
            .with_fault_streak_cap(2);
        let state = MockState::new(&config).expect("state");
        let draws: Vec<bool> = (0..6)
            .map(|_| state.draw_fault("GET /a?").is_some())
            .collect();
        assert_eq!(draws, [true, true, false, true, true, false]);
        assert!(
            state.draw_fault("GET /b?").is_some(),
            "each request has its own streak"
        );
        let uncapped =
            MockState::new(&MockConfig::default().with_throttle_rate(1.0)).expect("state");
        assert!((0..5).all(|_| uncapped.draw_fault("GET /a?").is_some()));
    }
}
