//! The one description of where the console or a command works: profile, server, key
//! source, read-only flag, orgs, data dir and demo flag. Config loading, `--base-url`, the
//! demo server and `:profile` all produce a [`Connection`]; the CLI context and the console
//! hold it as it is, so no fact is copied (or dropped) between look-alike structs.

use std::path::PathBuf;
use std::time::Duration;

use crate::api::{ApiClient, ApiError, ClientSettings, OrgScope};
use crate::store::AuditContext;

/// How long a queued task is polled before giving up, unless the profile says otherwise.
/// The profile of a session made from `--base-url` and the environment, whatever the server.
pub const COMMAND_LINE_PROFILE: &str = "command-line";

pub const DEFAULT_TASK_POLL_GIVE_UP: Duration = Duration::from_secs(600);

/// One org a profile works with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgChoice {
    pub scope: OrgScope,
    pub name: Option<String>,
}

/// A server to talk to, and what the profile says about working with it.
///
/// The key is only ever inside `settings.api_key`, a `SecretString`: `Debug` prints it
/// redacted, and nothing here formats it. Show [`Connection::key_source`] instead.
#[derive(Debug, Clone)]
pub struct Connection {
    /// The profile's name; "command-line" without a config file, "demo" in demo mode.
    pub profile: String,
    /// Where requests go and with which key. `settings.base_url` is kept normalized (see
    /// [`ApiClient::normalized_base_url`]) so it equals the built client's.
    pub settings: ClientSettings,
    /// Where the key came from, for messages ("check the key in env var IBL_API_KEY").
    pub key_source: String,
    /// The profile's `read_only`, or `--read-only`, or a console whose audit log cannot open.
    pub read_only: bool,
    pub orgs: Vec<OrgChoice>,
    /// Where backups, drafts, logs and the audit log go; `None` when none can be found.
    pub data_dir: Option<PathBuf>,
    /// Talking to the built-in mock server.
    pub demo: bool,
    /// How long a queued task is polled (the profile's `task_poll_give_up_secs`).
    pub task_poll_give_up: Duration,
}

impl Connection {
    /// A writable, non-demo connection with no orgs and no data dir; set the rest with
    /// struct update syntax.
    pub fn new(
        profile: impl Into<String>,
        settings: ClientSettings,
        key_source: impl Into<String>,
    ) -> Connection {
        Connection {
            profile: profile.into(),
            settings,
            key_source: key_source.into(),
            read_only: false,
            orgs: Vec::new(),
            data_dir: None,
            demo: false,
            task_poll_give_up: DEFAULT_TASK_POLL_GIVE_UP,
        }
    }

    /// The server, as shown, journaled and audited.
    pub fn base_url(&self) -> &str {
        &self.settings.base_url
    }

    /// A client for this server.
    pub fn client(&self) -> Result<ApiClient, ApiError> {
        ApiClient::new(&self.settings)
    }

    /// Who and where the audit log says changes come from (a fingerprint of the key, never
    /// the key).
    pub fn audit_context(&self) -> AuditContext {
        AuditContext::new(&self.profile, self.base_url(), &self.settings.api_key)
    }

    /// The org as the profile knows it (for its platform key), else by key alone.
    pub fn org(&self, key: &str) -> OrgScope {
        self.orgs
            .iter()
            .find(|o| o.scope.key == key)
            .map(|o| o.scope.clone())
            .unwrap_or_else(|| OrgScope::new(key))
    }
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;

    fn conn() -> Connection {
        let settings = ClientSettings::new(
            "https://x.example",
            SecretString::from("s3cr3t-canary".to_owned()),
        );
        Connection {
            orgs: vec![OrgChoice {
                scope: OrgScope {
                    key: "main".into(),
                    platform_key: "main-platform".into(),
                },
                name: Some("Main".into()),
            }],
            ..Connection::new("prod", settings, "env var K")
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let c = conn();
        let shown = format!("{c:?} {:?}", c.audit_context());
        assert!(!shown.contains("s3cr3t-canary"), "{shown}");
        assert!(shown.contains("env var K"), "{shown}");
    }

    #[test]
    fn a_configured_org_keeps_its_platform_key_and_others_are_by_key() {
        let c = conn();
        assert_eq!(c.org("main").platform_key, "main-platform");
        assert_eq!(c.org("other"), OrgScope::new("other"));
    }
}
