//! What a client needs to know to talk to one server: where, with which key, and how patiently.

use std::time::Duration;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::retry::RetryPolicy;

/// How users are named in memory paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserPath {
    /// `.../users/{username}/...`, what ibl servers expect by default.
    #[default]
    Username,
    /// `.../users/{numeric user_id}/...`.
    UserId,
}

/// Connect, read and whole-request limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    /// The longest silence while a response is arriving.
    pub read: Duration,
    /// The longest a whole request may take, body included.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            // An agent on a call waits seconds, not a minute: a server that says nothing for
            // this long is reported, and a GET is tried again.
            read: Duration::from_secs(15),
            total: Duration::from_secs(20),
        }
    }
}

/// The default cap on a response body.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Everything [`super::ApiClient::new`] needs.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    pub base_url: String,
    pub api_key: SecretString,
    /// The word before the key in the Authorization header.
    pub auth_scheme: String,
    pub user_path: UserPath,
    pub timeouts: Timeouts,
    pub max_body_bytes: usize,
    pub retry: RetryPolicy,
    /// CA certificates trusted on top of the system store and the built-in roots (a
    /// profile's `ca_file`).
    pub extra_roots: Vec<reqwest::Certificate>,
}

impl ClientSettings {
    pub fn new(base_url: impl Into<String>, api_key: SecretString) -> ClientSettings {
        ClientSettings {
            base_url: base_url.into(),
            api_key,
            auth_scheme: "Api-Key".into(),
            user_path: UserPath::default(),
            timeouts: Timeouts::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            retry: RetryPolicy::default(),
            extra_roots: Vec::new(),
        }
    }
}

/// The org a request is about: its key in paths, and the `platform_key` sent in bodies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrgScope {
    pub key: String,
    pub platform_key: String,
}

impl OrgScope {
    /// An org whose platform key is its own key, the usual case.
    pub fn new(key: impl Into<String>) -> OrgScope {
        let key = key.into();
        OrgScope {
            platform_key: key.clone(),
            key,
        }
    }
}
