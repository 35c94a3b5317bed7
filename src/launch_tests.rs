//! One config file resolved by the console's launch and by the CLI context: every fact of
//! the profile (name, server, key source, read-only flag, orgs, data dir, give-up) reaches
//! both, and `--read-only` and `--base-url` reach both, so no copy between structs drops one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;

use super::target;
use crate::api::OrgScope;
use crate::app::{Action, App, Keymap};
use crate::cli::Cli;
use crate::commands::Ctx;
use crate::config;

/// A key env var nobody sets, so the key comes from the file whatever the test's env holds.
const UNSET_ENV: &str = "MEMORY_CONSOLE_TEST_NEVER_SET_9F3A";

fn write_config(dir: &Path) -> PathBuf {
    let path = dir.join("config.toml");
    let text = format!(
        r#"default_profile = "ro"
data_dir = "{data}"

[profiles.ro]
base_url = "https://ro.example/"
api_key = "s3cr3t-canary"
api_key_env = "{UNSET_ENV}"
read_only = true
task_poll_give_up_secs = 42

[[profiles.ro.orgs]]
key = "main"
platform_key = "main-platform"
name = "Main Campus"

[[profiles.ro.orgs]]
key = "acme"

[profiles.rw]
base_url = "https://rw.example"
api_key = "s3cr3t-canary"
api_key_env = "{UNSET_ENV}"

[[profiles.rw.orgs]]
key = "main"
"#,
        data = dir.join("data").display(),
    );
    std::fs::write(&path, text).expect("config written");
    // Owner-only, so the file's key brings no permission warning.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    path
}

fn cli(config: &Path, extra: &[&str]) -> Cli {
    let mut args = vec!["memory-console", "--config"];
    args.push(config.to_str().expect("utf-8 temp path"));
    args.extend_from_slice(extra);
    Cli::try_parse_from(args).expect("flags parse")
}

#[tokio::test]
async fn every_profile_fact_reaches_the_console_and_the_cli() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_config(dir.path());
    let cli = cli(&path, &[]);
    let want_data = config::data_dir(Some(&dir.path().join("data")));
    let main = OrgScope {
        key: "main".into(),
        platform_key: "main-platform".into(),
    };

    let t = target(&cli).await.expect("console target");
    let app = App::new(t.connection, Keymap::default());
    let s = &app.session;
    assert_eq!(s.profile, "ro");
    assert_eq!(s.base_url(), "https://ro.example");
    assert_eq!(s.base_url(), t.client.base_url());
    assert!(s.key_source.contains("api_key in"), "{}", s.key_source);
    assert!(s.read_only);
    assert!(!s.demo);
    assert_eq!(s.data_dir, want_data);
    assert_eq!(s.task_poll_give_up, Duration::from_secs(42));
    let orgs: Vec<_> = app.orgs.iter().map(|o| o.choice.scope.clone()).collect();
    assert_eq!(orgs, [main.clone(), OrgScope::new("acme")]);
    assert_eq!(app.orgs[0].display_name(), "Main Campus");
    assert!(
        app.permits(Action::Edit).is_err(),
        "the console refuses writes"
    );
    assert!(!format!("{app:?}").contains("s3cr3t-canary"));

    let ctx = Ctx::connect(&cli).expect("cli context");
    let c = &ctx.connection;
    assert_eq!(c.profile, "ro");
    assert_eq!(c.base_url(), "https://ro.example");
    assert_eq!(ctx.client.base_url(), "https://ro.example");
    assert!(c.key_source.contains("api_key in"), "{}", c.key_source);
    assert_eq!(c.data_dir, want_data);
    assert_eq!(want_data.as_deref(), Some(ctx.data.root()));
    assert_eq!(c.task_poll_give_up, Duration::from_secs(42));
    assert_eq!(ctx.org("main"), main);
    assert_eq!(ctx.audit_ctx.profile, "ro");
    assert_eq!(ctx.audit_ctx.base_url, "https://ro.example");
    let refused = ctx.check_writable().expect_err("the CLI refuses writes");
    assert!(refused.to_string().contains("\"ro\""), "{refused}");
}

#[tokio::test]
async fn read_only_and_base_url_flags_reach_the_console_and_the_cli() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_config(dir.path());

    // The writable profile as it is: both may write.
    let plain = cli(&path, &["--profile", "rw"]);
    let t = target(&plain).await.expect("console target");
    assert!(
        App::new(t.connection, Keymap::default())
            .permits(Action::Edit)
            .is_ok()
    );
    assert!(Ctx::connect(&plain).expect("ctx").check_writable().is_ok());

    let flagged = cli(
        &path,
        &[
            "--profile",
            "rw",
            "--read-only",
            "--base-url",
            "https://override.example/",
        ],
    );
    let t = target(&flagged).await.expect("console target");
    assert_eq!(t.client.base_url(), "https://override.example");
    let app = App::new(t.connection, Keymap::default());
    assert_eq!(app.session.base_url(), "https://override.example");
    assert!(
        app.permits(Action::Edit).is_err(),
        "--read-only reaches the console"
    );
    let ctx = Ctx::connect(&flagged).expect("ctx");
    assert_eq!(ctx.connection.base_url(), "https://override.example");
    assert_eq!(ctx.audit_ctx.base_url, "https://override.example");
    assert!(ctx.check_writable().is_err(), "--read-only reaches the CLI");
}
