//! Incident ids: `INC-42` on one backend, `pd/INC-42` in a view that merges
//! several (`warroom --profile team,alerts,pd`).
//!
//! A merged view reads backends whose numbers overlap (INC-6 on the team
//! server and INC-6 on PagerDuty are two incidents), so an id there carries
//! its backend: the backend's index in this process's table of names, in
//! the top bits of the number. The table only grows (a name keeps its index
//! for the life of the process), so an id read anywhere means one incident,
//! and the name, not the index, is what is shown, typed, stored in the
//! outbox and sent to a script.

use std::fmt;
use std::str::FromStr;
use std::sync::RwLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A short id a person can type under stress: `INC-42`. `42` and `inc-42` are
/// accepted as the same id; in a merged view, `pd/INC-42`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IncidentId(pub u64);

/// Bits of the number that are the backend's own id; the ones above hold
/// the backend's index (plus one: zero means "not qualified").
const LOCAL_BITS: u32 = 48;
const LOCAL_MASK: u64 = (1 << LOCAL_BITS) - 1;
/// Names a process may register: a view names a handful of profiles.
pub const MAX_SOURCES: usize = 64;
/// A backend's name in an id: a profile name, short enough to type.
const MAX_SOURCE_NAME: usize = 32;

static SOURCES: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Gives `name` its index (the one it already has, if registered). Names
/// are profile names: letters, digits, `-` and `_`, at most 32.
pub fn register_source(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= MAX_SOURCE_NAME
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        return Err(format!(
            "`{}` cannot name a backend in a merged view: use letters, digits, `-` and `_`, at most {MAX_SOURCE_NAME}",
            name.chars().take(40).collect::<String>()
        ));
    }
    let mut table = SOURCES.write().unwrap_or_else(|e| e.into_inner());
    if table.iter().any(|n| n == name) {
        return Ok(());
    }
    if table.len() >= MAX_SOURCES {
        return Err(format!("a view merges at most {MAX_SOURCES} backends"));
    }
    table.push(name.to_string());
    Ok(())
}

fn index_of(name: &str) -> Option<usize> {
    let table = SOURCES.read().unwrap_or_else(|e| e.into_inner());
    table.iter().position(|n| n == name)
}

fn name_at(index: usize) -> Option<String> {
    let table = SOURCES.read().unwrap_or_else(|e| e.into_inner());
    table.get(index).cloned()
}

impl IncidentId {
    /// `local` (an id on the backend named `source`) as a merged view's
    /// id. `None` when the name is not registered or the id is too large
    /// to carry a backend (past 2^48, which no backend gives).
    pub fn qualified(source: &str, local: IncidentId) -> Option<IncidentId> {
        let index = index_of(source)? as u64 + 1;
        (local.0 <= LOCAL_MASK).then_some(IncidentId((index << LOCAL_BITS) | local.0))
    }

    /// The backend this id belongs to in a merged view.
    pub fn source(self) -> Option<String> {
        let index = self.0 >> LOCAL_BITS;
        if index == 0 {
            return None;
        }
        name_at(index as usize - 1)
    }

    /// The id on its own backend (itself when not qualified).
    pub fn local(self) -> IncidentId {
        if self.is_qualified() {
            IncidentId(self.0 & LOCAL_MASK)
        } else {
            self
        }
    }

    /// Carries a registered backend's name.
    pub fn is_qualified(self) -> bool {
        self.source().is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not an incident id (expected INC-<number>, or BACKEND/INC-<number> in a merged view)"
)]
pub struct ParseIdError(pub String);

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A number past 2^48 whose top bits name no registered backend is
        // some backend's own (huge) id, shown as it is.
        match self.source() {
            Some(name) => write!(f, "{name}/INC-{}", self.0 & LOCAL_MASK),
            None => write!(f, "INC-{}", self.0),
        }
    }
}

fn parse_local(t: &str) -> Option<IncidentId> {
    let digits = t
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("inc-"))
        .map_or(t, |_| &t[4..]);
    digits.parse::<u64>().ok().map(IncidentId)
}

impl FromStr for IncidentId {
    type Err = ParseIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let error = || ParseIdError(s.chars().take(40).collect());
        match t.split_once('/') {
            Some((name, rest)) => {
                let local = parse_local(rest).ok_or_else(error)?;
                IncidentId::qualified(name, local).ok_or_else(error)
            }
            None => parse_local(t).ok_or_else(error),
        }
    }
}

impl Serialize for IncidentId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IncidentId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_in_the_forms_people_type() {
        assert_eq!("INC-42".parse(), Ok(IncidentId(42)));
        assert_eq!("inc-7".parse(), Ok(IncidentId(7)));
        assert_eq!(" 9 ".parse(), Ok(IncidentId(9)));
        assert!("INC-".parse::<IncidentId>().is_err());
        assert!("drop table".parse::<IncidentId>().is_err());
        assert_eq!(IncidentId(42).to_string(), "INC-42");
    }

    #[test]
    fn a_merged_views_ids_carry_their_backend_by_name() {
        register_source("id-test-team").unwrap();
        register_source("id-test-pd").unwrap();
        let team = IncidentId::qualified("id-test-team", IncidentId(6)).unwrap();
        let pd = IncidentId::qualified("id-test-pd", IncidentId(6)).unwrap();
        assert_ne!(team, pd, "the same number on two backends is two incidents");
        assert_eq!(team.to_string(), "id-test-team/INC-6");
        assert_eq!(pd.local(), IncidentId(6));
        assert_eq!(pd.source().as_deref(), Some("id-test-pd"));
        assert_eq!("id-test-pd/inc-6".parse(), Ok(pd));
        // Through JSON (the outbox, --json) by name.
        let json = serde_json::to_string(&pd).unwrap();
        assert_eq!(json, "\"id-test-pd/INC-6\"");
        assert_eq!(serde_json::from_str::<IncidentId>(&json).unwrap(), pd);
        // Registering again keeps the index.
        register_source("id-test-pd").unwrap();
        assert_eq!(IncidentId::qualified("id-test-pd", IncidentId(6)), Some(pd));
        // Unknown names and bad names are refused, with the id named.
        let e = "nope/INC-6".parse::<IncidentId>().unwrap_err();
        assert!(e.to_string().contains("nope/INC-6"), "{e}");
        assert!(register_source("a b").is_err());
        assert!(register_source("").is_err());
        assert!(IncidentId::qualified("id-test-pd", IncidentId(1 << 50)).is_none());
        assert_eq!(IncidentId(6).local(), IncidentId(6));
        assert!(IncidentId(6).source().is_none());
    }
}
