//! The shape of config.toml, exactly as written by people; unknown keys are errors so typos
//! do not pass silently.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use secrecy::SecretString;
use serde::{Deserialize, Deserializer};

use crate::api::UserPath;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The profile used when `--profile` is not given.
    #[serde(default)]
    pub default_profile: Option<String>,
    /// Where backups, drafts, the audit log and logs go (default: the OS data dir).
    #[serde(default)]
    pub data_dir: Option<PathBuf>,
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileFile>,
    /// Console look and keys; read by the UI.
    #[serde(default)]
    pub ui: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    pub base_url: String,
    #[serde(default = "default_key_env")]
    pub api_key_env: String,
    #[serde(default)]
    pub api_key: Option<FileSecret>,
    #[serde(default = "default_auth_scheme")]
    pub auth_scheme: String,
    #[serde(default)]
    pub user_path: UserPath,
    #[serde(default)]
    pub read_only: bool,
    #[serde(default)]
    pub timeouts: TimeoutsFile,
    #[serde(default)]
    pub max_body_bytes: Option<usize>,
    /// A PEM file of CA certificates to trust for this server, besides the system's.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// How long the console keeps asking about a queued task before it gives up.
    #[serde(default)]
    pub task_poll_give_up_secs: Option<u64>,
    #[serde(default)]
    pub orgs: Vec<OrgFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeoutsFile {
    pub connect_secs: Option<f64>,
    pub read_secs: Option<f64>,
    pub total_secs: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgFile {
    pub key: String,
    #[serde(default)]
    pub name: Option<String>,
    /// The `platform_key` sent in request bodies, when it differs from the org key.
    #[serde(default)]
    pub platform_key: Option<String>,
}

/// A key read from the file: wrapped at once so no Debug or error can print it.
pub struct FileSecret(pub SecretString);

impl fmt::Debug for FileSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<'de> Deserialize<'de> for FileSecret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(FileSecret(SecretString::from(String::deserialize(d)?)))
    }
}

fn default_key_env() -> String {
    "IBL_API_KEY".into()
}

fn default_auth_scheme() -> String {
    "Api-Key".into()
}
