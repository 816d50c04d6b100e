//! Seen before (`b`): resolved incidents like the one being looked at,
//! closest first, with how long each took and its last notes before the
//! resolution. Enter opens one (read-only when closed).

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{App, Command, Overlay};
use crate::model::IncidentId;
use crate::model::wire::Similar;

pub(super) fn open(app: &mut App) -> Vec<Command> {
    let Some(id) = app.selected else {
        return Vec::new();
    };
    app.overlay = Some(Overlay::Similar {
        id,
        list: None,
        cursor: 0,
    });
    vec![Command::FetchSimilar(id)]
}

pub(super) fn key(
    app: &mut App,
    id: IncidentId,
    list: Option<Result<Vec<Similar>, String>>,
    mut cursor: usize,
    k: KeyEvent,
) -> Vec<Command> {
    let rows = list.as_ref().and_then(|l| l.as_ref().ok());
    let n = rows.map_or(0, Vec::len);
    match k.code {
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Down | KeyCode::Char('j') => cursor = (cursor + 1).min(n.saturating_sub(1)),
        KeyCode::Up | KeyCode::Char('k') => cursor = cursor.saturating_sub(1),
        KeyCode::Enter => {
            if let Some(to) = rows.and_then(|l| l.get(cursor)).map(|s| s.incident.id) {
                return app.open_incident(to);
            }
        }
        _ => {}
    }
    app.overlay = Some(Overlay::Similar { id, list, cursor });
    Vec::new()
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::tui::app::{Msg, update};
    use crate::tui::fixtures::sample_app;

    #[test]
    fn b_finds_what_was_seen_before_and_enter_opens_it() {
        let mut app = sample_app(80, 24);
        let key = |app: &mut App, c| update(app, Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
        assert_eq!(
            key(&mut app, KeyCode::Char('b')),
            vec![Command::FetchSimilar(IncidentId(4))]
        );
        let past = |n: u64| Similar {
            incident: crate::tui::fixtures::incident(
                n,
                "Pool exhausted",
                "payments-db",
                crate::model::Severity::Sev2,
                9000,
                crate::model::Status::Acknowledged,
                0,
            )
            .incident,
            score: -3.0,
            resolved_in_seconds: Some(2520),
            last_notes: vec![],
        };
        update(
            &mut app,
            Msg::Similar(IncidentId(4), Ok(vec![past(2), past(1)])),
        );
        // An answer for another incident is not shown here.
        update(&mut app, Msg::Similar(IncidentId(5), Ok(vec![])));
        assert!(
            matches!(&app.overlay, Some(Overlay::Similar { list: Some(Ok(l)), .. }) if l.len() == 2)
        );
        key(&mut app, KeyCode::Char('j'));
        let cmds = key(&mut app, KeyCode::Enter);
        assert_eq!(app.selected, Some(IncidentId(1)));
        assert!(cmds.contains(&Command::Watch(vec![IncidentId(1)])));
    }
}
