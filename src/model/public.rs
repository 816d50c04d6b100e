//! The public face of incidents: which are on the status page and under
//! what title (a commander's switch, on the timeline), what customers
//! read of each (its public updates only: never notes, responders or the
//! timeline), and the status page built from them, bounded whatever the
//! history.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::cadence::UpdateStage;
use super::state_doc::{Component, Condition};
use super::validate::check_text;
use super::wire::Audience;
use super::{DomainError, EventKind, IncidentDetail, Status, TimelineEvent};

/// Characters of a public title, at most.
pub const MAX_PUBLIC_TITLE: usize = 200;
/// Public updates an incident's status entry keeps (the newest; how many
/// earlier ones there were is said on the page).
pub const MAX_UPDATES_KEPT: usize = 50;
/// Open public incidents on one page, at most.
pub const MAX_ACTIVE: usize = 50;
/// Resolved ones in the history, at most...
pub const MAX_HISTORY: usize = 100;
/// ...from this many days back.
pub const HISTORY_DAYS: i64 = 90;
/// Characters of update text on one page, at most: past it, older updates
/// are left out and the page says how many.
pub const MAX_PAGE_TEXT: usize = 1_000_000;
/// Components configured for the page, at most.
pub const MAX_COMPONENTS: usize = 100;

/// An incident on the status page: the title customers read (never the
/// internal one, which may name hosts or customers) and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicFace {
    pub title: String,
    pub since: DateTime<Utc>,
}

/// `POST /incidents/{id}/public`: on the status page (with the title
/// customers read) or off it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    pub public: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

pub(super) fn publish(
    d: &mut IncidentDetail,
    req: PublishRequest,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, DomainError> {
    let inc = &mut d.incident;
    if !req.public {
        if inc.public.take().is_none() {
            return Err(DomainError::Invalid(format!(
                "{} is not on the status page",
                inc.id
            )));
        }
        return Ok(vec![EventKind::Published {
            public: false,
            title: None,
        }]);
    }
    if inc.drill.is_some() {
        return Err(DomainError::Invalid(format!(
            "{} is a drill: a practice outage never goes on the public status page",
            inc.id
        )));
    }
    let title = req.title.map(|t| t.trim().to_string()).unwrap_or_default();
    if title.is_empty() {
        return Err(DomainError::Invalid(
            "a public incident needs the title customers will read (title): the internal one \
             may name hosts, customers or causes"
                .into(),
        ));
    }
    check_text("title", &title, MAX_PUBLIC_TITLE)?;
    if inc.public.as_ref().is_some_and(|p| p.title == title) {
        return Ok(Vec::new());
    }
    let since = inc.public.as_ref().map_or(now, |p| p.since);
    inc.public = Some(PublicFace {
        title: title.clone(),
        since,
    });
    Ok(vec![EventKind::Published {
        public: true,
        title: Some(title),
    }])
}

/// Where an incident stands in the words status pages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicState {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
}

