//! Tasks: every piece of work goes to a named person with a time box
//! (PagerDuty's IC training: "I'll come back to you in 3 minutes"). A
//! commander assigns; a responder proposes, and completes their own.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::super::validate::{MAX_SHORT, check_text};
use super::super::{Actor, ActorRole, DomainError, EventKind, IncidentDetail, ResponderState};
use super::{MAX_ITEM, MAX_TASKS, MAX_WHY, next_id};

/// The longest time box: a task due tomorrow is a follow-up, not a task.
pub const MAX_TIME_BOX_HOURS: i64 = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Proposed by a responder; a commander gives it an owner and a time box.
    Proposed,
    Open,
    Done,
    Dropped,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Open => "open",
            Self::Done => "done",
            Self::Dropped => "dropped",
        }
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: u32,
    pub title: String,
    /// A responder's handle; none while proposed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// When the time box ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
    /// Who assigned (or proposed) it, and when.
    pub assigned_by: String,
    pub assigned_at: DateTime<Utc>,
    pub status: TaskStatus,
    /// The one-line result of a done task, or why it was dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
    /// The server noted the time box as past (once: no bell storm).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub overdue_noted: bool,
}

impl Task {
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.status == TaskStatus::Open && self.due_at.is_some_and(|d| d <= now)
    }

    /// Whether `actor` may close it: a commander any task, a responder
    /// their own.
    pub fn may_close(&self, actor: &Actor) -> bool {
        actor.role >= ActorRole::Commander
            || actor.role == ActorRole::Responder && self.owner.as_deref() == Some(&actor.handle)
    }
}

/// Seconds in a span as people write it: `90s`, `5m`, `1h30m` (units
/// `s`, `m`, `h`, any case; each number at most six digits). A trailing
/// bare number is minutes when `bare_minutes`, refused otherwise. `None`
/// when it is not a span.
pub fn span_seconds(t: &str, bare_minutes: bool) -> Option<i64> {
    let mut secs: i64 = 0;
    let mut num = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            if num.len() > 6 {
                return None;
            }
            continue;
        }
        let n: i64 = num.parse().ok()?;
        num.clear();
        secs += n * match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => return None,
        };
    }
    if !num.is_empty() {
        if !bare_minutes {
            return None;
        }
        secs += num.parse::<i64>().ok()? * 60;
    }
    Some(secs)
}

/// A time box as people say it: `5m`, `90s`, `1h`, `1h30m`, or an
/// RFC 3339 time (a console turns `14:30` into one in its own zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeBox {
    In(Duration),
    At(DateTime<Utc>),
}

impl TimeBox {
    pub fn parse(s: &str) -> Result<TimeBox, String> {
        let t = s.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(t) {
            return Ok(TimeBox::At(at.with_timezone(&Utc)));
        }
        let bad = || format!("`{t}` is not a time box (like 5m, 90s, 1h30m, or a time)");
        // A bare number means minutes, as people say "five".
        let secs = span_seconds(t, true).ok_or_else(bad)?;
        if secs <= 0 {
            return Err(bad());
        }
        Ok(TimeBox::In(Duration::seconds(secs)))
    }

    /// When it ends, counted from `now`; refused when it is not ahead or
    /// is more than [`MAX_TIME_BOX_HOURS`] away.
    pub fn ends(self, now: DateTime<Utc>) -> Result<DateTime<Utc>, DomainError> {
        let at = match self {
            TimeBox::In(d) => now + d,
            TimeBox::At(t) => t,
        };
        if at <= now {
            return Err(DomainError::Invalid(
                "the time box ends in the past; give a duration like 5m or a later time".into(),
            ));
        }
        if at - now > Duration::hours(MAX_TIME_BOX_HOURS) {
            return Err(DomainError::Invalid(format!(
                "a time box is at most {MAX_TIME_BOX_HOURS}h; longer work is a follow-up"
            )));
        }
        Ok(at)
    }
}

