//! The operations layer's writes (create, replace, update one entry, switch memory) against
//! the in-process mock: a write the server refuses carries the server's error, so the CLI
//! exits with that error's code (3 no such user, 4 bad key), while a write refused before
//! sending (a conflict) carries none.

mod common;

use std::path::Path;
use std::time::Duration;

use memory_console::api::{
    ApiClient, ClientSettings, ErrorKind, MemoryWrite, OrgScope, RetryPolicy, UserRef,
};
use memory_console::commands::{CmdError, Exit};
use memory_console::mock::MockConfig;
use memory_console::ops::{Ops, Trail, WriteError};
use memory_console::store::{AuditContext, AuditLog};
use reqwest::Method;
use secrecy::SecretString;

/// Hostile text a write carries: it must reach no message unescaped, and no check here
/// depends on it being tame.
const HOSTILE: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{202e}evil\u{2066}";

fn ops_for(base_url: &str, key: &str, dir: &Path) -> Ops {
    let mut settings = ClientSettings::new(base_url.to_owned(), SecretString::from(key.to_owned()));
    settings.retry = RetryPolicy {
        base_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    };
    let client = ApiClient::new(&settings).expect("client");
    let log = AuditLog::open(dir.join("audit.jsonl")).expect("audit log");
    let ctx = AuditContext::new("test", base_url, &SecretString::from(key.to_owned()));
    Ops::new(client, Trail::new(log, ctx), "test", dir.join("backups"))
}

fn main_org() -> OrgScope {
    OrgScope::new("main")
}

/// The exit code a command gives for this failed write.
fn exit_of(e: &WriteError) -> Exit {
    CmdError::op("the write", e).exit
}

fn kind_of(e: &WriteError) -> Option<ErrorKind> {
    e.api().map(|a| a.kind())
}

#[tokio::test]
async fn a_write_the_server_refuses_keeps_its_error_and_exit_code() {
    let mock = common::start(MockConfig::default()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ops = ops_for(&mock.server.base_url(), mock.server.api_key(), dir.path());
    let nobody = UserRef::by_name("no.such.user");
    let write = MemoryWrite::new(HOSTILE);

    // The mock shows no memory for a user it does not know, so the check passes and the
    // POST itself is refused.
    let created = ops
        .create(&main_org(), &nobody, &write)
        .await
        .expect_err("no such user");
    assert!(matches!(created, WriteError::Request(_)), "{created}");
    assert_eq!(kind_of(&created), Some(ErrorKind::NotFound), "{created}");
    assert_eq!(exit_of(&created), Exit::NotFound);

    let sent = ops
        .set_enabled(&main_org(), &nobody, false)
        .await
        .expect_err("no such user");
    assert!(matches!(sent, WriteError::Request(_)), "{sent}");
    assert_eq!(kind_of(&sent), Some(ErrorKind::NotFound), "{sent}");
    assert_eq!(exit_of(&sent), Exit::NotFound);
}

#[tokio::test]
async fn a_write_with_a_bad_key_exits_as_an_auth_failure() {
    let mock = common::start(MockConfig::default()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ops = ops_for(&mock.server.base_url(), "not-the-key", dir.path());
    let mia = UserRef::by_name("multi.mia");
    let write = MemoryWrite::new(HOSTILE);
    // Refused at the check read, before anything is sent.
    let checked = ops
        .create(&main_org(), &mia, &write)
        .await
        .expect_err("bad key");
    assert!(matches!(checked, WriteError::Check(_)), "{checked}");
    assert_eq!(kind_of(&checked), Some(ErrorKind::Auth), "{checked}");
    assert_eq!(exit_of(&checked), Exit::Auth);
    // Refused by the request itself, after its intent line.
    for e in [
        ops.create_unchecked(&main_org(), &mia, &write)
            .await
            .expect_err("bad key"),
        ops.replace(&main_org(), &mia, None, &write)
            .await
            .expect_err("bad key"),
        ops.replace(&main_org(), &mia, Some("base"), &write)
            .await
            .expect_err("bad key"),
    ] {
        assert_eq!(kind_of(&e), Some(ErrorKind::Auth), "{e}");
        assert_eq!(exit_of(&e), Exit::Auth, "{e}");
    }
}

#[tokio::test]
async fn a_conflict_is_not_the_servers_error_and_sends_nothing() {
    let mock = common::start(MockConfig::default()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ops = ops_for(&mock.server.base_url(), mock.server.api_key(), dir.path());
    let mia = UserRef::by_name("multi.mia");
    let write = MemoryWrite::new(HOSTILE);
    let e = ops
        .create(&main_org(), &mia, &write)
        .await
        .expect_err("mia has memory");
    assert!(matches!(e, WriteError::Conflict { .. }), "{e}");
    assert!(e.api().is_none());
    assert_eq!(exit_of(&e), Exit::Other);
    let e = ops
        .replace(&main_org(), &mia, Some("not what the server holds"), &write)
        .await
        .expect_err("the memory changed");
    assert!(matches!(e, WriteError::Conflict { .. }), "{e}");
    assert!(e.api().is_none());
    let state = mock.server.state();
    assert_eq!(state.count(Method::POST) + state.count(Method::PUT), 0);
}
