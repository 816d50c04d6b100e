//! The command palette (`:`): every key's action by its command name, a
//! few commands with no key, and incident ids. Tab completes, Enter runs.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use strum::IntoEnumIterator;
use tui_textarea::TextArea;

use super::editor::Editor;
use super::keys::{DOWN, ENTER, ESC, TAB, Table, UP, backward, bind};
use super::outbox::OutboxView;
use super::{Ctx, Effect, Outcome};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::model::{IncidentId, Status};
use crate::text::{fit, pad};
use crate::tui::app::offers::reopen_refusal;
use crate::tui::app::timeline::Jump;
use crate::tui::app::{Flash, line_input, text_of};
use crate::tui::keymap::{Act, BINDINGS};
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, field, hint, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Complete,
    Choose,
    Run,
    Close,
}

pub static KEYS: Table<Key> = Table {
    name: "palette (:)",
    binds: &[
        bind(&[TAB], "Tab", "complete", Key::Complete),
        bind(&[UP, DOWN], "↑/↓", "choose", Key::Choose),
        bind(&[ENTER], "Enter", "run", Key::Run),
        bind(&[ESC], "Esc", "close", Key::Close),
    ],
};

/// Palette commands that have no key.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "lowercase")]
enum Extra {
    Outbox,
    Reopen,
    Retry,
    Event,
    At,
    Handoff,
    Release,
    Impact,
    Public,
    Private,
    Reviews,
    #[strum(serialize = "review-owner")]
    ReviewOwner,
    #[strum(serialize = "review-move")]
    ReviewMove,
}

impl Extra {
    fn help(self) -> &'static str {
        match self {
            Extra::Outbox => "pending actions: list, discard",
            Extra::Reopen => "reopen a resolved incident to investigating",
            Extra::Retry => "reach the backend again now (after it was down)",
            Extra::Event => "event N: the timeline at event #N (`event 1` the first)",
            Extra::At => "at 14:05 / at 2026-12-06 14:05: the timeline at that time (UTC)",
            Extra::Handoff => "handoff NAME: offer command; they read the brief and accept",
            Extra::Release => "release NAME: release a responder (reduce scope), recorded",
            Extra::Impact => "impact: customers affected, scope, components and their condition",
            Extra::Public => "public TITLE: on the status page, under the title customers read",
            Extra::Private => "private: off the public status page (recorded)",
            Extra::Reviews => "reviews: open reviews after the outage, the overdue first",
            Extra::ReviewOwner => "review-owner NAME: name the selected incident's review owner",
            Extra::ReviewMove => "review-move STATUS: in-review, reviewed or closed",
        }
    }
}

/// What Enter in the palette runs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Run {
    Key(Act),
    Extra(Extra),
    Incident(IncidentId),
    Timeline(Jump),
    /// `handoff dana`, `release bob`: an extra with the person it names.
    Person(Extra, String),
}

pub struct Palette {
    pub input: TextArea<'static>,
    pub cursor: usize,
}

impl Default for Palette {
    fn default() -> Self {
        Self {
            input: line_input("", "command or incident id"),
            cursor: 0,
        }
    }
}

impl Palette {
    /// The palette with `text` typed already (the console's question of
    /// the review owner at resolution: `review-owner `).
    pub fn with(text: &str) -> Palette {
        let mut input = line_input(text, "command or incident id");
        input.move_cursor(tui_textarea::CursorMove::End);
        Palette { input, cursor: 0 }
    }
}

