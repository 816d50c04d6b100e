//! Stakeholder communication by stage, as PagerDuty's external
//! communication guidelines set it out: an **initial** message within
//! 5 minutes of the incident, a **scoping** message within 5 minutes after
//! that, then **regular** updates at least every 20 minutes for the first
//! 2 hours, and past 2 hours a **long-incident** rhythm (hourly). Each
//! number is a default in `[policy] update_stages`, per severity.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::Incident;

/// The minutes of each stage for one severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stages {
    /// The first update, after the declaration.
    pub initial: u32,
    /// The second (what is affected and how widely), after the first.
    pub scoping: u32,
    /// Every update after, while the incident is younger than `long_after`.
    pub regular: u32,
    /// From this age on, the incident is a long one...
    pub long_after: u32,
    /// ...and updates come this often.
    pub long: u32,
}

impl Stages {
    /// PagerDuty's guideline numbers.
    pub const GUIDELINE: Stages = Stages {
        initial: 5,
        scoping: 5,
        regular: 20,
        long_after: 120,
        long: 60,
    };

    pub(super) fn check(&self, sev: &str) -> Result<(), String> {
        for (name, m) in [
            ("initial", self.initial),
            ("scoping", self.scoping),
            ("regular", self.regular),
            ("long_after", self.long_after),
            ("long", self.long),
        ] {
            if m == 0 || m > super::MAX_CADENCE_MINUTES {
                return Err(format!(
                    "update_stages.{sev}.{name} is {m}; it must be 1 to {}",
                    super::MAX_CADENCE_MINUTES
                ));
            }
        }
        Ok(())
    }
}

/// Which update is due next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Initial,
    Scoping,
    Regular,
    Long,
    /// A flat cadence (`update_cadence_minutes`): no stages.
    Flat,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Initial => "initial",
            Self::Scoping => "scoping",
            Self::Regular => "regular",
            Self::Long => "long-incident",
            Self::Flat => "regular",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The next update of `i` under `stages`: which it is, and when it is due.
pub fn next(i: &Incident, s: &Stages, now: DateTime<Utc>) -> (Stage, DateTime<Utc>) {
    let m = |x: u32| Duration::minutes(i64::from(x));
    // An incident from before updates were counted has sent at least one
    // when it has a last update.
    let sent = i
        .updates_sent
        .max(u32::from(i.last_stakeholder_update_at.is_some()));
    let last = i.last_stakeholder_update_at.unwrap_or(i.declared_at);
    match sent {
        0 => (Stage::Initial, i.declared_at + m(s.initial)),
        1 => (Stage::Scoping, last + m(s.scoping)),
        _ if now - i.declared_at >= m(s.long_after) => (Stage::Long, last + m(s.long)),
        // A regular update due after the incident turns long waits only
        // the long rhythm from then... but never past the regular one.
        _ => (Stage::Regular, last + m(s.regular)),
    }
}

/// Which update one is, as its sender names it: the four templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateStage {
    Initial,
    Scoping,
    Update,
    /// The last: it must say whether data was lost and what impact
    /// lingers (PagerDuty's guidelines).
    Resolution,
}

impl UpdateStage {
    pub const ALL: [UpdateStage; 4] =
        [Self::Initial, Self::Scoping, Self::Update, Self::Resolution];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Initial => "initial",
            Self::Scoping => "scoping",
            Self::Update => "update",
            Self::Resolution => "resolution",
        }
    }

    /// The update `i` would send next when its sender does not say: the
    /// resolution once the incident is resolved, else by how many went.
    pub fn of(i: &Incident) -> UpdateStage {
        if !i.status.is_active() {
            return Self::Resolution;
        }
        let sent = i
            .updates_sent
            .max(u32::from(i.last_stakeholder_update_at.is_some()));
        match sent {
            0 => Self::Initial,
            1 => Self::Scoping,
            _ => Self::Update,
        }
    }
}

impl fmt::Display for UpdateStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for UpdateStage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                format!(
                    "`{}` is not a stage (initial, scoping, update, resolution)",
                    s.trim()
                )
            })
    }
}

/// Characters of a resolution update's data-loss statement, at most.
pub const MAX_DATA_LOSS: usize = 2_000;

/// Why a resolution update without its statement is refused: the words
/// the server, the console and the CLI say.
pub const DATA_LOSS_REQUIRED: &str = "a resolution update must say whether data was lost and \
     whether any impact lingers (data_loss; \"none\" is a statement)";

/// Minutes as people say them: `5m`, `2h`, `1h30m`.
pub fn minutes(m: u32) -> String {
    match (m / 60, m % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m:02}m"),
    }
}

