//! The responder dialog: page someone or assign a role; on a backend
//! with a user directory (PagerDuty), pick a user found by name.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use ratatui::crossterm::event::KeyEvent;
use tui_textarea::TextArea;

use super::confirm::Confirm;
use super::keys::{
    BACKTAB, DOWN, ENTER, ESC, LEFT, RIGHT, TAB, Table, UP, alias, backward, bind, ch,
};
use super::{Ctx, Effect, Outcome};
use crate::client::{UserMatch, WriteOp};
use crate::model::Role as ResponderRole;
use crate::model::{IncidentId, ResponderAction, ResponderState};
use crate::text::pad;
use crate::tui::app::{Read, line_input, text_of};
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, field, hint, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Field,
    Role,
    Send,
    Cancel,
}

pub static KEYS: Table<Key> = Table {
    name: "page or assign (r)",
    binds: &[
        bind(&[TAB, BACKTAB, DOWN, UP], "Tab", "field", Key::Field),
        bind(&[LEFT, RIGHT], "←/→", "role", Key::Role),
        bind(&[ENTER], "Enter", "page / assign", Key::Send),
        bind(&[ESC], "Esc", "cancel", Key::Cancel),
        // On the role field only; on the handle they are letters.
        alias(&[ch('h'), ch('l'), ch(' ')], Key::Role),
    ],
};

/// On a backend whose people are its users (PagerDuty): type a name, pick
/// a match, Enter assigns by the user's id.
pub static DIRECTORY_KEYS: Table<Key> = Table {
    name: "assign from the user directory (r)",
    binds: &[
        bind(&[UP, DOWN, TAB, BACKTAB], "↑/↓", "pick", Key::Field),
        bind(&[ENTER], "Enter", "assign", Key::Send),
        bind(&[ESC], "Esc", "cancel", Key::Cancel),
    ],
};

pub struct ResponderForm {
    pub id: IncidentId,
    pub handle: TextArea<'static>,
    pub role: ResponderRole,
    /// 0 handle, 1 role.
    pub field: usize,
    /// On a backend with a user directory: the users matching the text,
    /// and the one picked (Enter sends its id).
    pub matches: Vec<UserMatch>,
    pub pick: usize,
    /// Why the last Enter sent nothing (shown in place of the hint).
    pub error: Option<String>,
}

impl ResponderForm {
    /// The dialog for `id`, on the responder `handle` when one is picked
    /// (its role then preselected), on a new handle otherwise.
    pub fn new(ctx: &Ctx, id: IncidentId, handle: String) -> Self {
        let role = ctx
            .board
            .details
            .get(&id)
            .and_then(|d| d.responders.iter().find(|r| r.handle == handle))
            .map_or(ResponderRole::SubjectMatterExpert, |r| r.role);
        let directory = ctx.caps.user_directory;
        let hint = if directory {
            "name or email: matching users are listed"
        } else {
            "handle, e.g. dana"
        };
        Self {
            id,
            field: if handle.is_empty() || directory { 0 } else { 1 },
            handle: line_input(&handle, hint),
            role,
            matches: Vec::new(),
            pick: 0,
            error: None,
        }
    }

    pub fn key(&mut self, ctx: &Ctx, k: KeyEvent) -> Outcome {
        if ctx.caps.user_directory {
            return self.directory_key(k);
        }
        let roles = ResponderRole::ALL;
        let ri = roles.iter().position(|r| *r == self.role).unwrap_or(0);
        self.error = None;
        match KEYS.lookup(&k) {
            Some(Key::Cancel) => return Outcome::close(),
            Some(Key::Field) => self.field = 1 - self.field,
            Some(Key::Role) if self.field == 1 => {
                let by = if backward(&k) { roles.len() - 1 } else { 1 };
                self.role = roles[(ri + by) % roles.len()];
            }
            Some(Key::Send) => return self.send(ctx),
            Some(Key::Role) | None if self.field == 0 => {
                self.handle.input(k);
            }
            Some(Key::Role) | None => {}
        }
        Outcome::stay()
    }

    fn send(&mut self, ctx: &Ctx) -> Outcome {
        let handle = text_of(&self.handle).trim().to_string();
        if handle.is_empty() {
            self.field = 0;
            return Outcome::stay();
        }
        let found = ctx
            .board
            .details
            .get(&self.id)
            .and_then(|d| d.responders.iter().find(|r| r.handle == handle));
        let known = found.map(|r| r.state);
        // The same role for someone on the incident changes nothing: say
        // so, never nothing.
        if let Some(r) = found.filter(|r| r.role == self.role && r.state != ResponderState::Left) {
            self.error = Some(match r.state {
                ResponderState::Paged => format!(
                    "{handle} is paged as {} and has not answered; ←/→ picks another role",
                    r.role.short()
                ),
                _ => format!(
                    "{handle} is already {} here: ←/→ picks another role",
                    r.role.short()
                ),
            });
            self.field = 1;
            return Outcome::stay();
        }
        let present = matches!(
            known,
            Some(ResponderState::Joined | ResponderState::Acknowledged)
        );
        let body = match known {
            Some(s) if s != ResponderState::Left => ResponderAction::AssignRole {
                handle: handle.clone(),
                role: self.role,
            },
            _ => ResponderAction::Page {
                handle: handle.clone(),
                name: None,
                role: self.role,
            },
        };
        let op = WriteOp::Responder { id: self.id, body };
        if self.role == ResponderRole::IncidentCommander && !present {
            // Command goes to someone who has not answered yet: ask.
            let title = ctx
                .selected_incident()
                .map(|i| i.title.clone())
                .unwrap_or_default();
            return Outcome::open(Confirm::Write {
                title: format!("Make {handle} the IC of {}?", self.id),
                text: format!(
                    "{} {title}\n{handle} has not joined or acknowledged: until they do, \
                     nobody who is present is in command.",
                    self.id
                ),
                op,
            });
        }
        Outcome::close().with(Effect::Write(op))
    }

