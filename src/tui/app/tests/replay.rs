//! Replay in the console: `[` asks for the moment one change back, the
//! answer replaces every pane's detail under a REPLAY banner, writes are
//! refused while replaying, and Esc returns to the live incident.

use super::*;
use crate::model::replay::{ReplayAt, ReplayState, Step};

fn replayed(app: &App, seq: u64, status: Status) -> ReplayState {
    let mut d = app.board.details[&app.selected.unwrap()].clone();
    d.incident.status = status;
    d.incident.last_seq = seq;
    d.timeline.retain(|e| e.seq <= seq);
    ReplayState {
        seq,
        first_of_change: seq,
        at: d.timeline.last().unwrap().at,
        first_seq: 1,
        last_seq: app.board.details[&d.incident.id].incident.last_seq,
        detail: d,
    }
}

#[test]
fn stepping_back_shows_the_incident_as_it_stood_and_esc_returns_to_live() {
    let mut app = sample_app(120, 40);
    let id = sel(&app);
    let live = app.selected_detail().unwrap().clone();
    let last = live.incident.last_seq;
    assert!(last > 2, "the fixture has a history");
    let cmds = ch(&mut app, '[');
    assert!(
        matches!(cmds.as_slice(), [Command::Read(Read::Replay(i, ReplayAt::Seq(n)))] if *i == id && *n == last - 1),
        "{cmds:?}"
    );
    assert!(
        screen(&app, 120, 40).contains("REPLAY"),
        "the banner shows at once"
    );
    let st = replayed(&app, 2, Status::Triggered);
    update(&mut app, Msg::Replayed(id, Ok(Box::new(st))));
    assert_eq!(
        app.selected_detail().unwrap().incident.status,
        Status::Triggered
    );
    let s = screen(&app, 120, 40);
    assert!(s.contains(&format!("event 2/{last}")), "{s}");
    // Writes are refused, with the way out.
    let cmds = ch(&mut app, 'a');
    assert!(sent(&cmds).is_empty());
    assert!(app.notice().unwrap().contains("Esc returns to live"));
    // `}` steps by phase from the moment shown; after `m`, by minute.
    let cmds = ch(&mut app, '}');
    assert!(
        matches!(
            cmds.as_slice(),
            [Command::Read(Read::Replay(
                _,
                ReplayAt::Step {
                    from: 2,
                    step: Step::NextPhase
                }
            ))]
        ),
        "{cmds:?}"
    );
    let st = replayed(&app, 3, Status::Acknowledged);
    update(&mut app, Msg::Replayed(id, Ok(Box::new(st))));
    ch(&mut app, 'm');
    let cmds = ch(&mut app, '{');
    assert!(
        matches!(
            cmds.as_slice(),
            [Command::Read(Read::Replay(
                _,
                ReplayAt::Step {
                    from: 3,
                    step: Step::PrevMinute
                }
            ))]
        ),
        "{cmds:?}"
    );
    let st = replayed(&app, 1, Status::Triggered);
    update(&mut app, Msg::Replayed(id, Ok(Box::new(st))));
    // At the first state, `[` says so rather than asking again.
    assert!(ch(&mut app, '[').is_empty());
    key(&mut app, KeyCode::Esc);
    assert!(app.replaying().is_none());
    assert_eq!(
        app.selected_detail().unwrap().incident.status,
        live.incident.status
    );
    assert!(!screen(&app, 120, 40).contains("REPLAY"));
}

#[test]
fn a_backend_without_replay_says_so_and_a_failed_first_read_returns_to_live() {
    let mut app = sample_app(120, 40);
    let id = sel(&app);
    ch(&mut app, ']');
    update(
        &mut app,
        Msg::Replayed(
            id,
            Err(crate::client::ClientError::Unsupported("replay".into())),
        ),
    );
    assert!(app.replaying().is_none());
    assert!(app.notice().unwrap().contains("Replay not available"));
    app.caps.replay = false;
    assert!(ch(&mut app, '[').is_empty());
    assert!(app.flash.is_some(), "refused, saying why");
}
