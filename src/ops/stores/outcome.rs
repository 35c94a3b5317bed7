//! What erasing in the stores beside chat memory gives back: what was erased and where its
//! backup is, why it stopped, and a forget's report per store.

use std::path::PathBuf;

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};
use thiserror::Error;

use super::StoreKind;
use crate::api::{ApiError, StoreGap};
use crate::store::StoreError;

/// What an erase did: the items are in `backup` and a read showed them gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreErased {
    pub backup: PathBuf,
    /// Items erased: mentor entries, or course memories.
    pub items: usize,
}

/// Why an erase in a store stopped, with what it had done by then.
#[derive(Debug, Error)]
#[error("{failure}; {}", self.so_far())]
pub struct StoreEraseError {
    pub store: StoreKind,
    pub failure: StoreFailure,
    /// Where what was deleted is kept; `None` when nothing was backed up.
    pub backup: Option<PathBuf>,
    /// Deletes the server accepted before it stopped.
    pub erased: usize,
}

impl StoreEraseError {
    fn so_far(&self) -> String {
        match (&self.backup, self.erased) {
            (_, 0) => "nothing was erased".to_owned(),
            (Some(path), n) => format!(
                "the server accepted {n} delete{}; everything deleted is in the backup at {}",
                plural(n),
                path.display()
            ),
            (None, n) => format!("the server accepted {n} delete{}", plural(n)),
        }
    }

    /// The server's error, when the server is why it stopped.
    pub fn api(&self) -> Option<&ApiError> {
        self.failure.api()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[derive(Debug, Error)]
pub enum StoreFailure {
    #[error("cannot read the {0} store: {1}")]
    Read(StoreKind, ApiError),
    /// The server does not offer this store for the user (404 or 405).
    #[error("the {0} store is unavailable: {1}")]
    Unavailable(StoreKind, StoreGap),
    #[error("there is nothing to erase: {0}")]
    NothingThere(String),
    #[error("the backup could not be written, so nothing was deleted: {0}")]
    Backup(StoreError),
    #[error("the audit log could not be written, so no delete was sent: {0}")]
    Audit(StoreError),
    #[error("deleting {what} failed: {source}")]
    Delete { what: String, source: ApiError },
    #[error("the server accepted the delete of {0} but still shows it")]
    StillThere(String),
    #[error("the server still shows new items after {0} were erased; stopped")]
    Runaway(usize),
    #[error("{0} has no id, name or entry id to delete it by")]
    NoAddress(String),
}

impl StoreFailure {
    /// The server's error, when the server is why it stopped.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            StoreFailure::Read(_, e) | StoreFailure::Delete { source: e, .. } => Some(e),
            _ => None,
        }
    }
}

/// How a forget ended in one store. In JSON: `{"outcome": "erased", "items": 3}`,
/// `{"outcome": "already_empty"}`, `{"outcome": "unavailable", "reason": ...}`,
/// `{"outcome": "failed", "failure": ..., "erased": 1}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum StoreOutcome {
    /// Everything shown was backed up, deleted, and a read shows the store empty.
    Erased { items: usize },
    /// The store held nothing for this user.
    AlreadyEmpty,
    /// 404/405 for this user: treated as empty, and said so.
    Unavailable { reason: String },
    /// The store may still hold data: kept after DELETE, 429 not ridden out, refused, ...
    Failed { failure: String, erased: usize },
}

impl StoreOutcome {
    /// Whether the store is known to hold nothing now (or does not exist for the user).
    pub fn forgotten(&self) -> bool {
        !matches!(self, StoreOutcome::Failed { .. })
    }

