//! One form for every change to the state document: a task (`T`), its
//! result or why it is dropped (`d` / `x` on the state pane), a hypothesis
//! (`H`, with the timeline entry under the cursor as evidence; `L` links
//! that entry to one already raised), confirming
//! or ruling one out, a decision (`M`), a CAN report (`C`), and offering
//! command (`:handoff`). Each form is its labelled one-line fields; what
//! is wrong is said in the form, nothing is sent until it is right.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_textarea::TextArea;

use super::keys::{BACKTAB, DOWN, ENTER, ESC, TAB, Table, UP, backward, bind, ctrl};
use super::{Ctx, Effect, Outcome};
use crate::model::IncidentId;
use crate::text::fit;
use crate::tui::app::{line_input, text_of};
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, line_field, popup};

/// What the form makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Task,
    Done {
        task: u32,
    },
    Drop {
        task: u32,
    },
    Hypothesis,
    /// A timeline entry (`L` on the timeline) as evidence for a hypothesis.
    Link {
        seq: u64,
    },
    Confirm {
        hypothesis: u32,
    },
    RuleOut {
        hypothesis: u32,
    },
    Decision,
    Can,
    Handoff,
    /// The impact (the comms lead's): customers, scope, components.
    Impact,
    /// A timeline entry's tags (`#` on the timeline).
    Tags {
        seq: u64,
    },
    /// A timeline entry's time or words corrected (`E` on the timeline),
    /// with its time as recorded.
    Correct {
        seq: u64,
        at: chrono::DateTime<chrono::Utc>,
    },
}

/// A time as the correction form shows it and reads it back.
fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn parse_stamp(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S")
        .map(|t| t.and_utc())
        .map_err(|_| {
            format!(
                "time: `{}` is not YYYY-MM-DD HH:MM:SS (UTC)",
                crate::text::one_line(s, 30)
            )
        })
}

mod ops;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Field,
    Send,
    Objections,
    Cancel,
}

pub static KEYS: Table<Key> = Table {
    name: "state document forms (T, H, C, d, x)",
    binds: &[
        bind(&[TAB, BACKTAB, DOWN, UP], "Tab", "next field", Key::Field),
        bind(&[ENTER], "Enter", "send", Key::Send),
        bind(&[ESC], "Esc", "cancel", Key::Cancel),
    ],
};

pub static DECIDE_KEYS: Table<Key> = Table {
    name: "recording a decision (M)",
    binds: &[
        bind(&[TAB, BACKTAB, DOWN, UP], "Tab", "next field", Key::Field),
        bind(&[ctrl('o')], "^O", "objections asked", Key::Objections),
        bind(&[ENTER], "Enter", "record", Key::Send),
        bind(&[ESC], "Esc", "cancel", Key::Cancel),
    ],
};

pub struct StateForm {
    pub id: IncidentId,
    pub purpose: Purpose,
    fields: Vec<(&'static str, TextArea<'static>)>,
    focus: usize,
    /// "Any strong objections?" was asked (a decision).
    pub objections: bool,
    error: Option<String>,
}

impl StateForm {
    pub fn new(id: IncidentId, purpose: Purpose) -> Self {
        Self::with(id, purpose, "")
    }

