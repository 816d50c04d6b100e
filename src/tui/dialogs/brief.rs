//! `B` / `:brief`: the brief of the selected incident, generated from the
//! record by the same function the server and the CLI use, live (it is
//! built again from the detail on every frame: bounded by the state
//! document's limits). `y` copies it as Markdown. When command is offered
//! to you it carries the accept (`a`) and decline (`d`); `:take-command`
//! opens it to be read before taking command (`Enter`). Accepting or
//! taking records the version of the brief on screen.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::keys::{DOWN, ENTER, ESC, PGDN, PGUP, Table, UP, alias, bind, ch};
use super::{Ctx, Effect, Outcome};
use crate::client::WriteOp;
use crate::model::IncidentId;
use crate::model::brief::Brief;
use crate::model::state_doc::CommandAction;
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Scroll,
    Copy,
    Accept,
    Decline,
    Take,
    Close,
    Top,
}

pub static KEYS: Table<Key> = Table {
    name: "the brief (B)",
    binds: &[
        bind(
            &[ch('j'), ch('k'), DOWN, UP, PGUP, PGDN],
            "j/k",
            "scroll",
            Key::Scroll,
        ),
        bind(&[ch('y')], "y", "copy as Markdown", Key::Copy),
        bind(&[ESC, ch('q')], "Esc", "close", Key::Close),
        alias(&[ch('g')], Key::Top),
    ],
};

pub static OFFER_KEYS: Table<Key> = Table {
    name: "the brief, command offered to you",
    binds: &[
        bind(
            &[ch('j'), ch('k'), DOWN, UP, PGUP, PGDN],
            "j/k",
            "scroll",
            Key::Scroll,
        ),
        bind(&[ch('a')], "a", "accept command", Key::Accept),
        bind(&[ch('d')], "d", "decline", Key::Decline),
        bind(&[ch('y')], "y", "copy", Key::Copy),
        bind(&[ESC, ch('q')], "Esc", "close", Key::Close),
        alias(&[ch('g')], Key::Top),
    ],
};

pub static TAKE_KEYS: Table<Key> = Table {
    name: "the brief, before taking command",
    binds: &[
        bind(
            &[ch('j'), ch('k'), DOWN, UP, PGUP, PGDN],
            "j/k",
            "scroll",
            Key::Scroll,
        ),
        bind(&[ENTER], "Enter", "take command", Key::Take),
        bind(&[ESC, ch('q')], "Esc", "cancel", Key::Close),
        alias(&[ch('g')], Key::Top),
    ],
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefView {
    pub id: IncidentId,
    /// Opened by `:take-command`: Enter takes command.
    pub take: bool,
    pub scroll: u16,
}

impl BriefView {
    pub fn new(id: IncidentId, take: bool) -> Self {
        Self {
            id,
            take,
            scroll: 0,
        }
    }

    fn brief(&self, ctx: &Ctx) -> Option<Brief> {
        let d = ctx.board.details.get(&self.id)?;
        Some(Brief::build(d, ctx.policy, ctx.now))
    }

    /// Whether command of this incident is offered to whoever this is.
    fn offered_to_me(&self, ctx: &Ctx) -> bool {
        let me = ctx.me.map(|(h, _)| h);
        ctx.board
            .details
            .get(&self.id)
            .and_then(|d| d.state.handoff.as_ref())
            .is_some_and(|o| Some(o.to.as_str()) == me)
    }

    fn table(&self, ctx: &Ctx) -> &'static Table<Key> {
        if self.take {
            &TAKE_KEYS
        } else if self.offered_to_me(ctx) {
            &OFFER_KEYS
        } else {
            &KEYS
        }
    }

    pub fn key(&mut self, ctx: &Ctx, k: KeyEvent) -> Outcome {
        let command = |body| Effect::Write(WriteOp::Command { id: self.id, body });
        match self.table(ctx).lookup(&k) {
            Some(Key::Close) => return Outcome::close(),
            Some(Key::Scroll) => self.scroll = super::keys::scrolled(self.scroll, &k),
            Some(Key::Top) => self.scroll = 0,
            Some(Key::Copy) => {
                if let Some(b) = self.brief(ctx) {
                    return Outcome::stay().with(Effect::Copy(crate::report::brief::markdown(&b)));
                }
            }
            // The version on screen is the one recorded as read.
            Some(Key::Accept) => {
                if let Some(b) = self.brief(ctx) {
                    return Outcome::close().with(command(CommandAction::Accept {
                        brief_version: b.version,
                    }));
                }
            }
            Some(Key::Decline) => {
                return Outcome::close().with(command(CommandAction::Decline { reason: None }));
            }
            Some(Key::Take) => {
                if let Some(b) = self.brief(ctx) {
                    return Outcome::close().with(command(CommandAction::Take {
                        brief_version: b.version,
                        reason: None,
                    }));
                }
            }
            None => {}
        }
        Outcome::stay()
    }

    pub fn draw(&self, ctx: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        let r = centered(area, 100, area.height.saturating_sub(2).max(10));
        let title = match (self.take, self.offered_to_me(ctx)) {
            (true, _) => format!("Read the brief of {} before taking command", self.id),
            (false, true) => format!("Command of {} is offered to you: the brief", self.id),
            _ => format!("Brief of {}", self.id),
        };
        let (inner, block) = popup(theme, f, r, &title);
        f.render_widget(block, r);
        let [body, keys] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
        let lines: Vec<Line> = match self.brief(ctx) {
            Some(b) => text(&b)
                .into_iter()
                .map(|(role, s)| Line::from(Span::styled(s, theme.style(role))))
                .collect(),
            None => vec![Line::from(Span::styled(
                format!(" {} is being read…", self.id),
                theme.style(Role::Muted),
            ))],
        };
        // Never scrolled past its end (the wrapped rows counted as drawn).
        let w = body.width.max(1) as usize;
        let rows: usize = lines.iter().map(|l| l.width().div_ceil(w).max(1)).sum();
        let scroll = self
            .scroll
            .min(rows.saturating_sub(body.height as usize) as u16);
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0)),
            body,
        );
        f.render_widget(Paragraph::new(hint(theme, &self.table(ctx).hints())), keys);
    }
}

