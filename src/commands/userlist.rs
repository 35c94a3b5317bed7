//! Which users a bulk job covers: a users file, read line by line as the job goes (never
//! held whole), or every user of the org, listed page by page as the job goes.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Take};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use super::context::Ctx;
use super::exit::{CmdError, CmdResult};
use super::journal::Finished;
use super::repeats::{Once, Repeats};
use super::users::all_users;
use crate::api::{ApiClient, OrgScope, PageCursor, UsersQuery};
use crate::cli::UserSelection;
use crate::text::sanitize_single_line;

/// The users a job covers, not yet read.
#[derive(Debug)]
pub enum Source {
    /// A users file (or a pipe: `--users-file <(...)`), opened once and streamed: a million
    /// lines cost what a thousand do. Every read goes through this one descriptor, so the
    /// count and the job see the same file even if its path is replaced meanwhile.
    File {
        path: PathBuf,
        file: File,
        /// What the first [`Source::count`] found (a regular file only).
        counted: OnceLock<Counted>,
    },
    /// Every user of the org, a page at a time as workers free up (repeats dropped by the
    /// paging cursor, which is what still grows with the org: 8 bytes a user listed).
    Org { client: ApiClient, org: OrgScope },
}

/// Why a line of a users file is not taken as a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadLine {
    NotUtf8,
    /// Longer than [`MAX_LINE`]: no user name is, and holding it would let one line (of
    /// `/dev/zero`, say) take all memory.
    TooLong,
}

impl BadLine {
    pub fn why(self) -> String {
        match self {
            BadLine::NotUtf8 => "is not UTF-8".to_owned(),
            BadLine::TooLong => format!("is longer than {MAX_LINE} bytes"),
        }
    }
}

/// The longest line taken as a name.
pub const MAX_LINE: usize = 1024;

/// How much of a line too long to be a name is read past before giving up on the file: a
/// line without end (`/dev/zero`) ends the job with an error instead of holding its feeder
/// (and a Ctrl-C) for ever.
const MAX_DROPPED: u64 = 64 << 20;

/// A regular users file as the first count read it: its names that may repeat, and its
/// length and modification time then. The job reads no further than that length and stops
/// if the file changes under it, so it handles exactly the users it announced.
#[derive(Debug)]
pub struct Counted {
    repeats: Arc<Repeats>,
    len: u64,
    stamp: Stamp,
}

impl Counted {
    fn still_matches(&self, file: &File) -> bool {
        file.metadata().is_ok_and(|m| {
            let now = Stamp::of(&m);
            // A file moved over its path, or removed, loses its last link, which sets its
            // change time: its content is as it was, and the job reads on.
            m.len() == self.len
                && now.modified == self.stamp.modified
                && (now.changed == self.stamp.changed || unlinked(&m))
        })
    }
}

/// What tells a file changed besides its length: its modification time, and on Unix its
/// change time, which a write sets and no one can set back (`cp -p`, `touch -r` and
/// `rsync -t --inplace` restore the modification time after rewriting in place).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    changed: (i64, i64),
}

#[cfg(unix)]
fn unlinked(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() == 0
}

#[cfg(not(unix))]
fn unlinked(_: &std::fs::Metadata) -> bool {
    false
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let changed = {
            use std::os::unix::fs::MetadataExt;
            (meta.ctime(), meta.ctime_nsec())
        };
        #[cfg(not(unix))]
        let changed = (0, 0);
        Stamp {
            modified: meta.modified().ok(),
            changed,
        }
    }
}

/// One line of the source as the job sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Name(String),
    /// A line that is not a name, by its number (1-based) and why: reported, the others go on.
    Bad(u64, BadLine),
    /// The file could not be read on (after this many lines): the rest is not covered.
    ReadError(String),
}

pub async fn select(ctx: &Ctx, org: &OrgScope, sel: &UserSelection) -> CmdResult<Source> {
    match &sel.users_file {
        // Opened now, so a missing file is a usage error before anything starts.
        Some(path) => Ok(Source::File {
            path: path.clone(),
            file: open(path)?,
            counted: OnceLock::new(),
        }),
        None => Ok(Source::Org {
            client: ctx.client.clone(),
            org: org.clone(),
        }),
    }
}

