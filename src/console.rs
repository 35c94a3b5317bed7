//! A console on any ratatui backend: the app, its runner and the message queue, so whole
//! flows run on `TestBackend` exactly as on a terminal.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use crate::api::ApiClient;
use crate::app::{App, Effect, Input, Msg, Runner, Trail};
use crate::store::{DataDir, save_draft};
use crate::ui::{self, Theme};

/// Another profile's server, ready to switch to (see [`Console::set_profiles`]).
pub struct Switched {
    pub client: ApiClient,
    /// The profile's connection, orgs included; read-only when `trail` is `None`.
    pub connection: crate::connection::Connection,
    pub trail: Option<Trail>,
}

/// Builds the connection for a profile name, for `:profile`.
pub type Switcher = Box<dyn Fn(&str) -> Result<Switched, String> + Send>;

pub struct Console<B: Backend> {
    pub terminal: Terminal<B>,
    pub app: App,
    pub theme: Theme,
    runner: Runner,
    tx: tokio::sync::mpsc::UnboundedSender<Msg>,
    switcher: Option<Switcher>,
    rx: UnboundedReceiver<Msg>,
    data_dir: DataDir,
    /// A clone sharing the runner's throttle, to tell the operator when a 429 holds them.
    client: ApiClient,
}

/// What a console needs besides the app and the terminal.
pub struct ConsoleParts {
    pub client: ApiClient,
    /// Where backups and drafts go.
    pub data_dir: DataDir,
    pub theme: Theme,
    /// The audit log; without one, writes are not sent.
    pub trail: Option<Trail>,
}

impl<B: Backend> Console<B> {
    /// Builds the console and starts its first loads.
    pub fn start(terminal: Terminal<B>, mut app: App, parts: ConsoleParts) -> Console<B> {
        let (tx, rx) = unbounded_channel();
        let client = parts.client.clone();
        let runner = Runner::new(
            parts.client,
            tx.clone(),
            app.session.read_only,
            app.session.profile.clone(),
            parts.data_dir.clone(),
            parts.trail,
        );
        if let Ok(size) = terminal.size() {
            app.size = (size.width, size.height);
        }
        let effects = app.start();
        runner.run_all(effects);
        Console {
            terminal,
            app,
            theme: parts.theme,
            runner,
            rx,
            data_dir: parts.data_dir,
            client,
            tx,
            switcher: None,
        }
    }

    /// Lets `:profile` switch to the other profiles of the config without a restart.
    pub fn set_profiles(&mut self, names: Vec<String>, switcher: Switcher) {
        self.app.profiles = names;
        self.switcher = Some(switcher);
    }

    /// Carries out a `:profile` the app asked for. Writes already sent finish on the old
    /// client (each effect owns a clone); a save still being prepared makes the switch wait.
    fn maybe_switch(&mut self) {
        if self.app.editor.as_ref().is_some_and(|e| e.saving) {
            return;
        }
        let Some(name) = self.app.switch_profile.take() else {
            return;
        };
        let result = match &self.switcher {
            Some(build) => build(&name),
            None => Err("profile switching needs a config file".into()),
        };
        match result {
            Err(why) => self.app.set_status(
                crate::app::Level::Error,
                format!("cannot switch to profile {name}: {why}"),
            ),
            Ok(s) => {
                self.client = s.client.clone();
                self.runner = Runner::new(
                    s.client,
                    self.tx.clone(),
                    s.connection.read_only,
                    s.connection.profile.clone(),
                    self.data_dir.clone(),
                    s.trail,
                );
                self.app.switch_to(s.connection);
                let effects = self.app.start();
                self.app.set_status(
                    crate::app::Level::Success,
                    format!(
                        "switched to profile {name} ({})",
                        self.app.session.base_url()
                    ),
                );
                self.runner.run_all(effects);
            }
        }
    }

    pub fn draw(&mut self) -> Result<(), B::Error> {
        let (app, theme) = (&self.app, &self.theme);
        self.terminal.draw(|f| ui::draw(f, app, theme))?;
        Ok(())
    }

    /// Feeds one input to the app and starts the effects it asks for.
    pub fn handle(&mut self, input: Input) {
        if matches!(input, Input::Tick(_)) {
            self.app.server_wait = self.client.throttle_remaining();
        }
        let effects = self.app.update(input);
        self.runner.run_all(effects);
        if self.app.switch_profile.is_some() {
            self.maybe_switch();
        }
    }

    /// Writes unsaved editor text as a draft now, waiting for the disk: for quitting, and for
    /// a signal that ends the process.
    pub fn save_draft_now(&mut self) -> Result<Option<std::path::PathBuf>, String> {
        match self.app.draft_effect() {
            Some(Effect::SaveDraft { draft }) => save_draft(&self.data_dir.drafts(), &draft)
                .map(Some)
                .map_err(|e| e.to_string()),
            _ => Ok(None),
        }
    }

    pub async fn next_msg(&mut self) -> Option<Msg> {
        self.rx.recv().await
    }

    /// Handles every message already waiting, so one frame shows them all.
    pub fn drain_ready(&mut self) {
        while let Ok(msg) = self.rx.try_recv() {
            self.handle(Input::Msg(msg));
        }
    }

    /// Handles messages until `done` holds or `timeout` passes; answers whether it held.
    pub async fn settle_until(&mut self, timeout: Duration, done: impl Fn(&App) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        while !done(&self.app) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some(msg)) => self.handle(Input::Msg(msg)),
                Ok(None) | Err(_) => return done(&self.app),
            }
        }
        true
    }
}
