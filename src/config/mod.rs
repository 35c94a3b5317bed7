//! Configuration: where the file is, which profile is chosen, and where the key comes from.

mod file;

use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use thiserror::Error;

use crate::api::{ApiClient, ClientSettings, DEFAULT_MAX_BODY_BYTES, OrgScope, Timeouts};
use crate::connection::Connection;
pub use crate::connection::OrgChoice;
pub use file::{ConfigFile, OrgFile, ProfileFile};

/// Env var naming a config file, below `--config`.
pub const CONFIG_ENV: &str = "MEMORY_CONSOLE_CONFIG";
/// Env var naming the data dir, above the file's `data_dir`.
pub const DATA_DIR_ENV: &str = "MEMORY_CONSOLE_DATA_DIR";

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("no profile named {name:?} in {path}; profiles: {known}")]
    UnknownProfile {
        name: String,
        path: PathBuf,
        known: String,
    },
    #[error(
        "{path} has several profiles and no default_profile; pick one with --profile ({known})"
    )]
    NoProfileChosen { path: PathBuf, known: String },
    #[error("{path} defines no profiles")]
    NoProfiles { path: PathBuf },
    #[error("no API key for profile {profile:?}: set the environment variable {env}")]
    MissingKey { profile: String, env: String },
    #[error(
        "no API key for profile {profile:?}: api_key in {path} is empty; set it, or the environment variable {env}"
    )]
    EmptyFileKey {
        profile: String,
        path: PathBuf,
        env: String,
    },
    #[error("no API key for profile {profile:?}: the environment variable {env} is set but empty")]
    EmptyKey { profile: String, env: String },
    #[error("profile {profile:?}: {message}")]
    Invalid { profile: String, message: String },
}

/// A config file that was read, with the warnings to show.
#[derive(Debug)]
pub struct LoadedConfig {
    pub path: PathBuf,
    pub file: ConfigFile,
    pub warnings: Vec<String>,
    /// True when the file itself may be read by other users.
    pub readable_by_others: bool,
}

/// Which file to read: `--config`, else `MEMORY_CONSOLE_CONFIG`, else the OS config dir.
/// The second value tells whether the place was named explicitly (then it must exist).
pub fn config_path(explicit: Option<&Path>) -> Option<(PathBuf, bool)> {
    if let Some(p) = explicit {
        return Some((p.to_path_buf(), true));
    }
    if let Some(p) = std::env::var_os(CONFIG_ENV).filter(|v| !v.is_empty()) {
        return Some((PathBuf::from(p), true));
    }
    project_dirs().map(|d| (d.config_dir().join("config.toml"), false))
}

/// Reads the config; `Ok(None)` when there is none at the default place (demo mode).
pub fn load(explicit: Option<&Path>) -> Result<Option<LoadedConfig>, ConfigError> {
    let Some((path, named)) = config_path(explicit) else {
        return Ok(None);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => return Ok(None),
        Err(source) => return Err(ConfigError::Read { path, source }),
    };
    let readable_by_others = readable_by_others(&path);
    parse(&text, path, readable_by_others).map(Some)
}

