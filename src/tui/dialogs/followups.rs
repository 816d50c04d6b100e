//! `F`: the incident's follow-up actions (overdue ones loud): add one
//! (`a`), mark one done (`x`), won't do (`w`) or open again (`o`).
//! Follow-ups are the one thing a closed incident still accepts.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use chrono::NaiveDate;
use ratatui::crossterm::event::KeyEvent;
use tui_textarea::TextArea;

use super::keys::{
    BACKTAB, DOWN, ENTER, ESC, LEFT, RIGHT, TAB, Table, UP, alias, backward, bind, ch,
};
use super::list::{ListDialog, Words};
use super::{Ctx, Effect, Outcome};
use crate::client::WriteOp;
use crate::model::{
    ActorRole, FollowUp, FollowUpPatch, FollowUpStatus, IncidentId, NewFollowUp, Priority,
};
use crate::text::{fit, one_line, pad};
use crate::tui::app::{Flash, Read, line_input, text_of};
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, field, hint, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Add,
    Mark(FollowUpStatus),
    Reload,
    Close,
    Move,
}

pub static KEYS: Table<Key> = Table {
    name: "follow-ups (F)",
    binds: &[
        bind(&[ch('a')], "a", "add", Key::Add),
        bind(&[ch('x')], "x", "done", Key::Mark(FollowUpStatus::Done)),
        bind(
            &[ch('w')],
            "w",
            "won't do",
            Key::Mark(FollowUpStatus::WontDo),
        ),
        bind(&[ch('o')], "o", "reopen", Key::Mark(FollowUpStatus::Open)),
        bind(&[ch('r')], "r", "reload", Key::Reload),
        bind(&[ESC, ch('q')], "Esc", "close", Key::Close),
        alias(&[ch('j'), ch('k'), DOWN, UP], Key::Move),
    ],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    Next,
    Add,
    Cancel,
    Priority,
}

pub static FORM_KEYS: Table<FormKey> = Table {
    name: "adding a follow-up",
    binds: &[
        bind(
            &[TAB, BACKTAB, DOWN, UP],
            "Tab",
            "next field",
            FormKey::Next,
        ),
        bind(&[ENTER], "Enter", "add", FormKey::Add),
        bind(&[ESC], "Esc", "cancel", FormKey::Cancel),
        // On the priority field only; elsewhere they edit the text.
        alias(&[LEFT, RIGHT, ch(' ')], FormKey::Priority),
    ],
};

const WORDS: Words = Words {
    loading: "loading…",
    empty: "None yet. a adds one: what will stop this from happening again, and who owns it.",
    error_chars: 100,
};

pub struct FollowUps {
    pub id: IncidentId,
    pub list: ListDialog<FollowUp>,
    pub form: Option<FollowUpForm>,
}

pub struct FollowUpForm {
    pub title: TextArea<'static>,
    pub owner: TextArea<'static>,
    pub due: TextArea<'static>,
    pub priority: Priority,
    /// 0 title, 1 owner, 2 due, 3 priority.
    pub field: usize,
    pub error: Option<String>,
}

impl FollowUpForm {
    fn new() -> Self {
        Self {
            title: line_input("", "what will stop this from happening again"),
            owner: line_input("", "who owns it (handle)"),
            due: line_input("", "YYYY-MM-DD (optional)"),
            priority: Priority::P2,
            field: 0,
            error: None,
        }
    }

    /// The request, or why it cannot be sent.
    fn request(&self) -> Result<NewFollowUp, String> {
        let title = text_of(&self.title).trim().to_string();
        if title.is_empty() {
            return Err("Title is required.".into());
        }
        let owner = Some(text_of(&self.owner).trim().to_string()).filter(|o| !o.is_empty());
        let due = match text_of(&self.due).trim() {
            "" => None,
            d => Some(
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| format!("Due `{d}` is not a date like 2026-12-01."))?,
            ),
        };
        let req = NewFollowUp {
            title,
            owner,
            due,
            priority: self.priority,
            link: None,
        };
        req.check().map_err(|e| e.to_string())?;
        Ok(req)
    }

    /// The form's keys: `Some(request)` when Enter adds one.
    fn key(&mut self, k: KeyEvent) -> Option<NewFollowUp> {
        match FORM_KEYS.lookup(&k) {
            Some(FormKey::Next) if backward(&k) => self.field = (self.field + 3) % 4,
            Some(FormKey::Next) => self.field = (self.field + 1) % 4,
            Some(FormKey::Priority) if self.field == 3 => {
                self.priority = match (self.priority, backward(&k)) {
                    (Priority::P1, true) => Priority::P3,
                    (Priority::P2, true) => Priority::P1,
                    (Priority::P3, true) => Priority::P2,
                    (Priority::P1, false) => Priority::P2,
                    (Priority::P2, false) => Priority::P3,
                    (Priority::P3, false) => Priority::P1,
                };
            }
            Some(FormKey::Add) => match self.request() {
                Ok(body) => return Some(body),
                Err(why) => self.error = Some(why),
            },
            Some(FormKey::Cancel) => {}
            Some(FormKey::Priority) | None => {
                let t = match self.field {
                    0 => Some(&mut self.title),
                    1 => Some(&mut self.owner),
                    2 => Some(&mut self.due),
                    _ => None,
                };
                if let Some(t) = t {
                    t.input(k);
                    self.error = None;
                }
            }
        }
        None
    }
}

