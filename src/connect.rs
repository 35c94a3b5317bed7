//! Where to connect: the config file and profile, `--base-url`, and the key from the
//! environment. The console and the subcommands resolve it the same way.

use secrecy::SecretString;

use crate::api::{ApiClient, ClientSettings, OrgScope};
use crate::cli::Cli;
use crate::config::{self, OrgChoice};
use crate::connection::Connection;

/// The env var read for the key when there is no config file.
pub const KEY_ENV: &str = "IBL_API_KEY";

/// A resolved connection, its client, and what the config file says besides.
#[derive(Debug)]
pub struct Resolved {
    pub connection: Connection,
    /// Built here, so a bad URL or key is reported before anything else happens.
    pub client: ApiClient,
    /// The config's `[ui]` table (empty without a config file).
    pub ui: toml::Table,
    pub warnings: Vec<String>,
    /// The config file read, `None` when `--base-url` and the environment were all.
    pub config_file: Option<std::path::PathBuf>,
}

/// Resolves the connection from the config file (with `--base-url` overriding its URL), or
/// from `--base-url` and `IBL_API_KEY` alone; `Ok(None)` when there is neither.
/// `--read-only` is applied here, once, for the console and every subcommand.
pub fn resolve(cli: &Cli) -> Result<Option<Resolved>, String> {
    let loaded = config::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
    let config_file = loaded.as_ref().map(|l| l.path.clone());
    let (mut connection, ui, warnings) = match loaded {
        Some(loaded) => {
            let mut c = loaded
                .profile(cli.profile.as_deref())
                .map_err(|e| e.to_string())?;
            if let Some(url) = &cli.base_url {
                c.settings.base_url =
                    ApiClient::normalized_base_url(url).map_err(|e| e.to_string())?;
            }
            (c, loaded.file.ui, loaded.warnings)
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
            let base_url = ApiClient::normalized_base_url(url).map_err(|e| e.to_string())?;
            let settings = ClientSettings::new(base_url, SecretString::from(key));
            let connection = Connection {
                orgs: cli
                    .org
                    .iter()
                    .map(|k| OrgChoice {
                        scope: OrgScope::new(k.clone()),
                        name: None,
                    })
                    .collect(),
                data_dir: config::data_dir(None),
                ..Connection::new(
                    crate::connection::COMMAND_LINE_PROFILE,
                    settings,
                    format!("env var {KEY_ENV}"),
                )
            };
            (connection, toml::Table::new(), Vec::new())
        }
    };
    connection.read_only |= cli.read_only;
    let client = connection.client().map_err(|e| e.to_string())?;
    Ok(Some(Resolved {
        connection,
        client,
        ui,
        warnings,
        config_file,
    }))
}
