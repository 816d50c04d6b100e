//! Writes as the console and the CLI queue them: what to change
//! ([`WriteOp`]), the idempotency key it travels with ([`Write`]), and the
//! HTTP request it becomes ([`PlannedRequest`], for `--dry-run`).

use serde::{Deserialize, Serialize};

use super::Token;
use crate::model::state_doc::{CommandAction, DecideRequest, HypothesisAction, TaskAction};
use crate::model::wire::{
    ChecklistRequest, DeclareRequest, PatchRequest, TextRequest, TransitionRequest,
};
use crate::model::{IncidentId, ResponderAction};

/// A write as the HTTP request it becomes: what `--dry-run` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedRequest {
    pub method: String,
    pub url: String,
    /// The `Authorization` header as it would be sent, its secret replaced
    /// (`Bearer <token, not shown>`, PagerDuty's `Token token=<…>`);
    /// `None` when none is sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization: Option<String>,
    /// Every other header we would send, `Content-Type` included.
    pub headers: Vec<(String, String)>,
    pub body: Option<serde_json::Value>,
}

/// What stands for a token in a planned request.
pub const HIDDEN_TOKEN: &str = "<token, not shown>";

impl PlannedRequest {
    /// As a person reads an HTTP request: the headers exactly as sent,
    /// in order, the secret replaced.
    pub fn display(&self) -> String {
        let mut s = format!("{} {}\n", self.method, self.url);
        if let Some(a) = &self.authorization {
            s.push_str(&format!("Authorization: {a}\n"));
        }
        for (k, v) in &self.headers {
            s.push_str(&format!("{k}: {v}\n"));
        }
        if let Some(b) = &self.body {
            s.push('\n');
            s.push_str(&serde_json::to_string_pretty(b).unwrap_or_default());
            s.push('\n');
        }
        s
    }
}

/// One write, as queued and sent. Serializable so it can sit in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WriteOp {
    Declare {
        body: DeclareRequest,
    },
    Patch {
        id: IncidentId,
        if_match: u64,
        body: PatchRequest,
    },
    Transition {
        id: IncidentId,
        body: TransitionRequest,
    },
    Note {
        id: IncidentId,
        body: TextRequest,
    },
    StakeholderUpdate {
        id: IncidentId,
        body: TextRequest,
    },
    Responder {
        id: IncidentId,
        body: ResponderAction,
    },
    Checklist {
        id: IncidentId,
        body: ChecklistRequest,
    },
    /// One-step resolve (PagerDuty).
    Resolve {
        id: IncidentId,
    },
    /// Silence the alert group behind an incident (Alertmanager).
    Silence {
        id: IncidentId,
        comment: String,
        minutes: u32,
    },
    ExpireSilence {
        silence_id: String,
    },
    /// A follow-up action on an incident (closed ones included).
    AddFollowUp {
        id: IncidentId,
        body: crate::model::NewFollowUp,
    },
    UpdateFollowUp {
        id: IncidentId,
        followup: u64,
        body: crate::model::FollowUpPatch,
    },
    /// The state document: a task, a hypothesis, a decision, command, a
    /// CAN report.
    Task {
        id: IncidentId,
        body: TaskAction,
    },
    Hypothesis {
        id: IncidentId,
        body: HypothesisAction,
    },
    Decide {
        id: IncidentId,
        body: DecideRequest,
    },
    Command {
        id: IncidentId,
        body: CommandAction,
    },
    Can {
        id: IncidentId,
        body: crate::model::CanReport,
    },
    Impact {
        id: IncidentId,
        body: crate::model::state_doc::Impact,
    },
    /// On or off the public status page.
    Publish {
        id: IncidentId,
        body: crate::model::public::PublishRequest,
    },
    /// The review: its owner, its next status.
    Review {
        id: IncidentId,
        body: crate::model::ReviewAction,
    },
    /// The curated timeline: an event tagged, pinned or corrected.
    Curate {
        id: IncidentId,
        body: crate::model::curation::CurateAction,
    },
}