impl Source {
    /// Every line, in order, repeats of a name dropped.
    pub fn lines(self) -> CmdResult<Box<dyn Iterator<Item = Line> + Send>> {
        match self {
            // Pages are fetched on the thread that reads the lines (the job's feeder, a
            // blocking thread), on this runtime.
            Source::Org { client, org } => Ok(Box::new(OrgPages {
                client,
                org,
                runtime: tokio::runtime::Handle::current(),
                cursor: PageCursor::new(),
                page: VecDeque::new(),
                failed: false,
            })),
            Source::File {
                file,
                path,
                counted,
            } => {
                let Some(counted) = counted.into_inner() else {
                    let mut once = Once::default();
                    return Ok(Box::new(
                        FileLines::new(BufReader::new(file))
                            .filter(move |l| !matches!(l, Line::Name(n) if !once.first(n))),
                    ));
                };
                // The count read the file to its end: start it over.
                rewind(&file, &path)?;
                let watch = file
                    .try_clone()
                    .map_err(|e| CmdError::other(format!("cannot read {}: {e}", path.display())))?;
                Ok(Box::new(Watched {
                    lines: FileLines::new(BufReader::new(file.take(counted.len))),
                    once: Once::scanned(counted.repeats.clone()),
                    counted,
                    file: watch,
                    path,
                    ended: false,
                }))
            }
        }
    }

    /// Whether the names come from the org's users list (`--all`).
    pub fn is_org(&self) -> bool {
        matches!(self, Source::Org { .. })
    }

    /// How many distinct names it holds, and how many of those are not in `finished`, for
    /// the prompt and the progress bar. The first count reads the file twice: once to find
    /// the names that may repeat ([`Repeats`]), once to count; memory stays flat in the
    /// file's length. `None` for a pipe, which can be read only once, and for the org's
    /// list, which is read as the job goes.
    pub fn count(&self, finished: &Finished) -> CmdResult<Option<(u64, u64)>> {
        let mut total = 0;
        let mut todo = 0;
        let mut tally = |name: &str| {
            total += 1;
            if !finished.contains(name) {
                todo += 1;
            }
        };
        match self {
            Source::Org { .. } => return Ok(None),
            Source::File {
                path,
                file,
                counted,
            } => {
                let meta = match file.metadata() {
                    Ok(m) if m.is_file() => m,
                    _ => return Ok(None),
                };
                let reader: &File = file;
                let counted = match counted.get() {
                    Some(counted) => counted,
                    None => {
                        // Length and time before reading: a change during the reads shows.
                        let (len, stamp) = (meta.len(), Stamp::of(&meta));
                        rewind(reader, path)?;
                        let names = FileLines::new(BufReader::new(reader.take(len))).filter_map(
                            |l| match l {
                                Line::Name(n) => Some(n),
                                _ => None,
                            },
                        );
                        let repeats = Arc::new(Repeats::scan(names, len));
                        counted.get_or_init(|| Counted {
                            repeats,
                            len,
                            stamp,
                        })
                    }
                };
                rewind(reader, path)?;
                let mut once = Once::scanned(counted.repeats.clone());
                for line in FileLines::new(BufReader::new(reader.take(counted.len))) {
                    if let Line::Name(n) = line
                        && once.first(&n)
                    {
                        tally(&n);
                    }
                }
            }
        }
        Ok(Some((total, todo)))
    }
}

fn open(path: &Path) -> CmdResult<File> {
    let file = File::open(path)
        .map_err(|e| CmdError::usage(format!("cannot read {}: {e}", path.display())))?;
    // A folder opens, then fails at the first read: say so before the job starts.
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(CmdError::usage(format!(
            "{} is a folder, not a users file",
            path.display()
        )));
    }
    Ok(file)
}

/// Back to the start of a regular file (`&File` reads and seeks: the reads of a count and of
/// the job share one offset).
fn rewind(mut file: &File, path: &Path) -> CmdResult<()> {
    file.seek(SeekFrom::Start(0))
        .map(drop)
        .map_err(|e| CmdError::other(format!("cannot read {}: {e}", path.display())))
}

