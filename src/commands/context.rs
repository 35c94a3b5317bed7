//! What every subcommand starts from: the client, the org, the data dir and the audit log,
//! resolved from the config file, `--base-url` and the environment.

use std::path::PathBuf;

use super::exit::{CmdError, CmdResult};
use crate::api::{ApiClient, OrgScope};
use crate::cli::Cli;
use crate::config::OrgChoice;
use crate::connect::{self, KEY_ENV};
use crate::ops::{Ops, Trail};
use crate::store::{AuditContext, AuditLog, DataDir};

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
    /// How long `--wait` keeps asking about a task (the profile's `task_poll_give_up_secs`).
    pub task_poll_give_up: std::time::Duration,
}

impl Ctx {
    pub fn connect(cli: &Cli) -> CmdResult<Ctx> {
        let c = connect::resolve(cli).map_err(CmdError::usage)?.ok_or_else(|| {
            CmdError::usage(format!(
                "no config file: pass --config PATH, set MEMORY_CONSOLE_CONFIG, or give --base-url URL with the key in {KEY_ENV}"
            ))
        })?;
        for w in &c.warnings {
            eprintln!("warning: {w}");
        }
        let data = DataDir::new(c.data_dir.ok_or_else(|| {
            CmdError::usage("cannot find a data dir: set MEMORY_CONSOLE_DATA_DIR")
        })?);
        let audit_path = cli.audit_log.clone().unwrap_or_else(|| data.audit_log());
        let audit_ctx = AuditContext::new(&c.profile, c.client.base_url(), &c.settings.api_key);
        Ok(Ctx {
            base_url: c.client.base_url().to_owned(),
            client: c.client,
            profile: c.profile,
            read_only: c.read_only,
            orgs: c.orgs,
            data,
            audit_path,
            audit_ctx,
            json: cli.json,
            task_poll_give_up: c.task_poll_give_up,
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

    /// The operations layer for this connection: writes are audited in the log and backed
    /// up under the data dir. A change must not be sent when this fails.
    pub fn ops(&self) -> CmdResult<Ops> {
        let trail = Trail::new(self.audit_log()?, self.audit_ctx.clone()).with_stderr_warnings();
        Ok(Ops::new(
            self.client.clone(),
            trail,
            &self.profile,
            self.data.backups(),
        ))
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
