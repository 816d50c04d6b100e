//! `x` on a checklist item: its runbook action. First the server says
//! exactly what would run (the confirmation shows it whole); `y` starts it,
//! sent at once and never queued; then its output streams in while it
//! runs (stderr marked `!`). Esc closes the dialog at any point: a run
//! goes on, and how it ended arrives on the timeline. Work per frame is
//! the lines that fit the box, not the output's size.

use std::collections::VecDeque;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::keys::{DOWN, END, ENTER, ESC, Table, UP, backward, bind, ch};
use super::{Ctx, Effect, Outcome};
use crate::model::ActionOutcome;
use crate::model::runbook_action::{
    ActionPreview, MAX_RUN_LINES, RunActionRequest, RunOutput, RunStarted, RunState, Stream,
};
use crate::model::{IncidentId, Phase};
use crate::text::{fit, one_line};
use crate::tui::app::{Flash, Read};
use crate::tui::theme::{Role, Theme};
use crate::tui::view::popup::{centered, hint, popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Run,
    Cancel,
    Scroll,
    Newest,
}

pub static CONFIRM_KEYS: Table<Key> = Table {
    name: "run a runbook action (x), confirming",
    binds: &[
        bind(&[ch('y')], "y", "run it", Key::Run),
        bind(&[ESC, ch('n'), ch('q')], "Esc/n", "cancel", Key::Cancel),
    ],
};

pub static RUNNING_KEYS: Table<Key> = Table {
    name: "a runbook action running",
    binds: &[
        bind(
            &[ch('j'), ch('k'), DOWN, UP],
            "j/k",
            "scroll the output",
            Key::Scroll,
        ),
        bind(&[ch('G'), END], "G", "newest", Key::Newest),
        bind(
            &[ESC, ch('q')],
            "Esc",
            "close (it keeps running)",
            Key::Cancel,
        ),
    ],
};

/// Asking, starting, or refused: only closing.
pub static WAITING_KEYS: Table<Key> = Table {
    name: "a runbook action, waiting",
    binds: &[bind(
        &[ESC, ENTER, ch('q')],
        "Esc/Enter",
        "dismiss",
        Key::Cancel,
    )],
};

/// Output lines the dialog keeps (the newest).
pub const KEPT_LINES: usize = MAX_RUN_LINES;

