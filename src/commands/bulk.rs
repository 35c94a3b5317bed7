//! The engine of the bulk jobs: a fixed number of workers sharing one client, fed users
//! through a bounded channel as the source is read, a journal line per user, progress,
//! Ctrl-C handling and the counts for the summary. Memory does not grow with the number of
//! users: only counters and the first [`LISTED`] names of each kind are kept (the journal
//! has every one).

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
#[cfg(test)]
use std::sync::atomic::AtomicU64;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinSet;

use super::exit::{CmdError, CmdResult, Exit};
use super::journal::{Finished, Journal, Record, Status};
use super::output::{print_json, write_stdout};
use super::progress::Progress;
use super::userlist::{Line, Source};
use crate::text::sanitize_single_line as escape;

/// How many names of each kind (failed, unknown, ...) the summary lists.
pub const LISTED: usize = 100;

/// A count and the first [`LISTED`] of what was counted.
#[derive(Debug, Serialize)]
pub struct Listed<T> {
    pub count: u64,
    pub first: Vec<T>,
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Listed {
            count: 0,
            first: Vec::new(),
        }
    }
}

impl<T> Listed<T> {
    fn push(&mut self, item: T) {
        self.count += 1;
        if self.first.len() < LISTED {
            self.first.push(item);
        }
    }

    /// Some were counted but not listed.
    fn cut(&self) -> bool {
        self.count > self.first.len() as u64
    }
}

/// How a run went.
#[derive(Debug, Default)]
pub struct RunReport {
    pub done: u64,
    pub empty: u64,
    pub bytes: u64,
    pub failures: Listed<Failure>,
    /// Names the org does not know.
    pub unknown: Listed<String>,
    /// Users an earlier run erased whose journal line was lost (a kill): their backup.
    pub erased_earlier: Listed<Earlier>,
    /// Exports that hold only part of what a store keeps, with what may be missing.
    pub incomplete: Listed<Failure>,
    /// Source lines that are not names (not UTF-8, too long), by number.
    pub bad_lines: Listed<u64>,
    /// The users file could not be read to its end.
    pub read_error: Option<String>,
    /// Distinct users in the source, and those finished by an earlier run (skipped).
    pub total: u64,
    pub skipped: u64,
    /// Ctrl-C (or the test stop) came while users were still queued.
    pub interrupted: bool,
    pub elapsed: Duration,
}

#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub user: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Earlier {
    pub user: String,
    pub backup: Option<PathBuf>,
}

/// What feeding the workers found in the source.
#[derive(Debug, Default)]
struct Fed {
    total: u64,
    skipped: u64,
    /// Users to do that were never handed to a worker (the job stopped first).
    unsent: u64,
    bad_lines: Listed<u64>,
    read_error: Option<String>,
}

/// A job: its source of users, the users an earlier run finished, and how to run.
pub struct Job<'a> {
    pub source: Source,
    pub finished: Finished,
    /// Users to do, for the progress bar (see [`Source::count`]); unknown for a pipe.
    pub todo: Option<u64>,
    pub concurrency: usize,
    pub stop_after: Option<u64>,
    pub label: &'static str,
    pub journal: Option<&'a Journal>,
}

