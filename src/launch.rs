//! Starting the console: against the configured server, or the built-in mock in demo mode;
//! logging, keys and colours, the audit trail, then the terminal loop.

use std::path::PathBuf;

use secrecy::SecretString;

use crate::api::{ApiClient, ClientSettings, OrgScope};
use crate::app::{App, Level, Trail};
use crate::cli::Cli;
use crate::config::{self, OrgChoice};
use crate::connect;
use crate::connection::Connection;
use crate::console::{Console, ConsoleParts};
use crate::mock::{MockConfig, MockServer};
use crate::store::{AuditLog, DataDir};
use crate::{logging, tui, ui};

/// What the console connects to: the connection, its client, and the config's extras.
struct Target {
    connection: Connection,
    client: ApiClient,
    ui: toml::Table,
    warnings: Vec<String>,
    /// Kept alive for the whole run in demo mode.
    _mock: Option<MockServer>,
}

/// Runs the console until the operator quits.
/// Runs the console; answers the exit status (non-zero when a signal ended it).
pub async fn run_console(cli: &Cli) -> Result<u8, String> {
    let target = target(cli).await?;
    let data_dir = DataDir::new(
        target
            .connection
            .data_dir
            .as_deref()
            .ok_or("cannot find a data dir: set MEMORY_CONSOLE_DATA_DIR")?,
    );
    for w in &target.warnings {
        eprintln!("warning: {w}");
    }
    // A read-only session writes no drafts, backups or audit lines: a data dir it cannot
    // write (a read-only mount, someone else's home) costs it only the log file.
    let read_only = target.connection.read_only;
    let mut notes = Vec::new();
    let log = match data_dir.create().map_err(|e| e.to_string()).and_then(|()| {
        private_logs_dir(&data_dir.logs()).map_err(|e| e.to_string())?;
        logging::init_file(&data_dir.logs()).map_err(|e| {
            format!(
                "cannot open the log file in {}: {e}",
                data_dir.logs().display()
            )
        })
    }) {
        Ok(log) => Some(log),
        Err(e) if read_only => {
            notes.push(format!(
                "read-only, and the data dir is not writable ({e}): no log file"
            ));
            None
        }
        Err(e) => return Err(format!("cannot prepare the data dir: {e}")),
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (keymap, theme) = ui::settings::from_config(&target.ui, no_color)?;
    let audit = target.connection.audit_context();
    let mut app = App::new(target.connection, keymap);
    app.log_path = log.as_ref().map(|l| l.path.clone());
    for n in notes {
        app.set_status(Level::Warning, n);
    }
    if let Some(wanted) = &cli.org {
        let Some(i) = app.orgs.iter().position(|o| &o.choice.scope.key == wanted) else {
            let known: Vec<_> = app
                .orgs
                .iter()
                .map(|o| o.choice.scope.key.clone())
                .collect();
            return Err(format!(
                "no org {wanted:?} in this profile; orgs: {}",
                known.join(", ")
            ));
        };
        app.orgs_list.selected = i;
    }
    if let Some(w) = target.warnings.first() {
        app.set_status(Level::Warning, w.clone());
    }
    let audit_path = cli
        .audit_log
        .clone()
        .unwrap_or_else(|| data_dir.audit_log());
    let trail = match AuditLog::open(&audit_path) {
        Ok(log) => Some(Trail::new(log, audit)),
        Err(e) => {
            // Changes that cannot be traced are not made.
            app.session.read_only = true;
            app.set_status(
                Level::Error,
                format!("the audit log cannot be opened ({e}): changes are switched off"),
            );
            None
        }
    };
    tracing::info!(profile = %app.session.profile, demo = app.session.demo, "console starting");
    let (guard, terminal) =
        tui::TerminalGuard::enter().map_err(|e| format!("cannot use this terminal: {e}"))?;
    let parts = ConsoleParts {
        client: target.client,
        data_dir,
        theme,
        trail,
    };
    let demo = app.session.demo;
    let mut console = Console::start(terminal, app, parts);
    if !demo && let Some((names, switcher)) = profile_switcher(cli, audit_path) {
        console.set_profiles(names, switcher);
    }
    let result = tui::run(&mut console).await;
    drop(guard);
    result.map_err(|e| format!("terminal error: {e}"))
}

async fn target(cli: &Cli) -> Result<Target, String> {
    let resolved = if cli.demo {
        None
    } else {
        connect::resolve(cli)?
    };
    let Some(r) = resolved else {
        return demo(cli).await;
    };
    let c = &r.connection;
    if c.orgs.is_empty() {
        return Err(format!(
            "profile {:?} lists no orgs: add [[profiles.{}.orgs]] to the config, or pass --org ORG",
            c.profile, c.profile
        ));
    }
    Ok(Target {
        connection: r.connection,
        client: r.client,
        ui: r.ui,
        warnings: r.warnings,
        _mock: None,
    })
}

async fn demo(cli: &Cli) -> Result<Target, String> {
    // A fresh key each run: the demo server on loopback answers nobody else.
    let key = uuid::Uuid::new_v4().to_string();
    let mock = MockServer::start(MockConfig::default().with_api_key(key.clone()))
        .await
        .map_err(|e| format!("cannot start the demo server: {e}"))?;
    let settings = ClientSettings::new(mock.base_url(), SecretString::from(key));
    let connection = Connection {
        read_only: cli.read_only,
        orgs: mock
            .state()
            .orgs()
            .into_iter()
            .map(|key| OrgChoice {
                scope: OrgScope::new(key),
                name: None,
            })
            .collect(),
        data_dir: config::data_dir(None).map(|d| d.join("demo")),
        demo: true,
        ..Connection::new("demo", settings, "the built-in demo server")
    };
    let client = connection.client().map_err(|e| e.to_string())?;
    Ok(Target {
        connection,
        client,
        ui: toml::Table::new(),
        warnings: Vec::new(),
        _mock: Some(mock),
    })
}

/// The config's profiles and how to connect to each, for `:profile`; `None` without a
/// config file.
fn profile_switcher(
    cli: &Cli,
    audit_path: PathBuf,
) -> Option<(Vec<String>, crate::console::Switcher)> {
    let loaded = config::load(cli.config.as_deref()).ok()??;
    let names: Vec<String> = loaded.file.profiles.keys().cloned().collect();
    let force_read_only = cli.read_only;
    let switcher = move |name: &str| -> Result<crate::console::Switched, String> {
        let mut connection = loaded.profile(Some(name)).map_err(|e| e.to_string())?;
        if connection.orgs.is_empty() {
            return Err(format!("profile {name:?} lists no orgs"));
        }
        let client = connection.client().map_err(|e| e.to_string())?;
        // Changes that cannot be traced are not made: no audit log, read-only.
        let trail = AuditLog::open(&audit_path)
            .ok()
            .map(|log| Trail::new(log, connection.audit_context()));
        connection.read_only |= force_read_only || trail.is_none();
        Ok(crate::console::Switched {
            client,
            connection,
            trail,
        })
    };
    Some((names, Box::new(switcher)))
}

/// `logs/` readable by its owner alone (0700), like every other dir of the data dir: logs
/// name users and orgs.
fn private_logs_dir(dir: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            // Made 0755 by an earlier version: tighten it.
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
#[path = "launch_tests.rs"]
mod tests;