#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// Asking the server what would run.
    Loading,
    Confirm(ActionPreview),
    /// Sent; waiting for the run's number.
    Starting(ActionPreview),
    Running(Box<Live>),
    /// The server refused, or could not be asked.
    Refused(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Live {
    pub run: u64,
    pub command: String,
    pub lines: VecDeque<(Stream, String)>,
    pub state: RunState,
    pub exit_code: Option<i32>,
    pub duration_ms: u64,
    pub next: u64,
    /// The last read failed; following stopped (the timeline still tells).
    pub lost: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionView {
    pub id: IncidentId,
    pub phase: Phase,
    pub item: usize,
    pub text: String,
    pub stage: Stage,
    /// Lines scrolled back from the newest.
    pub scroll: usize,
}

impl ActionView {
    /// `x`: the item under the checklist cursor, if it has an action: the
    /// dialog, and the question to the server of what would run.
    pub fn open(ctx: &Ctx, id: IncidentId, cursor: usize) -> Outcome {
        let Some(list) = ctx.board.current_checklist(id) else {
            return Outcome::stay().with(Effect::Flash(Flash::info(
                "No checklist here",
                "Runbook actions belong to the items of the current phase's checklist.",
            )));
        };
        let phase = list.phase;
        let Some(item) = list.items.get(cursor) else {
            return Outcome::stay();
        };
        if item.action.is_none() {
            return Outcome::stay().with(Effect::Flash(Flash::info(
                "No action on this item",
                "Only items marked ▶ run something (a runbook names the action).",
            )));
        }
        Outcome::open(ActionView {
            id,
            phase,
            item: cursor,
            text: item.text.clone(),
            stage: Stage::Loading,
            scroll: 0,
        })
        .with(Effect::Read(Read::ActionPreview {
            id,
            phase,
            item: cursor,
        }))
    }

    fn keys(&self) -> &'static Table<Key> {
        match self.stage {
            Stage::Confirm(_) => &CONFIRM_KEYS,
            Stage::Running(_) => &RUNNING_KEYS,
            Stage::Loading | Stage::Starting(_) | Stage::Refused(_) => &WAITING_KEYS,
        }
    }

    pub fn key(&mut self, _: &Ctx, k: KeyEvent) -> Outcome {
        match (self.keys().lookup(&k), &self.stage) {
            (Some(Key::Cancel), _) => Outcome::close(),
            (Some(Key::Run), Stage::Confirm(p)) => {
                let req = RunActionRequest {
                    phase: self.phase,
                    item: self.item,
                    confirm: p.digest.clone(),
                };
                self.stage = Stage::Starting(p.clone());
                Outcome::stay().with(Effect::StartAction {
                    id: self.id,
                    req,
                    key: crate::client::new_key(),
                })
            }
            (Some(Key::Scroll), _) => {
                if backward(&k) {
                    self.scroll += 1;
                } else {
                    self.scroll = self.scroll.saturating_sub(1);
                }
                Outcome::stay()
            }
            (Some(Key::Newest), _) => {
                self.scroll = 0;
                Outcome::stay()
            }
            _ => Outcome::stay(),
        }
    }

    pub fn draw(&self, _: &Ctx, theme: &Theme, f: &mut Frame, area: Rect) {
        draw(theme, f, area, self)
    }

    /// What would run, or why nothing will (if the answer is for the
    /// item this dialog asked about, and it still asks).
    pub fn previewed(
        &mut self,
        id: IncidentId,
        phase: Phase,
        item: usize,
        r: Result<ActionPreview, String>,
    ) {
        if (self.id, self.phase, self.item) != (id, phase, item) || self.stage != Stage::Loading {
            return;
        }
        self.stage = match r {
            Ok(p) => Stage::Confirm(p),
            Err(e) => Stage::Refused(e),
        };
    }

    /// The run's number: its output is followed from the first line.
    pub fn started(&mut self, id: IncidentId, r: Result<RunStarted, String>) -> Vec<Effect> {
        let Stage::Starting(p) = &self.stage else {
            return Vec::new();
        };
        if self.id != id {
            return Vec::new();
        }
        match r {
            Ok(s) => {
                self.stage = Stage::Running(Box::new(Live {
                    run: s.run,
                    command: p.command.clone(),
                    lines: VecDeque::new(),
                    state: RunState::Running,
                    exit_code: None,
                    duration_ms: 0,
                    next: 0,
                    lost: None,
                }));
                vec![Effect::Read(Read::RunOutput {
                    id,
                    run: s.run,
                    after: 0,
                })]
            }
            Err(e) => {
                self.stage = Stage::Refused(e);
                Vec::new()
            }
        }
    }

    /// More output; asks for the next while the run goes on and the
    /// dialog shows it (one request at a time: the server holds it until
    /// there is more).
    pub fn output(
        &mut self,
        id: IncidentId,
        run: u64,
        r: Result<RunOutput, String>,
    ) -> Vec<Effect> {
        let Stage::Running(live) = &mut self.stage else {
            return Vec::new();
        };
        if self.id != id || live.run != run {
            return Vec::new();
        }
        match r {
            Ok(o) => {
                for l in o.lines.into_iter().filter(|l| l.n > live.next) {
                    if live.lines.len() == KEPT_LINES {
                        live.lines.pop_front();
                    }
                    live.lines.push_back((l.stream, l.text));
                }
                live.next = o.next.max(live.next);
                live.state = o.state;
                live.exit_code = o.exit_code;
                live.duration_ms = o.duration_ms;
                if o.state == RunState::Running {
                    return vec![Effect::Read(Read::RunOutput {
                        id,
                        run,
                        after: live.next,
                    })];
                }
                Vec::new()
            }
            Err(e) => {
                live.lost = Some(e);
                Vec::new()
            }
        }
    }
}

fn draw(theme: &Theme, f: &mut Frame, area: Rect, v: &ActionView) {
    let r = centered(area, 110, area.height.saturating_sub(2).clamp(8, 24));
    let title = format!("Runbook action · {} · {}", v.id, one_line(&v.text, 50));
    let (inner, block) = popup(theme, f, r, &title);
    f.render_widget(block, r);
    let w = inner.width as usize;
    let muted = theme.style(Role::Muted);
    let mut lines: Vec<Line> = match &v.stage {
        Stage::Loading => vec![Line::from(Span::styled(
            " asking the server what would run…",
            muted,
        ))],
        Stage::Refused(e) => vec![
            Line::from(Span::styled(" Nothing ran:", theme.style(Role::Error))),
            Line::from(Span::styled(
                format!(" {}", one_line(e, 300)),
                theme.style(Role::Text),
            )),
        ],
        Stage::Confirm(p) => confirm(theme, p, w),
        Stage::Starting(p) => {
            let mut l = confirm(theme, p, w);
            l.push(Line::from(Span::styled(
                " starting…",
                theme.style(Role::Pending),
            )));
            l
        }
        Stage::Running(live) => running(theme, live, v.scroll, w, inner.height as usize),
    };
    lines.truncate(inner.height.saturating_sub(1) as usize);
    let keys = v.keys().hints();
    // The command wraps (it is read whole); the hint keeps its own row.
    let body = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let last = Rect {
        y: inner.y + body.height,
        height: inner.height.min(1),
        ..inner
    };
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    f.render_widget(Paragraph::new(hint(theme, &keys)), last);
}

fn confirm<'a>(theme: &Theme, p: &ActionPreview, w: usize) -> Vec<Line<'a>> {
    let text = theme.style(Role::Text);
    let muted = theme.style(Role::Muted);
    let mut l = vec![
        Line::from(vec![
            Span::styled(" Run ", text),
            Span::styled(one_line(&p.action, 60), theme.style(Role::Title)),
            Span::styled(
                format!(" ({}) on the server? It runs exactly:", p.kind),
                text,
            ),
        ]),
        Line::from(Span::styled(
            format!("   {}", p.command),
            theme.style(Role::Key),
        )),
    ];
    for d in &p.details {
        l.push(Line::from(Span::styled(
            format!("   {}", fit(d, w.saturating_sub(3))),
            muted,
        )));
    }
    let tick = if p.ticks_item {
        "a success ticks the item"
    } else {
        "the item stays as it is"
    };
    l.push(Line::from(Span::styled(
        format!("   timeout {} s, then killed · {tick}", p.timeout_seconds),
        muted,
    )));
    l.push(Line::from(Span::styled(
        "   its start, end and output's tail go on the timeline",
        muted,
    )));
    if let Some(run) = p.running {
        l.push(Line::from(Span::styled(
            format!(" Already running (run {run}): the server will refuse a second run."),
            theme.style(Role::Warn),
        )));
    }
    l
}

fn state_line<'a>(theme: &Theme, live: &Live) -> Line<'a> {
    let secs = live.duration_ms as f64 / 1000.0;
    let (text, role) = match live.state {
        RunState::Running => (format!(" ⧗ running · {secs:.1} s"), Role::Pending),
        RunState::Ended(o) => {
            let code = live
                .exit_code
                .map(|c| format!(" · exit {c}"))
                .unwrap_or_default();
            let role = match o {
                ActionOutcome::Succeeded => Role::Ok,
                ActionOutcome::Failed | ActionOutcome::Error => Role::Error,
                ActionOutcome::TimedOut | ActionOutcome::Interrupted => Role::Warn,
            };
            (format!(" {} {o}{code} · {secs:.1} s", mark(o)), role)
        }
    };
    Line::from(vec![
        Span::styled(text, theme.style(role)),
        Span::styled(format!("   run {}", live.run), theme.style(Role::Muted)),
    ])
}

fn mark(o: ActionOutcome) -> &'static str {
    match o {
        ActionOutcome::Succeeded => "✓",
        ActionOutcome::TimedOut => "⏱",
        _ => "✗",
    }
}

