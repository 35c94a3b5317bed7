//! Where to connect: the config file and profile, `--base-url`, and the key from the
//! environment. The console and the subcommands resolve it the same way.

use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

use crate::api::{ApiClient, ClientSettings, OrgScope};
use crate::cli::Cli;
use crate::config::{self, OrgChoice};

/// The env var read for the key when there is no config file.
pub const KEY_ENV: &str = "IBL_API_KEY";

/// A server to talk to, and what the profile says about working with it.
#[derive(Debug)]
pub struct Connection {
    pub profile: String,
    pub settings: ClientSettings,
    pub client: ApiClient,
    /// Where the key came from, for messages ("env var IBL_API_KEY").
    pub key_source: String,
    pub read_only: bool,
    pub orgs: Vec<OrgChoice>,
    pub data_dir: Option<PathBuf>,
    /// The config's `[ui]` table (empty without a config file).
    pub ui: toml::Table,
    pub warnings: Vec<String>,
    pub task_poll_give_up: Duration,
}

/// Resolves the connection from the config file (with `--base-url` overriding its URL), or
/// from `--base-url` and `IBL_API_KEY` alone; `Ok(None)` when there is neither.
pub fn resolve(cli: &Cli) -> Result<Option<Connection>, String> {
    let loaded = config::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
    let connection = match loaded {
        Some(loaded) => {
            let mut p = loaded
                .profile(cli.profile.as_deref())
                .map_err(|e| e.to_string())?;
            if let Some(url) = &cli.base_url {
                p.settings.base_url = url.clone();
            }
            let client = ApiClient::new(&p.settings).map_err(|e| e.to_string())?;
            Connection {
                profile: p.name,
                settings: p.settings,
                client,
                key_source: p.key_source,
                read_only: p.read_only || cli.read_only,
                orgs: p.orgs,
                data_dir: loaded.data_dir(),
                ui: loaded.file.ui.clone(),
                warnings: loaded.warnings.clone(),
                task_poll_give_up: p.task_poll_give_up,
            }
        }
        None => {
            let Some(url) = &cli.base_url else {
                return Ok(None);
            };
            let key = match std::env::var(KEY_ENV) {
                Ok(k) if !k.trim().is_empty() => k,
                Ok(_) => {
                    return Err(format!(
                        "no API key: the environment variable {KEY_ENV} is set but empty"
                    ));
                }
                Err(_) => {
                    return Err(format!(
                        "no API key: set the environment variable {KEY_ENV}"
                    ));
                }
            };
            let settings = ClientSettings::new(url.clone(), SecretString::from(key));
            let client = ApiClient::new(&settings).map_err(|e| e.to_string())?;
            Connection {
                profile: "command-line".into(),
                settings,
                client,
                key_source: format!("env var {KEY_ENV}"),
                read_only: cli.read_only,
                orgs: cli
                    .org
                    .iter()
                    .map(|k| OrgChoice {
                        scope: OrgScope::new(k.clone()),
                        name: None,
                    })
                    .collect(),
                data_dir: config::data_dir(None),
                ui: toml::Table::new(),
                warnings: Vec::new(),
                task_poll_give_up: Duration::from_secs(600),
            }
        }
    };
    Ok(Some(connection))
}
