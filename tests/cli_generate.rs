//! `completions` and `man` print text generated from the real command line definitions.

use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_memory-console"))
        .args(args)
        .env_remove("IBL_API_KEY")
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn completions_are_generated_for_each_shell() {
    let cases = [
        ("bash", "complete -F _memory__console"),
        ("zsh", "#compdef memory-console"),
        ("fish", "complete -c memory-console"),
        ("powershell", "Register-ArgumentCompleter"),
    ];
    for (shell, marker) in cases {
        let (code, out, err) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains(marker), "{shell} script lacks {marker:?}");
        // The subcommands and their flags are in it, not only the top level.
        for word in ["purge", "users-file", "mock-server", "concurrency"] {
            assert!(out.contains(word), "{shell} script lacks {word}");
        }
    }
    let (code, _, err) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2, "an unknown shell is a usage error: {err}");
}

#[test]
fn man_prints_a_roff_page_of_every_subcommand() {
    let (code, out, err) = run(&["man"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(".ie") || out.contains(".TH memory-console"),
        "{out}"
    );
    assert!(out.contains(".TH memory-console"), "no title header");
    for word in ["purge", "completions", "mock\\-server", "IBL_API_KEY"] {
        assert!(out.contains(word), "the page lacks {word}");
    }
}
