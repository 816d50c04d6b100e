use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    IncidentCommander,
    /// The IC's deputy: tracks the time boxes, takes command if needed
    /// (PagerDuty's IC training).
    Deputy,
    CommunicationsLead,
    OperationsLead,
    Scribe,
    SubjectMatterExpert,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Self::IncidentCommander,
        Self::Deputy,
        Self::CommunicationsLead,
        Self::OperationsLead,
        Self::Scribe,
        Self::SubjectMatterExpert,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::IncidentCommander => "incident_commander",
            Self::Deputy => "deputy",
            Self::CommunicationsLead => "communications_lead",
            Self::OperationsLead => "operations_lead",
            Self::Scribe => "scribe",
            Self::SubjectMatterExpert => "subject_matter_expert",
        }
    }

    /// The short form used in narrow table columns.
    pub fn short(self) -> &'static str {
        match self {
            Self::IncidentCommander => "IC",
            Self::Deputy => "Deputy",
            Self::CommunicationsLead => "Comms",
            Self::OperationsLead => "Ops",
            Self::Scribe => "Scribe",
            Self::SubjectMatterExpert => "SME",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::IncidentCommander => "incident commander",
            Self::Deputy => "deputy",
            Self::CommunicationsLead => "communications lead",
            Self::OperationsLead => "operations lead",
            Self::Scribe => "scribe",
            Self::SubjectMatterExpert => "subject-matter expert",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let found = match t.as_str() {
            "ic" | "commander" => Some(Self::IncidentCommander),
            "dep" | "deputy_ic" => Some(Self::Deputy),
            "comms" | "communications" => Some(Self::CommunicationsLead),
            "ops" | "operations" => Some(Self::OperationsLead),
            "sme" | "expert" => Some(Self::SubjectMatterExpert),
            _ => Self::ALL.into_iter().find(|r| r.as_str() == t),
        };
        found.ok_or_else(|| format!("unknown role `{s}` (ic, deputy, comms, ops, scribe, sme)"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponderState {
    Paged,
    Acknowledged,
    Joined,
    Left,
    /// Released by the commander (reduce scope): done here, recorded.
    Released,
}

impl ResponderState {
    /// No longer on the incident: left, or released by the commander.
    pub fn is_gone(self) -> bool {
        matches!(self, Self::Left | Self::Released)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Paged => "paged",
            Self::Acknowledged => "acknowledged",
            Self::Joined => "joined",
            Self::Left => "left",
            Self::Released => "released",
        }
    }
}

impl fmt::Display for ResponderState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Responder {
    pub handle: String,
    pub name: String,
    pub role: Role,
    pub state: ResponderState,
    /// When the responder entered `state`.
    pub since: DateTime<Utc>,
}
