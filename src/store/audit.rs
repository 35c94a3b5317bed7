//! The audit log: one JSON line per change, an "intent" line before each request and an
//! "outcome" line after it, linked by a correlation id.
//!
//! The rule for callers: no request that changes data is sent unless [`AuditLog::intent`]
//! returned `Ok`. An intent line without an outcome line means the result is unknown (the
//! program stopped, or the task was cancelled, while the request was in flight).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::private_file::open_append;
use super::{StoreError, now_utc};
use crate::api::{ApiError, OrgScope, UserRef};

mod commit;

/// What an admin did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    EntryUpdate,
    Erase,
    EntryErase,
    Restore,
    Enable,
    Disable,
    Purge,
    Export,
    /// A forget: erasing what every store holds about a user.
    Forget,
}

impl Action {
    /// The name written in the log ("entry_erase"), for showing.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::EntryUpdate => "entry_update",
            Action::Erase => "erase",
            Action::EntryErase => "entry_erase",
            Action::Restore => "restore",
            Action::Enable => "enable",
            Action::Disable => "disable",
            Action::Purge => "purge",
            Action::Export => "export",
            Action::Forget => "forget",
        }
    }
}

/// Which of the two lines of an action a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Intent,
    Outcome,
}

/// How an action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditResult {
    Ok,
    Failed,
    /// The console declined before or instead of sending (e.g. a restore onto live memory).
    Refused,
}

/// Who acts, against which server, with which key: the same for every line of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditContext {
    pub os_user: String,
    pub profile: String,
    pub base_url: String,
    pub key_fingerprint: String,
}

/// The name of the uid this process runs as: who owns `/proc/self`, looked up in
/// `/etc/passwd` (cron jobs and containers often have no `$USER`).
fn user_from_uid() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let name = passwd.lines().find_map(|line| {
        let mut f = line.split(':');
        let name = f.next()?;
        let id = f.nth(1)?.parse::<u32>().ok()?;
        (id == uid && !name.is_empty()).then(|| name.to_owned())
    });
    Some(name.unwrap_or_else(|| format!("uid {uid}")))
}

impl AuditContext {
    /// The OS user comes from `USER`, else `USERNAME`, else from the process's uid (its name
    /// in /etc/passwd, or "uid N"), and is "unknown" only when even that cannot be read.
    pub fn new(profile: &str, base_url: &str, api_key: &SecretString) -> AuditContext {
        let os_user = ["USER", "USERNAME"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.trim().is_empty())
            .or_else(user_from_uid)
            .unwrap_or_else(|| "unknown".into());
        AuditContext {
            os_user,
            profile: profile.into(),
            base_url: base_url.into(),
            key_fingerprint: key_fingerprint(api_key),
        }
    }
}

/// What an action is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    pub org: Option<String>,
    /// Which store the change is in: "chat", "mentor" or "course".
    pub store: Option<String>,
    pub user: Option<String>,
    pub entry_id: Option<i64>,
    /// An opaque id of one thing in a store beside chat memory (a mentor entry or memory,
    /// a course memory).
    pub item: Option<String>,
    /// A mentor-memory category, when a whole category is the target.
    pub category: Option<String>,
    pub backup_path: Option<PathBuf>,
}

impl Target {
    pub fn user(org: &OrgScope, user: &UserRef) -> Target {
        Target {
            org: Some(org.key.clone()),
            user: Some(user.username.clone()),
            ..Target::default()
        }
    }

    pub fn entry(mut self, id: i64) -> Target {
        self.entry_id = Some(id);
        self
    }

    /// Names the store ("chat", "mentor", "course").
    pub fn store(mut self, store: &str) -> Target {
        self.store = Some(store.to_owned());
        self
    }

    pub fn item(mut self, id: impl Into<String>) -> Target {
        self.item = Some(id.into());
        self
    }

    pub fn category(mut self, name: impl Into<String>) -> Target {
        self.category = Some(name.into());
        self
    }