/// The lines of a counted users file, repeats dropped, up to the length it was counted at;
/// before each line it checks the file is as counted. A file truncated, rewritten or added
/// to while the job runs ends the job with an error saying so (exit 1), rather than
/// skipping users, handling some twice or reading a name half written; the journal lets
/// the same command cover the file as it is then.
struct Watched {
    lines: FileLines<BufReader<Take<File>>>,
    once: Once,
    counted: Counted,
    file: File,
    path: PathBuf,
    ended: bool,
}

impl Iterator for Watched {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        while !self.ended {
            let line = self.lines.next();
            // Checked after the read: a line handed on was read whole before any change.
            if !self.counted.still_matches(&self.file) {
                self.ended = true;
                let handled = self.lines.number - u64::from(line.is_some());
                return Some(Line::ReadError(format!(
                    "{} changed while the job ran (after line {handled}): the job stopped \
                     there, so it handled no name read after the change; run the same command \
                     again to go on with the file as it is now",
                    self.path.display(),
                )));
            }
            match line {
                Some(Line::Name(n)) if !self.once.first(&n) => continue,
                None => self.ended = true,
                line => return line,
            }
        }
        None
    }
}

/// The names of a users file: one per line, trimmed; blank lines and `#` comments dropped,
/// and byte-order marks at the start of a line.
pub struct FileLines<R> {
    reader: R,
    buf: Vec<u8>,
    number: u64,
    ended: bool,
}

impl<R: BufRead> FileLines<R> {
    pub fn new(reader: R) -> FileLines<R> {
        FileLines {
            reader,
            buf: Vec::new(),
            number: 0,
            ended: false,
        }
    }

    /// Reads one line, at most [`MAX_LINE`] bytes of it kept; `Ok(None)` at the end, and
    /// `Ok(Some(false))` for a line longer than that (the rest of it read and dropped).
    fn read_line(&mut self) -> std::io::Result<Option<bool>> {
        self.buf.clear();
        let limit = MAX_LINE as u64 + 2;
        if (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.buf)?
            == 0
        {
            return Ok(None);
        }
        if self.buf.len() as u64 == limit && self.buf.last() != Some(&b'\n') {
            let mut dropped = 0u64;
            loop {
                if dropped > MAX_DROPPED {
                    return Err(std::io::Error::other(format!(
                        "line {} has no end after {} MiB",
                        self.number + 1,
                        MAX_DROPPED >> 20
                    )));
                }
                let chunk = self.reader.fill_buf()?;
                if chunk.is_empty() {
                    break;
                }
                let (used, done) = match chunk.iter().position(|&b| b == b'\n') {
                    Some(i) => (i + 1, true),
                    None => (chunk.len(), false),
                };
                self.reader.consume(used);
                dropped += used as u64;
                if done {
                    break;
                }
            }
            return Ok(Some(false));
        }
        Ok(Some(true))
    }
}

impl<R: BufRead> Iterator for FileLines<R> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        while !self.ended {
            match self.read_line() {
                Ok(None) => self.ended = true,
                Ok(Some(fits)) => {
                    self.number += 1;
                    if !fits {
                        return Some(Line::Bad(self.number, BadLine::TooLong));
                    }
                    let Ok(text) = std::str::from_utf8(&self.buf) else {
                        return Some(Line::Bad(self.number, BadLine::NotUtf8));
                    };
                    // A byte-order mark starts a file, or a line where files were joined.
                    let text = text.trim_start_matches('\u{feff}');
                    let name = text.trim();
                    if name.len() > MAX_LINE {
                        return Some(Line::Bad(self.number, BadLine::TooLong));
                    }
                    if !name.is_empty() && !name.starts_with('#') {
                        return Some(Line::Name(name.to_owned()));
                    }
                }
                Err(e) => {
                    self.ended = true;
                    return Some(Line::ReadError(format!(
                        "cannot read the users file after line {}: {e}",
                        self.number
                    )));
                }
            }
        }
        None
    }
}

