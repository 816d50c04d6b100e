//! What each state-document form sends: the write, or what is wrong
//! with the form (said in it; nothing is sent until it is right).

use chrono::Local;

use super::{Ctx, Purpose, StateForm};
use crate::client::WriteOp;
use crate::model::CanReport;
use crate::model::curation::CurateAction;
use crate::model::state_doc::{
    CommandAction, DecideRequest, HypothesisAction, TaskAction, parse_item, resolve_due,
};

impl StateForm {
    /// The write, or what is wrong (said in the form).
    pub(super) fn op(&self, ctx: &Ctx) -> Result<WriteOp, String> {
        let id = self.id;
        let need = |i: usize, what: &str| -> Result<String, String> {
            let v = self.value(i);
            if v.is_empty() {
                Err(format!("{what} is required"))
            } else {
                Ok(v)
            }
        };
        let optional = |i: usize| Some(self.value(i)).filter(|v| !v.is_empty());
        Ok(match self.purpose {
            Purpose::Task => {
                let title = need(0, "the task")?;
                let owner = optional(1);
                let due = optional(2)
                    .map(|d| resolve_due(&d, ctx.now.with_timezone(&Local)))
                    .transpose()
                    .map_err(|e| format!("time box: {e}"))?;
                WriteOp::Task {
                    id,
                    body: TaskAction::Add { title, owner, due },
                }
            }
            Purpose::Done { task } => WriteOp::Task {
                id,
                body: TaskAction::Done {
                    task,
                    result: need(0, "the result")?,
                },
            },
            Purpose::Drop { task } => WriteOp::Task {
                id,
                body: TaskAction::Drop {
                    task,
                    reason: need(0, "why")?,
                },
            },
            Purpose::Hypothesis => {
                let text = need(0, "the hypothesis")?;
                let evidence = self
                    .value(1)
                    .split([',', ' '])
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| {
                        s.trim()
                            .trim_start_matches('#')
                            .parse::<u64>()
                            .map_err(|_| format!("evidence: `{s}` is not an entry number"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                WriteOp::Hypothesis {
                    id,
                    body: HypothesisAction::Add { text, evidence },
                }
            }
            Purpose::Link { seq } => {
                let h = need(0, "the hypothesis")?;
                let hypothesis = parse_item(h.trim_start_matches(['H', 'h']))
                    .map_err(|e| format!("hypothesis: {e}"))?;
                WriteOp::Hypothesis {
                    id,
                    body: HypothesisAction::Link { hypothesis, seq },
                }
            }
            Purpose::Confirm { hypothesis } => WriteOp::Hypothesis {
                id,
                body: HypothesisAction::Confirm {
                    hypothesis,
                    why: optional(0),
                },
            },
            Purpose::RuleOut { hypothesis } => WriteOp::Hypothesis {
                id,
                body: HypothesisAction::RuleOut {
                    hypothesis,
                    why: need(0, "what ruled it out")?,
                },
            },
            Purpose::Decision => WriteOp::Decide {
                id,
                body: DecideRequest {
                    text: need(0, "the decision")?,
                    why: self.value(1),
                    objections_asked: self.objections,
                    supersedes: optional(2)
                        .map(|s| parse_item(&s))
                        .transpose()
                        .map_err(|e| format!("supersedes: {e}"))?,
                },
            },
            Purpose::Can => WriteOp::Can {
                id,
                body: CanReport {
                    condition: need(0, "the condition")?,
                    actions: self.value(1),
                    needs: self.value(2),
                },
            },
            Purpose::Impact => WriteOp::Impact {
                id,
                body: crate::model::state_doc::Impact::parse(
                    &self.value(0),
                    self.value(1),
                    &[self.value(2)],
                )?,
            },
            Purpose::Handoff => WriteOp::Command {
                id,
                body: CommandAction::Offer {
                    to: need(0, "who takes command")?,
                },
            },
            Purpose::Tags { seq } => WriteOp::Curate {
                id,
                body: CurateAction::Tag {
                    seq,
                    tags: self
                        .value(0)
                        .split([',', ' '])
                        .map(|t| t.trim().trim_start_matches('#').to_string())
                        .filter(|t| !t.is_empty())
                        .collect(),
                },
            },
            Purpose::Correct { seq, at } => {
                let typed = self.value(0);
                let new_at = match typed.as_str() {
                    "" => None,
                    t if t == super::stamp(at) => None,
                    t => Some(super::parse_stamp(t)?),
                };
                let text = optional(1);
                if new_at.is_none() && text.is_none() {
                    return Err("change the time or give the right words".into());
                }
                WriteOp::Curate {
                    id,
                    body: CurateAction::Correct {
                        seq,
                        at: new_at,
                        text,
                        why: need(2, "why")?,
                    },
                }
            }
        })
    }
}
