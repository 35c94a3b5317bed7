//! What every subcommand starts from: the client, the org, the data dir and the audit log,
//! resolved from the config file, `--base-url` and the environment.

use std::path::PathBuf;

use super::exit::{CmdError, CmdResult};
use crate::api::{ApiClient, OrgScope};
use crate::cli::Cli;
use crate::connect::{self, KEY_ENV};
use crate::connection::Connection;
use crate::ops::{Ops, Trail};
use crate::store::{AuditContext, AuditLog, DataDir};

/// A resolved connection, its client, and the local places a command may write to.
#[derive(Debug)]
pub struct Ctx {
    /// Profile, server, key source, read-only flag, orgs: as resolved, never copied out.
    pub connection: Connection,
    pub client: ApiClient,
    /// The connection's data dir, which a command cannot do without.
    pub data: DataDir,
    pub audit_path: PathBuf,
    pub audit_ctx: AuditContext,
    pub json: bool,
}

impl Ctx {
    pub fn connect(cli: &Cli) -> CmdResult<Ctx> {
        let r = connect::resolve(cli).map_err(CmdError::usage)?.ok_or_else(|| {
            CmdError::usage(format!(
                "no config file: pass --config PATH, set MEMORY_CONSOLE_CONFIG, or give --base-url URL with the key in {KEY_ENV}"
            ))
        })?;
        for w in &r.warnings {
            eprintln!("warning: {w}");
        }
        let data = DataDir::new(r.connection.data_dir.clone().ok_or_else(|| {
            CmdError::usage("cannot find a data dir: set MEMORY_CONSOLE_DATA_DIR")
        })?);
        let audit_path = cli.audit_log.clone().unwrap_or_else(|| data.audit_log());
        Ok(Ctx {
            audit_ctx: r.connection.audit_context(),
            connection: r.connection,
            client: r.client,
            data,
            audit_path,
            json: cli.json,
        })
    }

    /// The org as the profile knows it (for its platform key), else by key alone.
    pub fn org(&self, key: &str) -> OrgScope {
        self.connection.org(key)
    }

    /// Refuses a change when the profile or `--read-only` says so.
    pub fn check_writable(&self) -> CmdResult<()> {
        if self.connection.read_only {
            return Err(CmdError::usage(format!(
                "profile {:?} is read-only (or --read-only was given); nothing was sent",
                self.connection.profile
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
            &self.connection.profile,
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