/// Parses config text; `path` is for messages.
pub fn parse(
    text: &str,
    path: PathBuf,
    readable_by_others: bool,
) -> Result<LoadedConfig, ConfigError> {
    let file: ConfigFile = toml::from_str(text).map_err(|e| ConfigError::Parse {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let mut warnings = Vec::new();
    if readable_by_others {
        for (name, p) in &file.profiles {
            if p.api_key.is_some() {
                warnings.push(format!(
                    "{} holds an API key (profile {name:?}) but other users can read it: run `chmod 600 {}` or move the key to env var {}",
                    path.display(),
                    path.display(),
                    p.api_key_env
                ));
            }
        }
    }
    Ok(LoadedConfig {
        path,
        file,
        warnings,
        readable_by_others,
    })
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o077 != 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn readable_by_others(_path: &Path) -> bool {
    false
}

impl LoadedConfig {
    /// Picks a profile: `wanted`, else `default_profile`, else the only one; the key comes
    /// from the process environment, the data dir from [`Self::data_dir`].
    pub fn profile(&self, wanted: Option<&str>) -> Result<Connection, ConfigError> {
        self.profile_with_env(wanted, |name| std::env::var(name).ok())
    }

    /// [`Self::profile`] with the environment given as a lookup, so tests need not mutate
    /// the process environment.
    pub fn profile_with_env(
        &self,
        wanted: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Connection, ConfigError> {
        let known = || {
            self.file
                .profiles
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        };
        let name = match wanted.or(self.file.default_profile.as_deref()) {
            Some(n) => n.to_owned(),
            None => match self.file.profiles.len() {
                0 => {
                    return Err(ConfigError::NoProfiles {
                        path: self.path.clone(),
                    });
                }
                1 => self
                    .file
                    .profiles
                    .keys()
                    .next()
                    .cloned()
                    .unwrap_or_default(),
                _ => {
                    return Err(ConfigError::NoProfileChosen {
                        path: self.path.clone(),
                        known: known(),
                    });
                }
            },
        };
        let Some(p) = self.file.profiles.get(&name) else {
            return Err(ConfigError::UnknownProfile {
                name,
                path: self.path.clone(),
                known: known(),
            });
        };
        let raw_env_key = env(&p.api_key_env);
        let env_empty = raw_env_key.as_ref().is_some_and(|k| k.trim().is_empty());
        let env_key = raw_env_key.filter(|k| !k.trim().is_empty());
        let (api_key, key_source) = match (env_key, &p.api_key) {
            (Some(k), _) => (SecretString::from(k), format!("env var {}", p.api_key_env)),
            (None, Some(k)) if !k.0.expose_secret().trim().is_empty() => {
                (k.0.clone(), format!("api_key in {}", self.path.display()))
            }
            _ if env_empty => {
                return Err(ConfigError::EmptyKey {
                    profile: name,
                    env: p.api_key_env.clone(),
                });
            }
            (None, Some(_)) => {
                return Err(ConfigError::EmptyFileKey {
                    profile: name,
                    path: self.path.clone(),
                    env: p.api_key_env.clone(),
                });
            }
            _ => {
                return Err(ConfigError::MissingKey {
                    profile: name,
                    env: p.api_key_env.clone(),
                });
            }
        };
        let mut connection = resolve_profile(&name, p, api_key, key_source)?;
        connection.data_dir = self.data_dir();
        Ok(connection)
    }

    /// The data dir: env `MEMORY_CONSOLE_DATA_DIR`, else the file's `data_dir`, else the OS's.
    pub fn data_dir(&self) -> Option<PathBuf> {
        data_dir(self.file.data_dir.as_deref())
    }
}

fn resolve_profile(
    name: &str,
    p: &ProfileFile,
    api_key: SecretString,
    key_source: String,
) -> Result<Connection, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid {
        profile: name.to_owned(),
        message,
    };
    let base_url =
        ApiClient::normalized_base_url(&p.base_url).map_err(|e| invalid(e.to_string()))?;
    let secs = |v: Option<f64>, default: Duration, what: &str| -> Result<Duration, ConfigError> {
        match v {
            None => Ok(default),
            Some(s) if s.is_finite() && s > 0.0 && s <= 3600.0 => Ok(Duration::from_secs_f64(s)),
            // 0 would mean "give up at once", not "no limit": say what is accepted.
            Some(0.0) => Err(invalid(format!(
                "timeouts.{what} = 0 would fail every request: use a number of seconds above 0 (up to 3600)"
            ))),
            Some(s) => Err(invalid(format!(
                "timeouts.{what} = {s} is out of range: use a number of seconds above 0 (up to 3600)"
            ))),
        }
    };
    let d = Timeouts::default();
    let timeouts = Timeouts {
        connect: secs(p.timeouts.connect_secs, d.connect, "connect_secs")?,
        read: secs(p.timeouts.read_secs, d.read, "read_secs")?,
        total: secs(p.timeouts.total_secs, d.total, "total_secs")?,
    };
    if p.max_body_bytes == Some(0) {
        return Err(invalid(
            "max_body_bytes = 0 would refuse every answer: leave it out for 8 MiB, or give a size in bytes"
                .into(),
        ));
    }
    let mut orgs = Vec::new();
    for o in &p.orgs {
        if o.key.trim().is_empty() {
            return Err(invalid("an org has an empty key".into()));
        }
        orgs.push(OrgChoice {
            scope: OrgScope {
                key: o.key.clone(),
                platform_key: o.platform_key.clone().unwrap_or_else(|| o.key.clone()),
            },
            name: o.name.clone(),
        });
    }
    let extra_roots = match &p.ca_file {
        Some(path) => {
            crate::api::tls::load_ca_file(path).map_err(|e| invalid(format!("ca_file: {e}")))?
        }
        None => Vec::new(),
    };
    let settings = ClientSettings {
        base_url,
        api_key,
        auth_scheme: p.auth_scheme.clone(),
        user_path: p.user_path,
        timeouts,
        max_body_bytes: p.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
        retry: Default::default(),
        extra_roots,
    };
    let mut connection = Connection::new(name, settings, key_source);
    connection.read_only = p.read_only;
    connection.orgs = orgs;
    if let Some(secs) = p.task_poll_give_up_secs {
        connection.task_poll_give_up = Duration::from_secs(secs);
    }
    Ok(connection)
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("ai", "ibl", "memory-console")
}

/// The data dir: env `MEMORY_CONSOLE_DATA_DIR`, else `configured`, else the OS data dir.
pub fn data_dir(configured: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    configured
        .map(Path::to_path_buf)
        .or_else(|| project_dirs().map(|d| d.data_dir().to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../config.example.toml");

    fn load_text(text: &str, shared: bool) -> LoadedConfig {
        parse(text, PathBuf::from("/tmp/c.toml"), shared).unwrap()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_example_is_valid_and_complete() {
        let cfg = load_text(EXAMPLE, false);
        let key = |name: &str| (name == "IBL_API_KEY").then(|| "k".to_owned());
        let p = cfg.profile_with_env(None, key).unwrap();
        assert_eq!(p.profile, "production");
        assert_eq!(p.base_url(), "https://base.manager.iblai.app");
        assert_eq!(p.orgs[0].scope, OrgScope::new("main"));
        assert_eq!(p.key_source, "env var IBL_API_KEY");
        assert_eq!(p.settings.auth_scheme, "Api-Key");
        assert!(!p.read_only);
    }

    #[test]
    fn the_examples_ca_file_line_names_the_profile_and_path_when_missing() {
        let line = "# ca_file = \"/etc/ssl/certs/internal-ca.pem\"";
        assert!(EXAMPLE.contains(line), "the example documents ca_file");
        let text = EXAMPLE.replace(line, "ca_file = \"/nonexistent/internal-ca.pem\"");
        let key = |name: &str| (name == "IBL_API_KEY").then(|| "k".to_owned());
        let err = load_text(&text, false)
            .profile_with_env(None, key)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"production\"") && err.contains("/nonexistent/internal-ca.pem"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_key_names_the_env_var() {
        let cfg = load_text(EXAMPLE, false);
        let err = cfg.profile_with_env(None, no_env).unwrap_err();
        assert!(err.to_string().contains("IBL_API_KEY"), "{err}");
    }

    #[test]
    fn an_empty_key_in_the_file_is_named_as_such() {
        let text = "[profiles.p]\nbase_url = \"https://x.example\"\napi_key = \"  \"\n";
        let err = load_text(text, false)
            .profile_with_env(None, no_env)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("api_key in") && err.contains("is empty"),
            "{err}"
        );
        assert!(err.contains("IBL_API_KEY"), "{err}");
    }

    #[test]
    fn a_key_in_a_shared_file_warns_and_never_shows() {
        let text = "[profiles.p]\nbase_url = \"https://x.example\"\napi_key = \"s3cr3t-canary\"\n";
        let cfg = load_text(text, true);
        assert_eq!(cfg.warnings.len(), 1);
        assert!(cfg.warnings[0].contains("chmod 600"));
        assert!(!format!("{cfg:?}").contains("s3cr3t-canary"));
        let p = cfg.profile_with_env(None, no_env).unwrap();
        assert!(!format!("{p:?}").contains("s3cr3t-canary"));
        assert_eq!(p.settings.api_key.expose_secret(), "s3cr3t-canary");
        assert!(load_text(text, false).warnings.is_empty());
    }

    #[test]
    fn the_env_key_wins_over_the_file() {
        let text = "[profiles.p]\nbase_url = \"https://x.example\"\napi_key = \"file\"\napi_key_env = \"K\"\n";
        let cfg = load_text(text, false);
        let p = cfg
            .profile_with_env(None, |n| (n == "K").then(|| "env".to_owned()))
            .unwrap();
        assert_eq!(p.settings.api_key.expose_secret(), "env");
    }

    #[test]
    fn typos_and_bad_values_are_named() {
        let err = parse(
            "[profiles.p]\nbase_url = \"https://x\"\nread_onyl = true\n",
            "c".into(),
            false,
        )
        .unwrap_err();
        assert!(err.to_string().contains("read_onyl"), "{err}");
        let cfg = load_text("[profiles.p]\nbase_url = \"http://example.com\"\n", false);
        let err = cfg
            .profile_with_env(None, |_| Some("k".into()))
            .unwrap_err();
        assert!(err.to_string().contains("unencrypted"), "{err}");
        let cfg = load_text(
            "[profiles.p]\nbase_url = \"https://x\"\n[profiles.p.timeouts]\nread_secs = -1\n",
            false,
        );
        assert!(cfg.profile_with_env(None, |_| Some("k".into())).is_err());
    }

    #[test]
    fn profile_choice() {
        let text =
            "[profiles.a]\nbase_url = \"https://a\"\n[profiles.b]\nbase_url = \"https://b\"\n";
        let cfg = load_text(text, false);
        let env = |_: &str| Some("k".to_owned());
        assert!(matches!(
            cfg.profile_with_env(None, env),
            Err(ConfigError::NoProfileChosen { .. })
        ));
        assert_eq!(
            cfg.profile_with_env(Some("b"), env).unwrap().base_url(),
            "https://b"
        );
        let err = cfg.profile_with_env(Some("c"), env).unwrap_err();
        assert!(err.to_string().contains("a, b"), "{err}");
    }

    #[test]
    fn a_missing_default_file_is_demo_mode_but_a_named_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.toml");
        assert!(load(Some(&missing)).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn file_permissions_are_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(
            &path,
            "[profiles.p]\nbase_url = \"https://x\"\napi_key = \"k\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(load(Some(&path)).unwrap().unwrap().warnings.len(), 1);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(load(Some(&path)).unwrap().unwrap().warnings.is_empty());
    }
}

#[cfg(test)]
mod ui_tests {
    use super::*;

    #[test]
    fn the_examples_ui_section_is_valid() {
        let cfg = parse(include_str!("../../config.example.toml"), "c".into(), false).unwrap();
        assert!(cfg.file.ui.contains_key("keys") && cfg.file.ui.contains_key("theme"));
        crate::ui::settings::from_config(&cfg.file.ui, false).unwrap();
    }

    #[test]
    fn the_example_lists_every_action() {
        let text = include_str!("../../config.example.toml");
        let start = text.find("Actions:").unwrap() + "Actions:".len();
        let end = start + text[start..].find('.').unwrap();
        let listed: Vec<crate::app::Action> = text[start..end]
            .split(',')
            .map(|w| w.trim().trim_start_matches('#').trim())
            .map(|w| toml::Value::String(w.to_owned()).try_into().unwrap())
            .collect();
        let mut all = crate::app::Action::ALL.to_vec();
        let mut seen = listed.clone();
        all.sort();
        seen.sort();
        assert_eq!(seen, all, "config.example.toml lists {listed:?}");
    }
}
