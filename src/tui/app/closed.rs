//! `:closed`: looking back at the most recently closed incidents. They
//! are not in the console's list (it holds what is still being worked);
//! Enter opens one by id, read-only, as `:INC-n` does.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{App, Command, Overlay};
use crate::model::Incident;

/// How many closed incidents the view reads: enough to find last week's
/// outage, bounded whatever the history holds.
pub const RECENT_CLOSED: usize = 100;

pub(super) fn open(app: &mut App) -> Vec<Command> {
    app.overlay = Some(Overlay::Closed {
        list: None,
        cursor: 0,
    });
    vec![Command::FetchClosed]
}

pub(super) fn key(
    app: &mut App,
    list: Option<Result<Vec<Incident>, String>>,
    mut cursor: usize,
    k: KeyEvent,
) -> Vec<Command> {
    let rows = list.as_ref().and_then(|l| l.as_ref().ok());
    let n = rows.map_or(0, Vec::len);
    match k.code {
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Down | KeyCode::Char('j') => cursor = (cursor + 1).min(n.saturating_sub(1)),
        KeyCode::Up | KeyCode::Char('k') => cursor = cursor.saturating_sub(1),
        KeyCode::Char('r') => return open(app),
        KeyCode::Enter => {
            if let Some(id) = rows.and_then(|l| l.get(cursor)).map(|i| i.id) {
                return app.open_incident(id);
            }
        }
        _ => {}
    }
    app.overlay = Some(Overlay::Closed { list, cursor });
    Vec::new()
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::model::{IncidentId, Severity, Status};
    use crate::tui::app::{Msg, update};
    use crate::tui::fixtures::{incident, sample_app};

    fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
        update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    fn closed(id: u64) -> Incident {
        let mut i = incident(
            id,
            "Old outage",
            "edge",
            Severity::Sev2,
            900,
            Status::Acknowledged,
            0,
        )
        .incident;
        i.status = Status::Closed;
        i
    }

    #[test]
    fn closed_opens_from_the_palette_and_the_filter_and_enter_opens_one_by_id() {
        let mut app = sample_app(80, 24);
        key(&mut app, KeyCode::Char(':'));
        for c in "closed".chars() {
            key(&mut app, KeyCode::Char(c));
        }
        assert_eq!(key(&mut app, KeyCode::Enter), vec![Command::FetchClosed]);
        assert!(matches!(
            app.overlay,
            Some(Overlay::Closed { list: None, .. })
        ));
        update(&mut app, Msg::Closed(Ok(vec![closed(41), closed(17)])));
        key(&mut app, KeyCode::Char('j'));
        let cmds = key(&mut app, KeyCode::Enter);
        assert_eq!(app.selected, Some(IncidentId(17)));
        assert!(
            cmds.contains(&Command::Watch(vec![IncidentId(17)])),
            "{cmds:?}"
        );
        assert!(app.overlay.is_none());
        // `f` offers every status the list holds, and the closed ones.
        key(&mut app, KeyCode::Char('f'));
        let Some(Overlay::Chooser(ch)) = &app.overlay else {
            panic!("f opens the chooser")
        };
        let names: Vec<&str> = ch.options.iter().map(|(n, _)| n.as_str()).collect();
        for want in [
            "status resolved",
            "status verified",
            "closed incidents… (:closed)",
        ] {
            assert!(names.contains(&want), "{names:?}");
        }
        let at = names.iter().position(|n| n.starts_with("closed")).unwrap();
        for _ in 0..at {
            key(&mut app, KeyCode::Char('j'));
        }
        assert_eq!(key(&mut app, KeyCode::Enter), vec![Command::FetchClosed]);
        update(
            &mut app,
            Msg::Closed(Err(crate::client::ClientError::Unsupported(
                "closed incidents".into(),
            ))),
        );
        assert!(
            matches!(&app.overlay, Some(Overlay::Closed { list: Some(Err(e)), .. }) if e.contains("closed incidents"))
        );
    }
}