/// Why this console may not change follow-ups, if it may not.
fn refused(ctx: &Ctx) -> Option<String> {
    if !ctx.caps.lifecycle {
        return Some(format!("{} has no follow-up actions.", ctx.caps.name));
    }
    match ctx.me {
        Some((_, role)) if role < ActorRole::Responder => Some(format!(
            "Your token has the {role} role; follow-ups need responder."
        )),
        _ => None,
    }
}

impl FollowUps {
    /// `F`: the follow-ups of the incident being looked at, and the read
    /// that fills them.
    pub fn open(ctx: &Ctx) -> Option<Outcome> {
        let id = ctx.selected?;
        Some(
            Outcome::open(FollowUps {
                id,
                list: ListDialog::default(),
                form: None,
            })
            .with(Effect::Read(Read::FollowUps(id))),
        )
    }

    pub fn key(&mut self, ctx: &Ctx, k: KeyEvent) -> Outcome {
        if let Some(form) = &mut self.form {
            if FORM_KEYS.lookup(&k) == Some(FormKey::Cancel) {
                self.form = None;
                return Outcome::stay();
            }
            return match form.key(k) {
                Some(body) => {
                    self.form = None;
                    let id = self.id;
                    Outcome::stay().with(Effect::Write(WriteOp::AddFollowUp { id, body }))
                }
                None => Outcome::stay(),
            };
        }
        let status = match KEYS.lookup(&k) {
            Some(Key::Close) => return Outcome::close(),
            Some(Key::Move) => {
                self.list.step(&k);
                return Outcome::stay();
            }
            Some(Key::Reload) => {
                self.list.reload();
                return Outcome::stay().with(Effect::Read(Read::FollowUps(self.id)));
            }
            Some(Key::Add) => {
                return match refused(ctx) {
                    Some(why) => Outcome::stay()
                        .with(Effect::Flash(Flash::info("Cannot add follow-ups", why))),
                    None => {
                        self.form = Some(FollowUpForm::new());
                        Outcome::stay()
                    }
                };
            }
            Some(Key::Mark(status)) => status,
            None => return Outcome::stay(),
        };
        let Some(followup) = self.list.selected().map(|f| f.id) else {
            return Outcome::stay();
        };
        if let Some(why) = refused(ctx) {
            return Outcome::stay()
                .with(Effect::Flash(Flash::info("Cannot change follow-ups", why)));
        }
        let body = FollowUpPatch {
            status: Some(status),
            ..Default::default()
        };
        let id = self.id;
        Outcome::stay().with(Effect::Write(WriteOp::UpdateFollowUp {
            id,
            followup,
            body,
        }))
    }

    pub fn draw(&self, ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        draw(ctx, theme, f, area, self)
    }
}

fn draw(ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect, v: &FollowUps) {
    let n = v.list.loaded().map_or(1, <[FollowUp]>::len) as u16;
    let r = centered(area, 110, (n + 3).clamp(6, area.height));
    let (inner, block) = popup(theme, f, r, &format!("Follow-up actions · {}", v.id));
    f.render_widget(block, r);
    let h = inner.height.saturating_sub(1) as usize;
    let w = inner.width as usize;
    let today = ctx.now.date_naive();
    let mut lines = v
        .list
        .lines(theme, &WORDS, h, |fu, sel| row(theme, fu, sel, today, w));
    lines.push(hint(theme, &KEYS.hints()));
    f.render_widget(Paragraph::new(lines), inner);
    if let Some(form) = &v.form {
        draw_form(theme, f, area, form);
    }
}

fn row<'a>(
    theme: &Theme,
    fu: &FollowUp,
    selected: bool,
    today: chrono::NaiveDate,
    w: usize,
) -> Line<'a> {
    let status = match fu.status {
        FollowUpStatus::Open if fu.overdue(today) => "OVERDUE",
        FollowUpStatus::Open => "open",
        FollowUpStatus::Done => "done",
        FollowUpStatus::WontDo => "won't do",
    };
    let text = format!(
        "#{:<4} {:?}  {}  {}  {}  {}",
        fu.id,
        fu.priority,
        pad(status, 8),
        pad(fu.owner.as_deref().unwrap_or("-"), 12),
        pad(&fu.due.map_or("-".into(), |d| d.to_string()), 10),
        one_line(&fu.title, 200)
    );
    let style = if selected {
        theme.style(Role::Selected)
    } else if fu.overdue(today) {
        theme.style(Role::Error)
    } else if fu.status == FollowUpStatus::Open {
        theme.style(Role::Text)
    } else {
        theme.style(Role::Muted)
    };
    Line::from(Span::styled(
        fit(&format!(" {text}"), w).into_owned(),
        style,
    ))
}

fn draw_form(theme: &Theme, f: &mut Frame, area: Rect, form: &FollowUpForm) {
    let r = centered(area, 70, 14);
    f.render_widget(Clear, r);
    let (inner, block) = popup(theme, f, r, "Add a follow-up action");
    f.render_widget(block, r);
    let [t, o, d, p, _, h] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(inner);
    field(theme, f, t, &form.title, "Title", form.field == 0);
    field(theme, f, o, &form.owner, "Owner", form.field == 1);
    field(theme, f, d, &form.due, "Due", form.field == 2);
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                " Priority  ",
                theme.style(if form.field == 3 {
                    Role::BorderFocus
                } else {
                    Role::Muted
                }),
            ),
            Span::raw(format!("◂ {:?} ▸", form.priority)),
        ])),
        p,
    );
    let bottom = match &form.error {
        Some(e) => Line::from(Span::styled(
            format!(" ✗ {}", one_line(e, 80)),
            theme.style(Role::Error),
        )),
        None => hint(theme, &FORM_KEYS.hints()),
    };
    f.render_widget(Paragraph::new(bottom), h);
}
