//! The engine of the bulk jobs: a fixed number of workers sharing one client and one queue
//! of users, a journal line per user, progress, Ctrl-C handling and the summary.

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::exit::{CmdResult, Exit};
use super::journal::{Journal, Record, Status};
use super::output::{print_json, write_stdout};
use super::progress::Progress;

/// How a run went.
#[derive(Debug, Default)]
pub struct RunReport {
    pub done: u64,
    pub empty: u64,
    pub bytes: u64,
    pub failures: Vec<Failure>,
    /// Ctrl-C (or the test stop) came while users were still queued.
    pub interrupted: bool,
    pub elapsed: Duration,
}

#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub user: String,
    pub reason: String,
}

/// Runs `work` for each user, `concurrency` at a time, and journals every outcome. Stops
/// starting users on Ctrl-C (a second Ctrl-C exits at once; the journal is already
/// written line by line) or after `stop_after` outcomes.
pub async fn run<F, Fut>(
    users: Vec<String>,
    concurrency: usize,
    stop_after: Option<u64>,
    label: &'static str,
    journal: Option<&Journal>,
    work: F,
) -> CmdResult<RunReport>
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Record> + Send + 'static,
{
    let started = Instant::now();
    let mut progress = Progress::new(label, users.len() as u64);
    let stop = Arc::new(AtomicBool::new(false));
    let queue = Arc::new(Mutex::new(users.into_iter()));
    let work = Arc::new(work);
    let (tx, mut rx) = mpsc::channel::<Record>(concurrency * 2);
    let mut workers = JoinSet::new();
    for _ in 0..concurrency {
        let (stop, queue, work, tx) = (stop.clone(), queue.clone(), work.clone(), tx.clone());
        workers.spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
                let Some(user) = next else { break };
                if tx.send(work(user).await).await.is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    let signals = tokio::spawn(watch_ctrl_c(stop.clone()));
    let mut report = RunReport::default();
    let mut journal_error = None;
    let mut seen = 0u64;
    while let Some(record) = rx.recv().await {
        if let Some(j) = journal
            && let Err(e) = j.append(&record)
            && journal_error.is_none()
        {
            // Without a journal a re-run could not skip finished users: stop here.
            stop.store(true, Ordering::Relaxed);
            journal_error = Some(e);
        }
        seen += 1;
        report.bytes += record.bytes;
        match record.status {
            Status::Done => report.done += 1,
            Status::Empty => report.empty += 1,
            Status::Failed => report.failures.push(Failure {
                user: record.user,
                reason: record.reason.unwrap_or_default(),
            }),
        }
        progress.inc();
        if stop_after.is_some_and(|n| seen >= n) {
            stop.store(true, Ordering::Relaxed);
        }
    }
    signals.abort();
    while workers.join_next().await.is_some() {}
    progress.finish();
    if let Some(j) = journal {
        j.sync()?;
    }
    if let Some(e) = journal_error {
        return Err(e);
    }
    let left = queue.lock().unwrap_or_else(PoisonError::into_inner).len();
    report.interrupted = stop.load(Ordering::Relaxed) && left > 0;
    report.elapsed = started.elapsed();
    Ok(report)
}

async fn watch_ctrl_c(stop: Arc<AtomicBool>) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    stop.store(true, Ordering::Relaxed);
    eprintln!(
        "\nCtrl-C: starting no more users; waiting for those in flight (Ctrl-C again to quit now)"
    );
    if tokio::signal::ctrl_c().await.is_ok() {
        eprintln!("quitting; the journal holds every finished user");
        std::process::exit(Exit::Interrupted as i32);
    }
}

/// Where a job keeps its files.
#[derive(Debug, Clone)]
pub struct Places {
    pub out_dir: PathBuf,
    pub backups: PathBuf,
    pub journal: PathBuf,
}

/// What a bulk job prints at the end (and in `--json`).
#[derive(Debug, Serialize)]
pub struct Summary {
    pub job: &'static str,
    pub org: String,
    pub total: usize,
    pub done: u64,
    /// Users with no memory: nothing to export or erase (counted as finished).
    pub empty: u64,
    /// Users finished by an earlier run of the same job (from the journal).
    pub skipped: usize,
    pub failed: usize,
    pub failures: Vec<Failure>,
    pub interrupted: bool,
    pub bytes: u64,
    pub out_dir: PathBuf,
    pub backups: PathBuf,
    pub journal: PathBuf,
    pub elapsed_secs: f64,
    pub users_per_sec: f64,
}

impl Summary {
    pub fn new(
        job: &'static str,
        org: &str,
        total: usize,
        skipped: usize,
        report: RunReport,
        places: Places,
    ) -> Summary {
        let secs = report.elapsed.as_secs_f64();
        let processed = report.done + report.empty + report.failures.len() as u64;
        Summary {
            job,
            org: org.into(),
            total,
            done: report.done,
            empty: report.empty,
            skipped,
            failed: report.failures.len(),
            failures: report.failures,
            interrupted: report.interrupted,
            bytes: report.bytes,
            out_dir: places.out_dir,
            backups: places.backups,
            journal: places.journal,
            elapsed_secs: secs,
            users_per_sec: if secs > 0.0 {
                processed as f64 / secs
            } else {
                0.0
            },
        }
    }

    /// Prints the summary (JSON on stdout, or lines) and picks the exit code.
    pub fn emit(&self, json: bool) -> CmdResult {
        if json {
            print_json(self)?;
        } else {
            let mut text = format!(
                "{}: {} done, {} had no memory, {} skipped (done before), {} failed, of {} users in {} ({:.1} s, {:.1} users/s)\n",
                self.job,
                self.done,
                self.empty,
                self.skipped,
                self.failed,
                self.total,
                self.org,
                self.elapsed_secs,
                self.users_per_sec
            );
            for f in &self.failures {
                text.push_str(&format!("  failed {}: {}\n", f.user, f.reason));
            }
            text.push_str(&format!("backups: {}\n", self.backups.display()));
            text.push_str(&format!("journal: {}\n", self.journal.display()));
            write_stdout(text.as_bytes())?;
        }
        if self.interrupted {
            eprintln!(
                "interrupted: run the same command with --out {} to finish",
                self.out_dir.display()
            );
            return Ok(Exit::Interrupted);
        }
        if self.failed > 0 {
            eprintln!(
                "{} users failed; run the same command with --out {} to retry them",
                self.failed,
                self.out_dir.display()
            );
            return Ok(Exit::Partial);
        }
        Ok(Exit::Ok)
    }
}

/// A failed record for `user`.
pub fn failed(user: String, reason: impl Into<String>) -> Record {
    Record {
        user,
        status: Status::Failed,
        reason: Some(reason.into()),
        backup: None,
        bytes: 0,
    }
}
