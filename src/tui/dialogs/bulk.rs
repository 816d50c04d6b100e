//! A bulk action on the marked incidents (Space marks, `*` marks what the
//! filter shows): acknowledge, resolve, silence or a note on every one (a
//! silence shows each incident's matchers first). The
//! confirmation names the count and the incidents (and those left out,
//! and why); above [`TYPE_ABOVE`] incidents the IC types the count, as
//! PagerDuty's console asks for more the more it touches. Confirmed, it
//! is one write per incident through the outbox, each with its own
//! idempotency key, so each succeeds or fails (and is retried) alone.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::keys::{ENTER, ESC, TAB, Table, bind};
use super::silence::SILENCE_MINUTES;
use super::{Ctx, Effect, Outcome};
use crate::client::WriteOp;
use crate::model::wire::{TextRequest, TransitionRequest};
use crate::model::{IncidentId, Status};
use crate::text::{fit, one_line};
use crate::tui::app::Flash;
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, popup};

/// Above this many incidents the count must be typed to go on.
pub const TYPE_ABOVE: usize = 5;
/// Ids listed by name in the confirmation (the rest are counted).
const NAMED: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Go,
    Cancel,
    Longer,
}

pub static KEYS: Table<Key> = Table {
    name: "a bulk action on marked incidents",
    binds: &[
        bind(&[ENTER], "Enter", "go on", Key::Go),
        bind(&[ESC], "Esc", "cancel (the marks stay)", Key::Cancel),
        bind(&[TAB], "Tab", "a silence: how long", Key::Longer),
    ],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkKind {
    Acknowledge,
    Resolve,
    Note,
    /// Each incident's alert group silenced in Alertmanager.
    Silence,
}

impl BulkKind {
    fn verb(self) -> &'static str {
        match self {
            Self::Acknowledge => "Acknowledge",
            Self::Resolve => "Resolve",
            Self::Note => "Add a note to",
            Self::Silence => "Silence the alerts of",
        }
    }

    /// It asks for text first (the note; the silence's comment).
    fn has_text(self) -> bool {
        matches!(self, Self::Note | Self::Silence)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// The note's text (a note only).
    Text,
    /// The count, typed (above [`TYPE_ABOVE`]).
    Count,
    /// Enter to go on.
    Sure,
}

pub struct BulkConfirm {
    pub kind: BulkKind,
    /// What the action goes to, in list order.
    pub ids: Vec<IncidentId>,
    /// Marked but left out, and why ("already acknowledged").
    pub skipped: Vec<(IncidentId, String)>,
    stage: Stage,
    /// The note's text, then the typed count.
    input: String,
    note: String,
    error: Option<String>,
    /// A silence's length: an index into [`SILENCE_MINUTES`] (1h first).
    duration: usize,
    /// A silence: each incident's matchers, as shown before it is made.
    matchers: Vec<(IncidentId, String)>,
}

impl BulkConfirm {
    /// The confirmation of `kind` on `marked`, each checked against the
    /// incident as this console holds it.
    pub fn open(ctx: &Ctx, kind: BulkKind, marked: &[IncidentId]) -> Outcome {
        let mut ids = Vec::new();
        let mut skipped = Vec::new();
        for id in marked {
            let Some(inc) = ctx.board.incident(*id) else {
                skipped.push((*id, "no longer listed".to_string()));
                continue;
            };
            match kind {
                BulkKind::Acknowledge if inc.status != Status::Triggered => {
                    skipped.push((*id, format!("already {}", inc.status)));
                }
                BulkKind::Resolve if !inc.status.is_active() => {
                    skipped.push((*id, format!("already {}", inc.status)));
                }
                BulkKind::Silence if inc.alert_group.is_none() => {
                    skipped.push((*id, "not opened by an alert group".to_string()));
                }
                _ => ids.push(*id),
            }
        }
        if ids.is_empty() {
            return Outcome::stay().with(Effect::Flash(Flash::info(
                format!("Nothing to {}", kind.verb().to_lowercase()),
                format!(
                    "Every marked incident is left out: {}.",
                    describe(&skipped, NAMED)
                ),
            )));
        }
        let stage = match kind {
            k if k.has_text() => Stage::Text,
            _ if ids.len() > TYPE_ABOVE => Stage::Count,
            _ => Stage::Sure,
        };
        let matchers = if kind == BulkKind::Silence {
            ids.iter()
                .filter_map(|id| ctx.board.incident(*id).map(|i| (*id, matchers_of(i))))
                .collect()
        } else {
            Vec::new()
        };
        Outcome::open(BulkConfirm {
            kind,
            ids,
            skipped,
            stage,
            input: String::new(),
            note: String::new(),
            error: None,
            duration: 2,
            matchers,
        })
    }

    fn writes(&self) -> Vec<Effect> {
        self.ids
            .iter()
            .map(|&id| {
                Effect::Write(match self.kind {
                    BulkKind::Acknowledge => WriteOp::Transition {
                        id,
                        body: TransitionRequest {
                            to: Status::Acknowledged,
                            force: false,
                            reason: None,
                        },
                    },
                    BulkKind::Resolve => WriteOp::Resolve { id },
                    BulkKind::Note => WriteOp::Note {
                        id,
                        body: TextRequest::new(self.note.clone()),
                    },
                    BulkKind::Silence => WriteOp::Silence {
                        id,
                        comment: self.note.clone(),
                        minutes: SILENCE_MINUTES[self.duration],
                    },
                })
            })
            .collect()
    }

    /// Sent: one write each, the marks cleared, and what was left out said.
    fn go(&self) -> Outcome {
        let mut out = Outcome::close();
        out.effects = self.writes();
        out.effects.push(Effect::Unmark);
        let left = if self.skipped.is_empty() {
            String::new()
        } else {
            format!(" Left out: {}.", describe(&self.skipped, NAMED))
        };
        out.effects.push(Effect::Flash(Flash::info(
            format!("{} {} incident(s)", self.kind.verb(), self.ids.len()),
            format!(
                "One write each through the outbox: each row shows ⧗ until its server confirms, \
                 and a failure is said for its incident.{left}"
            ),
        )));
        out
    }

    pub fn key(&mut self, _: &Ctx, k: KeyEvent) -> Outcome {
        match KEYS.lookup(&k) {
            Some(Key::Cancel) => return Outcome::close(),
            Some(Key::Go) => return self.next(),
            Some(Key::Longer) => {
                self.duration = (self.duration + 1) % SILENCE_MINUTES.len();
                return Outcome::stay();
            }
            None => {}
        }
        if k.modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return Outcome::stay();
        }
        match (self.stage, k.code) {
            (_, KeyCode::Backspace) => {
                self.input.pop();
            }
            (Stage::Text, KeyCode::Char(c))
                if self.input.chars().count() < crate::model::MAX_TEXT =>
            {
                self.input.push(c)
            }
            (Stage::Count, KeyCode::Char(c)) if c.is_ascii_digit() && self.input.len() < 6 => {
                self.input.push(c)
            }
            _ => {}
        }
        self.error = None;
        Outcome::stay()
    }

    fn next(&mut self) -> Outcome {
        match self.stage {
            Stage::Text => {
                let text = self.input.trim();
                if text.is_empty() {
                    self.error = Some(match self.kind {
                        BulkKind::Silence => "write why (the comment every silence gets)".into(),
                        _ => "write the note first".into(),
                    });
                    return Outcome::stay();
                }
                self.note = text.to_string();
                self.input.clear();
                self.stage = if self.ids.len() > TYPE_ABOVE {
                    Stage::Count
                } else {
                    Stage::Sure
                };
                Outcome::stay()
            }
            Stage::Count if self.input != self.ids.len().to_string() => {
                self.error = Some(format!(
                    "type {} (the number of incidents) to go on",
                    self.ids.len()
                ));
                Outcome::stay()
            }
            Stage::Count | Stage::Sure => self.go(),
        }
    }

    pub fn draw(&self, _: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        let n = self.ids.len();
        let shown_matchers = self.matchers.len().min(MATCHERS_SHOWN) as u16;
        let r = centered(
            area,
            84,
            12 + u16::from(!self.skipped.is_empty()) * 2 + shown_matchers,
        );
        let title = format!("{} {n} incident(s)?", self.kind.verb());
        let (inner, block) = popup(theme, f, r, &title);
        f.render_widget(block, r);
        let w = inner.width.saturating_sub(2) as usize;
        let named: Vec<String> = self.ids.iter().take(NAMED).map(|i| i.to_string()).collect();
        let more = n.saturating_sub(NAMED);
        let mut lines = vec![
            Line::from(format!(
                " {}{}",
                named.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )),
            Line::from(Span::styled(
                fit(
                    " Each is its own write: one failing does not stop the others.",
                    w,
                )
                .into_owned(),
                theme.style(Role::Muted),
            )),
        ];
        if !self.skipped.is_empty() {
            lines.push(Line::from(Span::styled(
                fit(&format!(" Left out: {}", describe(&self.skipped, 6)), w).into_owned(),
                theme.style(Role::Muted),
            )));
        }
        // Every alert with all of an incident's labels is silenced: said
        // before it is made.
        for (id, m) in self.matchers.iter().take(MATCHERS_SHOWN) {
            lines.push(Line::from(Span::styled(
                fit(&format!(" {id}: {m}"), w).into_owned(),
                theme.style(Role::Text),
            )));
        }
        if self.matchers.len() > MATCHERS_SHOWN {
            lines.push(Line::from(Span::styled(
                format!(" and {} more groups", self.matchers.len() - MATCHERS_SHOWN),
                theme.style(Role::Muted),
            )));
        }
        lines.push(Line::from(""));
        if self.kind == BulkKind::Silence {
            let m = SILENCE_MINUTES[self.duration];
            let dur = if m >= 60 {
                format!("{}h", m / 60)
            } else {
                format!("{m}m")
            };
            lines.push(Line::from(format!(" Each for {dur} (Tab: longer)")));
        }
        match self.stage {
            Stage::Text if self.kind == BulkKind::Silence => {
                lines.push(Line::from(
                    " Why (every silence's comment; Enter when written):",
                ));
                lines.push(Line::from(format!(" › {}▏", one_line(&self.input, 200))));
            }
            Stage::Text => {
                lines.push(Line::from(" The note (Enter when written):"));
                lines.push(Line::from(format!(" › {}▏", one_line(&self.input, 200))));
            }
            Stage::Count => {
                if self.kind.has_text() {
                    lines.push(Line::from(format!(" Note: {}", one_line(&self.note, 200))));
                }
                lines.push(Line::from(Span::styled(
                    format!(" This touches {n} incidents: type {n} and Enter to go on."),
                    theme.style(Role::Warn),
                )));
                lines.push(Line::from(format!(" › {}▏", self.input)));
            }
            Stage::Sure => {
                if self.kind.has_text() {
                    lines.push(Line::from(format!(" Note: {}", one_line(&self.note, 200))));
                }
                lines.push(Line::from(" Enter to go on."));
            }
        }
        if let Some(e) = &self.error {
            lines.push(Line::from(Span::styled(
                format!(" {e}"),
                theme.style(Role::Error),
            )));
        }
        lines.push(hint(theme, &KEYS.hints()));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }
}

/// Groups whose matchers a bulk silence lists by name.
const MATCHERS_SHOWN: usize = 4;

/// An incident's silence matchers: its alert group's labels.
fn matchers_of(i: &crate::model::Incident) -> String {
    let labels = i.alert_group.as_ref().map(|g| {
        g.labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", one_line(v, 60)))
            .collect::<Vec<_>>()
            .join(", ")
    });
    labels.unwrap_or_default()
}

/// `INC-3 (already acknowledged), INC-7 (already resolved) and 2 more`.
fn describe(skipped: &[(IncidentId, String)], named: usize) -> String {
    let mut s: Vec<String> = skipped
        .iter()
        .take(named)
        .map(|(id, why)| format!("{id} ({why})"))
        .collect();
    if skipped.len() > named {
        s.push(format!("{} more", skipped.len() - named));
    }
    s.join(", ")
}
