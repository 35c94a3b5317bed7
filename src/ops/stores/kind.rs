//! The stores where ibl.ai keeps what its mentors remember about a user, by name.

use std::fmt;
use std::str::FromStr;

/// One of the places a user's memory lives; in JSON, its name (`"mentor"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// `all-chats-memory`: the chat memory entries.
    Chat,
    /// `/api/ai-mentor/.../memories/`: categories of key/value entries.
    Mentor,
    /// `/api/ai-prompt/.../memory/`: lessons and next steps per catalog item.
    Course,
}

impl StoreKind {
    /// Every store, in the order a forget erases and reports them.
    pub const ALL: [StoreKind; 3] = [StoreKind::Chat, StoreKind::Mentor, StoreKind::Course];

    /// The name used on the command line, in JSON reports and in the audit log.
    pub const fn as_str(self) -> &'static str {
        match self {
            StoreKind::Chat => "chat",
            StoreKind::Mentor => "mentor",
            StoreKind::Course => "course",
        }
    }
}

impl fmt::Display for StoreKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a store; says which names are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown store {0:?}: use chat, mentor or course")]
pub struct UnknownStore(pub String);

impl FromStr for StoreKind {
    type Err = UnknownStore;

    fn from_str(s: &str) -> Result<StoreKind, UnknownStore> {
        StoreKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownStore(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_strangers_are_refused() {
        for kind in StoreKind::ALL {
            assert_eq!(kind.as_str().parse::<StoreKind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.as_str());
        }
        assert_eq!(" Mentor ".parse::<StoreKind>(), Ok(StoreKind::Mentor));
        let err = "all".parse::<StoreKind>().unwrap_err();
        assert!(err.to_string().contains("chat, mentor or course"), "{err}");
        assert!("".parse::<StoreKind>().is_err());
        assert!("\u{1b}[2Jchat".parse::<StoreKind>().is_err());
    }
}
