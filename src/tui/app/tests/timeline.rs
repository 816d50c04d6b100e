//! Browsing a long timeline by position: `g` reads the first page, moving
//! reads the next one as the cursor nears an end, the window never holds
//! more than BROWSE_MAX events, and scrolling down into the newest events
//! follows them again.

use super::*;
use crate::model::TimelineEvent;
use crate::model::wire::TimelinePage;
use crate::tui::app::timeline::{BROWSE_MAX, Jump, PageAt};

const LAST: u64 = 5_000;

fn event(seq: u64) -> TimelineEvent {
    TimelineEvent {
        seq,
        at: crate::tui::fixtures::clock() - chrono::Duration::seconds((LAST - seq) as i64),
        author: "marco".into(),
        kind: crate::model::EventKind::Note {
            text: format!("observation {seq}"),
        },
        written_at: None,
    }
}

/// INC-4 with 5,000 events, of which the detail holds the newest 200.
fn long_app() -> App {
    let mut app = sample_app(120, 40);
    let d = app.board.details.get_mut(&IncidentId(4)).unwrap();
    d.incident.last_seq = LAST;
    d.timeline = (LAST - 199..=LAST).map(event).collect();
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::Timeline);
    app
}

fn page(at: PageAt) -> TimelinePage {
    let seqs: Vec<u64> = match at {
        PageAt::Before(s) => (s.saturating_sub(200).max(1)..s).collect(),
        PageAt::After(s) => (s + 1..=(s + 200).min(LAST)).collect(),
        PageAt::Time(_) => unreachable!("answered by seq in these tests"),
    };
    TimelinePage {
        incident: IncidentId(4),
        last_seq: LAST,
        events: seqs.into_iter().map(event).collect(),
    }
}

/// Answers every page read the commands ask for (and those that follow).
fn serve(app: &mut App, mut cmds: Vec<Command>) {
    while let Some(c) = cmds.pop() {
        if let Command::Read(Read::Page { id, at }) = c {
            cmds.extend(update(app, Msg::Page(id, at, Ok(page(at)))));
        }
    }
}

fn at(app: &App) -> u64 {
    app.cursor_event().unwrap().seq
}

#[test]
fn g_reads_the_first_page_and_lands_on_event_one() {
    let mut app = long_app();
    let cmds = ch(&mut app, 'g');
    assert_eq!(
        cmds,
        vec![Command::Read(Read::Page {
            id: IncidentId(4),
            at: PageAt::After(0)
        })]
    );
    assert!(
        app.cursor_event().is_none(),
        "nothing shown until it arrives"
    );
    serve(&mut app, cmds);
    assert_eq!(at(&app), 1);
    let v = app.timeline_view().unwrap();
    assert!(v.browsing && !v.following());
    assert!(!v.older_above() && v.newer_after());
    // Enter opens exactly that event.
    key(&mut app, KeyCode::Enter);
    assert!(matches!(
        &app.dialog,
        Some(Dialog::Reader(r)) if r.seq == 1
    ));
}

#[test]
fn browsing_down_the_whole_history_holds_at_most_a_window_and_follows_at_the_end() {
    let mut app = long_app();
    let cmds = ch(&mut app, 'g');
    serve(&mut app, cmds);
    let mut seen_max = 0;
    for n in 2..=LAST {
        let cmds = ch(&mut app, 'j');
        serve(&mut app, cmds);
        assert_eq!(at(&app), n, "one step, one event");
        if let Some(b) = &app.browse {
            seen_max = seen_max.max(b.events.len());
        }
    }
    assert!(seen_max <= BROWSE_MAX, "held {seen_max}");
    assert!(app.browse.is_none(), "back on the newest events");
    assert!(app.timeline_view().unwrap().following());
}

#[test]
fn scrolling_up_past_the_newest_page_reads_older_ones_without_losing_the_place() {
    let mut app = long_app();
    for n in (1..LAST).rev().take(1_500) {
        let cmds = ch(&mut app, 'k');
        serve(&mut app, cmds);
        assert_eq!(at(&app), n);
        assert!(
            app.browse
                .as_ref()
                .is_none_or(|b| b.events.len() <= BROWSE_MAX)
        );
    }
    // The detail itself stays the newest page: nothing was put in front.
    assert_eq!(app.board.details[&IncidentId(4)].timeline.len(), 200);
    ch(&mut app, 'G');
    assert_eq!(at(&app), LAST);
}

#[test]
fn a_jump_by_number_lands_on_it_and_a_late_answer_is_dropped() {
    let mut app = long_app();
    let cmds = app.timeline_jump(Jump::Seq(2_345));
    assert_eq!(
        cmds,
        vec![Command::Read(Read::Page {
            id: IncidentId(4),
            at: PageAt::After(2_344)
        })]
    );
    // An answer to a page nobody waits for changes nothing.
    update(
        &mut app,
        Msg::Page(IncidentId(4), PageAt::After(0), Ok(page(PageAt::After(0)))),
    );
    assert!(app.cursor_event().is_none());
    serve(&mut app, cmds);
    assert_eq!(at(&app), 2_345);
    // Held by the detail: no read at all.
    assert!(app.timeline_jump(Jump::Seq(LAST - 3)).is_empty());
    assert_eq!(at(&app), LAST - 3);
    assert!(app.browse.is_none());
}

#[test]
fn a_jump_past_the_newest_or_a_failed_read_goes_back_to_the_newest_and_says_so() {
    let mut app = long_app();
    let cmds = app.timeline_jump(Jump::Seq(LAST + 50));
    let Some(Command::Read(Read::Page { at: where_, .. })) = cmds.first().cloned() else {
        panic!("{cmds:?}")
    };
    update(
        &mut app,
        Msg::Page(
            IncidentId(4),
            where_,
            Ok(TimelinePage {
                incident: IncidentId(4),
                last_seq: LAST,
                events: Vec::new(),
            }),
        ),
    );
    assert!(app.browse.is_none());
    assert_eq!(at(&app), LAST);
    assert!(app.notice.is_some());

    let cmds = ch(&mut app, 'g');
    let Some(Command::Read(Read::Page { at: where_, .. })) = cmds.first().cloned() else {
        panic!()
    };
    update(
        &mut app,
        Msg::Page(
            IncidentId(4),
            where_,
            Err(crate::client::ClientError::Timeout),
        ),
    );
    assert!(app.browse.is_none());
    assert_eq!(at(&app), LAST);
    assert!(app.notice.as_ref().unwrap().0.contains("not read"));
}

#[test]
fn the_palette_jumps_by_number_and_by_time() {
    let mut app = long_app();
    ch(&mut app, ':');
    typ(&mut app, "event 42");
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Command::Read(Read::Page {
            id: IncidentId(4),
            at: PageAt::After(41)
        })]
    );
    ch(&mut app, ':');
    typ(&mut app, "at 13:05");
    let cmds = key(&mut app, KeyCode::Enter);
    let want = crate::tui::fixtures::clock()
        .date_naive()
        .and_hms_opt(13, 5, 0)
        .unwrap()
        .and_utc();
    assert_eq!(
        cmds,
        vec![Command::Read(Read::Page {
            id: IncidentId(4),
            at: PageAt::Time(want)
        })]
    );
    ch(&mut app, ':');
    typ(&mut app, "event");
    key(&mut app, KeyCode::Enter);
    assert!(app.flash.as_ref().unwrap().text.contains("event N"));
}
