//! `--read-only` on the CLI: every write subcommand is refused (exit 2) before anything is
//! sent or audited, while reads, exports and dry runs still work.

mod cli_support;

use cli_support::{Env, KEY, config, users_file};
use memory_console::mock::MemoryShape;
use reqwest::Method;

fn writes(env: &Env) -> u64 {
    let s = env.mock.state();
    s.count(Method::POST) + s.count(Method::PUT) + s.count(Method::DELETE)
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_refuses_every_write_and_sends_none() {
    // A list-shaped read, so the export is complete and exits 0.
    let env = Env::start(config(3).with_memory_shape(MemoryShape::List)).await;
    // A restorable backup of u01, whose memory is then gone: a restore would POST.
    let export = env.path("export");
    let file = users_file(&env, &["u01", "u02", "u03"]);
    let out = env
        .run(&[
            "export",
            "--org",
            "main",
            "--users-file",
            &file,
            "--out",
            export.to_str().expect("UTF-8"),
            "--read-only",
        ])
        .await;
    assert_eq!(out.code, 0, "export only reads: {}", out.stderr);
    let backup = std::fs::read_dir(export.join("main"))
        .expect("export dir")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("u01"))
        .expect("u01's file");
    let gone = reqwest::Client::new()
        .delete(format!(
            "{}/api/ai-prompt/orgs/main/users/u01/all-chats-memory/",
            env.mock.base_url()
        ))
        .header("Authorization", format!("Api-Key {KEY}"))
        .send()
        .await
        .expect("delete");
    assert_eq!(gone.status().as_u16(), 204);
    env.mock.state().clear_requests();

    let backup = backup.to_str().expect("UTF-8").to_owned();
    let out_dir = env.path("purge");
    let out_dir = out_dir.to_str().expect("UTF-8");
    let m = ["--org", "main", "--user"];
    let refused: Vec<Vec<&str>> = vec![
        [
            &["memory", "create"][..],
            &m,
            &["empty.eve", "--content", "x"],
        ]
        .concat(),
        [&["memory", "update"][..], &m, &["u02", "--content", "x"]].concat(),
        [&["memory", "delete"][..], &m, &["u02", "--yes"]].concat(),
        [
            &["memory", "delete"][..],
            &m,
            &["u02", "--entry", "1", "--yes"],
        ]
        .concat(),
        [
            &["memory", "delete"][..],
            &m,
            &["u02", "--store", "mentor", "--category", "x", "--yes"],
        ]
        .concat(),
        [
            &["memory", "delete"][..],
            &m,
            &["u02", "--store", "course", "--yes"],
        ]
        .concat(),
        vec!["forget", "--org", "main", "--user", "u02", "--yes"],
        [&["memory", "enable"][..], &m, &["u02"]].concat(),
        [&["memory", "disable"][..], &m, &["u02"]].concat(),
        vec!["memory", "restore", "--backup", &backup],
        vec![
            "purge",
            "--org",
            "main",
            "--users-file",
            &file,
            "--yes",
            "--out",
            out_dir,
        ],
        vec![
            "purge",
            "--org",
            "main",
            "--users-file",
            &file,
            "--yes",
            "--stores",
            "mentor,course",
        ],
    ];
    for args in refused {
        let mut args = args.clone();
        args.push("--read-only");
        let out = env.run(&args).await;
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("read-only"), "{args:?}: {}", out.stderr);
        assert_eq!(writes(&env), 0, "{args:?} sent a write");
    }
    assert!(!env.audit_log().exists(), "nothing was audited");
    assert_eq!(
        env.mock.state().memory("main", "u02").expect("user").len(),
        1
    );
    assert_eq!(env.mock.state().memory("main", "u01"), Some(Vec::new()));

    // Reads still work.
    let out = env
        .run(&[
            "memory",
            "get",
            "--org",
            "main",
            "--user",
            "u02",
            "--read-only",
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.text(), "memory of u02\n");
    let out = env
        .run(&[
            "purge",
            "--org",
            "main",
            "--users-file",
            &file,
            "--dry-run",
            "--read-only",
        ])
        .await;
    assert_eq!(out.code, 0, "a dry run only reads: {}", out.stderr);
    assert_eq!(writes(&env), 0);
}