/// A time box as a person types it, ready to send: `14:30` (a 24-hour
/// clock) becomes that time today in `now`'s zone as RFC 3339; a duration
/// or an RFC 3339 time is checked and kept as typed.
pub fn resolve_due<Tz: chrono::TimeZone>(s: &str, now: DateTime<Tz>) -> Result<String, String> {
    let t = s.trim();
    if let Ok(hm) = chrono::NaiveTime::parse_from_str(t, "%H:%M") {
        let local = now
            .timezone()
            .from_local_datetime(&now.date_naive().and_time(hm))
            .earliest()
            .ok_or_else(|| format!("{t} does not exist today in this time zone"))?;
        if local <= now {
            return Err(format!(
                "{t} has passed today; give a later time or a duration like 15m"
            ));
        }
        return Ok(local.with_timezone(&Utc).to_rfc3339());
    }
    TimeBox::parse(t)?;
    Ok(t.to_string())
}

/// A change to the tasks, as sent to `POST /incidents/{id}/tasks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum TaskAction {
    /// A commander assigns (owner and time box required); a responder
    /// proposes (both ignored until a commander assigns it).
    Add {
        title: String,
        #[serde(default)]
        owner: Option<String>,
        /// A time box (`5m`, `1h`, an RFC 3339 time).
        #[serde(default)]
        due: Option<String>,
    },
    /// Gives a proposed or open task an owner and a new time box.
    Assign {
        task: u32,
        owner: String,
        due: String,
    },
    Done {
        task: u32,
        result: String,
    },
    Drop {
        task: u32,
        reason: String,
    },
}

/// What happened to a task, on the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskChange {
    Assigned,
    Proposed,
    Done,
    Dropped,
    Overdue,
}

impl TaskChange {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Assigned => "assigned",
            Self::Proposed => "proposed",
            Self::Done => "done",
            Self::Dropped => "dropped",
            Self::Overdue => "OVERDUE",
        }
    }
}

impl TaskAction {
    /// The least role: a responder may propose and close (their own,
    /// checked against the task); only a commander assigns.
    pub fn least_role(&self) -> ActorRole {
        match self {
            Self::Assign { .. } => ActorRole::Commander,
            Self::Add { .. } | Self::Done { .. } | Self::Drop { .. } => ActorRole::Responder,
        }
    }
}

/// The owner must be on the incident and not gone: a task to someone who
/// left is a task nobody does.
fn check_owner(d: &IncidentDetail, owner: &str) -> Result<(), DomainError> {
    check_text("owner", owner, MAX_SHORT)?;
    match d.responders.iter().find(|r| r.handle == owner) {
        Some(r) if matches!(r.state, ResponderState::Left | ResponderState::Released) => Err(
            DomainError::Invalid(format!("{owner} is {}; page them again first", r.state)),
        ),
        Some(_) => Ok(()),
        None => Err(DomainError::Invalid(format!(
            "`{owner}` is not a responder on this incident; page them first"
        ))),
    }
}

fn find(d: &mut IncidentDetail, id: u32) -> Result<&mut Task, DomainError> {
    d.state
        .tasks
        .iter_mut()
        .find(|t| t.id == id)
        .ok_or_else(|| DomainError::Invalid(format!("this incident has no task #{id}")))
}

fn event(t: &Task, change: TaskChange, text: Option<String>) -> EventKind {
    EventKind::Task {
        task: t.id,
        title: t.title.clone(),
        change,
        owner: t.owner.clone(),
        due_at: t.due_at,
        text,
    }
}