/// Palette entries matching what was typed: every bound action by its
/// command name, then the commands with no key.
pub fn palette_matches(input: &str) -> Vec<(&'static str, &'static str)> {
    let q = input.trim().to_lowercase();
    // Names that start with what was typed first, then names containing
    // it, then descriptions mentioning it: Tab completes the likeliest.
    let rank = |name: &str, help: &str| -> Option<u8> {
        if name.starts_with(&q) {
            Some(0)
        } else if name.contains(&q) {
            Some(1)
        } else if help.to_lowercase().contains(&q) {
            Some(2)
        } else {
            None
        }
    };
    let extras = Extra::iter().map(|e| (<&'static str>::from(e), e.help()));
    let mut found: Vec<(u8, (&'static str, &'static str))> = BINDINGS
        .iter()
        .map(|b| (b.command, b.help))
        .chain(extras)
        .filter_map(|(name, help)| rank(name, help).map(|r| (r, (name, help))))
        .collect();
    found.sort_by_key(|(r, _)| *r);
    found.into_iter().map(|(_, m)| m).collect()
}

/// `event 1234` / `#1234`, `at 14:05` / `at 2026-12-06 14:05` (UTC; a
/// time of day alone is today's, or yesterday's when that is still to come).
fn jump(typed: &str, now: DateTime<Utc>) -> Option<Jump> {
    let (word, rest) = typed.split_once(' ').unwrap_or((typed, ""));
    let rest = rest.trim();
    if let Some(n) = typed.strip_prefix('#') {
        return n.trim().parse().ok().filter(|n| *n > 0).map(Jump::Seq);
    }
    match word {
        "event" => rest.parse().ok().filter(|n| *n > 0).map(Jump::Seq),
        "at" => {
            let t = rest.trim_end_matches(" UTC").trim_end_matches('Z');
            if let Ok(dt) = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M") {
                return Some(Jump::Time(dt.and_utc()));
            }
            let time = NaiveTime::parse_from_str(t, "%H:%M").ok()?;
            let today: NaiveDate = now.date_naive();
            let at = today.and_time(time).and_utc();
            Some(Jump::Time(if at > now {
                at - chrono::Duration::days(1)
            } else {
                at
            }))
        }
        _ => None,
    }
}

/// What the typed text (or the highlighted match) names.
fn resolve(typed: &str, cursor: usize, now: DateTime<Utc>) -> Option<Run> {
    let typed = typed.trim();
    if let Ok(id) = typed.parse::<IncidentId>() {
        return Some(Run::Incident(id));
    }
    if let Some(to) = jump(typed, now) {
        return Some(Run::Timeline(to));
    }
    if let Some((word, who)) = typed.split_once(' ')
        && let Ok(
            e @ (Extra::Handoff
            | Extra::Release
            | Extra::Public
            | Extra::ReviewOwner
            | Extra::ReviewMove),
        ) = word.parse::<Extra>()
        && !who.trim().is_empty()
    {
        return Some(Run::Person(e, who.trim().to_string()));
    }
    let matches = palette_matches(typed);
    let name = matches
        .iter()
        .find(|(n, _)| *n == typed)
        .or(matches.get(cursor))
        .map(|(n, _)| *n)?;
    if let Ok(extra) = name.parse::<Extra>() {
        return Some(Run::Extra(extra));
    }
    BINDINGS
        .iter()
        .find(|b| b.command == name)
        .map(|b| Run::Key(b.act))
}

impl Palette {
    pub fn key(&mut self, ctx: &Ctx, k: KeyEvent) -> Outcome {
        let typed = text_of(&self.input);
        match KEYS.lookup(&k) {
            Some(Key::Close) => return Outcome::close(),
            Some(Key::Choose) if backward(&k) => self.cursor = self.cursor.saturating_sub(1),
            Some(Key::Choose) => {
                let n = palette_matches(&typed).len();
                self.cursor = (self.cursor + 1).min(n.saturating_sub(1));
            }
            Some(Key::Complete) => {
                if let Some((name, _)) = palette_matches(&typed).get(self.cursor) {
                    self.input = line_input(name, "");
                    self.cursor = 0;
                }
            }
            Some(Key::Run) => return run(ctx, &typed, self.cursor),
            None => {
                self.input.input(k);
                self.cursor = 0;
            }
        }
        Outcome::stay()
    }

    pub fn draw(&self, _: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        let typed = self.input.lines().join("");
        let matches = palette_matches(&typed);
        let list_h = matches.len().min(12) as u16;
        let r = centered(area, 70, list_h + 5);
        let (inner, block) = popup(theme, f, r, "Command");
        f.render_widget(block, r);
        let [i, l, h] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .areas(inner);
        field(theme, f, i, &self.input, ":", true);
        let start = crate::tui::view::window_start(self.cursor, matches.len(), l.height as usize);
        let lines: Vec<Line> = matches
            .iter()
            .enumerate()
            .skip(start)
            .take(l.height as usize)
            .map(|(n, (name, help))| {
                let st = if n == self.cursor {
                    theme.style(Role::Selected)
                } else {
                    theme.style(Role::Text)
                };
                Line::from(vec![
                    Span::styled(pad(&format!(" {name}"), 14), st),
                    Span::styled(
                        fit(help, l.width.saturating_sub(14) as usize).into_owned(),
                        if n == self.cursor {
                            st
                        } else {
                            theme.style(Role::Muted)
                        },
                    ),
                ])
            })
            .collect();
        f.render_widget(Paragraph::new(lines), l);
        f.render_widget(Paragraph::new(hint(theme, &KEYS.hints())), h);
    }
}

fn run(ctx: &Ctx, typed: &str, cursor: usize) -> Outcome {
    match resolve(typed, cursor, ctx.now) {
        Some(Run::Timeline(to)) => Outcome::close().with(Effect::TimelineJump(to)),
        Some(Run::Extra(e @ (Extra::Event | Extra::At))) => Outcome::close().with(Effect::Flash(
            Flash::info(format!("{} needs where", <&str>::from(e)), e.help()),
        )),
        // Any incident, in the list or not (resolved, closed): its detail
        // is read by id; a closed one is read-only.
        Some(Run::Incident(id)) => Outcome::close().with(Effect::Jump(id)),
        Some(Run::Key(act)) => Outcome::close().with(Effect::Run(act)),
        Some(Run::Extra(Extra::Outbox)) => Outcome::open(OutboxView::default()),
        Some(Run::Extra(Extra::Reopen)) => reopen(ctx),
        Some(Run::Extra(Extra::Retry)) => Outcome::close().with(Effect::Retry),
        Some(Run::Extra(Extra::Handoff)) => person(ctx, Extra::Handoff, None),
        Some(Run::Extra(Extra::Release)) => Outcome::close().with(Effect::Flash(Flash::info(
            "release needs whom",
            Extra::Release.help(),
        ))),
        Some(Run::Person(Extra::Public, title)) => publish(ctx, Some(title)),
        Some(Run::Person(e @ (Extra::ReviewOwner | Extra::ReviewMove), what)) => {
            review(ctx, e, &what)
        }
        Some(Run::Extra(Extra::Reviews)) => super::reviews::ReviewsView::open(),
        Some(Run::Extra(e @ (Extra::ReviewOwner | Extra::ReviewMove))) => {
            Outcome::close().with(Effect::Flash(Flash::info(
                format!("{} needs what", <&str>::from(e)),
                e.help(),
            )))
        }
        Some(Run::Person(e, who)) => person(ctx, e, Some(who)),
        Some(Run::Extra(Extra::Impact)) => impact(ctx),
        Some(Run::Extra(Extra::Public)) => Outcome::close().with(Effect::Flash(Flash::info(
            "public needs the title customers read",
            "Type `public Elevated errors at checkout`: the internal title may name hosts, \
             customers or causes.",
        ))),
        Some(Run::Extra(Extra::Private)) => publish(ctx, None),
        None => Outcome::close().with(Effect::Flash(Flash::info(
            "Unknown command",
            format!(
                "`{}` matches nothing; Tab completes, ? lists keys.",
                crate::text::one_line(typed, 40)
            ),
        ))),
    }
}

/// `handoff [NAME]` and `release NAME` on the selected incident.
fn person(ctx: &Ctx, e: Extra, who: Option<String>) -> Outcome {
    use crate::client::WriteOp;
    use crate::model::ResponderAction;
    use crate::model::state_doc::CommandAction;
    use crate::tui::dialogs::state_form::{Purpose, StateForm};
    let Some(inc) = ctx.selected_incident() else {
        return Outcome::close().with(Effect::Flash(Flash::info(
            "No incident selected",
            "Select an incident in the list first (j/k).",
        )));
    };
    if !ctx.caps.state_doc {
        return Outcome::close().with(Effect::Flash(Flash::info(
            "Not on this backend",
            format!(
                "{} cannot hand off command or release responders.",
                ctx.caps.name
            ),
        )));
    }
    let id = inc.id;
    let op = match (e, who) {
        (Extra::Handoff, None) => return Outcome::open(StateForm::new(id, Purpose::Handoff)),
        (Extra::Handoff, Some(to)) => WriteOp::Command {
            id,
            body: CommandAction::Offer { to },
        },
        (_, Some(handle)) => WriteOp::Responder {
            id,
            body: ResponderAction::Release { handle },
        },
        (_, None) => return Outcome::close(),
    };
    Outcome::close().with(Effect::Write(op))
}

/// `public TITLE` / `private`: the selected incident on or off the
/// public status page (the server records it; commanders only).
fn publish(ctx: &Ctx, title: Option<String>) -> Outcome {
    use crate::client::WriteOp;
    use crate::model::public::PublishRequest;
    match ctx.selected_incident() {
        Some(inc) if ctx.caps.state_doc => Outcome::close().with(Effect::Write(WriteOp::Publish {
            id: inc.id,
            body: PublishRequest {
                public: title.is_some(),
                title,
            },
        })),
        Some(_) => Outcome::close().with(Effect::Flash(Flash::info(
            "Not on this backend",
            format!("{} has no public status page.", ctx.caps.name),
        ))),
        None => Outcome::close().with(Effect::Flash(Flash::info(
            "No incident selected",
            "Select an incident in the list first (j/k).",
        ))),
    }
}

/// `review-owner NAME` / `review-move STATUS` on the selected incident.
fn review(ctx: &Ctx, e: Extra, what: &str) -> Outcome {
    use crate::client::WriteOp;
    use crate::model::ReviewAction;
    let Some(inc) = ctx.selected_incident() else {
        return Outcome::close().with(Effect::Flash(Flash::info(
            "No incident selected",
            "Select an incident in the list first (j/k).",
        )));
    };
    if !ctx.caps.lifecycle {
        return Outcome::close().with(Effect::Flash(Flash::info(
            "Not on this backend",
            format!("{} keeps no reviews.", ctx.caps.name),
        )));
    }
    let body = match e {
        Extra::ReviewOwner => ReviewAction::Assign {
            owner: what.to_string(),
        },
        _ => match what.parse() {
            Ok(to) => ReviewAction::Move { to },
            Err(why) => {
                return Outcome::close().with(Effect::Flash(Flash::info("review-move", why)));
            }
        },
    };
    Outcome::close().with(Effect::Write(WriteOp::Review { id: inc.id, body }))
}

/// `impact`: the form, filled in with the impact as it is.
fn impact(ctx: &Ctx) -> Outcome {
    use crate::tui::dialogs::state_form::StateForm;
    match ctx.selected_incident() {
        Some(inc) if ctx.caps.state_doc => {
            let now = ctx
                .board
                .details
                .get(&inc.id)
                .and_then(|d| d.state.impact.as_ref());
            Outcome::open(StateForm::impact(inc.id, now))
        }
        Some(_) => Outcome::close().with(Effect::Flash(Flash::info(
            "Not on this backend",
            format!("{} keeps no impact fields.", ctx.caps.name),
        ))),
        None => Outcome::close().with(Effect::Flash(Flash::info(
            "No incident selected",
            "Select an incident in the list first (j/k).",
        ))),
    }
}

fn reopen(ctx: &Ctx) -> Outcome {
    let Some(inc) = ctx.selected_incident() else {
        return Outcome::close().with(Effect::Flash(Flash::info(
            "Cannot reopen",
            "No incident is selected.",
        )));
    };
    match reopen_refusal(ctx.caps, inc, ctx.me) {
        Some(why) => Outcome::close().with(Effect::Flash(Flash::info("Cannot reopen", why))),
        None => Outcome::open(Editor::reason(inc.id, Status::Investigating, false)),
    }
}
