//! The one error type of the API client, shaped so the UI can say what failed and what to do.

use std::fmt;
use std::time::Duration;

use thiserror::Error;

/// A message the server attached to a field (DRF style) or to the whole request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMessage {
    /// `None` for request-wide messages (`detail`, `non_field_errors`).
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for FieldMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Everything that can go wrong talking to the server. Never holds the API key.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApiError {
    #[error("the server refused the API key (401){}", detail_suffix(.detail))]
    Unauthorized { detail: Option<String> },
    #[error("the API key may not do this (403){}", detail_suffix(.detail))]
    Forbidden { detail: Option<String> },
    #[error("not found (404){}", detail_suffix(.detail))]
    NotFound { detail: Option<String> },
    #[error("the server rejected the request ({status}): {}", join_messages(.messages))]
    Validation {
        status: u16,
        messages: Vec<FieldMessage>,
    },
    #[error("the server asks to slow down (429){}", retry_suffix(.retry_after))]
    RateLimited { retry_after: Option<Duration> },
    #[error("the server failed ({status}){}", excerpt_suffix(.excerpt))]
    Server { status: u16, excerpt: String },
    #[error("unexpected answer ({status}){}", excerpt_suffix(.excerpt))]
    UnexpectedStatus { status: u16, excerpt: String },
    #[error("the server did not answer in time")]
    Timeout,
    #[error("could not reach the server: {reason}")]
    Connection { reason: String },
    #[error("the server's answer could not be read: {reason}{}", excerpt_suffix(.excerpt))]
    Malformed { reason: String, excerpt: String },
    #[error("the server's answer is larger than the {limit}-byte limit")]
    TooLarge { limit: usize },
    #[error("{0}")]
    InvalidRequest(String),
}

/// The broad class of an error, for exit codes and advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Auth,
    NotFound,
    Invalid,
    Busy,
    Server,
    Network,
    Malformed,
}

impl ApiError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Unauthorized { .. } | ApiError::Forbidden { .. } => ErrorKind::Auth,
            ApiError::NotFound { .. } => ErrorKind::NotFound,
            ApiError::Validation { .. } | ApiError::InvalidRequest(_) => ErrorKind::Invalid,
            ApiError::RateLimited { .. } => ErrorKind::Busy,
            ApiError::Server { .. } | ApiError::UnexpectedStatus { .. } => ErrorKind::Server,
            ApiError::Timeout | ApiError::Connection { .. } => ErrorKind::Network,
            ApiError::Malformed { .. } | ApiError::TooLarge { .. } => ErrorKind::Malformed,
        }
    }

    /// Whether sending the same GET again may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::RateLimited { .. } | ApiError::Timeout | ApiError::Connection { .. } => true,
            ApiError::Server { status, .. } => matches!(status, 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// What the person at the keyboard can do about it; `key_source` says where the key
    /// comes from, as config resolution words it ("env var IBL_API_KEY", "api_key in PATH").
    pub fn advice(&self, key_source: &str) -> String {
        match self {
            ApiError::Unauthorized { .. } => {
                format!("check the API key (from {key_source}) and the profile's base URL")
            }
            ApiError::Forbidden { .. } => {
                "the key lacks the permission for this org; ask a platform admin".into()
            }
            ApiError::NotFound { .. } => "check the org key and the username".into(),
            ApiError::Validation { .. } | ApiError::InvalidRequest(_) => {
                "correct the input and try again".into()
            }
            ApiError::RateLimited { .. } => "wait a moment, then press r to retry".into(),
            ApiError::Server { .. } | ApiError::UnexpectedStatus { .. } => {
                "the server had a problem; retry later".into()
            }
            ApiError::Timeout | ApiError::Connection { .. } => {
                "check the network and the profile's base URL, then retry".into()
            }
            ApiError::Malformed { .. } | ApiError::TooLarge { .. } => {
                "the server answered something unexpected; see the log for details".into()
            }
        }
    }
}

fn detail_suffix(detail: &Option<String>) -> String {
    detail
        .as_ref()
        .map(|d| format!(": {d}"))
        .unwrap_or_default()
}

fn excerpt_suffix(excerpt: &str) -> String {
    if excerpt.is_empty() {
        String::new()
    } else {
        format!(": {excerpt}")
    }
}

fn retry_suffix(retry_after: &Option<Duration>) -> String {
    retry_after
        .map(|d| format!("; retry after {} s", d.as_secs().max(1)))
        .unwrap_or_default()
}

fn join_messages(messages: &[FieldMessage]) -> String {
    if messages.is_empty() {
        return "no reason given".into();
    }
    messages
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
