//! The composer as the communication practice asks: a resolution update
//! is refused without its data-loss statement, the stage can be named,
//! the update previewed as its channels will show it; and the public
//! switch from the palette.

use super::*;

/// The selected incident, resolved.
fn resolved(app: &mut App) -> IncidentId {
    let id = sel(app);
    let mut inc = listed(app, id.0);
    inc.status = Status::Resolved;
    changed(app, inc);
    app.selected = Some(id);
    id
}

fn editor(app: &mut App) -> &mut Editor {
    match &mut app.dialog {
        Some(Dialog::Editor(e)) => e,
        other => panic!("not the editor: {}", other.is_some()),
    }
}

#[test]
fn a_resolution_update_is_refused_until_it_says_whether_data_was_lost() {
    let mut app = sample_app(120, 40);
    let id = resolved(&mut app);
    ch(&mut app, 'u');
    assert_eq!(
        editor(&mut app).stage,
        Some(crate::model::cadence::UpdateStage::Resolution)
    );
    editor(&mut app).text = tui_textarea::TextArea::new(vec!["Checkout works again.".into()]);
    let cmds = ctrl(&mut app, 's');
    assert!(sent(&cmds).is_empty(), "{cmds:?}");
    let flash = format!("{:?}", app.flash);
    assert!(flash.contains("data was lost"), "{flash}");
    // The cursor was put in the statement's field: what is typed goes there.
    assert!(editor(&mut app).on_data_loss);
    app.flash = None;
    typ(&mut app, "None; no lingering impact.");
    let cmds = ctrl(&mut app, 's');
    let [WriteOp::StakeholderUpdate { id: to, body }] = &sent(&cmds)[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(*to, id);
    assert_eq!(body.text, "Checkout works again.");
    assert_eq!(
        body.data_loss.as_deref(),
        Some("None; no lingering impact.")
    );
    assert_eq!(
        body.stage,
        Some(crate::model::cadence::UpdateStage::Resolution)
    );
}

#[test]
fn ctrl_t_names_the_stage_and_ctrl_v_previews_every_channel() {
    let mut app = sample_app(120, 40);
    ch(&mut app, 'u');
    let first = editor(&mut app).stage.unwrap();
    ctrl(&mut app, 't');
    assert_ne!(editor(&mut app).stage.unwrap(), first);
    // Round to resolution: its statement's field appears.
    while editor(&mut app).stage != Some(crate::model::cadence::UpdateStage::Resolution) {
        ctrl(&mut app, 't');
    }
    editor(&mut app).text = tui_textarea::TextArea::new(vec!["<!channel> all good".into()]);
    ctrl(&mut app, 'p');
    ctrl(&mut app, 'v');
    assert!(editor(&mut app).preview);
    let screen = screen(&app, 120, 40);
    for want in [
        "Preview",
        "Slack",
        "Teams",
        "E-mail",
        "Subject:",
        "&lt;!channel&gt;",
    ] {
        assert!(screen.contains(want), "{want} missing:\n{screen}");
    }
    // Any other key goes back to writing; nothing was sent.
    let cmds = ch(&mut app, 'x');
    assert!(sent(&cmds).is_empty());
    assert!(!editor(&mut app).preview);
}

#[test]
fn the_palette_puts_an_incident_on_the_status_page_and_takes_it_off() {
    let mut app = sample_app(120, 40);
    let id = sel(&app);
    ch(&mut app, ':');
    typ(&mut app, "public Elevated checkout errors");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(&sent(&cmds)[..], [WriteOp::Publish { id: to, body }]
            if *to == id && body.public && body.title.as_deref() == Some("Elevated checkout errors")),
        "{cmds:?}"
    );
    ch(&mut app, ':');
    typ(&mut app, "private");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(&sent(&cmds)[..], [WriteOp::Publish { body, .. }] if !body.public && body.title.is_none()),
        "{cmds:?}"
    );
    // Without a title it says what to type instead of guessing one.
    ch(&mut app, ':');
    typ(&mut app, "public");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(sent(&cmds).is_empty());
    assert!(format!("{:?}", app.flash).contains("title customers read"));
}

#[test]
fn the_teams_own_template_is_where_an_update_starts_and_its_blanks_must_be_filled() {
    let mut app = sample_app(120, 40);
    for kind in crate::model::cadence::UpdateStage::ALL {
        app.policy.update_templates.insert(
            kind,
            "{service} ({severity}): [what our customers see]".into(),
        );
    }
    let inc = listed(&app, sel(&app).0);
    ch(&mut app, 'u');
    let text = crate::tui::app::text_of(&editor(&mut app).text);
    assert!(
        text.starts_with(&format!(
            "{} ({}): [what our customers see]",
            inc.service, inc.severity
        )),
        "{text}"
    );
    // A resolution update also needs its statement; the blank is checked first.
    editor(&mut app).data_loss = tui_textarea::TextArea::new(vec!["none".into()]);
    let cmds = ctrl(&mut app, 's');
    assert!(sent(&cmds).is_empty());
    assert!(format!("{:?}", app.flash).contains("[what our customers see]"));
    app.flash = None;
    editor(&mut app).text = tui_textarea::TextArea::new(vec!["Checkout is slow in the EU.".into()]);
    let cmds = ctrl(&mut app, 's');
    assert!(
        matches!(&sent(&cmds)[..], [WriteOp::StakeholderUpdate { body, .. }]
            if body.text == "Checkout is slow in the EU."),
        "{cmds:?}"
    );
}