    /// With the first field filled in (a hypothesis's evidence: the
    /// timeline entry under the cursor).
    pub fn with(id: IncidentId, purpose: Purpose, evidence: &str) -> Self {
        let f = |label, placeholder| (label, line_input("", placeholder));
        let fields = match purpose {
            Purpose::Task => vec![
                f("Task", "what to do, e.g. roll back checkout to 4.1"),
                f("Owner", "who does it: a responder's handle"),
                (
                    "Time box",
                    line_input("5m", "5m, 15m, 1h, or a time like 14:30"),
                ),
            ],
            Purpose::Done { .. } => vec![f("Result", "what came of it, in a line")],
            Purpose::Drop { .. } => vec![f("Why drop it", "no longer needed because…")],
            Purpose::Hypothesis => vec![
                f(
                    "Hypothesis",
                    "what may be wrong, e.g. the DB pool is exhausted",
                ),
                (
                    "Evidence",
                    line_input(evidence, "timeline entries, e.g. 7, 12 (optional)"),
                ),
            ],
            Purpose::Link { .. } => vec![f("Hypothesis", "its number, e.g. 2 or H2")],
            Purpose::Confirm { .. } => vec![f("What showed it", "optional")],
            Purpose::RuleOut { .. } => {
                vec![f("What ruled it out", "required: the brief quotes it")]
            }
            Purpose::Decision => vec![
                f("Decision", "what was decided"),
                f("Why", "the reason, for the review"),
                f("Supersedes", "an earlier decision's number (optional)"),
            ],
            Purpose::Can => vec![
                f("Condition", "what you see now"),
                f("Actions", "what you are doing"),
                f("Needs", "what you need (people, access, a decision)"),
            ],
            Purpose::Handoff => vec![f("Offer command to", "their handle")],
            Purpose::Tags { .. } => vec![(
                "Tags",
                line_input(evidence, "e.g. mitigation, red-herring (empty: none)"),
            )],
            Purpose::Correct { at, .. } => vec![
                ("Time (UTC)", line_input(&stamp(at), "YYYY-MM-DD HH:MM:SS")),
                (
                    "Words",
                    line_input(evidence, "the right words (empty: keep them)"),
                ),
                f("Why", "required: the review reads it"),
            ],
            Purpose::Impact => vec![
                ("Customers", line_input("unknown", "a number, or unknown")),
                f("Scope", "e.g. EU checkout since 14:02"),
                f(
                    "Components",
                    "checkout=partial_outage, payments=degraded (operational, degraded, partial_outage, major_outage)",
                ),
            ],
        };
        Self {
            id,
            purpose,
            fields,
            focus: 0,
            objections: false,
            error: None,
        }
    }

    /// The impact form, filled in with the impact as it is now.
    pub fn impact(id: IncidentId, now: Option<&crate::model::state_doc::Impact>) -> Self {
        let mut form = Self::new(id, Purpose::Impact);
        if let Some(i) = now {
            let comps: Vec<String> = i
                .components
                .iter()
                .map(|c| {
                    let cond = serde_json::to_value(c.condition)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    format!("{}={cond}", c.name)
                })
                .collect();
            let customers = i
                .customers_affected
                .map_or("unknown".to_string(), |n| n.to_string());
            for (n, v) in [customers, i.scope.clone(), comps.join(", ")]
                .into_iter()
                .enumerate()
            {
                form.fields[n].1 = line_input(&v, "");
            }
        }
        form
    }

    fn title(&self) -> String {
        let id = self.id;
        match self.purpose {
            Purpose::Task => format!("Give a task on {id}"),
            Purpose::Done { task } => format!("Task #{task} done"),
            Purpose::Drop { task } => format!("Drop task #{task}"),
            Purpose::Hypothesis => format!("A hypothesis on {id}"),
            Purpose::Link { seq } => format!("Entry #{seq} as evidence on {id}"),
            Purpose::Confirm { hypothesis } => format!("Confirm hypothesis H{hypothesis}"),
            Purpose::RuleOut { hypothesis } => format!("Rule out hypothesis H{hypothesis}"),
            Purpose::Decision => format!("Record a decision on {id}"),
            Purpose::Can => format!("CAN report on {id}"),
            Purpose::Handoff => format!("Hand off command of {id}"),
            Purpose::Impact => format!("Impact of {id} (the communications lead's)"),
            Purpose::Tags { seq } => format!("Tags of entry #{seq} on {id}"),
            Purpose::Correct { seq, .. } => format!("Correct entry #{seq} (the original is kept)"),
        }
    }