    fn directory_key(&mut self, k: KeyEvent) -> Outcome {
        let n = self.matches.len();
        match DIRECTORY_KEYS.lookup(&k) {
            Some(Key::Cancel) => Outcome::close(),
            Some(Key::Field) if n > 0 => {
                self.pick = if backward(&k) {
                    (self.pick + n - 1) % n
                } else {
                    (self.pick + 1) % n
                };
                Outcome::stay()
            }
            Some(Key::Send) => {
                let body = match self.matches.get(self.pick).cloned() {
                    Some(u) => ResponderAction::Page {
                        handle: u.id,
                        name: Some(u.name),
                        role: self.role,
                    },
                    None => {
                        // Nothing picked: a user id typed as is still works.
                        let typed = text_of(&self.handle).trim().to_string();
                        if typed.is_empty() || typed.contains(char::is_whitespace) {
                            return Outcome::stay();
                        }
                        ResponderAction::AssignRole {
                            handle: typed,
                            role: self.role,
                        }
                    }
                };
                Outcome::close().with(Effect::Write(WriteOp::Responder { id: self.id, body }))
            }
            _ => {
                self.handle.input(k);
                let q = text_of(&self.handle).trim().to_string();
                self.matches.clear();
                self.pick = 0;
                let out = Outcome::stay();
                if q.chars().count() >= 2 {
                    out.with(Effect::Read(Read::Users(q)))
                } else {
                    out
                }
            }
        }
    }

    /// Users matching what was typed: only the answer to what is typed
    /// now is shown (answers arrive late). An error is for the header.
    pub fn users(&mut self, query: &str, r: Result<Vec<UserMatch>, String>) -> Option<String> {
        if text_of(&self.handle).trim() != query {
            return None;
        }
        match r {
            Ok(m) => {
                self.matches = m;
                self.pick = 0;
                None
            }
            Err(e) => Some(format!("user search: {e}")),
        }
    }

    pub fn draw(&self, ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        if ctx.caps.user_directory {
            directory(ctx, theme, f, area, self)
        } else {
            draw(theme, f, area, self)
        }
    }
}

fn directory(app: &Ctx, theme: &Theme, f: &mut Frame, area: Rect, form: &ResponderForm) {
    let rows = form.matches.len().min(6) as u16;
    let r = centered(area, 72, 7 + rows);
    let (inner, block) = popup(
        theme,
        f,
        r,
        &format!("Assign · {} · {} users", form.id, app.caps.name),
    );
    f.render_widget(block, r);
    let [t, list, h] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(inner);
    field(theme, f, t, &form.handle, "User", true);
    let mut lines: Vec<Line> = form
        .matches
        .iter()
        .take(6)
        .enumerate()
        .map(|(i, u)| {
            let st = if i == form.pick {
                theme.style(Role::Selected)
            } else {
                theme.style(Role::Text)
            };
            Line::from(Span::styled(
                pad(
                    &format!(" {}  {}  ({})", u.name, u.email, u.id),
                    list.width as usize,
                ),
                st,
            ))
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            " type 2+ letters of a name or email",
            theme.style(Role::Muted),
        )));
    }
    f.render_widget(Paragraph::new(lines), list);
    f.render_widget(Paragraph::new(hint(theme, &DIRECTORY_KEYS.hints())), h);
}

fn draw(theme: &Theme, f: &mut Frame, area: Rect, form: &ResponderForm) {
    let r = centered(area, 64, 8);
    let (inner, block) = popup(theme, f, r, &format!("Page or assign · {}", form.id));
    f.render_widget(block, r);
    let [t, role, _, h] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(inner);
    field(theme, f, t, &form.handle, "Handle", form.field == 0);
    let sel = form.field == 1;
    let mut spans = vec![Span::styled(
        " Role  ",
        if sel {
            theme.style(Role::BorderFocus)
        } else {
            theme.style(Role::Muted)
        },
    )];
    for r in ResponderRole::ALL {
        let st = if r == form.role {
            theme.style(Role::Selected)
        } else {
            theme.style(Role::Muted)
        };
        spans.push(Span::styled(format!(" {} ", r.short()), st));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), role);
    let bottom = match &form.error {
        Some(e) => Line::from(Span::styled(format!(" ✗ {e}"), theme.style(Role::Error))),
        None => hint(theme, &KEYS.hints()),
    };
    f.render_widget(Paragraph::new(bottom), h);
}
