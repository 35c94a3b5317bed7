//! Command-line flags of the `mock-server` subcommand.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::config::{MemoryShape, PagingQuirk};

/// Flags of `memory-console mock-server`.
#[derive(clap::Args, Debug, Clone)]
pub struct MockServerArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub addr: SocketAddr,

    /// Seed JSON file replacing the built-in demo seed.
    #[arg(long, value_name = "PATH")]
    pub seed: Option<PathBuf>,

    /// Generate N more users (deterministically) into the first org.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub users: usize,

    /// Memory entries of each generated user that has memory (85% of them do).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = parse_entries)]
    pub entries_per_user: usize,

    /// API key clients must send as `Authorization: Api-Key <KEY>`.
    #[arg(
        long,
        value_name = "KEY",
        env = "MOCK_API_KEY",
        default_value = "demo-key",
        hide_env_values = true
    )]
    pub api_key: String,

    /// Fixed latency added to every request, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub latency_ms: u64,

    /// How long a queued memory update takes to complete, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 3000)]
    pub task_delay_ms: u64,

    /// Fraction (0..1) of queued tasks that end "failed", leaving memory unchanged.
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_fraction)]
    pub fail_rate: f64,

    /// Fraction (0..1) of requests answered 500.
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_fraction)]
    pub error_rate: f64,

    /// Fraction (0..1) of requests answered 429 with `Retry-After: 1`.
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_fraction)]
    pub throttle_rate: f64,

    /// Shape of a memory GET: one object (the first entry) or a list of all entries.
    #[arg(long, value_enum, default_value_t = MemoryShape::Object)]
    pub memory_shape: MemoryShape,

    /// How the users list pages: honest, or misbehaving (endless, stuck) for client tests.
    #[arg(long, value_enum, default_value_t = PagingQuirk::Honest)]
    pub paging: PagingQuirk,

    /// Seed of the random generator behind injected faults, for reproducible runs.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub fault_seed: u64,
}

/// At least one entry: a user "with memory" and no entries would be a user without memory.
fn parse_entries(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("a user with memory has at least 1 entry".to_owned()),
        Ok(n) if n <= 1000 => Ok(n),
        Ok(n) => Err(format!("{n} entries per user is more than 1000")),
        Err(_) => Err(format!("`{text}` is not a whole number")),
    }
}

fn parse_fraction(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{value} is not between 0 and 1"))
    }
}

/// `memory-console mock-server` parsed on its own, so its help lists only its own options
/// and the console's (--profile, --config, --read-only...) are refused rather than ignored.
#[derive(clap::Parser, Debug)]
#[command(
    name = "memory-console mock-server",
    bin_name = "memory-console mock-server",
    about = "Run the ibl-compatible mock server in the foreground."
)]
pub struct MockServerCli {
    #[command(flatten)]
    pub args: MockServerArgs,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: MockServerArgs,
    }

    #[test]
    fn defaults() {
        let cli = Cli::try_parse_from(["mock", "--api-key", "k"]).unwrap();
        assert_eq!(cli.args.addr.to_string(), "127.0.0.1:8787");
        assert_eq!(cli.args.task_delay_ms, 3000);
        assert_eq!(cli.args.memory_shape, MemoryShape::Object);
        assert_eq!(cli.args.users, 0);
        assert_eq!(cli.args.entries_per_user, 1);
        assert!(cli.args.seed.is_none());
    }

    #[test]
    fn all_flags() {
        let cli = Cli::try_parse_from([
            "mock",
            "--addr",
            "0.0.0.0:9000",
            "--seed",
            "s.json",
            "--users",
            "100000",
            "--entries-per-user",
            "3",
            "--api-key",
            "k",
            "--latency-ms",
            "5",
            "--task-delay-ms",
            "50",
            "--fail-rate",
            "0.5",
            "--error-rate",
            "0.1",
            "--throttle-rate",
            "1",
            "--memory-shape",
            "list",
        ])
        .unwrap();
        assert_eq!(cli.args.users, 100_000);
        assert_eq!(cli.args.entries_per_user, 3);
        assert_eq!(cli.args.memory_shape, MemoryShape::List);
        assert!((cli.args.throttle_rate - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn rates_outside_zero_one_are_refused() {
        assert!(Cli::try_parse_from(["mock", "--api-key", "k", "--error-rate", "1.5"]).is_err());
        assert!(Cli::try_parse_from(["mock", "--api-key", "k", "--fail-rate", "x"]).is_err());
        assert!(
            Cli::try_parse_from(["mock", "--api-key", "k", "--entries-per-user", "0"]).is_err()
        );
    }
}