impl PublicState {
    pub fn of(s: Status) -> PublicState {
        match s {
            Status::Triggered | Status::Acknowledged | Status::Investigating => Self::Investigating,
            Status::Identified => Self::Identified,
            Status::Contained => Self::Monitoring,
            _ => Self::Resolved,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Investigating => "Investigating",
            Self::Identified => "Identified",
            Self::Monitoring => "Monitoring",
            Self::Resolved => "Resolved",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicUpdate {
    pub seq: u64,
    pub at: DateTime<Utc>,
    /// Where the incident stood when it was sent.
    pub state: PublicState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<UpdateStage>,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_loss: Option<String>,
}

/// What customers read of one incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicIncident {
    pub id: String,
    pub title: String,
    pub state: PublicState,
    pub started_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<DateTime<Utc>>,
    /// The newest public change (an update, a state, a component).
    pub updated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
    /// Newest first.
    #[serde(default)]
    pub updates: Vec<PublicUpdate>,
    /// Earlier public updates not shown (past the page's bounds).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub earlier_updates: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The public updates among `events`, as `public` reads them.
pub fn public_updates<'a>(
    events: impl Iterator<Item = &'a TimelineEvent>,
    state: PublicState,
) -> impl Iterator<Item = PublicUpdate> {
    events.filter_map(move |e| match &e.kind {
        EventKind::StakeholderUpdate {
            text,
            audience: Audience::Public,
            stage,
            data_loss,
        } => Some(PublicUpdate {
            seq: e.seq,
            at: e.at,
            state,
            stage: *stage,
            text: text.clone(),
            data_loss: data_loss.clone(),
        }),
        _ => None,
    })
}

impl PublicIncident {
    /// The incident's entry after a write: `prev` (its entry before, or
    /// the public updates recorded before it went public) with what `new`
    /// events added; `None` when it is not public.
    pub fn absorb(
        prev: Option<PublicIncident>,
        d: &IncidentDetail,
        new: &[TimelineEvent],
    ) -> Option<PublicIncident> {
        let inc = &d.incident;
        let face = inc.public.as_ref()?;
        let state = PublicState::of(inc.status);
        let mut entry = prev.unwrap_or_else(|| PublicIncident {
            id: inc.id.to_string(),
            title: face.title.clone(),
            state,
            started_at: inc.impact_started_at.unwrap_or(inc.declared_at),
            resolved_at: None,
            updated_at: face.since,
            components: Vec::new(),
            updates: Vec::new(),
            earlier_updates: 0,
        });
        let before = entry.clone();
        entry.title = face.title.clone();
        entry.state = state;
        entry.resolved_at = match state {
            PublicState::Resolved => entry
                .resolved_at
                .or(inc.status_times.get(&Status::Resolved).copied()),
            _ => None,
        };
        entry.components = d
            .state
            .impact
            .as_ref()
            .map(|i| i.components.clone())
            .unwrap_or_default();
        let fresh: Vec<PublicUpdate> = public_updates(new.iter(), state)
            .filter(|u| entry.updates.iter().all(|o| o.seq != u.seq))
            .collect();
        for u in fresh.into_iter().rev() {
            entry.updates.insert(0, u);
        }
        entry.updates.sort_by_key(|u| std::cmp::Reverse(u.seq));
        if entry.updates.len() > MAX_UPDATES_KEPT {
            entry.earlier_updates += (entry.updates.len() - MAX_UPDATES_KEPT) as u64;
            entry.updates.truncate(MAX_UPDATES_KEPT);
        }
        if entry != before {
            entry.updated_at = new.iter().map(|e| e.at).max().unwrap_or(entry.updated_at);
        }
        Some(entry)
    }
}

/// The status page: every component's condition, the open public
/// incidents, and the last 90 days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusPage {
    pub title: String,
    pub generated_at: DateTime<Utc>,
    /// The worst condition of any component.
    pub overall: Condition,
    pub components: Vec<Component>,
    pub active: Vec<PublicIncident>,
    /// Resolved in the last [`HISTORY_DAYS`] days, newest first.
    pub history: Vec<PublicIncident>,
    pub history_days: i64,
}

fn rank(c: Condition) -> u8 {
    match c {
        Condition::Operational => 0,
        Condition::Degraded => 1,
        Condition::PartialOutage => 2,
        Condition::MajorOutage => 3,
    }
}

impl StatusPage {
    /// The page from the status entries (newest first; the store reads at
    /// most [`MAX_ACTIVE`] open and [`MAX_HISTORY`] resolved ones):
    /// configured components first, in their order, then any other an
    /// open public incident names.
    pub fn build(
        title: &str,
        configured: &[String],
        entries: Vec<PublicIncident>,
        now: DateTime<Utc>,
    ) -> StatusPage {
        let since = now - Duration::days(HISTORY_DAYS);
        let (mut active, mut history): (Vec<_>, Vec<_>) = entries
            .into_iter()
            .partition(|e| e.state != PublicState::Resolved);
        history.retain(|e| e.resolved_at.unwrap_or(e.updated_at) >= since);
        active.sort_by_key(|e| std::cmp::Reverse(e.started_at));
        history.sort_by_key(|e| std::cmp::Reverse(e.resolved_at));
        active.truncate(MAX_ACTIVE);
        history.truncate(MAX_HISTORY);
        let mut components: Vec<Component> = configured
            .iter()
            .map(|name| Component {
                name: name.clone(),
                condition: Condition::Operational,
            })
            .collect();
        for c in active.iter().flat_map(|e| &e.components) {
            match components
                .iter_mut()
                .find(|k| k.name.eq_ignore_ascii_case(&c.name))
            {
                Some(k) if rank(c.condition) > rank(k.condition) => k.condition = c.condition,
                Some(_) => {}
                None => components.push(c.clone()),
            }
        }
        let overall = components
            .iter()
            .map(|c| c.condition)
            .max_by_key(|c| rank(*c))
            .unwrap_or(Condition::Operational);
        let mut page = StatusPage {
            title: title.to_string(),
            generated_at: now,
            overall,
            components,
            active,
            history,
            history_days: HISTORY_DAYS,
        };
        page.bound_text();
        page
    }

    /// Keeps the page's update text within [`MAX_PAGE_TEXT`]: open
    /// incidents' updates first, newest first; what is left out is
    /// counted on its incident.
    fn bound_text(&mut self) {
        let mut budget = MAX_PAGE_TEXT;
        for e in self.active.iter_mut().chain(self.history.iter_mut()) {
            let mut keep = 0;
            for u in &e.updates {
                let n = u.text.chars().count()
                    + u.data_loss.as_deref().map_or(0, |d| d.chars().count());
                if n > budget {
                    break;
                }
                budget -= n;
                keep += 1;
            }
            if keep < e.updates.len() {
                e.earlier_updates += (e.updates.len() - keep) as u64;
                e.updates.truncate(keep);
            }
        }
    }
}
