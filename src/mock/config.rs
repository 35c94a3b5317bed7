//! `MockConfig`: everything that shapes a mock server instance, with builder-style setters.

use std::path::PathBuf;
use std::time::Duration;

use super::args::MockServerArgs;

/// What a memory GET answers: real deployments differ, so the client must cope with both.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MemoryShape {
    /// The user's first entry as one JSON object (what the OpenAPI description says).
    #[default]
    Object,
    /// A JSON array of all the user's entries.
    List,
}

/// How the users list pages: honestly, or the way some servers misbehave, so clients can
/// be tested against paging that would never end if they trusted `next_page`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PagingQuirk {
    /// `next_page` advances until the last page, then repeats it (what ibl servers do).
    #[default]
    Honest,
    /// Every page answers the first page's users while `next_page` grows forever.
    Endless,
    /// `next_page` names the page just served.
    Stuck,
}

/// Where the initial data comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SeedSource {
    /// The demo seed embedded from `assets/demo/seed.json`.
    #[default]
    Builtin,
    /// A seed JSON file of the same format.
    File(PathBuf),
    /// Seed JSON given inline (handy in tests).
    Json(String),
}

/// Configuration of one mock server. `Default` is the built-in seed with no faults.
#[derive(Debug, Clone)]
pub struct MockConfig {
    pub api_key: String,
    pub seed: SeedSource,
    /// Users generated on top of the seed into its first org.
    pub extra_users: usize,
    /// Memory entries of each generated user that has memory (1 unless a benchmark asks).
    pub entries_per_user: usize,
    pub latency: Duration,
    pub task_delay: Duration,
    pub fail_rate: f64,
    pub error_rate: f64,
    pub throttle_rate: f64,
    pub memory_shape: MemoryShape,
    pub paging: PagingQuirk,
    /// Seed of the fault RNG; same seed and same request order give the same faults.
    pub fault_seed: u64,
    /// At most this many injected faults in a row for one request (method, path and
    /// query); `None`: no limit. A storm whose requests get through on a later try, so a
    /// test of retries does not hang on the odds of the same request losing every roll.
    pub fault_streak_cap: Option<u32>,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            api_key: "demo-key".to_owned(),
            seed: SeedSource::Builtin,
            extra_users: 0,
            entries_per_user: 1,
            latency: Duration::ZERO,
            task_delay: Duration::from_millis(3000),
            fail_rate: 0.0,
            error_rate: 0.0,
            throttle_rate: 0.0,
            memory_shape: MemoryShape::Object,
            paging: PagingQuirk::Honest,
            fault_seed: 0,
            fault_streak_cap: None,
        }
    }
}

impl MockConfig {
    pub fn with_api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    pub fn with_seed(mut self, seed: SeedSource) -> Self {
        self.seed = seed;
        self
    }

    pub fn with_extra_users(mut self, count: usize) -> Self {
        self.extra_users = count;
        self
    }

    pub fn with_entries_per_user(mut self, entries: usize) -> Self {
        self.entries_per_user = entries;
        self
    }

    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    pub fn with_task_delay(mut self, delay: Duration) -> Self {
        self.task_delay = delay;
        self
    }

    pub fn with_fail_rate(mut self, rate: f64) -> Self {
        self.fail_rate = rate;
        self
    }

    pub fn with_error_rate(mut self, rate: f64) -> Self {
        self.error_rate = rate;
        self
    }

    pub fn with_fault_streak_cap(mut self, cap: u32) -> Self {
        self.fault_streak_cap = Some(cap);
        self
    }

    pub fn with_throttle_rate(mut self, rate: f64) -> Self {
        self.throttle_rate = rate;
        self
    }

    pub fn with_memory_shape(mut self, shape: MemoryShape) -> Self {
        self.memory_shape = shape;
        self
    }

    pub fn with_paging(mut self, paging: PagingQuirk) -> Self {
        self.paging = paging;
        self
    }

    pub fn with_fault_seed(mut self, seed: u64) -> Self {
        self.fault_seed = seed;
        self
    }
}

impl From<&MockServerArgs> for MockConfig {
    fn from(args: &MockServerArgs) -> Self {
        Self {
            api_key: args.api_key.clone(),
            seed: args
                .seed
                .clone()
                .map_or(SeedSource::Builtin, SeedSource::File),
            extra_users: args.users,
            entries_per_user: args.entries_per_user,
            latency: Duration::from_millis(args.latency_ms),
            task_delay: Duration::from_millis(args.task_delay_ms),
            fail_rate: args.fail_rate,
            error_rate: args.error_rate,
            throttle_rate: args.throttle_rate,
            memory_shape: args.memory_shape,
            paging: args.paging,
            fault_seed: args.fault_seed,
            fault_streak_cap: None,
        }
    }
}