    /// "erased 3", "already empty", "unavailable: ...", "FAILED: ..."
    pub fn summary(&self) -> String {
        match self {
            StoreOutcome::Erased { items } => format!("erased {items}"),
            StoreOutcome::AlreadyEmpty => "already empty".to_owned(),
            StoreOutcome::Unavailable { reason } => {
                format!("unavailable, treated as empty: {reason}")
            }
            // Counted as the server answered: a server that keeps what it accepted makes
            // these deletes, not erasures.
            StoreOutcome::Failed { failure, erased: 0 } => format!("FAILED: {failure}"),
            StoreOutcome::Failed { failure, erased } => {
                format!("FAILED after {erased} deletes were accepted: {failure}")
            }
        }
    }
}

/// What a forget did in each store it was asked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForgetReport {
    /// The one backup of every store, made durable before the first delete; `None` when no
    /// store held anything (or the backup could not be written: then nothing was deleted).
    pub backup: Option<PathBuf>,
    pub stores: Vec<(StoreKind, StoreOutcome)>,
}

impl ForgetReport {
    /// True only when every store is verified empty (or unavailable, said so).
    pub fn forgotten(&self) -> bool {
        !self.stores.is_empty() && self.stores.iter().all(|(_, o)| o.forgotten())
    }

    /// The outcome of one store, if it was asked for.
    pub fn outcome(&self, store: StoreKind) -> Option<&StoreOutcome> {
        self.stores
            .iter()
            .find(|(k, _)| *k == store)
            .map(|(_, o)| o)
    }
}

/// `{"backup": path or null, "forgotten": bool, "stores": [{"store": "chat", "outcome":
/// "erased", "items": 3}, ...]}`: the per-store report a `--json` caller prints.
impl Serialize for ForgetReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Row<'a> {
            store: StoreKind,
            #[serde(flatten)]
            outcome: &'a StoreOutcome,
        }
        let rows: Vec<Row<'_>> = self
            .stores
            .iter()
            .map(|(store, outcome)| Row {
                store: *store,
                outcome,
            })
            .collect();
        let mut s = serializer.serialize_struct("ForgetReport", 3)?;
        s.serialize_field("backup", &self.backup)?;
        s.serialize_field("forgotten", &self.forgotten())?;
        s.serialize_field("stores", &rows)?;
        s.end()
    }
}