    fn table(&self) -> &'static Table<Key> {
        if self.purpose == Purpose::Decision {
            &DECIDE_KEYS
        } else {
            &KEYS
        }
    }

    fn value(&self, i: usize) -> String {
        self.fields
            .get(i)
            .map(|(_, t)| text_of(t).trim().to_string())
            .unwrap_or_default()
    }

    pub fn key(&mut self, ctx: &Ctx, k: KeyEvent) -> Outcome {
        match self.table().lookup(&k) {
            Some(Key::Cancel) => return Outcome::close(),
            Some(Key::Field) => {
                let n = self.fields.len();
                self.focus = if backward(&k) {
                    (self.focus + n - 1) % n
                } else {
                    (self.focus + 1) % n
                };
            }
            Some(Key::Objections) => self.objections = !self.objections,
            Some(Key::Send) => match self.op(ctx) {
                Ok(op) => return Outcome::close().with(Effect::Write(op)),
                Err(e) => self.error = Some(e),
            },
            None => {
                if let Some((_, t)) = self.fields.get_mut(self.focus) {
                    t.input(k);
                }
                self.error = None;
            }
        }
        Outcome::stay()
    }

    /// Pasted text goes into the field being typed in, on one line.
    pub fn paste(&mut self, text: &str) -> Vec<Effect> {
        if let Some((_, t)) = self.fields.get_mut(self.focus) {
            t.insert_str(crate::text::one_line(text, 2_000));
        }
        Vec::new()
    }

    pub fn draw(&self, ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        let n = self.fields.len() as u16;
        let decision = self.purpose == Purpose::Decision;
        // Fields, the people on the incident (for an owner), a toggle, the
        // error and the keys.
        let h = n + 2 + u16::from(decision) + 1 + 1 + 2;
        let r = centered(area, 90, h);
        let (inner, block) = popup(theme, f, r, &self.title());
        f.render_widget(block, r);
        let mut rows: Vec<Constraint> = (0..n).map(|_| Constraint::Length(1)).collect();
        rows.push(Constraint::Length(1));
        rows.push(Constraint::Length(1 + u16::from(decision)));
        rows.push(Constraint::Min(1));
        rows.push(Constraint::Length(1));
        let parts = Layout::vertical(rows).split(inner);
        for (i, (label, t)) in self.fields.iter().enumerate() {
            line_field(theme, f, parts[i], t, label, i == self.focus);
        }
        let w = inner.width as usize;
        let mut info = Vec::new();
        if let Purpose::Link { .. } = self.purpose {
            let open: Vec<String> = ctx
                .board
                .details
                .get(&self.id)
                .map(|d| {
                    d.state
                        .open_hypotheses()
                        .map(|h| format!("H{} {}", h.id, crate::text::one_line(&h.text, 40)))
                        .collect()
                })
                .unwrap_or_default();
            info.push(Line::from(Span::styled(
                fit(&format!(" Open: {}", open.join(" · ")), w).into_owned(),
                theme.style(Role::Muted),
            )));
        }
        if let Purpose::Tags { .. } = self.purpose {
            info.push(Line::from(Span::styled(
                fit(
                    &format!(" Tags: {}", ctx.policy.timeline_tags.join(", ")),
                    w,
                )
                .into_owned(),
                theme.style(Role::Muted),
            )));
        }
        if self.purpose == Purpose::Task || self.purpose == Purpose::Handoff {
            let people: Vec<&str> = ctx
                .board
                .details
                .get(&self.id)
                .map(|d| {
                    d.responders
                        .iter()
                        .filter(|r| !r.state.is_gone())
                        .map(|r| r.handle.as_str())
                        .collect()
                })
                .unwrap_or_default();
            info.push(Line::from(Span::styled(
                fit(&format!(" On the incident: {}", people.join(", ")), w).into_owned(),
                theme.style(Role::Muted),
            )));
        }
        if decision {
            info.push(Line::from(vec![
                Span::styled(" Objections asked: ", theme.style(Role::Muted)),
                Span::styled(
                    if self.objections {
                        "[x] yes, \"any strong objections?\" was asked"
                    } else {
                        "[ ] no (^O when it was)"
                    },
                    theme.style(if self.objections {
                        Role::Ok
                    } else {
                        Role::Warn
                    }),
                ),
            ]));
        }
        f.render_widget(Paragraph::new(info), parts[n as usize + 1]);
        if let Some(e) = &self.error {
            f.render_widget(
                Paragraph::new(Span::styled(
                    fit(&format!(" {e}"), w).into_owned(),
                    theme.style(Role::Error),
                )),
                parts[n as usize + 2],
            );
        }
        f.render_widget(
            Paragraph::new(hint(theme, &self.table().hints())),
            parts[n as usize + 3],
        );
    }
}
