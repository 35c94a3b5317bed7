//! What reading a whole store gives: its items, or word that this server does not offer the
//! store for this user (404 or 405), which callers treat as empty and say so.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::ApiError;

/// Why a store read as "unavailable": the status and the server's own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreGap {
    /// 404 (not found: no memory, or no such route on this server) or 405 (method not allowed).
    pub status: u16,
    pub detail: Option<String>,
}

impl fmt::Display for StoreGap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.status {
            404 => "not found",
            405 => "not offered by this server",
            _ => "unavailable",
        };
        write!(f, "the server answered {} ({what})", self.status)?;
        match &self.detail {
            Some(d) if !d.is_empty() => write!(f, ": {d}"),
            _ => Ok(()),
        }
    }
}

/// A whole store as read: its items, or a gap to report as "empty, because ...".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreRead<T> {
    Items(T),
    Unavailable(StoreGap),
}

impl<T: Default> StoreRead<T> {
    /// The items, or an empty value when the store was unavailable.
    pub fn into_items(self) -> T {
        match self {
            StoreRead::Items(items) => items,
            StoreRead::Unavailable(_) => T::default(),
        }
    }
}

impl<T> StoreRead<T> {
    /// The reason the store read as empty, if it did so because of a 404 or 405.
    pub fn gap(&self) -> Option<&StoreGap> {
        match self {
            StoreRead::Items(_) => None,
            StoreRead::Unavailable(gap) => Some(gap),
        }
    }

    pub fn items(&self) -> Option<&T> {
        match self {
            StoreRead::Items(items) => Some(items),
            StoreRead::Unavailable(_) => None,
        }
    }
}

/// Turns a 404 or 405 into [`StoreRead::Unavailable`]; every other error stays an error.
pub(super) fn store_read<T>(result: Result<T, ApiError>) -> Result<StoreRead<T>, ApiError> {
    match result {
        Ok(items) => Ok(StoreRead::Items(items)),
        Err(ApiError::NotFound { detail }) => Ok(StoreRead::Unavailable(StoreGap {
            status: 404,
            detail,
        })),
        Err(ApiError::UnexpectedStatus {
            status: 405,
            excerpt,
        }) => Ok(StoreRead::Unavailable(StoreGap {
            status: 405,
            detail: Some(excerpt).filter(|e| !e.is_empty()),
        })),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_404_and_405_are_gaps() {
        let gap = store_read::<Vec<u8>>(Err(ApiError::NotFound { detail: None })).unwrap();
        assert_eq!(gap.gap().map(|g| g.status), Some(404));
        assert!(gap.into_items().is_empty());
        let gap = store_read::<Vec<u8>>(Err(ApiError::UnexpectedStatus {
            status: 405,
            excerpt: "Method \"GET\" not allowed.".into(),
        }))
        .unwrap();
        assert!(gap.gap().unwrap().to_string().contains("405"));
        assert!(
            store_read::<Vec<u8>>(Err(ApiError::UnexpectedStatus {
                status: 418,
                excerpt: String::new()
            }))
            .is_err()
        );
        assert!(store_read::<Vec<u8>>(Err(ApiError::Unauthorized { detail: None })).is_err());
        assert_eq!(
            store_read(Ok(vec![1u8])).unwrap(),
            StoreRead::Items(vec![1])
        );
    }
}
