//! Hostile strings from a backend never reach the terminal as control
//! codes: arbitrary text and arbitrary JSON go through the client's decode
//! and sanitize step and the console's render, and no cell of the rendered
//! screen holds an ESC, a C0/C1 control or a bidi override.

use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::client::Sanitize;
use warroom::model::{IncidentDetail, Severity, Status};
use warroom::tui::fixtures::{app_with, incident};
use warroom::tui::theme::Theme;
use warroom::tui::view;

fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Strings built to hurt: escape sequences, C1, bidi, wide and zero-width
/// characters, mixed with ordinary text.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\u{1b}[2J".to_string()),
        Just("\u{1b}]0;owned\u{7}".to_string()),
        Just("\u{1b}]52;c;Y3VybCBldmlsLnNo\u{1b}\\".to_string()),
        Just("\u{1b}P+q\u{1b}\\".to_string()),
        Just("\u{9b}6n".to_string()),
        Just("\u{202E}txt.exe".to_string()),
        Just("東京\u{200B}e\u{301}".to_string()),
        Just("\r\u{8}\u{7f}\t".to_string()),
        "[\\x00-\\x1f\\x7f-\\x9f]{1,4}",
        "\\PC{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|v| v.concat())
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(a) => a.iter().flat_map(strings).collect(),
        serde_json::Value::Object(o) => o.values().flat_map(strings).collect(),
        _ => vec![],
    }
}

fn render_cells(d: IncidentDetail) -> Vec<String> {
    let theme = Theme::load("default", None, false).unwrap();
    let mut out = Vec::new();
    for (w, h) in [(80, 24), (160, 48)] {
        let app = app_with(vec![d.clone()], w, h);
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| view::draw(&app, &theme, f)).unwrap();
        out.extend(
            t.backend()
                .buffer()
                .content()
                .iter()
                .map(|c| c.symbol().to_string()),
        );
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn decoded_strings_never_carry_control_codes_to_the_screen(
        title in hostile(), note in hostile(), who in hostile(), service in hostile()
    ) {
        let mut d = incident(1, "x", "svc", Severity::Sev1, 10, Status::Investigating, 1);
        d.incident.title = title.clone();
        d.incident.service = service;
        d.incident.commander = Some(who.clone());
        for e in d.timeline.iter_mut() {
            e.author = who.clone();
            if let warroom::model::EventKind::Note { text } = &mut e.kind {
                *text = note.clone();
            }
        }
        d.responders[0].name = title;
        // Through JSON, as a backend would send it.
        let wire = serde_json::to_vec(&d).unwrap();
        let mut back: IncidentDetail = serde_json::from_slice(&wire).unwrap();
        back.sanitize();
        // Our step alone: every string the views (and `warroom show`) can
        // print is clean, before the terminal library's own filtering.
        for st in strings(&serde_json::to_value(&back).unwrap()) {
            prop_assert!(!st.chars().any(forbidden), "sanitized string still holds a control code: {:?}", st);
        }
        for cell in render_cells(back) {
            prop_assert!(!cell.chars().any(forbidden), "control code reached the screen: {:?}", cell);
        }
    }

    #[test]
    fn arbitrary_json_never_panics_the_decoder(bytes in prop::collection::vec(any::<u8>(), 0..400), text in any::<String>()) {
        let _ = serde_json::from_slice::<IncidentDetail>(&bytes);
        let _ = serde_json::from_str::<warroom::model::wire::ListResponse>(&text);
        if let Ok(mut i) = serde_json::from_str::<warroom::model::Incident>(&text) {
            i.sanitize();
            prop_assert!(!i.title.chars().any(forbidden));
        }
    }
}

#[test]
fn a_title_that_tries_to_clear_the_screen_is_shown_not_obeyed() {
    let mut d = incident(1, "x", "svc", Severity::Sev1, 10, Status::Investigating, 0);
    d.incident.title = "\u{1b}[2J\u{1b}[HPWNED \u{202E}gnp.exe".into();
    d.sanitize();
    let screen: String = render_cells(d).concat();
    assert!(
        screen.contains("\\e[2J\\e[HPWNED <U+202E>gnp.exe"),
        "visible markers, not control codes"
    );
}
