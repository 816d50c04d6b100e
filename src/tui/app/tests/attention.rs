//! Nobody misses a new or raised SEV1/SEV2: the bell, the flashing row,
//! the first screen and the filter.

use super::*;

#[test]
fn a_new_sev1_rings_once_flashes_and_counts_in_the_title() {
    let mut app = sample_app(120, 40);
    // The first list is not news.
    assert!(app.attention.flashing.is_empty());
    let mut inc = listed(&app, 6);
    inc.severity = Severity::Sev1;
    let cmds = changed(&mut app, inc.clone());
    assert_eq!(
        cmds.iter()
            .filter(|c| **c == Command::Terminal(Terminal::Bell))
            .count(),
        1
    );
    assert!(cmds.contains(&Command::Terminal(Terminal::Title(
        "warroom · 2 SEV1 open".into()
    ))));
    assert!(app.row_flashing(IncidentId(6)));
    // The same news again rings nothing.
    let cmds = changed(&mut app, inc);
    assert!(!cmds.contains(&Command::Terminal(Terminal::Bell)));
    // It can be turned off.
    app.attention.bell = false;
    let mut other = listed(&app, 5);
    other.severity = Severity::Sev1;
    assert!(!changed(&mut app, other).contains(&Command::Terminal(Terminal::Bell)));
}

#[test]
fn the_first_screen_shows_at_once_and_the_whole_list_rings_nothing() {
    let mut app = App::new(
        "test",
        crate::client::Capabilities::WARROOM,
        crate::tui::fixtures::clock(),
    );
    let whole: Vec<_> = crate::tui::fixtures::sample_details()
        .into_iter()
        .map(|d| d.incident)
        .collect();
    let mut first: Vec<_> = whole
        .iter()
        .filter(|i| i.severity == Severity::Sev1)
        .cloned()
        .collect();
    first.truncate(1);
    assert!(
        whole
            .iter()
            .filter(|i| i.status.is_active() && i.severity <= Severity::Sev2)
            .count()
            > 1,
        "the whole list holds alarming incidents the first screen left out"
    );
    assert!(!first.is_empty() && first.len() < whole.len());
    let at = crate::tui::fixtures::clock();
    update(
        &mut app,
        Msg::Feed(Feed::FirstScreen {
            incidents: first.clone(),
            at,
        }),
    );
    assert_eq!(app.board.incidents.len(), first.len(), "shown at once");
    let cmds = update(
        &mut app,
        Msg::Feed(Feed::List {
            incidents: whole.clone(),
            at,
        }),
    );
    assert_eq!(
        app.board.incidents.len(),
        whole.len(),
        "then replaced whole"
    );
    assert!(
        !cmds.contains(&Command::Terminal(Terminal::Bell)),
        "incidents the first screen left out are not news"
    );
    assert!(app.attention.flashing.is_empty());
}

/// A colleague raising SEV2 to SEV1 rings as a new SEV1 does; lowering
/// rings nothing.
#[test]
fn a_raise_from_sev2_to_sev1_rings_and_a_lowering_does_not() {
    let mut app = sample_app(120, 40);
    let mut inc = listed(&app, 6);
    inc.severity = Severity::Sev2;
    assert!(
        changed(&mut app, inc.clone()).contains(&Command::Terminal(Terminal::Bell)),
        "a new SEV2"
    );
    inc.severity = Severity::Sev1;
    assert!(
        changed(&mut app, inc.clone()).contains(&Command::Terminal(Terminal::Bell)),
        "raised to SEV1"
    );
    inc.severity = Severity::Sev2;
    assert!(
        !changed(&mut app, inc.clone()).contains(&Command::Terminal(Terminal::Bell)),
        "lowered"
    );
    inc.severity = Severity::Sev1;
    assert!(
        changed(&mut app, inc).contains(&Command::Terminal(Terminal::Bell)),
        "raised again"
    );
}

/// A new SEV1 the filter hides is announced, with how to see it; the list
/// title names the filter.
#[test]
fn a_new_sev1_hidden_by_the_filter_is_announced() {
    let mut app = sample_app(120, 40);
    app.filter.severity = Some(Severity::Sev5);
    app.filter.text = "db".into();
    assert_eq!(app.filter.describe(), "SEV5 · \"db\"");
    let mut inc = listed(&app, 6);
    inc.severity = Severity::Sev1;
    let cmds = changed(&mut app, inc);
    assert!(cmds.contains(&Command::Terminal(Terminal::Bell)));
    let f = app.flash.as_ref().expect("an announcement");
    assert!(
        f.text.contains("INC-6 SEV1") && f.text.contains("Esc"),
        "{}",
        f.text
    );
}
