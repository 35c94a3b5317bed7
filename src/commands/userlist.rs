//! Which users a bulk job covers: a users file, read line by line as the job goes (never
//! held whole), or every user of the org, listed page by page as the job goes.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

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
        /// Its names that may repeat, found by the first [`Source::count`] (a regular file only).
        repeats: OnceLock<Arc<Repeats>>,
    },
    /// Every user of the org, a page at a time as workers free up (repeats dropped by the
    /// paging cursor, which is what still grows with the org: 8 bytes a user listed).
    Org { client: ApiClient, org: OrgScope },
}

/// One line of the source as the job sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Name(String),
    /// A line that is not UTF-8, by its number (1-based): reported, the others go on.
    NotUtf8(u64),
    /// The file could not be read on (after this many lines): the rest is not covered.
    ReadError(String),
}

pub async fn select(ctx: &Ctx, org: &OrgScope, sel: &UserSelection) -> CmdResult<Source> {
    match &sel.users_file {
        // Opened now, so a missing file is a usage error before anything starts.
        Some(path) => Ok(Source::File {
            path: path.clone(),
            file: open(path)?,
            repeats: OnceLock::new(),
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
                repeats,
            } => {
                // A counted file was read to its end by the count: start it over.
                let mut once = match repeats.into_inner() {
                    Some(repeats) => {
                        rewind(&file, &path)?;
                        Once::scanned(repeats)
                    }
                    None => Once::default(),
                };
                Ok(Box::new(FileLines::new(BufReader::new(file)).filter(
                    move |l| !matches!(l, Line::Name(n) if !once.first(n)),
                )))
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
                repeats,
            } => {
                let len = match file.metadata() {
                    Ok(m) if m.is_file() => m.len(),
                    _ => return Ok(None),
                };
                let reader: &File = file;
                let repeats = match repeats.get() {
                    Some(repeats) => repeats.clone(),
                    None => {
                        rewind(reader, path)?;
                        let names =
                            FileLines::new(BufReader::new(reader)).filter_map(|l| match l {
                                Line::Name(n) => Some(n),
                                _ => None,
                            });
                        repeats
                            .get_or_init(|| Arc::new(Repeats::scan(names, len)))
                            .clone()
                    }
                };
                rewind(reader, path)?;
                let mut once = Once::scanned(repeats);
                for line in FileLines::new(BufReader::new(reader)) {
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
    File::open(path).map_err(|e| CmdError::usage(format!("cannot read {}: {e}", path.display())))
}

/// Back to the start of a regular file (`&File` reads and seeks: the reads of a count and of
/// the job share one offset).
fn rewind(mut file: &File, path: &Path) -> CmdResult<()> {
    file.seek(SeekFrom::Start(0))
        .map(drop)
        .map_err(|e| CmdError::other(format!("cannot read {}: {e}", path.display())))
}

/// The names of a users file: one per line, trimmed; blank lines and `#` comments dropped.
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
}

impl<R: BufRead> Iterator for FileLines<R> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        while !self.ended {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => self.ended = true,
                Ok(_) => {
                    self.number += 1;
                    let Ok(text) = std::str::from_utf8(&self.buf) else {
                        return Some(Line::NotUtf8(self.number));
                    };
                    let name = text.trim();
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
/// that are not UTF-8 are reported on stderr by number and returned.
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
            Line::NotUtf8(n) => {
                eprintln!("users file line {n} is not UTF-8: skipped");
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
                Line::NotUtf8(2),
                Line::NotUtf8(5),
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
            repeats: OnceLock::new(),
        };
        let finished = Finished::from_iter(["bob", "zed"]);
        assert_eq!(source.count(&finished).unwrap(), Some((3, 2)));
        let lines: Vec<Line> = source.lines().unwrap().collect();
        assert_eq!(
            lines,
            [
                Line::Name("ann".into()),
                Line::Name("bob".into()),
                Line::NotUtf8(4),
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
            repeats: OnceLock::new(),
        };
        assert_eq!(source.count(&Finished::default()).unwrap(), Some((2, 2)));
        // Another file moved over the path between the count and the job.
        let other = dir.path().join("other.txt");
        std::fs::write(&other, "zed\nann\nzed\n").unwrap();
        std::fs::rename(&other, &path).unwrap();
        let lines: Vec<Line> = source.lines().unwrap().collect();
        assert_eq!(lines, [Line::Name("ann".into()), Line::Name("bob".into())]);
    }
}
