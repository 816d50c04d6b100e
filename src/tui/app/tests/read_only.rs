//! A read-only profile: no write key is offered, and no write is queued
//! whatever asks for one (a key, the palette, a dialog); the header says
//! `[RO]`.

use super::*;
use crate::tui::keymap::BINDINGS;

fn read_only_app() -> App {
    let mut app = sample_app(120, 40);
    app.caps = app.caps.read_only();
    app
}

#[test]
fn no_write_key_is_offered_on_a_read_only_profile() {
    let app = read_only_app();
    let inc = listed(&app, sel(&app).0);
    let me = app.me.as_ref().map(|(h, r)| (h.as_str(), *r));
    let writes: Vec<_> = BINDINGS.iter().filter(|b| b.writes).collect();
    assert!(writes.len() > 10, "the write keys: {}", writes.len());
    let normal = sample_app(120, 40).caps;
    for b in writes {
        let why = super::super::offers::refusal(app.caps, Some(&inc), me, b.act, true);
        assert!(why.is_some(), "{:?} is offered", b.act);
        // A key the backend could serve is refused for being read-only.
        if super::super::offers::refusal(normal, Some(&inc), me, b.act, false).is_none() {
            assert!(why.unwrap().contains("read-only"), "{:?}", b.act);
        }
    }
    assert!(screen(&app, 120, 40).contains("[RO]"));
}

#[test]
fn nothing_is_queued_whatever_asks() {
    let mut app = read_only_app();
    // Keys: a note (the editor would open, but `i` is refused first).
    for k in ['a', 'i', 'u', 'n', 'T', 'H', 'D'] {
        let cmds = ch(&mut app, k);
        assert!(sent(&cmds).is_empty(), "{k}: {cmds:?}");
        app.flash = None;
        app.dialog = None;
    }
    // The palette's writes go through the same door.
    ch(&mut app, ':');
    typ(&mut app, "public Checkout errors");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(sent(&cmds).is_empty(), "{cmds:?}");
    assert!(
        format!("{:?}", app.flash).contains("Read-only"),
        "{:?}",
        app.flash
    );
    assert!(app.pending.is_empty(), "nothing waits in the outbox");
}
