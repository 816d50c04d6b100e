//! The curated timeline in the console: on the timeline's cursor entry,
//! `p` pins (and, pinned, unpins), `#` sets tags, `E` corrects the time or
//! words with a reason; the row and the reader show it.

use super::*;
use crate::model::curation::{Correction, CurateAction, EventCuration};

fn on_timeline() -> (App, u64) {
    let mut app = sample_app(120, 40);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::Timeline);
    let seq = app.cursor_event().expect("an entry").seq;
    (app, seq)
}

#[test]
fn p_pins_and_unpins_the_entry_under_the_cursor() {
    let (mut app, seq) = on_timeline();
    let id = sel(&app);
    let d = app.board.details.get_mut(&id).unwrap();
    d.state.curation.insert(
        seq,
        EventCuration {
            pinned: true,
            tags: vec!["mitigation".into()],
            corrections: vec![Correction {
                at: None,
                text: Some("rolled back 4.2".into()),
                why: "typo".into(),
                by: "sam".into(),
                when: app.now,
            }],
        },
    );
    let s = screen(&app, 120, 40);
    assert!(s.contains("⚑ ✱ ") && s.contains("#mitigation"), "{s}");
    // The reader shows what was corrected, by whom and why.
    key(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 40);
    assert!(s.contains("corrected by sam"), "{s}");
    assert!(
        s.contains("(why: typo)") && s.contains("now reads: rolled back 4.2"),
        "{s}"
    );
    key(&mut app, KeyCode::Esc);
    // Pinned: `p` unpins it; the entry above is pinned.
    let cmds = ch(&mut app, 'p');
    assert_eq!(
        sent(&cmds),
        [&WriteOp::Curate {
            id,
            body: CurateAction::Pin { seq, pinned: false }
        }]
    );
    ch(&mut app, 'k');
    let cmds = ch(&mut app, 'p');
    assert_eq!(
        sent(&cmds),
        [&WriteOp::Curate {
            id,
            body: CurateAction::Pin {
                seq: seq - 1,
                pinned: true
            }
        }]
    );
}

#[test]
fn hash_tags_and_e_corrects_with_a_reason() {
    let (mut app, seq) = on_timeline();
    let id = sel(&app);
    let at = app.cursor_event().unwrap().at;
    ch(&mut app, '#');
    assert!(
        screen(&app, 120, 40).contains("red-herring"),
        "the policy's tags shown"
    );
    typ(&mut app, "mitigation, #red-herring");
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(
        sent(&cmds),
        [&WriteOp::Curate {
            id,
            body: CurateAction::Tag {
                seq,
                tags: vec!["mitigation".into(), "red-herring".into()]
            }
        }]
    );
    ch(&mut app, 'E');
    // Nothing changed: said in the form, nothing sent.
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(sent(&cmds).is_empty());
    assert!(screen(&app, 120, 40).contains("change the time or give the right words"));
    key(&mut app, KeyCode::Tab);
    typ(&mut app, "the right words");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(sent(&cmds).is_empty(), "why is required");
    key(&mut app, KeyCode::Tab);
    typ(&mut app, "typo on the bridge");
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(
        sent(&cmds),
        [&WriteOp::Curate {
            id,
            body: CurateAction::Correct {
                seq,
                at: None,
                text: Some("the right words".into()),
                why: "typo on the bridge".into()
            }
        }]
    );
    // A corrected time is read back as UTC.
    ch(&mut app, 'E');
    for _ in 0..19 {
        key(&mut app, KeyCode::Backspace);
    }
    let earlier = at - chrono::Duration::minutes(3);
    typ(&mut app, &earlier.format("%Y-%m-%d %H:%M:%S").to_string());
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    typ(&mut app, "bastion clock");
    let cmds = key(&mut app, KeyCode::Enter);
    let [
        WriteOp::Curate {
            body: CurateAction::Correct { at: Some(t), .. },
            ..
        },
    ] = sent(&cmds)[..]
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(t.timestamp(), earlier.timestamp());
}