/// The brief as terminal lines, each with its style: what the commander
/// reads aloud at a handoff.
pub fn text(b: &Brief) -> Vec<(Role, String)> {
    use crate::tui::view::countdown;
    let mut out: Vec<(Role, String)> = Vec::new();
    let mut head = |s: &str| out.push((Role::Title, format!(" {s}")));
    head(&format!(
        "{} {} {} for {} · {}",
        b.incident,
        b.severity,
        b.status,
        crate::text::duration(chrono::Duration::seconds(b.in_status_seconds)),
        b.service
    ));
    let mut l = |r: Role, s: String| out.push((r, format!("   {s}")));
    l(Role::Text, b.title.clone());
    if !b.summary.trim().is_empty() {
        l(Role::Text, format!("Summary: {}", b.summary));
    }
    if let Some(i) = &b.impact {
        l(Role::Warn, format!("Impact: {}", i.describe()));
    }
    l(
        Role::Text,
        format!(
            "IC: {} · span of control {}/{}{}",
            b.commander.as_deref().unwrap_or("nobody"),
            b.span_of_control,
            b.span_limit,
            if b.over_span() { " OVER: delegate" } else { "" }
        ),
    );
    let people: Vec<String> = b
        .roles
        .iter()
        .map(|p| format!("{} {} ({})", p.role.short(), p.handle, p.state))
        .collect();
    l(Role::Muted, format!("People: {}", people.join(" · ")));
    if let Some(o) = &b.handoff_offered {
        l(
            Role::Warn,
            format!("Command offered to {} by {}", o.to, o.by),
        );
    }
    out.push((Role::Title, " Hypotheses".into()));
    let hyps = [
        ("✓ confirmed", &b.hypotheses_confirmed, Role::Ok),
        ("? open", &b.hypotheses_open, Role::Warn),
        ("✗ ruled out", &b.hypotheses_ruled_out, Role::Muted),
    ];
    if hyps.iter().all(|(_, v, _)| v.is_empty()) {
        out.push((Role::Muted, "   none raised".into()));
    }
    for (word, list, role) in hyps {
        for h in list {
            let why = h
                .why
                .as_deref()
                .map(|w| format!(" — {w}"))
                .unwrap_or_default();
            out.push((role, format!("   {word} H{}: {}{why}", h.id, h.text)));
        }
    }
    out.push((Role::Title, " Tasks".into()));
    if b.tasks_open.is_empty() && b.tasks_proposed.is_empty() {
        out.push((Role::Muted, "   no open tasks".into()));
    }
    for t in &b.tasks_open {
        let left = t.seconds_left.map(countdown).unwrap_or_default();
        let role = if t.seconds_left.is_some_and(|s| s < 0) {
            Role::Error
        } else {
            Role::Text
        };
        out.push((
            role,
            format!(
                "   #{} {} — {} {left}",
                t.task.id,
                t.task.title,
                t.task.owner.as_deref().unwrap_or("-")
            ),
        ));
    }
    for t in &b.tasks_proposed {
        out.push((
            Role::Muted,
            format!("   #{} proposed by {}: {}", t.id, t.assigned_by, t.title),
        ));
    }
    out.push((
        Role::Muted,
        format!("   done {}, dropped {}", b.tasks_done, b.tasks_dropped),
    ));
    out.push((Role::Title, " Decisions".into()));
    if b.decisions.is_empty() {
        out.push((Role::Muted, "   none recorded".into()));
    }
    for d in &b.decisions {
        let why = if d.why.is_empty() {
            String::new()
        } else {
            format!(" — {}", d.why)
        };
        out.push((
            Role::Text,
            format!(
                "   D{} {} ({} {}{}){why}",
                d.id,
                d.text,
                d.by,
                d.at.format("%H:%M"),
                if d.objections_asked {
                    ", objections asked"
                } else {
                    ""
                }
            ),
        ));
    }
    out.push((Role::Title, " Communication".into()));
    match &b.last_update {
        Some(u) => out.push((
            Role::Text,
            format!(
                "   last update {} by {}: {}",
                u.at.format("%H:%M"),
                u.by,
                u.text
            ),
        )),
        None => out.push((Role::Warn, "   no stakeholder update sent yet".into())),
    }
    match b.next_update_due {
        Some(t) if t < b.generated_at => out.push((
            Role::Error,
            format!("   next update OVERDUE since {}", t.format("%H:%M")),
        )),
        Some(t) => out.push((
            Role::Text,
            format!("   next update due {}", t.format("%H:%M")),
        )),
        None => {}
    }
    if !b.silences.is_empty() || !b.runbook_runs.is_empty() {
        out.push((Role::Title, " Silences and runbook runs".into()));
        for s in &b.silences {
            out.push((Role::Muted, format!("   silenced: {s}")));
        }
        for r in &b.runbook_runs {
            out.push((
                Role::Muted,
                format!(
                    "   run {} {} by {}: {}",
                    r.run,
                    r.action,
                    r.by,
                    r.outcome.map_or("running".to_string(), |o| o.to_string())
                ),
            ));
        }
    }
    out.push((
        Role::Muted,
        format!(
            " brief version {} · generated {}",
            b.version,
            b.generated_at.format("%H:%M:%S UTC")
        ),
    ));
    out
}