/// The parts of the built-in templates the IC must replace: an update
/// still holding one is not sent (a team's own templates add theirs: see
/// [`blanks`]).
pub const PLACEHOLDERS: &[&str] = &[
    "[who is affected and how]",
    "[which customers, regions and features, since when]",
    "[the mitigation under way]",
    "[what changed since the last update]",
    "[what was fixed, and anything customers should do]",
];

/// The first template part still in `text`, if any.
pub fn unfilled(text: &str) -> Option<&'static str> {
    PLACEHOLDERS.iter().copied().find(|p| text.contains(p))
}

/// The `[…]` parts of a template (one line, at most 200 characters each):
/// what the IC must replace before the update goes.
pub fn blanks(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('[') {
        let after = &rest[open..];
        match after.find(']') {
            Some(close) if close > 1 && !after[..close].contains('\n') && close <= 200 => {
                let part = &after[..=close];
                if !out.iter().any(|p| p == part) {
                    out.push(part.to_string());
                }
                rest = &after[close + 1..];
            }
            _ => rest = &after[1..],
        }
    }
    out
}

/// Characters of one configured template, at most.
pub const MAX_TEMPLATE: usize = 2_000;

/// What a template may say of the incident, filled in when the composer
/// opens: `{id}`, `{title}`, `{service}`, `{severity}`, `{customers}`,
/// `{components}`, `{scope}`.
pub const FIELDS: &[&str] = &[
    "id",
    "title",
    "service",
    "severity",
    "customers",
    "components",
    "scope",
];

/// The built-in template of each update (PagerDuty's guidelines: what and
/// who first, then how widely and what is being done, then what changed;
/// the resolution says what was fixed, data loss has its own field).
pub fn builtin(kind: UpdateStage) -> &'static str {
    match kind {
        UpdateStage::Initial => {
            "We are investigating an issue with {service}: {title}.\nImpact: [who is affected and how].\n"
        }
        UpdateStage::Scoping => {
            "Scope: [which customers, regions and features, since when].\n\
             What we are doing: [the mitigation under way].\n"
        }
        UpdateStage::Update => "Status: [what changed since the last update].\n",
        UpdateStage::Resolution => {
            "Resolved: {title}.\n[what was fixed, and anything customers should do]\n"
        }
    }
}

/// Refuses a configured template that could not be filled in: too long,
/// a control character, or a `{field}` warroom does not know.
pub fn check_template(kind: UpdateStage, t: &str) -> Result<(), String> {
    if t.trim().is_empty() || t.chars().count() > MAX_TEMPLATE {
        return Err(format!(
            "update_templates.{kind} must be 1 to {MAX_TEMPLATE} characters"
        ));
    }
    if t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(format!("update_templates.{kind} holds a control character"));
    }
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| {
            format!(
                "update_templates.{kind}: a `{{` is not closed (fields: {})",
                FIELDS.join(", ")
            )
        })?;
        let name = &after[..close];
        if !FIELDS.contains(&name) {
            return Err(format!(
                "update_templates.{kind}: `{{{name}}}` is not a field (fields: {})",
                FIELDS.join(", ")
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// A value put into a template: one line, at most 200 characters, so an
/// incident's text cannot reshape the update around it.
fn field_value(s: &str) -> String {
    let line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let line = line.trim();
    match line.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}

/// What the composer starts from for update `kind` of `i`: the team's
/// template (`[policy] update_templates`) or the built-in one, its
/// `{fields}` filled in from the incident and its impact, ending with when
/// the next update comes (an update says when the next is due).
pub fn template(
    configured: Option<&str>,
    kind: UpdateStage,
    i: &Incident,
    impact: Option<&super::state_doc::Impact>,
    next_by: Option<DateTime<Utc>>,
) -> String {
    let t = configured.unwrap_or_else(|| builtin(kind));
    let value = |name: &str| -> String {
        match name {
            "id" => i.id.to_string(),
            "title" => field_value(&i.title),
            "service" => field_value(&i.service),
            "severity" => i.severity.to_string(),
            "customers" => match impact.and_then(|m| m.customers_affected) {
                Some(n) => n.to_string(),
                None => "an unknown number of".into(),
            },
            "components" => field_value(
                &impact
                    .map(|m| {
                        m.components
                            .iter()
                            .map(|c| format!("{} ({})", c.name, c.condition))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default(),
            ),
            "scope" => field_value(impact.map_or("", |m| m.scope.as_str())),
            _ => String::new(),
        }
    };
    let mut out = String::with_capacity(t.len() + 64);
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if FIELDS.contains(&&after[..close]) => {
                out.push_str(&value(&after[..close]));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    if let Some(at) = next_by
        && kind != UpdateStage::Resolution
    {
        out.push_str(&format!("\nNext update by {} UTC.", at.format("%H:%M")));
    }
    out
}