fn running<'a>(theme: &Theme, live: &Live, scroll: usize, w: usize, h: usize) -> Vec<Line<'a>> {
    let mut l = vec![
        state_line(theme, live),
        Line::from(Span::styled(
            format!(" {}", fit(&live.command, w.saturating_sub(1))),
            theme.style(Role::Muted),
        )),
    ];
    if let Some(e) = &live.lost {
        l.push(Line::from(Span::styled(
            format!(
                " Output no longer followed ({}); the end will be on the timeline.",
                one_line(e, 80)
            ),
            theme.style(Role::Warn),
        )));
    }
    let room = h.saturating_sub(l.len() + 1);
    let n = live.lines.len();
    let end = n.saturating_sub(scroll.min(n.saturating_sub(room.min(n))));
    let start = end.saturating_sub(room);
    if n == 0 {
        l.push(Line::from(Span::styled(
            " (no output yet)",
            theme.style(Role::Muted),
        )));
    }
    for (stream, text) in live.lines.range(start..end) {
        let (prefix, role) = match stream {
            Stream::Stdout => ("  ", Role::Text),
            Stream::Stderr => ("! ", Role::Warn),
        };
        l.push(Line::from(Span::styled(
            fit(&format!(" {prefix}{text}"), w).into_owned(),
            theme.style(role),
        )));
    }
    l
}