/// Names of a users file's text, repeats dropped, order kept (lines that are not names,
/// or not UTF-8, left out).
pub fn parse_users(text: &str) -> Vec<String> {
    let mut once = Once::default();
    FileLines::new(text.as_bytes())
        .filter_map(|l| match l {
            Line::Name(n) if once.first(&n) => Some(n),
            _ => None,
        })
        .collect()
}

/// Reads a whole source into names (for the dry run, which lists every user anyway); lines
/// that are not names (not UTF-8, too long) are reported on stderr by number and returned.
pub async fn collect(ctx: &Ctx, source: Source) -> CmdResult<(Vec<String>, Vec<u64>)> {
    if let Source::Org { org, .. } = &source {
        let users = all_users(ctx, org, "").await?;
        return Ok((users.into_iter().map(|u| u.username).collect(), Vec::new()));
    }
    let mut names = Vec::new();
    let mut bad = Vec::new();
    for line in source.lines()? {
        match line {
            Line::Name(n) => names.push(n),
            Line::Bad(n, why) => {
                eprintln!("users file line {n} {}: skipped", why.why());
                bad.push(n);
            }
            Line::ReadError(e) => return Err(CmdError::other(e)),
        }
    }
    Ok((names, bad))
}

/// The org's users, one page held at a time. Paging always ends (see [`PageCursor`]); a
/// page that cannot be read ends the list with an error line, so the job stops there and
/// says so (its journal lets the same command go on).
struct OrgPages {
    client: ApiClient,
    org: OrgScope,
    runtime: tokio::runtime::Handle,
    cursor: PageCursor,
    page: VecDeque<String>,
    failed: bool,
}

impl Iterator for OrgPages {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        loop {
            if let Some(name) = self.page.pop_front() {
                return Some(Line::Name(name));
            }
            let number = self.cursor.next_page().filter(|_| !self.failed)?;
            let q = UsersQuery {
                page: number,
                page_size: self.cursor.page_size(),
                search: String::new(),
            };
            let got = match self.runtime.block_on(self.client.list_users(&self.org, &q)) {
                Ok(got) => got,
                Err(e) => {
                    self.failed = true;
                    return Some(Line::ReadError(format!(
                        "cannot list the users (page {number}): {e}"
                    )));
                }
            };
            let step = self.cursor.take(got);
            if let Some(warning) = step.warning {
                // Built from numbers: no server text reaches the terminal here.
                eprintln!(
                    "warning: listing the users of {}: {warning}",
                    sanitize_single_line(&self.org.key)
                );
            }
            self.page.extend(step.users.into_iter().map(|u| u.username));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_blanks_and_repeats_are_dropped() {
        let text = "# erase request 42\nann\n\n  bob  \nann\n#carl\r\ndave\r\n";
        assert_eq!(parse_users(text), ["ann", "bob", "dave"]);
    }

    #[test]
    fn a_line_that_is_not_utf8_is_reported_by_number_and_the_rest_go_on() {
        let bytes: &[u8] = b"ann\n\xff\xfebob\n# c\n\ncy\xc3\n  dee \r\nann\n";
        let lines: Vec<Line> = FileLines::new(bytes).collect();
        assert_eq!(
            lines,
            [
                Line::Name("ann".into()),
                Line::Bad(2, BadLine::NotUtf8),
                Line::Bad(5, BadLine::NotUtf8),
                Line::Name("dee".into()),
                Line::Name("ann".into()),
            ]
        );
    }

    #[test]
    fn a_streamed_file_drops_repeats_and_counts_distinct_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.txt");
        std::fs::write(&path, b"ann\nbob\nann\n\x80\nbob\ncy").unwrap();
        let source = Source::File {
            file: File::open(&path).unwrap(),
            path,
            counted: OnceLock::new(),
        };
        let finished = Finished::from_iter(["bob", "zed"]);
        assert_eq!(source.count(&finished).unwrap(), Some((3, 2)));
        let lines: Vec<Line> = source.lines().unwrap().collect();
        assert_eq!(
            lines,
            [
                Line::Name("ann".into()),
                Line::Name("bob".into()),
                Line::Bad(4, BadLine::NotUtf8),
                Line::Name("cy".into()),
            ]
        );
    }

