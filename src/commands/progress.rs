//! Progress on stderr: a bar with rate and ETA on a terminal, an occasional plain line
//! otherwise (logs and CI would drown in redraws).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const PLAIN_EVERY: Duration = Duration::from_secs(2);

pub struct Progress {
    bar: Option<ProgressBar>,
    label: &'static str,
    /// Unknown for a users file that is a pipe.
    total: Option<u64>,
    pos: u64,
    started: Instant,
    last_line: Instant,
}

impl Progress {
    pub fn new(label: &'static str, total: Option<u64>) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
            let template = match total {
                Some(_) => "{msg} [{bar:40}] {pos}/{len} {per_sec} eta {eta} ({elapsed})",
                None => "{msg} {pos} users {per_sec} ({elapsed})",
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(label);
            bar
        });
        let now = Instant::now();
        Progress {
            bar,
            label,
            total,
            pos: 0,
            started: now,
            last_line: now,
        }
    }

    pub fn inc(&mut self) {
        self.pos += 1;
        match &self.bar {
            Some(bar) => bar.inc(1),
            None if self.last_line.elapsed() >= PLAIN_EVERY => {
                self.last_line = Instant::now();
                eprintln!("{}", self.line());
            }
            None => {}
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn line(&self) -> String {
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = self.pos as f64 / secs;
        let Some(total) = self.total else {
            return format!("{}: {} users, {rate:.1}/s", self.label, self.pos);
        };
        let left = total.saturating_sub(self.pos) as f64;
        let eta = if rate > 0.0 { left / rate } else { 0.0 };
        format!(
            "{}: {}/{total} users, {rate:.1}/s, eta {eta:.0} s",
            self.label, self.pos
        )
    }
}