/// Runs `work` for each user of the job not finished before, `concurrency` at a time, and
/// journals every outcome. Users are read from the source as workers free up (a bounded
/// channel), so the source is never held. Stops starting users on Ctrl-C (a second Ctrl-C
/// exits at once; the journal is already written line by line) or after `stop_after`
/// outcomes.
pub async fn run<F, Fut>(job: Job<'_>, work: F) -> CmdResult<RunReport>
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Record> + Send + 'static,
{
    let started = Instant::now();
    let Job {
        source,
        finished,
        todo,
        concurrency,
        stop_after,
        label,
        journal,
    } = job;
    // After a stop, the rest of a file is still counted for the summary; the org's list is
    // not paged on (that would be requests, for a number).
    let count_rest = matches!(source, Source::File { .. });
    let lines = source.lines()?;
    let mut progress = Progress::new(label, todo);
    let stop = Arc::new(AtomicBool::new(false));
    let (feed_tx, feed_rx) = mpsc::channel::<String>(concurrency * 2);
    let feeder = tokio::task::spawn_blocking(move || feed(lines, &finished, &feed_tx, count_rest));
    let queue = Arc::new(Mutex::new(feed_rx));
    let work = Arc::new(work);
    let (tx, mut rx) = mpsc::channel::<Record>(concurrency * 2);
    let mut workers = JoinSet::new();
    for _ in 0..concurrency {
        let (stop, queue, work, tx) = (stop.clone(), queue.clone(), work.clone(), tx.clone());
        workers.spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let next = queue.lock().await.recv().await;
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
    let mut journaled = 0u64;
    while let Some(record) = rx.recv().await {
        match journal.map(|j| j.append(&record)) {
            Some(Ok(())) => journaled += 1,
            Some(Err(e)) if journal_error.is_none() => {
                // Without a journal a re-run could not skip finished users: stop here.
                stop.store(true, Ordering::Relaxed);
                journal_error = Some(e);
            }
            _ => {}
        }
        seen += 1;
        report.bytes += record.bytes;
        match record.status {
            Status::Done => report.done += 1,
            Status::Empty => report.empty += 1,
            Status::Unknown => report.unknown.push(record.user),
            Status::Incomplete => report.incomplete.push(Failure {
                user: record.user,
                reason: record.reason.unwrap_or_default(),
            }),
            Status::ErasedEarlier => report.erased_earlier.push(Earlier {
                user: record.user,
                backup: record.backup,
            }),
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
    // What was queued but never taken; then the feeder, its channel closed, ends.
    let buffered = queue.lock().await.len() as u64;
    drop(queue);
    let fed = feeder
        .await
        .map_err(|e| CmdError::other(format!("reading the users stopped: {e}")))?;
    if let Some(mut e) = journal_error {
        // The journal is what lets a re-run skip finished users: say how far the job got
        // and that the same command goes on once the journal can be written again.
        if let Some(j) = journal {
            let _ = j.sync();
        }
        e.message = format!(
            "{}\nthe job stopped: {journaled} users of this run are in the journal, the rest \
             not started or not recorded; make room (or fix the folder), then run the same \
             command again: it goes on from the journal",
            e.message
        );
        return Err(e);
    }
    if let Some(j) = journal {
        j.sync().map_err(|mut e| {
            e.message = format!(
                "{}\nthe job ran to its end, but its last journal lines may not be on disk: \
                 a re-run looks at those users again",
                e.message
            );
            e
        })?;
    }
    report.total = fed.total;
    report.skipped = fed.skipped;
    report.bad_lines = fed.bad_lines;
    report.read_error = fed.read_error;
    report.interrupted = stop.load(Ordering::Relaxed) && (buffered > 0 || fed.unsent > 0);
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Hands the source's users, repeats and finished ones left out, to the workers as they
/// take them; counts what it reads. Runs on a blocking thread: the file is read as needed.
fn feed(
    lines: Box<dyn Iterator<Item = Line> + Send>,
    finished: &Finished,
    tx: &mpsc::Sender<String>,
    count_rest: bool,
) -> Fed {
    let mut fed = Fed::default();
    let mut open = true;
    for line in lines {
        match line {
            Line::Name(name) => {
                fed.total += 1;
                if finished.contains(&name) {
                    fed.skipped += 1;
                    continue;
                }
                // After a stop the rest is still counted, for the summary's total.
                if open && tx.blocking_send(name).is_err() {
                    open = false;
                }
                if !open {
                    fed.unsent += 1;
                    if !count_rest {
                        break;
                    }
                }
            }
            Line::Bad(n, why) => {
                if fed.bad_lines.count < LISTED as u64 {
                    eprintln!("users file line {n} {}: skipped", why.why());
                }
                fed.bad_lines.push(n);
            }
            // Said once, by the summary.
            Line::ReadError(e) => fed.read_error = Some(e),
        }
    }
    fed
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

/// What a bulk job prints at the end (and in `--json`). Each list holds the first
/// [`LISTED`] of its kind; the count beside it is the whole number (every user is in the
/// journal).
#[derive(Debug, Serialize)]
pub struct Summary {
    pub job: &'static str,
    pub org: String,
    pub total: u64,
    pub done: u64,
    /// Users with no memory: nothing to export or erase (counted as finished).
    pub empty: u64,
    /// Users finished by an earlier run of the same job (from the journal).
    pub skipped: u64,
    pub failed: u64,
    pub failures: Vec<Failure>,
    /// Names the org does not know (a purge checks each name whose memory read says 404).
    pub unknown: u64,
    pub unknown_users: Vec<String>,
    /// Users an earlier, killed run erased before it could journal them; with their backup.
    pub erased_earlier: u64,
    pub erased_earlier_users: Vec<Earlier>,
    /// Exports whose file holds only part of a store, with what may be missing.
    pub incomplete: u64,
    pub incomplete_users: Vec<Failure>,
    /// Lines of the users file that are not names (skipped), by number from 1.
    pub bad_lines: u64,
    pub bad_line_numbers: Vec<u64>,
    /// The users file could not be read to its end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_error: Option<String>,
    /// Some list above holds only its first entries (see the journal for all).
    pub lists_cut: bool,
    pub interrupted: bool,
    pub bytes: u64,
    pub out_dir: PathBuf,
    pub backups: PathBuf,
    pub journal: PathBuf,
    pub elapsed_secs: f64,
    pub users_per_sec: f64,
}

impl Summary {
    pub fn new(job: &'static str, org: &str, report: RunReport, places: Places) -> Summary {
        let secs = report.elapsed.as_secs_f64();
        let processed = report.done
            + report.empty
            + report.failures.count
            + report.unknown.count
            + report.erased_earlier.count
            + report.incomplete.count;
        let lists_cut = report.failures.cut()
            || report.unknown.cut()
            || report.erased_earlier.cut()
            || report.incomplete.cut()
            || report.bad_lines.cut();
        Summary {
            job,
            org: org.into(),
            total: report.total,
            done: report.done,
            empty: report.empty,
            skipped: report.skipped,
            failed: report.failures.count,
            failures: report.failures.first,
            unknown: report.unknown.count,
            unknown_users: report.unknown.first,
            erased_earlier: report.erased_earlier.count,
            erased_earlier_users: report.erased_earlier.first,
            incomplete: report.incomplete.count,
            incomplete_users: report.incomplete.first,
            bad_lines: report.bad_lines.count,
            bad_line_numbers: report.bad_lines.first,
            read_error: report.read_error,
            lists_cut,
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
            write_stdout(self.text().as_bytes())?;
        }
        if self.interrupted {
            eprintln!(
                "interrupted: run the same command with --out {} to finish",
                self.out_dir.display()
            );
            return Ok(Exit::Interrupted);
        }
        if let Some(e) = &self.read_error {
            eprintln!("{}", escape(e));
            return Ok(Exit::Other);
        }
        if self.failed > 0 {
            eprintln!(
                "{} failed; run the same command with --out {} to retry {}",
                crate::text::count_noun(self.failed as usize, "user", "users"),
                self.out_dir.display(),
                if self.failed == 1 { "it" } else { "them" }
            );
        }
        if self.unknown > 0 {
            eprintln!(
                "{} of {}: nothing was erased for them (the journal lists them)",
                crate::text::count_noun(
                    self.unknown as usize,
                    "name is not a user",
                    "names are not users"
                ),
                escape(&self.org)
            );
        }
        if self.bad_lines > 0 {
            eprintln!(
                "{} lines of the users file are not names (not UTF-8, or over 1 024 bytes) and were skipped",
                self.bad_lines
            );
        }
        if self.incomplete > 0 {
            eprintln!(
                "{} only part of what a store keeps (the server showed no more); the journal and the files' read_gaps say what may be missing",
                crate::text::count_noun(self.incomplete as usize, "file holds", "files hold")
            );
        }
        if self.failed > 0 || self.unknown > 0 || self.bad_lines > 0 || self.incomplete > 0 {
            return Ok(Exit::Partial);
        }
        Ok(Exit::Ok)
    }

    /// The human summary: the counts, then the listed users, every name escaped.
    fn text(&self) -> String {
        let mut text = format!(
            "{}: {} done, {} had no memory, {} unknown, {} skipped (done before), {} failed, of {} users in {} ({:.1} s, {:.1} users/s)\n",
            self.job,
            self.done,
            self.empty,
            self.unknown,
            self.skipped,
            self.failed,
            self.total,
            escape(&self.org),
            self.elapsed_secs,
            self.users_per_sec
        );
        if self.erased_earlier > 0 {
            text.push_str(&format!(
                "{} erased by an earlier run whose journal line was lost (backups kept)\n",
                self.erased_earlier
            ));
        }
        for f in &self.failures {
            text.push_str(&format!(
                "  failed {}: {}\n",
                shown_name(&f.user),
                escape(&f.reason)
            ));
        }
        more(&mut text, self.failed, self.failures.len(), "failed");
        for u in &self.unknown_users {
            text.push_str(&format!(
                "  unknown {}: not a user of the org\n",
                shown_name(u)
            ));
        }
        more(&mut text, self.unknown, self.unknown_users.len(), "unknown");
        for f in &self.incomplete_users {
            text.push_str(&format!(
                "  incomplete {}: {}\n",
                shown_name(&f.user),
                escape(&f.reason)
            ));
        }
        more(
            &mut text,
            self.incomplete,
            self.incomplete_users.len(),
            "incomplete",
        );
        for e in &self.erased_earlier_users {
            let backup = e
                .backup
                .as_ref()
                .map_or_else(|| "no backup".to_owned(), |p| p.display().to_string());
            text.push_str(&format!(
                "  erased by an earlier run {}: backup {}\n",
                shown_name(&e.user),
                escape(&backup)
            ));
        }
        more(
            &mut text,
            self.erased_earlier,
            self.erased_earlier_users.len(),
            "erased by an earlier run",
        );
        for n in &self.bad_line_numbers {
            text.push_str(&format!("  line {n} of the users file is not a name\n"));
        }
        if self.bad_lines > self.bad_line_numbers.len() as u64 {
            text.push_str(&format!(
                "  ... and {} more lines that are not names\n",
                self.bad_lines - self.bad_line_numbers.len() as u64
            ));
        }
        // An export's folder holds its files; a purge's, the backups of what it erased.
        let folder = if self.job == "export" {
            "files"
        } else {
            "backups"
        };
        text.push_str(&format!("{folder}: {}\n", self.backups.display()));
        text.push_str(&format!("journal: {}\n", self.journal.display()));
        text
    }
}

/// "  ... and 12 more failed: the journal lists every one".
fn more(text: &mut String, count: u64, shown: usize, what: &str) {
    if count > shown as u64 {
        text.push_str(&format!(
            "  ... and {} more {what}: the journal lists every one\n",
            count - shown as u64
        ));
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

/// A name as the human summary shows it: escaped, and cut in the middle past 120 columns
/// (a 200 KB "name" in a users file would bury the summary; `--json` has it whole).
fn shown_name(name: &str) -> String {
    crate::text::truncate_middle(&escape(name), 120).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_name_is_cut_in_the_summary_and_kept_escaped() {
        let huge = format!("\u{1b}]0;x\u{7}{}end", "a".repeat(200_000));
        let shown = shown_name(&huge);
        assert!(crate::text::display_width(&shown) <= 120, "{}", shown.len());
        assert!(
            shown.starts_with("\\x1b]0;x\\x07") && shown.ends_with("end"),
            "{shown}"
        );
        assert_eq!(shown_name("ann"), "ann");
    }

    #[test]
    fn a_list_counts_everything_and_keeps_only_its_first_entries() {
        let mut failures = Listed::default();
        for i in 0..(LISTED as u64 * 3 + 7) {
            failures.push(i);
        }
        assert_eq!(failures.count, LISTED as u64 * 3 + 7);
        assert_eq!(failures.first.len(), LISTED);
        assert_eq!(failures.first[LISTED - 1], LISTED as u64 - 1);
        assert!(failures.cut());
        let mut few = Listed::default();
        few.push("ann");
        assert!(!few.cut());
    }

    #[cfg(target_os = "linux")]
    #[tokio::test(flavor = "multi_thread")]
    async fn a_journal_that_cannot_be_written_stops_the_job_and_says_how_to_go_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.txt");
        std::fs::write(
            &path,
            (0..10).map(|i| format!("u{i}\n")).collect::<String>(),
        )
        .unwrap();
        let journal = Journal::on_a_full_disk();
        let started = Arc::new(AtomicU64::new(0));
        let counter = started.clone();
        let job = Job {
            source: Source::File {
                file: std::fs::File::open(&path).unwrap(),
                path,
                counted: Default::default(),
            },
            finished: Finished::default(),
            todo: None,
            concurrency: 1,
            stop_after: None,
            label: "test",
            journal: Some(&journal),
        };
        let err = run(job, move |user| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                // Long enough for the journal's failure to be seen before most users start.
                tokio::time::sleep(Duration::from_millis(20)).await;
                failed(user, "x")
            }
        })
        .await
        .expect_err("a journal that cannot be written stops the job");
        assert!(
            err.message.starts_with("cannot append to /dev/full"),
            "{err}"
        );
        assert!(err.message.contains("run the same command again"), "{err}");
        let seen = started.load(Ordering::SeqCst);
        assert!(
            err.message
                .contains("the job stopped: 0 users of this run are in the journal"),
            "{err}"
        );
        assert!(
            seen < 10,
            "users stop being started once the journal fails: {seen}"
        );
    }
}