    pub fn backup(mut self, path: impl Into<PathBuf>) -> Target {
        self.backup_path = Some(path.into());
        self
    }
}

/// How a request ended, for the outcome line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub result: AuditResult,
    pub http_status: Option<u16>,
    pub task_id: Option<String>,
    /// A backup written during the action (e.g. before an erase).
    pub backup_path: Option<PathBuf>,
    pub error: Option<String>,
}

impl Outcome {
    pub fn ok() -> Outcome {
        Outcome {
            result: AuditResult::Ok,
            http_status: None,
            task_id: None,
            backup_path: None,
            error: None,
        }
    }

    pub fn failed(message: impl Into<String>) -> Outcome {
        Outcome {
            result: AuditResult::Failed,
            error: Some(message.into()),
            ..Outcome::ok()
        }
    }

    pub fn refused(message: impl Into<String>) -> Outcome {
        Outcome {
            result: AuditResult::Refused,
            error: Some(message.into()),
            ..Outcome::ok()
        }
    }

    /// A failed request, with the HTTP status the error carries.
    pub fn api_error(e: &ApiError) -> Outcome {
        Outcome {
            http_status: http_status_of(e),
            ..Outcome::failed(e.to_string())
        }
    }

    pub fn status(mut self, status: u16) -> Outcome {
        self.http_status = Some(status);
        self
    }

    pub fn task(mut self, task_id: impl Into<String>) -> Outcome {
        self.task_id = Some(task_id.into());
        self
    }

    pub fn backup(mut self, path: impl Into<PathBuf>) -> Outcome {
        self.backup_path = Some(path.into());
        self
    }
}

