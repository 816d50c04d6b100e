//! `:deliveries`: the notifications the incident caused (chat, webhooks)
//! and how each went, so the IC knows who was told and whether it
//! arrived. `r` reloads.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{App, Command, Overlay};
use crate::model::IncidentId;
use crate::model::wire::DeliveryInfo;

pub(super) fn open(app: &mut App) -> Vec<Command> {
    let Some(id) = app.selected else {
        return Vec::new();
    };
    app.overlay = Some(Overlay::Deliveries {
        id,
        list: None,
        cursor: 0,
    });
    vec![Command::FetchDeliveries(id)]
}

pub(super) fn key(
    app: &mut App,
    id: IncidentId,
    mut list: Option<Result<Vec<DeliveryInfo>, String>>,
    mut cursor: usize,
    k: KeyEvent,
) -> Vec<Command> {
    let n = list
        .as_ref()
        .and_then(|l| l.as_ref().ok())
        .map_or(0, Vec::len);
    let mut cmds = Vec::new();
    match k.code {
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Down | KeyCode::Char('j') => cursor = (cursor + 1).min(n.saturating_sub(1)),
        KeyCode::Up | KeyCode::Char('k') => cursor = cursor.saturating_sub(1),
        KeyCode::Char('r') => {
            list = None;
            cursor = 0;
            cmds.push(Command::FetchDeliveries(id));
        }
        _ => {}
    }
    app.overlay = Some(Overlay::Deliveries { id, list, cursor });
    cmds
}
