//! A drill incident in the console: DRILL in the list and the header, and
//! `:debrief` reading its debrief (refused, with how to start one, on a
//! real incident).

use super::*;

fn drilled(app: &mut App) -> IncidentId {
    let mut inc = listed(app, sel(app).0);
    inc.drill = Some(crate::model::drill::DrillMark {
        scenario: "bad-deploy".into(),
        run: "r1".into(),
        started_at: crate::tui::fixtures::clock(),
        speed: 1,
    });
    inc.version += 1;
    // The header reads the detail, which carries the mark as the list does.
    if let Some(d) = app.board.details.get_mut(&inc.id) {
        d.incident.drill = inc.drill.clone();
    }
    let id = inc.id;
    changed(app, inc);
    id
}

#[test]
fn a_drill_incident_says_drill_in_the_list_and_the_header() {
    let mut app = sample_app(120, 40);
    assert!(!screen(&app, 120, 40).contains("DRILL"));
    drilled(&mut app);
    for (w, h) in [(120, 40), (80, 24)] {
        let s = screen(&app, w, h);
        assert!(s.contains("[DRILL]"), "the list row at {w}x{h}:\n{s}");
        assert!(s.contains(" DRILL  SEV"), "the header at {w}x{h}:\n{s}");
    }
}

fn palette(app: &mut App, command: &str) -> Vec<Command> {
    ch(app, ':');
    typ(app, command);
    key(app, KeyCode::Enter)
}

#[test]
fn debrief_reads_a_drill_s_debrief_and_refuses_a_real_incident() {
    let mut app = sample_app(120, 40);
    // A real incident: no read, and a message saying how to start a drill.
    let cmds = palette(&mut app, "debrief");
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(format!("{:?}", app.flash).contains("is not a drill"));
    app.flash = None;

    let id = drilled(&mut app);
    let cmds = palette(&mut app, "debrief");
    assert_eq!(cmds, vec![Command::Read(Read::Debrief(id))]);
    assert!(screen(&app, 120, 40).contains("reading…"));
    // An answer for another incident is not shown as this one's.
    update(
        &mut app,
        Msg::Debrief(IncidentId(999), Ok("# other".into())),
    );
    assert!(screen(&app, 120, 40).contains("reading…"));
    let text = "# Drill debrief: bad-deploy (INC-4)\n\n- **Time to acknowledge**: 17s — ✓ met\n";
    update(&mut app, Msg::Debrief(id, Ok(text.into())));
    let s = screen(&app, 120, 40);
    assert!(s.contains("Drill debrief · INC-4"), "{s}");
    assert!(s.contains("Time to acknowledge**: 17s — ✓ met"), "{s}");
    // r reads it again (a running drill's score moves); Esc closes.
    assert_eq!(ch(&mut app, 'r'), vec![Command::Read(Read::Debrief(id))]);
    key(&mut app, KeyCode::Esc);
    assert!(app.dialog.is_none());
}
