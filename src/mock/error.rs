//! `MockError`: why a mock server could not start or stopped abnormally.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum MockError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot read seed file {path}: {source}")]
    SeedRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("seed is not valid JSON of the expected format: {0}")]
    SeedParse(#[from] serde_json::Error),
    #[error("seed is inconsistent: {0}")]
    SeedInvalid(String),
    #[error("mock server failed: {0}")]
    Serve(std::io::Error),
    #[error("mock server task ended abnormally: {0}")]
    Join(String),
}
