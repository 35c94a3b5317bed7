//! The memory-console binary: parse arguments, then run the console or a subcommand.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use memory_console::api::{ApiClient, ClientSettings, OrgScope};
use memory_console::app::Trail;
use memory_console::app::{App, Level, Session};
use memory_console::cli::{Cli, Command};
use memory_console::config::{self, OrgChoice};
use memory_console::console::{Console, ConsoleParts};
use memory_console::mock::{MockConfig, MockServer};
use memory_console::store::{AuditContext, AuditLog, DataDir};
use memory_console::ui;
use memory_console::{logging, tui};
use secrecy::SecretString;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Some(Command::Config) => show_config(&cli),
        Some(Command::MockServer(ref args)) => {
            logging::init_stderr("info");
            match runtime.block_on(memory_console::mock::run_foreground(args.clone())) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(ref cmd) => {
            logging::init_stderr("warn");
            runtime
                .block_on(memory_console::commands::run(&cli, cmd))
                .unwrap_or(ExitCode::from(2))
        }
        None => match runtime.block_on(run_console(&cli)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// What the console connects to.
struct Target {
    session: Session,
    client: ApiClient,
    orgs: Vec<OrgChoice>,
    data_dir: PathBuf,
    ui: toml::Table,
    warnings: Vec<String>,
    /// Who and where the audit log says changes come from.
    audit: AuditContext,
    /// Kept alive for the whole run in demo mode.
    _mock: Option<MockServer>,
}

async fn run_console(cli: &Cli) -> Result<(), String> {
    let target = connect(cli).await?;
    for w in &target.warnings {
        eprintln!("warning: {w}");
    }
    let data_dir = DataDir::new(&target.data_dir);
    data_dir
        .create()
        .map_err(|e| format!("cannot prepare the data dir: {e}"))?;
    let log = logging::init_file(&data_dir.logs()).map_err(|e| {
        format!(
            "cannot open the log file in {}: {e}",
            data_dir.logs().display()
        )
    })?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (keymap, theme) = ui::settings::from_config(&target.ui, no_color)?;
    let mut session = target.session;
    session.log_path = Some(log.path.clone());
    let mut app = App::new(session, keymap, target.orgs);
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
    tracing::info!(profile = %app.session.profile, demo = app.session.demo, "console starting");
    let (guard, terminal) =
        tui::TerminalGuard::enter().map_err(|e| format!("cannot use this terminal: {e}"))?;
    let audit_path = cli
        .audit_log
        .clone()
        .unwrap_or_else(|| data_dir.audit_log());
    let trail = match AuditLog::open(&audit_path) {
        Ok(log) => Some(Trail::new(log, target.audit)),
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
    let parts = ConsoleParts {
        client: target.client,
        data_dir,
        theme,
        trail,
    };
    let mut console = Console::start(terminal, app, parts);
    let result = tui::run(&mut console).await;
    drop(guard);
    result.map_err(|e| format!("terminal error: {e}"))
}

async fn connect(cli: &Cli) -> Result<Target, String> {
    let loaded = if cli.demo {
        None
    } else {
        config::load(cli.config.as_deref()).map_err(|e| e.to_string())?
    };
    let Some(loaded) = loaded else {
        return demo(cli).await;
    };
    let profile = loaded
        .profile(cli.profile.as_deref())
        .map_err(|e| e.to_string())?;
    let client = ApiClient::new(&profile.settings).map_err(|e| e.to_string())?;
    let audit = AuditContext::new(&profile.name, &profile.base_url, &profile.settings.api_key);
    let data_dir = loaded
        .data_dir()
        .ok_or("cannot find a data dir: set MEMORY_CONSOLE_DATA_DIR")?;
    Ok(Target {
        session: Session {
            demo: false,
            profile: profile.name.clone(),
            base_url: profile.base_url.clone(),
            key_source: profile.key_source.clone(),
            read_only: cli.read_only || profile.read_only,
            log_path: None,
            task_poll_give_up: profile.task_poll_give_up,
        },
        client,
        orgs: profile.orgs,
        data_dir,
        ui: loaded.file.ui.clone(),
        warnings: loaded.warnings.clone(),
        audit,
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
    let client = ApiClient::new(&settings).map_err(|e| e.to_string())?;
    let audit = AuditContext::new("demo", &mock.base_url(), &settings.api_key);
    let orgs = mock
        .state()
        .orgs()
        .into_iter()
        .map(|key| OrgChoice {
            scope: OrgScope::new(key),
            name: None,
        })
        .collect();
    let data_dir = config::data_dir(None)
        .ok_or("cannot find a data dir: set MEMORY_CONSOLE_DATA_DIR")?
        .join("demo");
    Ok(Target {
        session: Session {
            demo: true,
            profile: "demo".into(),
            base_url: mock.base_url(),
            key_source: "the built-in demo server".into(),
            read_only: cli.read_only,
            log_path: None,
            task_poll_give_up: std::time::Duration::from_secs(600),
        },
        client,
        orgs,
        data_dir,
        ui: toml::Table::new(),
        warnings: Vec::new(),
        audit,
        _mock: Some(mock),
    })
}

fn show_config(cli: &Cli) -> ExitCode {
    let loaded = match config::load(cli.config.as_deref()) {
        Ok(Some(l)) => l,
        Ok(None) => {
            println!("no config file: memory-console runs in demo mode");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
    match loaded.profile(cli.profile.as_deref()) {
        Ok(p) => {
            println!("config:    {}", loaded.path.display());
            println!("profile:   {}", p.name);
            println!("base_url:  {}", p.base_url);
            println!("key:       from {}", p.key_source);
            println!("read_only: {}", p.read_only);
            for o in &p.orgs {
                println!(
                    "org:       {} (platform_key {})",
                    o.scope.key, o.scope.platform_key
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
