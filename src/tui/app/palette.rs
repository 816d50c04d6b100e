//! The command palette (`:`): every key's action by its command name, a
//! few commands with no key, and incident ids. Tab completes, Enter runs.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use strum::IntoEnumIterator;

use super::input::{line_input, text_of};
use super::offers::reopen_refusal;
use super::outcome::Outcome;
use super::{App, Flash, Overlay, Palette};
use crate::model::{IncidentId, Status};
use crate::tui::keymap::{Act, BINDINGS};

/// Palette commands that have no key.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "lowercase")]
enum Extra {
    Outbox,
    Reopen,
}

impl Extra {
    fn help(self) -> &'static str {
        match self {
            Extra::Outbox => "pending actions: list, discard",
            Extra::Reopen => "reopen a resolved incident to investigating",
        }
    }
}

/// What Enter in the palette runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    Key(Act),
    Extra(Extra),
    Incident(IncidentId),
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

/// What the typed text (or the highlighted match) names.
fn resolve(typed: &str, cursor: usize) -> Option<Run> {
    let typed = typed.trim();
    if let Ok(id) = typed.parse::<IncidentId>() {
        return Some(Run::Incident(id));
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

pub(super) fn key(app: &mut App, mut p: Palette, k: KeyEvent) -> Outcome {
    let typed = text_of(&p.input);
    match k.code {
        KeyCode::Esc => return Vec::new().into(),
        KeyCode::Down => {
            let n = palette_matches(&typed).len();
            p.cursor = (p.cursor + 1).min(n.saturating_sub(1));
        }
        KeyCode::Up => p.cursor = p.cursor.saturating_sub(1),
        KeyCode::Tab => {
            if let Some((name, _)) = palette_matches(&typed).get(p.cursor) {
                p.input = line_input(name, "");
                p.cursor = 0;
            }
        }
        KeyCode::Enter => return run(app, &typed, p.cursor),
        _ => {
            p.input.input(k);
            p.cursor = 0;
        }
    }
    app.overlay = Some(Overlay::Palette(p));
    Vec::new().into()
}

fn run(app: &mut App, typed: &str, cursor: usize) -> Outcome {
    match resolve(typed, cursor) {
        // Any incident, in the list or not (resolved, closed): its detail
        // is read by id; a closed one is read-only.
        Some(Run::Incident(id)) => app.open_incident(id).into(),
        Some(Run::Key(act)) => Outcome::Run(act),
        Some(Run::Extra(Extra::Outbox)) => {
            app.overlay = Some(Overlay::Outbox { cursor: 0 });
            Vec::new().into()
        }
        Some(Run::Extra(Extra::Reopen)) => {
            reopen(app);
            Vec::new().into()
        }
        None => {
            app.flash = Some(Flash::info(
                "Unknown command",
                format!(
                    "`{}` matches nothing; Tab completes, ? lists keys.",
                    crate::text::one_line(typed, 40)
                ),
            ));
            Vec::new().into()
        }
    }
}

fn reopen(app: &mut App) {
    let me = app.me.as_ref().map(|(h, r)| (h.as_str(), *r));
    let Some(inc) = app.selected_incident().cloned() else {
        app.flash = Some(Flash::info("Cannot reopen", "No incident is selected."));
        return;
    };
    match reopen_refusal(app.caps, &inc, me) {
        Some(why) => app.flash = Some(Flash::info("Cannot reopen", why)),
        None => app.overlay = Some(Overlay::reason(inc.id, Status::Investigating, false)),
    }
}