impl WriteOp {
    /// The route under `/incidents/{id}/` of a state-document write.
    pub fn state_route(
        &self,
    ) -> Option<(
        IncidentId,
        &'static str,
        serde_json::Result<serde_json::Value>,
    )> {
        use serde_json::to_value as v;
        Some(match self {
            Self::Task { id, body } => (*id, "tasks", v(body)),
            Self::Hypothesis { id, body } => (*id, "hypotheses", v(body)),
            Self::Decide { id, body } => (*id, "decisions", v(body)),
            Self::Command { id, body } => (*id, "command", v(body)),
            Self::Can { id, body } => (*id, "can", v(body)),
            Self::Impact { id, body } => (*id, "impact", v(body)),
            Self::Publish { id, body } => (*id, "public", v(body)),
            Self::Review { id, body } => (*id, "review", v(body)),
            Self::Curate { id, body } => (*id, "curate", v(body)),
            _ => return None,
        })
    }
}

impl WriteOp {
    /// The same write addressed to `id` instead (a merged view sends a
    /// write to its backend with the backend's own id). Done on the
    /// serialized form, whose `id` field every incident write has, so no
    /// kind of write can be missed; a write without one is returned as is.
    pub fn for_incident(&self, id: IncidentId) -> WriteOp {
        let Ok(mut v) = serde_json::to_value(self) else {
            return self.clone();
        };
        if let Some(slot) = v.get_mut("id") {
            *slot = serde_json::Value::String(id.to_string());
        }
        serde_json::from_value(v).unwrap_or_else(|_| self.clone())
    }

    pub fn incident(&self) -> Option<IncidentId> {
        match self {
            Self::Declare { .. } | Self::ExpireSilence { .. } => None,
            Self::Patch { id, .. }
            | Self::Transition { id, .. }
            | Self::Note { id, .. }
            | Self::StakeholderUpdate { id, .. }
            | Self::Responder { id, .. }
            | Self::Checklist { id, .. }
            | Self::Resolve { id }
            | Self::Silence { id, .. }
            | Self::AddFollowUp { id, .. }
            | Self::UpdateFollowUp { id, .. }
            | Self::Task { id, .. }
            | Self::Hypothesis { id, .. }
            | Self::Decide { id, .. }
            | Self::Command { id, .. }
            | Self::Can { id, .. }
            | Self::Impact { id, .. }
            | Self::Publish { id, .. }
            | Self::Review { id, .. }
            | Self::Curate { id, .. } => Some(*id),
        }
    }

