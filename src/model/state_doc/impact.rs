//! The impact as the communications lead keeps it: how many customers are
//! affected (or that nobody knows yet), the scope in words, and each
//! affected component with its condition, in the words status pages use
//! (operational, degraded, partial outage, major outage).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::super::validate::{MAX_SHORT, check_optional_text, check_text};
use super::super::{
    Actor, ActorRole, DomainError, EventKind, IncidentDetail, ResponderState, Role,
};
use super::MAX_WHY;

/// Components named in one incident's impact, at most.
pub const MAX_COMPONENTS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Operational,
    Degraded,
    PartialOutage,
    MajorOutage,
}

impl Condition {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Operational => "operational",
            Self::Degraded => "degraded",
            Self::PartialOutage => "partial outage",
            Self::MajorOutage => "major outage",
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Condition {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_")
            .as_str()
        {
            "operational" | "ok" => Ok(Self::Operational),
            "degraded" => Ok(Self::Degraded),
            "partial_outage" | "partial" => Ok(Self::PartialOutage),
            "major_outage" | "major" | "down" => Ok(Self::MajorOutage),
            _ => Err(format!(
                "`{}` is not a condition (operational, degraded, partial_outage, major_outage)",
                s.trim()
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub name: String,
    pub condition: Condition,
}

/// `POST /incidents/{id}/impact`: the impact as it is now (whole).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Impact {
    /// Customers affected; absent when nobody knows yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customers_affected: Option<u64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
}

impl Impact {
    /// The impact from its words: customers (`unknown` or a number, `1,200`
    /// allowed) and `name=condition` components (comma-separated or one
    /// per item).
    pub fn parse(customers: &str, scope: String, components: &[String]) -> Result<Impact, String> {
        let customers_affected = match customers.trim() {
            "" | "unknown" | "?" => None,
            n => Some(
                n.replace([',', '_'], "")
                    .parse::<u64>()
                    .map_err(|_| format!("customers: `{n}` is not a number or `unknown`"))?,
            ),
        };
        let components = components
            .iter()
            .flat_map(|c| c.split(','))
            .filter(|c| !c.trim().is_empty())
            .map(|c| {
                let (name, cond) = c.split_once('=').ok_or_else(|| {
                    format!("component `{}`: write it as name=condition", c.trim())
                })?;
                Ok(Component {
                    name: name.trim().to_string(),
                    condition: cond.parse()?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Impact {
            customers_affected,
            scope,
            components,
        })
    }

    /// In a line: `1,200 customers; checkout partial outage, payments
    /// degraded; EU only`.
    pub fn describe(&self) -> String {
        let mut parts = vec![match self.customers_affected {
            Some(n) => format!("{n} customers"),
            None => "customers affected unknown".to_string(),
        }];
        if !self.components.is_empty() {
            let c: Vec<String> = self
                .components
                .iter()
                .map(|c| format!("{} {}", c.name, c.condition))
                .collect();
            parts.push(c.join(", "));
        }
        if !self.scope.trim().is_empty() {
            parts.push(self.scope.clone());
        }
        parts.join("; ")
    }

    fn check(&self) -> Result<(), DomainError> {
        check_optional_text("scope", &self.scope, MAX_WHY)?;
        if self.components.len() > MAX_COMPONENTS {
            return Err(DomainError::Invalid(format!(
                "at most {MAX_COMPONENTS} components"
            )));
        }
        for (i, c) in self.components.iter().enumerate() {
            check_text(&format!("components[{i}].name"), &c.name, MAX_SHORT)?;
        }
        Ok(())
    }
}

/// The impact is the communications lead's to keep (or a commander's).
fn may_keep(d: &IncidentDetail, actor: &Actor) -> bool {
    actor.role >= ActorRole::Commander
        || d.responders.iter().any(|r| {
            r.handle == actor.handle
                && r.role == Role::CommunicationsLead
                && !matches!(r.state, ResponderState::Left | ResponderState::Released)
        })
}

pub(in crate::model) fn impact(
    d: &mut IncidentDetail,
    new: Impact,
    actor: &Actor,
    _now: DateTime<Utc>,
) -> Result<Vec<EventKind>, DomainError> {
    if !may_keep(d, actor) {
        return Err(DomainError::Forbidden(
            "the impact is kept by the communications lead or a commander".into(),
        ));
    }
    new.check()?;
    if d.state.impact.as_ref() == Some(&new) {
        return Ok(Vec::new());
    }
    let text = new.describe();
    d.state.impact = Some(new);
    Ok(vec![EventKind::ImpactChanged { text }])
}