pub(in crate::model) fn task(
    d: &mut IncidentDetail,
    action: TaskAction,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, DomainError> {
    let commander = actor.role >= ActorRole::Commander;
    match action {
        TaskAction::Add { title, owner, due } => {
            check_text("title", &title, MAX_ITEM)?;
            if d.state.tasks.len() >= MAX_TASKS {
                return Err(DomainError::Invalid(format!(
                    "an incident has at most {MAX_TASKS} tasks"
                )));
            }
            let (owner, due_at, status) = if commander {
                let owner = owner.filter(|o| !o.trim().is_empty()).ok_or_else(|| {
                    DomainError::Invalid("a task needs an owner (a responder's handle)".into())
                })?;
                check_owner(d, &owner)?;
                let due = due.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
                    DomainError::Invalid("a task needs a time box (like 5m or 15m)".into())
                })?;
                let at = TimeBox::parse(&due)
                    .map_err(DomainError::Invalid)?
                    .ends(now)?;
                (Some(owner), Some(at), TaskStatus::Open)
            } else {
                (None, None, TaskStatus::Proposed)
            };
            let t = Task {
                id: next_id(&d.state.tasks, |t| t.id),
                title,
                owner,
                due_at,
                assigned_by: actor.handle.clone(),
                assigned_at: now,
                status,
                result: None,
                closed_by: None,
                closed_at: None,
                overdue_noted: false,
            };
            let change = if commander {
                TaskChange::Assigned
            } else {
                TaskChange::Proposed
            };
            let ev = event(&t, change, None);
            d.state.tasks.push(t);
            Ok(vec![ev])
        }
        TaskAction::Assign { task, owner, due } => {
            check_owner(d, &owner)?;
            let at = TimeBox::parse(&due)
                .map_err(DomainError::Invalid)?
                .ends(now)?;
            let t = find(d, task)?;
            if matches!(t.status, TaskStatus::Done | TaskStatus::Dropped) {
                return Err(DomainError::Conflict(format!(
                    "task #{task} is {}; add a new one",
                    t.status
                )));
            }
            t.owner = Some(owner);
            t.due_at = Some(at);
            t.status = TaskStatus::Open;
            t.assigned_by = actor.handle.clone();
            t.assigned_at = now;
            t.overdue_noted = false;
            Ok(vec![event(t, TaskChange::Assigned, None)])
        }
        TaskAction::Done { task, result } => close(d, task, true, result, actor, now),
        TaskAction::Drop { task, reason } => close(d, task, false, reason, actor, now),
    }
}

/// Closes a task as done (with its result) or dropped (with the reason).
pub(in crate::model) fn close(
    d: &mut IncidentDetail,
    task: u32,
    done: bool,
    text: String,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, DomainError> {
    check_text(if done { "result" } else { "reason" }, &text, MAX_WHY)?;
    let t = find(d, task)?;
    if !t.may_close(actor) {
        return Err(DomainError::Forbidden(format!(
            "task #{task} is {}'s; a responder closes only their own tasks",
            t.owner.as_deref().unwrap_or("nobody")
        )));
    }
    if matches!(t.status, TaskStatus::Done | TaskStatus::Dropped) {
        return Err(DomainError::Conflict(format!(
            "task #{task} is already {}",
            t.status
        )));
    }
    if done && t.status == TaskStatus::Proposed {
        return Err(DomainError::Conflict(format!(
            "task #{task} is only proposed; a commander assigns it first (or drop it)"
        )));
    }
    t.status = if done {
        TaskStatus::Done
    } else {
        TaskStatus::Dropped
    };
    t.result = Some(text.clone());
    t.closed_by = Some(actor.handle.clone());
    t.closed_at = Some(now);
    let change = if done {
        TaskChange::Done
    } else {
        TaskChange::Dropped
    };
    Ok(vec![event(t, change, Some(text))])
}

/// The server notes an open task's time box as past, once.
pub(in crate::model) fn task_overdue(
    d: &mut IncidentDetail,
    task: u32,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, DomainError> {
    let t = find(d, task)?;
    if !t.is_overdue(now) || t.overdue_noted {
        return Ok(Vec::new());
    }
    t.overdue_noted = true;
    Ok(vec![event(t, TaskChange::Overdue, None)])
}