    /// A short description for the pending marks on the timeline.
    pub fn describe(&self) -> String {
        let short = |s: &str| crate::text::one_line(s, 40);
        match self {
            Self::Declare { body } => format!("declare {}: {}", body.severity, short(&body.title)),
            Self::Patch { body, .. } => match body.severity {
                Some(s) => format!("severity -> {s}"),
                None => "edit fields".into(),
            },
            Self::Transition { body, .. } => {
                format!(
                    "{}status -> {}",
                    if body.force { "FORCE " } else { "" },
                    body.to
                )
            }
            Self::Note { body, .. } => format!("note: {}", short(&body.text)),
            Self::StakeholderUpdate { body, .. } => match body.audience {
                Some(crate::model::wire::Audience::Public) => {
                    format!("PUBLIC update: {}", short(&body.text))
                }
                _ => format!("stakeholder update: {}", short(&body.text)),
            },
            Self::Responder { body, .. } => match body {
                ResponderAction::Page { handle, role, .. } => {
                    format!("page {handle} as {}", role.short())
                }
                ResponderAction::AssignRole { handle, role } => {
                    format!("{handle} -> {}", role.short())
                }
                ResponderAction::Acknowledge { handle } => format!("{handle} acknowledges"),
                ResponderAction::Join { handle } => format!("{handle} joins"),
                ResponderAction::Leave { handle } => format!("{handle} leaves"),
                ResponderAction::Release { handle } => format!("release {handle}"),
            },
            Self::Task { body, .. } => match body {
                TaskAction::Add { title, owner, .. } => match owner {
                    Some(o) => format!("task to {o}: {}", short(title)),
                    None => format!("propose task: {}", short(title)),
                },
                TaskAction::Assign { task, owner, .. } => format!("task #{task} to {owner}"),
                TaskAction::Done { task, .. } => format!("task #{task} done"),
                TaskAction::Drop { task, .. } => format!("drop task #{task}"),
            },
            Self::Hypothesis { body, .. } => match body {
                HypothesisAction::Add { text, .. } => format!("hypothesis: {}", short(text)),
                HypothesisAction::Link { hypothesis, seq } => {
                    format!("evidence #{seq} for hypothesis #{hypothesis}")
                }
                HypothesisAction::Confirm { hypothesis, .. } => {
                    format!("confirm hypothesis #{hypothesis}")
                }
                HypothesisAction::RuleOut { hypothesis, .. } => {
                    format!("rule out hypothesis #{hypothesis}")
                }
            },
            Self::Decide { body, .. } => format!("decision: {}", short(&body.text)),
            Self::Command { body, .. } => match body {
                CommandAction::Offer { to } => format!("offer command to {to}"),
                CommandAction::Accept { .. } => "accept command".into(),
                CommandAction::Decline { .. } => "decline command".into(),
                CommandAction::Withdraw => "withdraw command offer".into(),
                CommandAction::Take { .. } => "take command".into(),
            },
            Self::Can { body, .. } => format!("CAN: {}", short(&body.condition)),
            Self::Impact { body, .. } => format!("impact: {}", short(&body.describe())),
            Self::Publish { body, .. } => match &body.title {
                Some(t) if body.public => format!("public as: {}", short(t)),
                _ => "off the status page".into(),
            },
            Self::Review { body, .. } => match body {
                crate::model::ReviewAction::Assign { owner } => format!("review owner {owner}"),
                crate::model::ReviewAction::Move { to } => format!("review -> {}", to.label()),
            },
            Self::Curate { body, .. } => {
                use crate::model::curation::CurateAction;
                match body {
                    CurateAction::Tag { seq, tags } if tags.is_empty() => format!("untag #{seq}"),
                    CurateAction::Tag { seq, tags } => format!("tag #{seq} {}", tags.join(", ")),
                    CurateAction::Pin { seq, pinned: true } => format!("pin #{seq}"),
                    CurateAction::Pin { seq, .. } => format!("unpin #{seq}"),
                    CurateAction::Correct { seq, why, .. } => {
                        format!("correct #{seq}: {}", short(why))
                    }
                }
            }
            Self::Resolve { .. } => "resolve".into(),
            Self::Silence {
                comment, minutes, ..
            } => format!("silence {minutes}m: {}", short(comment)),
            Self::ExpireSilence { silence_id } => format!("expire silence {}", short(silence_id)),
            Self::AddFollowUp { body, .. } => format!("follow-up: {}", short(&body.title)),
            Self::UpdateFollowUp { followup, body, .. } => match body.status {
                Some(s) => format!("follow-up #{followup} -> {}", s.as_str()),
                None => format!("edit follow-up #{followup}"),
            },
            Self::Checklist { body, .. } => {
                format!(
                    "{} {} item {}",
                    if body.done { "tick" } else { "untick" },
                    body.phase,
                    body.item + 1
                )
            }
        }
    }
}

/// A write with the key that makes its delivery idempotent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Write {
    pub key: String,
    pub op: WriteOp,
    /// Who queued it: the [`identity`] of the credentials in use then. A
    /// write is replayed only under the same identity, so a note queued
    /// with one person's token is never sent (and credited) with another's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued_by: Option<String>,
}

impl Write {
    pub fn new(op: WriteOp) -> Self {
        Self {
            key: new_key(),
            op,
            queued_by: None,
        }
    }
}

/// A stable fingerprint of a token, for the outbox: never the token, and
/// not enough of its hash to test guesses against.
pub fn identity(token: Option<&Token>) -> String {
    match token {
        Some(t) => {
            use sha2::{Digest, Sha256};
            let h = Sha256::digest(format!("warroom-outbox-identity\0{}", t.expose()));
            format!("token:{}", hex::encode(&h[..8]))
        }
        None => "anonymous".into(),
    }
}

pub fn new_key() -> String {
    use rand::Rng;
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}
