//! Exit codes of the subcommands and the one error type that carries them, so scripts can
//! tell "wrong flags" from "no such user" from "bad key" from "some users failed".

use std::fmt;
use std::process::ExitCode;

use crate::api::{ApiError, ErrorKind};
use crate::store::StoreError;

/// The documented exit codes (also in `--help` and the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Other = 1,
    Usage = 2,
    NotFound = 3,
    Auth = 4,
    Partial = 5,
    TaskFailed = 6,
    /// `forget`: a store may still hold data (the server kept it, or an erase failed).
    NotForgotten = 7,
    Interrupted = 130,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// A command failure: the message for stderr and the exit code.
#[derive(Debug)]
pub struct CmdError {
    pub exit: Exit,
    pub message: String,
}

impl CmdError {
    pub fn new(exit: Exit, message: impl Into<String>) -> CmdError {
        CmdError {
            exit,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> CmdError {
        CmdError::new(Exit::Usage, message)
    }

    pub fn other(message: impl Into<String>) -> CmdError {
        CmdError::new(Exit::Other, message)
    }

    /// An API error with what was being done, mapped to its exit code.
    pub fn api(doing: &str, e: &ApiError) -> CmdError {
        CmdError::new(exit_of(e), format!("{doing}: {e}"))
    }

    /// A failed operation (see [`crate::ops`]) with what was being done; the exit code is
    /// the server's error's, when the server is why it failed.
    pub fn op(doing: &str, e: &(impl std::error::Error + OpFailure)) -> CmdError {
        let exit = e.api_error().map_or(Exit::Other, exit_of);
        CmdError::new(exit, format!("{doing}: {e}"))
    }
}

impl fmt::Display for CmdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<StoreError> for CmdError {
    fn from(e: StoreError) -> CmdError {
        CmdError::other(e.to_string())
    }
}

/// An operation's error that may come from the server.
pub trait OpFailure {
    fn api_error(&self) -> Option<&ApiError>;
}

impl OpFailure for crate::ops::WriteError {
    fn api_error(&self) -> Option<&ApiError> {
        self.api()
    }
}

impl OpFailure for crate::ops::EraseError {
    fn api_error(&self) -> Option<&ApiError> {
        self.api()
    }
}

impl OpFailure for crate::ops::StoreEraseError {
    fn api_error(&self) -> Option<&ApiError> {
        self.api()
    }
}

impl OpFailure for crate::ops::RestoreError {
    fn api_error(&self) -> Option<&ApiError> {
        self.api()
    }
}

/// The exit code an API error maps to.
pub fn exit_of(e: &ApiError) -> Exit {
    match e.kind() {
        ErrorKind::Auth => Exit::Auth,
        ErrorKind::NotFound => Exit::NotFound,
        ErrorKind::Invalid => Exit::Usage,
        _ => Exit::Other,
    }
}

pub type CmdResult<T = Exit> = Result<T, CmdError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_map_to_distinct_codes() {
        assert_eq!(
            exit_of(&ApiError::Unauthorized { detail: None }),
            Exit::Auth
        );
        assert_eq!(
            exit_of(&ApiError::NotFound { detail: None }),
            Exit::NotFound
        );
        assert_eq!(exit_of(&ApiError::Timeout), Exit::Other);
        assert_eq!(Exit::Partial as u8, 5);
    }
}