    #[test]
    fn the_job_reads_the_file_it_counted_even_if_its_path_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.txt");
        std::fs::write(&path, "ann\nbob\nann\n").unwrap();
        let source = Source::File {
            file: File::open(&path).unwrap(),
            path: path.clone(),
            counted: OnceLock::new(),
        };
        assert_eq!(source.count(&Finished::default()).unwrap(), Some((2, 2)));
        // Another file moved over the path between the count and the job.
        let other = dir.path().join("other.txt");
        std::fs::write(&other, "zed\nann\nzed\n").unwrap();
        std::fs::rename(&other, &path).unwrap();
        let lines: Vec<Line> = source.lines().unwrap().collect();
        assert_eq!(lines, [Line::Name("ann".into()), Line::Name("bob".into())]);
    }

    fn counted_source(dir: &Path, text: &[u8]) -> Source {
        let path = dir.join("users.txt");
        std::fs::write(&path, text).unwrap();
        let source = Source::File {
            file: File::open(&path).unwrap(),
            path,
            counted: OnceLock::new(),
        };
        source.count(&Finished::default()).unwrap();
        source
    }

    #[test]
    fn a_file_changed_after_its_count_stops_the_job_before_the_next_name() {
        let dir = tempfile::tempdir().unwrap();
        type Change = fn(&Path);
        let changes: [(&str, Change); 4] = [
            ("rewritten with its time put back (cp -p)", |p| {
                let before = std::fs::metadata(p).unwrap().modified().unwrap();
                std::thread::sleep(std::time::Duration::from_millis(20));
                std::fs::write(p, b"cy\nbob\nann\n").unwrap();
                let f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
                f.set_modified(before).unwrap();
            }),
            ("appended", |p| {
                let mut f = std::fs::OpenOptions::new().append(true).open(p).unwrap();
                std::io::Write::write_all(&mut f, b"ann").unwrap();
            }),
            ("truncated", |p| std::fs::write(p, b"").unwrap()),
            ("rewritten in place", |p| {
                std::thread::sleep(std::time::Duration::from_millis(20));
                std::fs::write(p, b"cy\nbob\nann\n").unwrap();
            }),
        ];
        for (what, change) in changes {
            let source = counted_source(dir.path(), b"ann\nbob\ncy\n");
            let mut lines = source.lines().unwrap();
            assert_eq!(lines.next(), Some(Line::Name("ann".into())), "{what}");
            change(&dir.path().join("users.txt"));
            match lines.next() {
                Some(Line::ReadError(e)) => {
                    assert!(
                        e.contains("changed while the job ran (after line 1)"),
                        "{e}"
                    )
                }
                other => panic!("{what}: {other:?}"),
            }
            assert_eq!(lines.next(), None, "{what}");
        }
    }

    #[test]
    fn long_lines_and_a_byte_order_mark_are_not_names() {
        let long = "x".repeat(MAX_LINE + 1);
        let fits = "y".repeat(MAX_LINE);
        let text = format!("\u{feff}ann\n{long}\nbob\n{fits}\r\n\u{feff}cy\n{long}");
        let lines: Vec<Line> = FileLines::new(text.as_bytes()).collect();
        assert_eq!(
            lines,
            [
                Line::Name("ann".into()),
                Line::Bad(2, BadLine::TooLong),
                Line::Name("bob".into()),
                Line::Name(fits),
                Line::Name("cy".into()),
                Line::Bad(6, BadLine::TooLong),
            ]
        );
        // A line without end (`/dev/zero`) is read in pieces and dropped, never held.
        let endless = std::io::Read::take(std::io::repeat(b'z'), 50 << 20);
        let mut lines = FileLines::new(BufReader::new(endless));
        assert_eq!(lines.next(), Some(Line::Bad(1, BadLine::TooLong)));
        assert!(
            lines.buf.capacity() <= 4 * MAX_LINE,
            "{}",
            lines.buf.capacity()
        );
        assert_eq!(lines.next(), None);
    }
}
