//! The text editor: a note or a stakeholder update (kept as a draft, in
//! memory and on disk, as it is typed), or the reason for a forced step
//! or a reopen. Ctrl-S posts; Esc closes and keeps the draft.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Clear, Paragraph};
use tui_textarea::TextArea;

use super::keys::{ESC, TAB, Table, bind, ctrl};
use super::{Ctx, Effect, Outcome};
use crate::client::WriteOp;
use crate::model::cadence::{DATA_LOSS_REQUIRED, UpdateStage};
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
    Stage,
    Field,
    Preview,
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
        bind(
            &[ctrl('t')],
            "^T",
            "an update: initial / scoping / update / resolution",
            Key::Stage,
        ),
        bind(
            &[TAB],
            "Tab",
            "a resolution update: text / data-loss statement",
            Key::Field,
        ),
        bind(
            &[ctrl('v')],
            "^V",
            "an update: preview it as its audience will read it",
            Key::Preview,
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
    /// Which update it is (an update's; worked out from the incident).
    pub stage: Option<UpdateStage>,
    /// A resolution update's statement on data loss and lingering impact:
    /// required, so it has a field of its own.
    pub data_loss: TextArea<'static>,
    /// The statement's field has the cursor.
    pub on_data_loss: bool,
    /// The update as its audience will read it, instead of the text.
    pub preview: bool,
    /// The `[parts]` of the template it started from, to be replaced.
    pub blanks: Vec<String>,
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
            stage: None,
            data_loss: statement_field(),
            on_data_loss: false,
            preview: false,
            blanks: Vec::new(),
        }
    }

    /// The `[parts]` of its template, not sent until replaced.
    pub fn with_blanks(mut self, blanks: Vec<String>) -> Self {
        self.blanks = blanks;
        self
    }

    /// An update of this stage.
    pub fn at_stage(mut self, stage: UpdateStage) -> Self {
        self.stage = Some(stage);
        self
    }

    fn resolution(&self) -> bool {
        self.stage == Some(UpdateStage::Resolution)
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
            stage: None,
            data_loss: statement_field(),
            on_data_loss: false,
            preview: false,
            blanks: Vec::new(),
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
            Some(Key::Stage) => {
                if let Some(s) = self.stage {
                    let all = UpdateStage::ALL;
                    let i = all.iter().position(|x| *x == s).unwrap_or(0);
                    self.stage = Some(all[(i + 1) % all.len()]);
                    self.on_data_loss &= self.resolution();
                }
                Outcome::stay()
            }
            Some(Key::Field) if self.resolution() => {
                self.on_data_loss = !self.on_data_loss;
                Outcome::stay()
            }
            Some(Key::Preview) if self.stage.is_some() => {
                self.preview = !self.preview;
                Outcome::stay()
            }
            Some(Key::Post) => {
                let body = text_of(&self.text).trim().to_string();
                if body.is_empty() {
                    return Outcome::stay();
                }
                self.submit(ctx, body)
            }
            _ if self.preview => {
                // Any other key goes back to writing.
                self.preview = false;
                Outcome::stay()
            }
            _ if self.on_data_loss => {
                // One line: Enter does not break it.
                if k.code != ratatui::crossterm::event::KeyCode::Enter {
                    self.data_loss.input(k);
                }
                Outcome::stay()
            }
            _ => {
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
        if self.on_data_loss {
            self.data_loss.insert_str(crate::text::clean(text, false));
            return Vec::new();
        }
        self.text.insert_str(crate::text::clean(text, true));
        self.draft_effect()
    }

    fn statement(&self) -> Option<String> {
        let d = text_of(&self.data_loss).trim().to_string();
        (self.resolution() && !d.is_empty()).then_some(d)
    }

    fn submit(&mut self, ctx: &Ctx, body: String) -> Outcome {
        if self.resolution() && self.statement().is_none() {
            // Refused here with the server's own reason, the cursor put
            // where the statement goes.
            self.on_data_loss = true;
            self.preview = false;
            let mut why = DATA_LOSS_REQUIRED.to_string();
            why[..1].make_ascii_uppercase();
            return Outcome::stay().with(Effect::Flash(crate::tui::app::Flash::info(
                "Say whether data was lost",
                format!("{why}: write it in the Data loss field (Tab)."),
            )));
        }
        let blank = self
            .blanks
            .iter()
            .find(|b| body.contains(b.as_str()))
            .cloned();
        if matches!(self.kind, EditorKind::Update(_))
            && let Some(part) = blank.or(crate::model::cadence::unfilled(&body).map(str::to_string))
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
                        body: TextRequest {
                            stage: self.stage,
                            data_loss: self.statement(),
                            ..body.to(self.audience)
                        },
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

    pub fn draw(&self, ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        let stage = self.stage.map(|s| format!(" · {s}")).unwrap_or_default();
        let (title, help) = match &self.kind {
            EditorKind::Note(k) => (
                format!("Note on {}", k.id),
                "Ctrl-S posts · Esc closes and keeps the draft",
            ),
            EditorKind::Update(k) => (
                match self.audience {
                    Audience::Internal => {
                        format!("Stakeholder update on {}{stage} · INTERNAL", k.id)
                    }
                    Audience::Public => {
                        format!(
                            "Stakeholder update on {}{stage} · PUBLIC: customers read it",
                            k.id
                        )
                    }
                },
                // Short enough for the box at 80 columns (64 wide).
                if self.resolution() {
                    "^S post · Tab field · ^P audience · ^T stage · ^V preview · Esc"
                } else {
                    "^S post · ^P audience · ^T stage · ^V preview · Esc keeps draft"
                },
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
        let field = if self.resolution() && !self.preview {
            3
        } else {
            0
        };
        let [statement, top, bottom] = Layout::vertical([
            Constraint::Length(field),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .areas(r);
        let focus = |on: bool| theme.style(if on { Role::BorderFocus } else { Role::Border });
        if field > 0 {
            let mut d = self.data_loss.clone();
            d.set_block(
                Block::bordered()
                    .border_style(focus(self.on_data_loss))
                    .title(Span::styled(
                        " Data loss and lingering impact (required) ",
                        theme.style(Role::Title),
                    )),
            );
            f.render_widget(&d, statement);
        }
        if self.preview {
            self.draw_preview(ctx, theme, f, top, &title);
        } else {
            let mut t = self.text.clone();
            t.set_block(
                Block::bordered()
                    .border_style(focus(!self.on_data_loss))
                    .title(Span::styled(format!(" {title} "), theme.style(Role::Title))),
            );
            f.render_widget(&t, top);
        }
        f.render_widget(
            Paragraph::new(Span::styled(format!(" {help}"), theme.style(Role::Muted)))
                .style(theme.style(Role::Text)),
            bottom,
        );
    }

    /// The update as each kind of channel its audience hears it on will
    /// show it (the same renderers the server sends with).
    fn draw_preview(&self, ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect, title: &str) {
        let EditorKind::Update(key) = &self.kind else {
            return;
        };
        let mut lines = Vec::new();
        match ctx.board.incident(key.id) {
            Some(inc) => {
                let event = crate::model::TimelineEvent {
                    seq: inc.last_seq + 1,
                    at: ctx.now,
                    author: ctx.me.map(|(h, _)| h.to_string()).unwrap_or_default(),
                    kind: crate::model::EventKind::StakeholderUpdate {
                        text: text_of(&self.text).trim().to_string(),
                        audience: self.audience,
                        stage: self.stage,
                        data_loss: self.statement(),
                    },
                    written_at: None,
                };
                let p = crate::report::channels::payload(
                    crate::model::notification::Subject::StakeholderUpdate,
                    inc,
                    &event,
                );
                lines.push(
                    match self.audience {
                        Audience::Internal => {
                            "Internal targets (chat, e-mail, webhooks subscribed to internal \
                             updates) receive:"
                        }
                        Audience::Public => {
                            "Public targets receive this, and the status page shows it if the \
                             incident is public:"
                        }
                    }
                    .to_string(),
                );
                for (channel, text) in crate::report::channels::preview(&p) {
                    lines.push(String::new());
                    lines.push(format!("── {channel}"));
                    lines.extend(
                        text.lines()
                            .map(|l| crate::text::clean(l, false).into_owned()),
                    );
                }
            }
            None => lines.push("The incident is not loaded yet.".into()),
        }
        let text: Vec<ratatui::text::Line> =
            lines.into_iter().map(ratatui::text::Line::from).collect();
        f.render_widget(
            Paragraph::new(text)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .style(theme.style(Role::Text))
                .block(
                    Block::bordered()
                        .border_style(theme.style(Role::BorderFocus))
                        .title(Span::styled(
                            format!(" Preview · {title} (any key: back to writing) "),
                            theme.style(Role::Title),
                        )),
                ),
            area,
        );
    }
}

/// The one-line field of a resolution update's statement.
fn statement_field() -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_placeholder_text("none, or what was lost and what impact remains");
    t
}
