//! The API key is never a command-line argument: every argument of every subcommand, hidden
//! ones included, is checked, since clap's top-level `--help` does not list subcommand flags.

use clap::CommandFactory;
use memory_console::cli::Cli;

/// Words that would mean an argument carries a secret.
const SECRET_WORDS: [&str; 6] = ["key", "token", "secret", "password", "credential", "auth"];

/// Arguments allowed to hold a key, with why. `mock-server --api-key` is the key the fake
/// server *accepts* (its default is the public demo key); the console never sends a real key
/// through it.
const ALLOWED: [(&str, &str); 1] = [("memory-console mock-server", "api_key")];

/// Every (command path, argument) pair of the tree, subcommands first-class.
fn every_arg(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Arg)>) {
    for arg in cmd.get_arguments() {
        out.push((path.to_owned(), arg.clone()));
    }
    for sub in cmd.get_subcommands() {
        every_arg(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

fn names_of(arg: &clap::Arg) -> Vec<String> {
    let mut names = vec![arg.get_id().to_string()];
    names.extend(arg.get_long().map(str::to_owned));
    names.extend(
        arg.get_all_aliases()
            .unwrap_or_default()
            .into_iter()
            .map(str::to_owned),
    );
    names.extend(
        arg.get_value_names()
            .unwrap_or_default()
            .iter()
            .map(|v| v.to_string()),
    );
    if let Some(env) = arg.get_env() {
        names.push(env.to_string_lossy().into_owned());
    }
    names
}

fn takes_a_secret(arg: &clap::Arg) -> bool {
    names_of(arg).iter().any(|n| {
        let n = n.to_ascii_lowercase();
        SECRET_WORDS.iter().any(|w| n.contains(w))
    })
}

#[test]
fn no_argument_anywhere_in_the_command_tree_takes_a_key() {
    let mut cmd = Cli::command();
    // Global args are copied into subcommands only when built; build so the walk sees them.
    cmd.build();
    let mut all = Vec::new();
    every_arg(&cmd, "memory-console", &mut all);
    let subcommands: Vec<&str> = all.iter().map(|(p, _)| p.as_str()).collect();
    // The walk reached the nested subcommands, where the top-level help is silent.
    for deep in [
        "memory-console memory delete",
        "memory-console memory restore",
        "memory-console purge",
        "memory-console export",
        "memory-console mock-server",
    ] {
        assert!(subcommands.contains(&deep), "walk missed {deep}");
    }
    assert!(all.len() > 40, "only {} args walked", all.len());

    let found: Vec<(String, String)> = all
        .iter()
        .filter(|(_, arg)| takes_a_secret(arg))
        .map(|(path, arg)| (path.clone(), arg.get_id().to_string()))
        .collect();
    let allowed: Vec<(String, String)> = ALLOWED
        .iter()
        .map(|(p, a)| ((*p).to_owned(), (*a).to_owned()))
        .collect();
    assert_eq!(found, allowed, "an argument takes a key or secret");
}

#[test]
fn the_walk_would_see_a_key_flag_on_a_nested_subcommand() {
    // The detector itself: a `--api-key` on a nested subcommand (what the old top-level
    // `--help` grep missed) is found.
    let cmd = clap::Command::new("x").subcommand(
        clap::Command::new("memory")
            .subcommand(clap::Command::new("delete").arg(clap::Arg::new("k").long("api-key"))),
    );
    let mut all = Vec::new();
    every_arg(&cmd, "x", &mut all);
    assert!(
        all.iter()
            .any(|(p, a)| p == "x memory delete" && takes_a_secret(a))
    );
}
