//! What every subcommand starts from: the client, the org, the data dir and the audit log,
//! resolved from the config file, `--base-url` and the environment.

use std::path::PathBuf;

use secrecy::SecretString;

use super::exit::{CmdError, CmdResult};
use crate::api::{ApiClient, ClientSettings, OrgScope};
use crate::cli::Cli;
use crate::config::{self, OrgChoice};
use crate::store::{AuditContext, AuditLog, DataDir};

/// The env var read for the key when there is no config file.
pub const KEY_ENV: &str = "IBL_API_KEY";

/// A resolved connection and the local places a command may write to.
#[derive(Debug)]
pub struct Ctx {
    pub client: ApiClient,
    pub profile: String,
    pub base_url: String,
    pub read_only: bool,
    pub orgs: Vec<OrgChoice>,
    pub data: DataDir,
    pub audit_path: PathBuf,
    pub audit_ctx: AuditContext,
    pub json: bool,
}

impl Ctx {
    pub fn connect(cli: &Cli) -> CmdResult<Ctx> {
        let loaded =
            config::load(cli.config.as_deref()).map_err(|e| CmdError::usage(e.to_string()))?;
        let (profile, read_only, orgs, settings, data_root) = match loaded {
            Some(loaded) => {
                for w in &loaded.warnings {
                    eprintln!("warning: {w}");
                }
                let mut p = loaded
                    .profile(cli.profile.as_deref())
                    .map_err(|e| CmdError::usage(e.to_string()))?;
                if let Some(url) = &cli.base_url {
                    p.settings.base_url = url.clone();
                    p.base_url = url.clone();
                }
                let root = loaded.data_dir();
                (p.name, p.read_only, p.orgs, p.settings, root)
            }
            None => {
                let Some(url) = &cli.base_url else {
                    return Err(CmdError::usage(
                        "no config file: pass --config PATH, set MEMORY_CONSOLE_CONFIG, or give --base-url URL with the key in IBL_API_KEY",
                    ));
                };
                let key = std::env::var(KEY_ENV)
                    .ok()
                    .filter(|k| !k.trim().is_empty())
                    .ok_or_else(|| {
                        CmdError::usage(format!(
                            "no API key: set the environment variable {KEY_ENV}"
                        ))
                    })?;
                let settings = ClientSettings::new(url.clone(), SecretString::from(key));
                let root = config::data_dir(None);
                ("command-line".to_owned(), false, Vec::new(), settings, root)
            }
        };
        let client = ApiClient::new(&settings).map_err(|e| CmdError::usage(e.to_string()))?;
        let data = DataDir::new(data_root.ok_or_else(|| {
            CmdError::usage("cannot find a data dir: set MEMORY_CONSOLE_DATA_DIR")
        })?);
        let audit_path = cli.audit_log.clone().unwrap_or_else(|| data.audit_log());
        let audit_ctx = AuditContext::new(&profile, client.base_url(), &settings.api_key);
        Ok(Ctx {
            base_url: client.base_url().to_owned(),
            client,
            profile,
            read_only: read_only || cli.read_only,
            orgs,
            data,
            audit_path,
            audit_ctx,
            json: cli.json,
        })
    }

    /// The org as the profile knows it (for its platform key), else by key alone.
    pub fn org(&self, key: &str) -> OrgScope {
        self.orgs
            .iter()
            .find(|o| o.scope.key == key)
            .map(|o| o.scope.clone())
            .unwrap_or_else(|| OrgScope::new(key))
    }

    /// Refuses a change when the profile or `--read-only` says so.
    pub fn check_writable(&self) -> CmdResult<()> {
        if self.read_only {
            return Err(CmdError::usage(format!(
                "profile {:?} is read-only (or --read-only was given); nothing was sent",
                self.profile
            )));
        }
        Ok(())
    }

    /// Opens the audit log; a change must not be sent when this fails.
    pub fn audit_log(&self) -> CmdResult<AuditLog> {
        AuditLog::open(&self.audit_path).map_err(|e| {
            CmdError::other(format!(
                "cannot open the audit log, so nothing was sent: {e}"
            ))
        })
    }
}