/// The HTTP status behind an API error, when there was one.
pub fn http_status_of(e: &ApiError) -> Option<u16> {
    match e {
        ApiError::Unauthorized { .. } => Some(401),
        ApiError::Forbidden { .. } => Some(403),
        ApiError::NotFound { .. } => Some(404),
        ApiError::RateLimited { .. } => Some(429),
        ApiError::Validation { status, .. }
        | ApiError::Server { status, .. }
        | ApiError::UnexpectedStatus { status, .. } => Some(*status),
        _ => None,
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    pub phase: Phase,
    /// Links an intent line to its outcome line.
    pub id: String,
    pub os_user: String,
    pub profile: String,
    pub base_url: String,
    pub key_fingerprint: String,
    pub action: Action,
    pub org: Option<String>,
    /// The store written to; absent on lines from before stores were named (all chat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    pub user: Option<String>,
    pub entry_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub task_id: Option<String>,
    pub http_status: Option<u16>,
    pub backup_path: Option<PathBuf>,
    /// `None` on intent lines.
    pub result: Option<AuditResult>,
    pub error: Option<String>,
}

/// An open audit log; clones share the file, and lines from many tasks never interleave.
#[derive(Debug, Clone)]
pub struct AuditLog {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    file: Mutex<Sink>,
    /// A second handle on the same file, synced outside the append lock: while one writer
    /// waits for the disk, others append, and the next sync covers all their lines.
    sync: File,
    /// Lines known durable (group commit): a writer whose line a sync already covered
    /// returns without one of its own, so concurrent workers share a few fsyncs instead of
    /// queueing one each.
    commit: commit::GroupCommit,
}

#[derive(Debug)]
struct Sink {
    file: File,
    /// True when the file may end inside a line (a torn or failed write); the next line
    /// then starts with a newline so it stays whole.
    torn: bool,
    /// Lines written so far (by this process).
    written: u64,
}

impl Inner {
    fn written(&self) -> u64 {
        self.file
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .written
    }

    /// One flush, recorded: every line written before it starts is durable if it succeeds.
    fn flush(&self) -> io::Result<()> {
        let from = self.commit.synced();
        let through = self.written();
        let result = self.sync.sync_data();
        self.commit.record(from, through, &result);
        result
    }
}

/// Ends an async flush when dropped: after it ran, or unrun if the runtime shut down.
struct EndRun(Arc<Inner>);

impl Drop for EndRun {
    fn drop(&mut self) {
        self.0.commit.end_run();
    }
}

impl AuditLog {
    /// Opens (creating with mode 0600) the log at `path`; see [`super::DataDir::audit_log`].
    pub fn open(path: impl AsRef<Path>) -> Result<AuditLog, StoreError> {
        let path = path.as_ref();
        let mut file = open_append(path)?;
        let torn = ends_inside_a_line(&mut file).map_err(|e| StoreError::io("read", path, e))?;
        let sync = file
            .try_clone()
            .map_err(|e| StoreError::io("open", path, e))?;
        Ok(AuditLog {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                sync,
                file: Mutex::new(Sink {
                    file,
                    torn,
                    written: 0,
                }),
                commit: commit::GroupCommit::default(),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Writes the intent line, on disk before returning; blocks the thread for the flush.
    /// An error here means: do not send the request.
    pub fn intent(
        &self,
        ctx: &AuditContext,
        action: Action,
        target: Target,
    ) -> Result<Pending, StoreError> {
        let record = intent_record(ctx, action, target);
        self.append(&record)?;
        Ok(Pending {
            log: self.clone(),
            record,
        })
    }

    /// [`AuditLog::intent`] for async callers: the line is written at once (a short write
    /// to the page cache) and the flush that makes it durable is awaited, shared with the
    /// other writers, without holding a thread. An error here means: do not send the
    /// request.
    pub async fn intent_async(
        &self,
        ctx: &AuditContext,
        action: Action,
        target: Target,
    ) -> Result<Pending, StoreError> {
        let (pending, line) = self.write_intent(ctx, action, target)?;
        self.durable(line, line).await?;
        Ok(pending)
    }

    /// Writes the intent line without flushing it: for a caller whose own flush covers the
    /// whole file system (a bulk job's [`super::SyncBarrier`]), awaited before the request.
    pub fn intent_unflushed(
        &self,
        ctx: &AuditContext,
        action: Action,
        target: Target,
    ) -> Result<Pending, StoreError> {
        self.write_intent(ctx, action, target)
            .map(|(pending, _)| pending)
    }

    /// Writes the intent line, unflushed, and gives its number for [`AuditLog::durable`].
    fn write_intent(
        &self,
        ctx: &AuditContext,
        action: Action,
        target: Target,
    ) -> Result<(Pending, u64), StoreError> {
        let record = intent_record(ctx, action, target);
        let line = self.write_line(&record)?;
        let pending = Pending {
            log: self.clone(),
            record,
        };
        Ok((pending, line))
    }

    /// Returns once lines `first..=last` (numbers from [`Pending::write_outcome`], counted
    /// by this process) are on disk, or with the error of a flush that should have covered
    /// one of them. The flush runs on the blocking pool, one at a time, and every waiter
    /// whose lines were written before it started shares it.
    pub async fn durable(&self, first: u64, last: u64) -> Result<(), StoreError> {
        let start_flush = || {
            let inner = self.inner.clone();
            let end = EndRun(inner.clone());
            // Not awaited here: the flush records its result and wakes every waiter, so a
            // waiter cancelled meanwhile leaves no one hanging.
            drop(tokio::task::spawn_blocking(move || {
                let _end = end;
                // Recorded for the waiters by `flush` itself.
                let _ = inner.flush();
            }));
        };
        self.inner
            .commit
            .wait(first, last, start_flush)
            .await
            .map_err(|e| StoreError::io("append to", &self.inner.path, e))
    }

    /// Appends one record as one line, on disk (fsync'd) before returning.
    pub fn append(&self, record: &AuditRecord) -> Result<(), StoreError> {
        let line_no = self.write_line(record)?;
        self.sync_through(line_no)
            .map_err(|e| StoreError::io("append to", &self.inner.path, e))
    }

    /// Appends one record as one line, not yet flushed; returns its number (counted by
    /// this process).
    fn write_line(&self, record: &AuditRecord) -> Result<u64, StoreError> {
        let path = &self.inner.path;
        let mut line = serde_json::to_vec(record).map_err(|e| StoreError::Encode {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        line.push(b'\n');
        // A poisoned lock only means another thread panicked; the file itself is fine, and
        // `torn` covers a write that may have stopped halfway.
        let mut sink = self
            .inner
            .file
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if sink.torn {
            line.insert(0, b'\n');
        }
        sink.torn = true;
        sink.file
            .write_all(&line)
            .map_err(|e| StoreError::io("append to", path, e))?;
        sink.torn = false;
        sink.written += 1;
        Ok(sink.written)
    }

    /// Returns once line `line_no` is on disk, syncing on this thread unless a finished
    /// sync covered it.
    fn sync_through(&self, line_no: u64) -> io::Result<()> {
        if let Some(result) = self.inner.commit.settled(line_no, line_no) {
            return result;
        }
        self.inner.flush()?;
        // A flush that failed meanwhile on another thread may have covered this line.
        self.inner
            .commit
            .settled(line_no, line_no)
            .unwrap_or(Ok(()))
    }
}

/// The intent line of an action, before it is written.
fn intent_record(ctx: &AuditContext, action: Action, target: Target) -> AuditRecord {
    AuditRecord {
        time: now_utc(),
        phase: Phase::Intent,
        id: uuid::Uuid::new_v4().simple().to_string(),
        os_user: ctx.os_user.clone(),
        profile: ctx.profile.clone(),
        base_url: ctx.base_url.clone(),
        key_fingerprint: ctx.key_fingerprint.clone(),
        action,
        org: target.org,
        store: target.store,
        user: target.user,
        entry_id: target.entry_id,
        item: target.item,
        category: target.category,
        task_id: None,
        http_status: None,
        backup_path: target.backup_path,
        result: None,
        error: None,
    }
}

/// An action whose intent is logged and whose outcome is still to be written.
#[must_use = "finish the action with an outcome line"]
#[derive(Debug)]
pub struct Pending {
    log: AuditLog,
    record: AuditRecord,
}

impl Pending {
    /// The correlation id shared by the intent and outcome lines.
    pub fn id(&self) -> &str {
        &self.record.id
    }

    /// Writes the outcome line, on disk before returning; blocks the thread for the flush.
    pub fn finish(self, outcome: Outcome) -> Result<(), StoreError> {
        let (log, record) = self.outcome(outcome);
        log.append(&record)
    }

    /// [`Pending::finish`] for async callers: the flush is awaited, not blocked on.
    pub async fn finish_async(self, outcome: Outcome) -> Result<(), StoreError> {
        let (log, record) = self.outcome(outcome);
        let line = log.write_line(&record)?;
        log.durable(line, line).await
    }

    /// Writes the outcome line without waiting for the disk; returns its number, for
    /// [`AuditLog::durable`] later. For bulk jobs, whose outcome lines are a record, not a
    /// precondition: the next intent's flush covers them anyway.
    pub fn write_outcome(self, outcome: Outcome) -> Result<u64, StoreError> {
        let (log, record) = self.outcome(outcome);
        log.write_line(&record)
    }

    fn outcome(self, outcome: Outcome) -> (AuditLog, AuditRecord) {
        let mut record = self.record;
        record.time = now_utc();
        record.phase = Phase::Outcome;
        record.result = Some(outcome.result);
        record.http_status = outcome.http_status;
        record.task_id = outcome.task_id;
        record.error = outcome.error;
        if outcome.backup_path.is_some() {
            record.backup_path = outcome.backup_path;
        }
        (self.log, record)
    }
}

/// The first 12 hex digits of the SHA-256 of the key: enough to tell keys apart in the log,
/// useless for recovering the key.
pub fn key_fingerprint(key: &SecretString) -> String {
    Sha256::digest(key.expose_secret().as_bytes())[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The last `n` records of the log, oldest first. A missing file has none; lines that do not
/// parse (a torn last line, a hand edit) are skipped.
pub fn read_recent(path: &Path, n: usize) -> Result<Vec<AuditRecord>, StoreError> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::io("open", path, e)),
    };
    let tail = read_tail_lines(&mut file, n).map_err(|e| StoreError::io("read", path, e))?;
    let mut records: Vec<AuditRecord> = tail
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .filter_map(|l| serde_json::from_slice(l).ok())
        .collect();
    let skip = records.len().saturating_sub(n);
    records.drain(..skip);
    Ok(records)
}

/// Reads backwards from the end until the text holds `n` whole lines (plus the possibly torn
/// last one), so a long log costs no more than its tail.
fn read_tail_lines(file: &mut File, n: usize) -> io::Result<Vec<u8>> {
    const BLOCK: u64 = 64 * 1024;
    let len = file.seek(SeekFrom::End(0))?;
    let mut start = len;
    let mut buf = Vec::new();
    while start > 0 {
        let step = BLOCK.min(start);
        start -= step;
        file.seek(SeekFrom::Start(start))?;
        let mut block = vec![0; usize::try_from(step).unwrap_or(usize::MAX)];
        file.read_exact(&mut block)?;
        block.extend_from_slice(&buf);
        buf = block;
        if buf.iter().filter(|&&b| b == b'\n').count() > n.saturating_add(1) {
            break;
        }
    }
    if start > 0 {
        // The first line may be cut; drop it.
        let first_newline = buf.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
        buf.drain(..first_newline);
    }
    Ok(buf)
}

fn ends_inside_a_line(file: &mut File) -> io::Result<bool> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::Start(len - 1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> AuditContext {
        AuditContext::new("prod", "https://x.example", &SecretString::from("k"))
    }

    #[test]
    fn intent_and_outcome_share_an_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let log = AuditLog::open(&path).unwrap();
        let org = OrgScope::new("main");
        let p = log
            .intent(
                &ctx(),
                Action::EntryErase,
                Target::user(&org, &UserRef::by_name("ann")).entry(7),
            )
            .unwrap();
        let id = p.id().to_owned();
        p.finish(Outcome::ok().status(204)).unwrap();
        let recs = read_recent(&path, 10).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].phase, Phase::Intent);
        assert_eq!(recs[0].result, None);
        assert_eq!(recs[1].phase, Phase::Outcome);
        assert_eq!(recs[1].result, Some(AuditResult::Ok));
        assert_eq!(recs[1].http_status, Some(204));
        assert!(recs.iter().all(|r| r.id == id && r.entry_id == Some(7)));
        assert_eq!(recs[0].action, Action::EntryErase);
        let raw = std::fs::read_to_string(&path).unwrap();
        assert!(raw.contains("\"action\":\"entry_erase\""), "{raw}");
        for action in [
            Action::Create,
            Action::Update,
            Action::EntryUpdate,
            Action::Erase,
            Action::EntryErase,
            Action::Restore,
            Action::Enable,
            Action::Disable,
            Action::Purge,
            Action::Export,
            Action::Forget,
        ] {
            let logged = serde_json::to_string(&action).expect("json");
            assert_eq!(
                logged,
                format!("\"{}\"", action.as_str()),
                "shown as logged"
            );
        }
        assert!(raw.contains("\"phase\":\"intent\""), "{raw}");
    }

    /// Group commit may skip a writer's own sync only when a finished sync covered its line:
    /// from many threads at once, every append returns with its line counted as synced.
    #[test]
    fn every_append_returns_with_its_line_synced_even_when_writers_share_syncs() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(dir.path().join("audit.jsonl")).unwrap();
        let org = OrgScope::new("main");
        std::thread::scope(|scope| {
            for worker in 0..8 {
                let (log, org) = (&log, &org);
                scope.spawn(move || {
                    for n in 0..25 {
                        let user = UserRef::by_name(format!("u{worker}-{n}"));
                        let pending = log
                            .intent(&ctx(), Action::Erase, Target::user(org, &user))
                            .unwrap();
                        let synced = log.inner.commit.synced();
                        let written = log.inner.written();
                        assert!(synced >= 1 && synced <= written, "{synced} of {written}");
                        pending.finish(Outcome::ok()).unwrap();
                    }
                });
            }
        });
        assert_eq!(log.inner.commit.synced(), 400);
        assert_eq!(read_recent(log.path(), 1000).unwrap().len(), 400);
    }

    /// The async path: each intent and outcome returns only once a flush covered its line,
    /// flushes start again after one ended (one at a time, never stuck "running"), and a
    /// line left by `write_outcome` is made durable by `durable` over its number.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn async_intents_and_outcomes_return_with_their_lines_synced() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(dir.path().join("audit.jsonl")).unwrap();
        let org = OrgScope::new("main");
        // A deadline, not a timing: a flush left "running" would hang the test instead.
        let run = async {
            for n in 0..3u64 {
                // Four lines a round: intent, outcome, unflushed intent, its outcome.
                let b = 4 * n;
                let user = UserRef::by_name(format!("u{n}\u{1b}]0;x\u{7}\u{202e}"));
                let p = log
                    .intent_async(&ctx(), Action::Erase, Target::user(&org, &user))
                    .await
                    .expect("intent");
                assert_eq!(log.inner.written(), b + 1);
                assert_eq!(log.inner.commit.synced(), b + 1, "intent not flushed");
                p.finish_async(Outcome::ok()).await.expect("outcome");
                assert_eq!(log.inner.commit.synced(), b + 2, "outcome not flushed");
                let q = log
                    .intent_unflushed(&ctx(), Action::Purge, Target::user(&org, &user))
                    .expect("unflushed intent");
                assert_eq!(log.inner.commit.synced(), b + 2, "flushed by no one");
                let line = q.write_outcome(Outcome::ok()).expect("outcome line");
                assert_eq!(line, b + 4, "outcome numbered after its intent");
                log.durable(line, line).await.expect("durable");
                assert!(log.inner.commit.synced() >= line, "durable returned early");
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(20), run)
            .await
            .expect("every flush ended");
        let recs = read_recent(log.path(), 100).unwrap();
        assert_eq!(recs.len(), 12, "every line written, one line each");
    }

    #[test]
    fn a_torn_line_is_skipped_and_the_next_line_stays_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        {
            let log = AuditLog::open(&path).unwrap();
            let p = log
                .intent(&ctx(), Action::Erase, Target::default())
                .unwrap();
            p.finish(Outcome::failed("boom")).unwrap();
        }
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(br#"{"time":"2024-01-0"#).unwrap();
        assert_eq!(read_recent(&path, 10).unwrap().len(), 2);
        let log = AuditLog::open(&path).unwrap();
        let p = log
            .intent(&ctx(), Action::Export, Target::default())
            .unwrap();
        p.finish(Outcome::ok()).unwrap();
        let recs = read_recent(&path, 10).unwrap();
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[3].action, Action::Export);
    }

    /// The log names whom an action touched, and a failed or refused outcome says so with
    /// its reason, hostile text included (kept as written, escaped by JSON on the line).
    #[test]
    fn lines_name_org_and_user_and_failures_keep_result_and_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let log = AuditLog::open(&path).unwrap();
        let org = OrgScope::new("main");
        let why = "boom \u{1b}]52;c;eA==\u{7} \u{202e}kcatta";
        let outcomes = [Outcome::failed(why), Outcome::refused("no\u{1b}[2J")];
        for (n, outcome) in outcomes.into_iter().enumerate() {
            let user = UserRef::by_name(format!("ann{n}"));
            let p = log
                .intent(&ctx(), Action::Erase, Target::user(&org, &user))
                .unwrap();
            p.finish(outcome).unwrap();
        }
        let recs = read_recent(&path, 10).unwrap();
        assert_eq!(recs.len(), 4);
        for (i, r) in recs.iter().enumerate() {
            assert_eq!(r.org.as_deref(), Some("main"), "line {i}");
            assert_eq!(r.user, Some(format!("ann{}", i / 2)), "line {i}");
        }
        assert_eq!(recs[1].result, Some(AuditResult::Failed));
        assert_eq!(recs[1].error.as_deref(), Some(why));
        assert_eq!(recs[3].result, Some(AuditResult::Refused));
        assert_eq!(recs[3].error.as_deref(), Some("no\u{1b}[2J"));
        let raw = std::fs::read_to_string(&path).unwrap();
        assert!(!raw.contains('\u{1b}'), "control bytes escaped on the line");
    }

    /// Only a torn end gets a newline first: a log reopened after whole lines (or empty)
    /// goes on with no blank line between sessions.
    #[test]
    fn a_log_reopened_after_whole_lines_gets_no_blank_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        for action in [Action::Erase, Action::Export, Action::Purge] {
            let log = AuditLog::open(&path).unwrap();
            let p = log.intent(&ctx(), action, Target::default()).unwrap();
            p.finish(Outcome::ok()).unwrap();
        }
        let raw = std::fs::read_to_string(&path).unwrap();
        assert!(!raw.starts_with('\n') && !raw.contains("\n\n"), "{raw:?}");
        assert_eq!(raw.lines().count(), 6);
    }

    #[test]
    fn read_recent_keeps_the_last_n_of_a_long_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let log = AuditLog::open(&path).unwrap();
        let big = "x".repeat(3000);
        for i in 0..100 {
            let p = log
                .intent(&ctx(), Action::Update, Target::default().entry(i))
                .unwrap();
            p.finish(Outcome::failed(big.clone())).unwrap();
        }
        let recs = read_recent(&path, 5).unwrap();
        assert_eq!(recs.len(), 5);
        assert_eq!(recs[4].entry_id, Some(99));
        assert_eq!(recs[0].entry_id, Some(97));
        assert_eq!(read_recent(&path, 1000).unwrap().len(), 200);
        assert!(read_recent(&dir.path().join("none"), 5).unwrap().is_empty());
    }

    #[test]
    fn fingerprints_are_12_hex_digits() {
        let f = key_fingerprint(&SecretString::from("abc"));
        // SHA-256("abc") = ba7816bf8f01cfea...
        assert_eq!(f, "ba7816bf8f01");
    }

    #[test]
    fn api_errors_carry_their_status() {
        let o = Outcome::api_error(&ApiError::Forbidden { detail: None });
        assert_eq!(o.http_status, Some(403));
        assert_eq!(o.result, AuditResult::Failed);
        assert_eq!(http_status_of(&ApiError::Timeout), None);
    }

    #[test]
    fn store_item_and_category_are_on_both_lines_and_old_lines_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let log = AuditLog::open(&path).unwrap();
        let target = Target::user(&OrgScope::new("main"), &UserRef::by_name("ann"))
            .store("mentor")
            .item("e-1")
            .category("a/b c");
        let p = log.intent(&ctx(), Action::Forget, target).unwrap();
        p.finish(Outcome::ok().status(200)).unwrap();
        let recs = read_recent(&path, 10).unwrap();
        assert_eq!(recs.len(), 2);
        for r in &recs {
            assert_eq!(r.store.as_deref(), Some("mentor"));
            assert_eq!(r.item.as_deref(), Some("e-1"));
            assert_eq!(r.category.as_deref(), Some("a/b c"));
            assert_eq!(r.action, Action::Forget);
        }
        // A line written before stores were named reads with no store.
        let old = r#"{"time":"2026-01-01T00:00:00Z","phase":"intent","id":"x","os_user":"u","profile":"p","base_url":"b","key_fingerprint":"f","action":"erase","org":"main","user":"ann","entry_id":null,"task_id":null,"http_status":null,"backup_path":null,"result":null,"error":null}"#;
        let rec: AuditRecord = serde_json::from_str(old).unwrap();
        assert_eq!(rec.store, None);
        let raw = std::fs::read_to_string(&path).unwrap();
        assert!(raw.contains("\"store\":\"mentor\""), "{raw}");
    }

    #[test]
    fn every_error_with_an_http_status_logs_that_status_and_only_those() {
        let with = [
            (ApiError::Unauthorized { detail: None }, 401),
            (ApiError::Forbidden { detail: None }, 403),
            (ApiError::NotFound { detail: None }, 404),
            (ApiError::RateLimited { retry_after: None }, 429),
            (
                ApiError::Validation {
                    status: 422,
                    messages: Vec::new(),
                },
                422,
            ),
            (
                ApiError::Server {
                    status: 503,
                    excerpt: "\u{1b}[2J".into(),
                },
                503,
            ),
            (
                ApiError::UnexpectedStatus {
                    status: 418,
                    excerpt: String::new(),
                },
                418,
            ),
        ];
        for (e, status) in with {
            assert_eq!(http_status_of(&e), Some(status), "{e:?}");
            assert_eq!(Outcome::api_error(&e).http_status, Some(status));
        }
        let without = [
            ApiError::Timeout,
            ApiError::Connection {
                reason: "refused".into(),
            },
            ApiError::TooLarge { limit: 1 },
            ApiError::InvalidRequest("bad".into()),
        ];
        for e in without {
            assert_eq!(http_status_of(&e), None, "{e:?}");
        }
    }

    #[test]
    fn the_os_user_without_user_in_the_environment_is_the_name_of_this_uid() {
        // `id` reads the same passwd file by other code: the name, or the bare uid.
        let id = |flag: &str| {
            std::process::Command::new("id")
                .arg(flag)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        };
        let expected = match id("-un") {
            Some(name) => name,
            None => format!("uid {}", id("-u").expect("id -u")),
        };
        assert_eq!(user_from_uid(), Some(expected));
    }

    #[test]
    fn a_log_that_cannot_be_opened_is_an_error_not_an_empty_log() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, b"x").unwrap();
        // Under a file: "not a directory", not "not found".
        assert!(read_recent(&file.join("audit.jsonl"), 5).is_err());
    }

    #[test]
    fn the_backup_and_task_of_an_action_are_on_its_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let log = AuditLog::open(&path).unwrap();
        let before = dir.path().join("backup-\u{202e}1.json");
        let during = dir.path().join("backup-2.json");
        let target = Target::user(&OrgScope::new("main"), &UserRef::by_name("ann"))
            .entry(3)
            .backup(&before);
        let p = log.intent(&ctx(), Action::Restore, target).unwrap();
        p.finish(Outcome::ok().status(202).task("t-9").backup(&during))
            .unwrap();
        let p = log
            .intent(&ctx(), Action::Update, Target::default().backup(&before))
            .unwrap();
        p.finish(Outcome::failed("no")).unwrap();
        let recs = read_recent(&path, 10).unwrap();
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[0].backup_path.as_deref(), Some(before.as_path()));
        assert_eq!(recs[1].backup_path.as_deref(), Some(during.as_path()));
        assert_eq!(recs[1].task_id.as_deref(), Some("t-9"));
        assert_eq!(recs[1].entry_id, Some(3));
        assert_eq!(
            recs[3].backup_path.as_deref(),
            Some(before.as_path()),
            "an outcome without a backup of its own keeps the intent's"
        );
        assert_eq!(recs[3].task_id, None);
    }
}
