//! `update` is pure: each key is checked by what it does to the state and
//! which commands it asks for.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::client::WriteOp;
use crate::client::poller::Feed;
use crate::client::sender::Delivery;
use crate::model::wire::PatchRequest;
use crate::model::{ResponderAction, Role, Severity, Status};
use crate::tui::dialogs::Dialog;
use crate::tui::dialogs::confirm::Confirm;
use crate::tui::dialogs::editor::{Editor, EditorKind};
use crate::tui::dialogs::incident_form::FormField;
use crate::tui::fixtures::sample_app;

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(app: &mut App, c: char) -> Vec<Command> {
    key(app, KeyCode::Char(c))
}

fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        ch(app, c);
    }
}

fn ctrl(app: &mut App, c: char) -> Vec<Command> {
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

fn sent(cmds: &[Command]) -> Vec<&WriteOp> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Write(Outgoing::Send(w)) => Some(&w.op),
            _ => None,
        })
        .collect()
}

fn sel(app: &App) -> IncidentId {
    app.selected.unwrap()
}

/// The listed incident `id`, to change and feed back.
fn listed(app: &App, id: u64) -> crate::model::Incident {
    app.board
        .incidents
        .iter()
        .find(|i| i.id == IncidentId(id))
        .unwrap()
        .clone()
}

/// The whole screen as text, drawn at `w`×`h`.
fn screen(app: &App, w: u16, h: u16) -> String {
    let theme = crate::tui::theme::Theme::load("default", None, false).unwrap();
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    t.draw(|f| crate::tui::view::draw(app, &theme, f)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
        .collect()
}

fn changed(app: &mut App, inc: crate::model::Incident) -> Vec<Command> {
    update(
        app,
        Msg::Feed(Feed::Changed {
            changed: vec![inc.id],
            summaries: vec![inc],
            details: vec![],
            at: crate::tui::fixtures::clock(),
        }),
    )
}

mod attention;
mod backends;
mod bandwidth;
mod bulk;
mod communication;
mod conflicts;
mod curation;
mod dialogs;
mod drill;
mod followups;
mod incident_form;
mod navigation;
mod read_only;
mod replay;
mod reviews;
mod state_doc;
mod timeline;
mod writes;
