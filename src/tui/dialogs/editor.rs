//! The text editor: a note or a stakeholder update (kept as a draft, in
//! memory and on disk, as it is typed), or the reason for a forced step
//! or a reopen. Ctrl-S posts; Esc closes and keeps the draft.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Clear, Paragraph};
use tui_textarea::TextArea;

use super::keys::{ESC, Table, bind, ctrl};
use super::{Ctx, Effect, Outcome};
use crate::client::WriteOp;
use crate::model::wire::Audience;
use crate::model::wire::{TextRequest, TransitionRequest};
use crate::model::{IncidentId, Status};
use crate::tui::app::{DraftKey, text_of};
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::centered;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Post,
    Close,
    Audience,
}

/// The editor's own line says these keys in words for what is written
/// ("Ctrl-S posts · Esc closes and keeps the draft").
pub static KEYS: Table<Key> = Table {
    name: "editor (N, u, a reason)",
    binds: &[
        bind(&[ctrl('s')], "^S", "post", Key::Post),
        bind(
            &[ctrl('p')],
            "^P",
            "an update: internal / public",
            Key::Audience,
        ),
        bind(&[ESC], "Esc", "close, keeping the draft", Key::Close),
    ],
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorKind {
    Note(DraftKey),
    Update(DraftKey),
    /// The reason for a forced transition or a reopen.
    Reason {
        id: IncidentId,
        to: Status,
        force: bool,
    },
}

impl EditorKind {
    /// The draft this editor keeps (notes and updates; a reason is short
    /// and not kept).
    pub fn draft(&self) -> Option<DraftKey> {
        match self {
            Self::Note(key) | Self::Update(key) => Some(*key),
            Self::Reason { .. } => None,
        }
    }
}

pub struct Editor {
    pub kind: EditorKind,
    pub text: TextArea<'static>,
    /// Who an update is for (internal until the IC says public).
    pub audience: Audience,
}

impl Editor {
    /// A note or an update, opened on its draft.
    pub fn draft(kind: EditorKind, draft: &str) -> Self {
        let mut text = TextArea::new(draft.lines().map(str::to_string).collect::<Vec<_>>());
        // Long lines wrap at the box's edge: a note is read whole while
        // it is written (the text sent keeps only the breaks typed).
        text.set_wrap_mode(tui_textarea::WrapMode::WordOrGlyph);
        text.move_cursor(tui_textarea::CursorMove::Bottom);
        text.move_cursor(tui_textarea::CursorMove::End);
        Self {
            kind,
            text,
            audience: Audience::Internal,
        }
    }

    /// The editor for the reason of a forced transition or a reopen.
    pub fn reason(id: IncidentId, to: Status, force: bool) -> Self {
        let mut text = TextArea::default();
        text.set_wrap_mode(tui_textarea::WrapMode::WordOrGlyph);
        text.set_placeholder_text(if force {
            "why it is safe to leave these items open"
        } else {
            "why the incident is reopened"
        });
        Self {
            kind: EditorKind::Reason { id, to, force },
            text,
            audience: Audience::Internal,
        }
    }

    pub fn key(&mut self, ctx: &Ctx, k: KeyEvent) -> Outcome {
        match KEYS.lookup(&k) {
            // The draft stays, in memory and on disk, for next time.
            Some(Key::Close) => Outcome::close(),
            Some(Key::Audience) => {
                if matches!(self.kind, EditorKind::Update(_)) {
                    self.audience = match self.audience {
                        Audience::Internal => Audience::Public,
                        Audience::Public => Audience::Internal,
                    };
                }
                Outcome::stay()
            }
            Some(Key::Post) => {
                let body = text_of(&self.text).trim().to_string();
                if body.is_empty() {
                    return Outcome::stay();
                }
                self.submit(ctx, body)
            }
            None => {
                self.text.input(k);
                Outcome {
                    next: super::Next::Stay,
                    effects: self.draft_effect(),
                }
            }
        }
    }

    fn draft_effect(&self) -> Vec<Effect> {
        self.kind
            .draft()
            .map(|key| Effect::Draft(key, text_of(&self.text)))
            .into_iter()
            .collect()
    }

    pub fn paste(&mut self, text: &str) -> Vec<Effect> {
        self.text.insert_str(crate::text::clean(text, true));
        self.draft_effect()
    }

    fn submit(&self, ctx: &Ctx, body: String) -> Outcome {
        if matches!(self.kind, EditorKind::Update(_))
            && let Some(part) = crate::model::cadence::unfilled(&body)
        {
            // Stakeholders never read "[who is affected and how]".
            return Outcome::stay().with(Effect::Flash(crate::tui::app::Flash::info(
                "Fill in the template first",
                format!("The update still says {part}: replace it, or delete that line."),
            )));
        }
        let done = Outcome::close();
        match self.kind {
            EditorKind::Note(key) | EditorKind::Update(key) => {
                // Stamped now: if it waits in the outbox (offline), the
                // timeline still says when it was written.
                let body = TextRequest::written(body, ctx.now);
                let op = if matches!(self.kind, EditorKind::Note(_)) {
                    WriteOp::Note { id: key.id, body }
                } else {
                    WriteOp::StakeholderUpdate {
                        id: key.id,
                        body: body.to(self.audience),
                    }
                };
                done.with(Effect::Draft(key, String::new()))
                    .with(Effect::Write(op))
            }
            EditorKind::Reason { id, to, force } => done.with(Effect::Write(WriteOp::Transition {
                id,
                body: TransitionRequest {
                    to,
                    force,
                    reason: Some(body),
                },
            })),
        }
    }

    pub fn draw(&self, _: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        let (title, help) = match &self.kind {
            EditorKind::Note(k) => (
                format!("Note on {}", k.id),
                "Ctrl-S posts · Esc closes and keeps the draft",
            ),
            EditorKind::Update(k) => (
                match self.audience {
                    Audience::Internal => format!("Stakeholder update on {} · INTERNAL", k.id),
                    Audience::Public => {
                        format!("Stakeholder update on {} · PUBLIC: customers read it", k.id)
                    }
                },
                "Ctrl-S posts · Ctrl-P internal / public · Esc closes and keeps the draft",
            ),
            EditorKind::Reason {
                id,
                to,
                force: true,
            } => (
                format!("Force {id} to {to}: why?"),
                "Ctrl-S forces (recorded on the timeline) · Esc cancels",
            ),
            EditorKind::Reason { id, .. } => {
                (format!("Reopen {id}: why?"), "Ctrl-S reopens · Esc cancels")
            }
        };
        let w = (area.width * 4 / 5).max(40);
        let h = (area.height * 3 / 5).max(8);
        let r = centered(area, w, h);
        f.render_widget(Clear, r);
        let [top, bottom] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(r);
        let mut t = self.text.clone();
        t.set_block(
            Block::bordered()
                .border_style(theme.style(Role::BorderFocus))
                .title(Span::styled(format!(" {title} "), theme.style(Role::Title))),
        );
        f.render_widget(&t, top);
        f.render_widget(
            Paragraph::new(Span::styled(format!(" {help}"), theme.style(Role::Muted)))
                .style(theme.style(Role::Text)),
            bottom,
        );
    }
}