impl From<&StoreEraseError> for StoreOutcome {
    fn from(e: &StoreEraseError) -> StoreOutcome {
        StoreOutcome::Failed {
            failure: e.failure.to_string(),
            erased: e.erased,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_forgotten_only_when_no_store_failed() {
        let mut report = ForgetReport {
            backup: None,
            stores: vec![
                (StoreKind::Chat, StoreOutcome::Erased { items: 2 }),
                (StoreKind::Mentor, StoreOutcome::AlreadyEmpty),
                (
                    StoreKind::Course,
                    StoreOutcome::Unavailable {
                        reason: "404".into(),
                    },
                ),
            ],
        };
        assert!(report.forgotten());
        report.stores[1].1 = StoreOutcome::Failed {
            failure: "kept".into(),
            erased: 1,
        };
        assert!(!report.forgotten());
        assert!(
            !ForgetReport {
                backup: None,
                stores: Vec::new()
            }
            .forgotten(),
            "a forget of no store forgets nothing"
        );
        assert_eq!(
            report.outcome(StoreKind::Mentor).map(StoreOutcome::summary),
            Some("FAILED after 1 deletes were accepted: kept".to_owned())
        );
    }

    #[test]
    fn a_report_in_json_has_one_row_per_store() {
        let report = ForgetReport {
            backup: Some(PathBuf::from("/b/x.json")),
            stores: vec![
                (StoreKind::Chat, StoreOutcome::Erased { items: 2 }),
                (StoreKind::Mentor, StoreOutcome::AlreadyEmpty),
                (
                    StoreKind::Course,
                    StoreOutcome::Failed {
                        failure: "kept \u{1b}[2J".into(),
                        erased: 1,
                    },
                ),
            ],
        };
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "backup": "/b/x.json",
                "forgotten": false,
                "stores": [
                    {"store": "chat", "outcome": "erased", "items": 2},
                    {"store": "mentor", "outcome": "already_empty"},
                    {"store": "course", "outcome": "failed", "failure": "kept \u{1b}[2J", "erased": 1}
                ]
            })
        );
    }

    fn stopped(failure: StoreFailure, backup: Option<&str>, erased: usize) -> StoreEraseError {
        StoreEraseError {
            store: StoreKind::Mentor,
            failure,
            backup: backup.map(PathBuf::from),
            erased,
        }
    }

    #[test]
    fn a_stopped_erase_says_how_many_deletes_went_and_where_their_backup_is() {
        // A hostile path is shown as the file system has it; the console escapes it later.
        let path = "/b/\u{1b}]0;x\u{7}\u{202e}.json";
        let still = || StoreFailure::StillThere("entry \"e-1\"".into());
        let none = stopped(still(), Some(path), 0).to_string();
        assert!(none.ends_with("; nothing was erased"), "{none}");
        let one = stopped(still(), Some(path), 1).to_string();
        assert!(
            one.ends_with(&format!(
                "; the server accepted 1 delete; everything deleted is in the backup at {path}"
            )),
            "{one}"
        );
        let three = stopped(still(), Some(path), 3).to_string();
        assert!(
            three.ends_with(&format!(
                "; the server accepted 3 deletes; everything deleted is in the backup at {path}"
            )),
            "{three}"
        );
        let lost = stopped(still(), None, 2).to_string();
        assert!(lost.ends_with("; the server accepted 2 deletes"), "{lost}");
        assert!(
            none.starts_with("the server accepted the delete of entry \"e-1\" but still shows it")
        );
    }

    #[test]
    fn only_a_read_or_a_delete_the_server_refused_carries_its_error() {
        let e = || ApiError::Server {
            status: 503,
            excerpt: "busy".into(),
        };
        let read = stopped(StoreFailure::Read(StoreKind::Course, e()), None, 0);
        assert!(matches!(
            read.api(),
            Some(ApiError::Server { status: 503, .. })
        ));
        let delete = stopped(
            StoreFailure::Delete {
                what: "memory \"c-1\"".into(),
                source: ApiError::Forbidden { detail: None },
            },
            Some("/b/x.json"),
            1,
        );
        assert!(matches!(delete.api(), Some(ApiError::Forbidden { .. })));
        for failure in [
            StoreFailure::NothingThere("no such entry".into()),
            StoreFailure::StillThere("entry".into()),
            StoreFailure::Runaway(3),
            StoreFailure::NoAddress("a memory".into()),
        ] {
            assert!(stopped(failure, None, 0).api().is_none());
        }
    }

    #[test]
    fn each_outcome_reads_as_what_happened_and_only_failure_is_not_forgotten() {
        let rows = [
            (StoreOutcome::Erased { items: 3 }, "erased 3", true),
            (StoreOutcome::AlreadyEmpty, "already empty", true),
            (
                StoreOutcome::Unavailable {
                    reason: "405".into(),
                },
                "unavailable, treated as empty: 405",
                true,
            ),
            (
                StoreOutcome::Failed {
                    failure: "kept".into(),
                    erased: 0,
                },
                "FAILED: kept",
                false,
            ),
        ];
        for (outcome, summary, forgotten) in rows {
            assert_eq!(outcome.summary(), summary);
            assert_eq!(outcome.forgotten(), forgotten, "{summary}");
        }
        let err = stopped(StoreFailure::Runaway(7), Some("/b/x.json"), 7);
        assert_eq!(
            StoreOutcome::from(&err),
            StoreOutcome::Failed {
                failure: "the server still shows new items after 7 were erased; stopped".into(),
                erased: 7,
            }
        );
        let report = ForgetReport {
            backup: None,
            stores: vec![(StoreKind::Chat, StoreOutcome::AlreadyEmpty)],
        };
        assert_eq!(report.outcome(StoreKind::Course), None, "not asked for");
        assert_eq!(
            report.outcome(StoreKind::Chat),
            Some(&StoreOutcome::AlreadyEmpty)
        );
    }
}
