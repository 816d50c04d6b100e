//! The pictures in `screenshots/`: the demo's incidents at a fixed clock,
//! drawn through the same TestBackend path as the snapshot tests and saved
//! as SVG (`cargo run --example screenshots`). A test draws them again and
//! fails when the committed files differ, so they never go stale.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Msg, update};
use super::fixtures::{clock, sample_app, sample_details};
use super::theme::Theme;
use super::wallboard::{self, WallMsg, Wallboard};
use crate::client::ClientError;
use crate::client::poller::Feed;

fn key(app: &mut App, code: KeyCode) {
    let mods = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    update(app, Msg::Key(KeyEvent::new(code, mods)));
}

fn console(app: &App, theme: &str, title: &str) -> String {
    let theme = Theme::load(theme, None, false).expect("built-in theme");
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("test backend");
    t.draw(|f| super::view::draw(app, &theme, f))
        .expect("draws");
    super::svg::render(t.backend().buffer(), title)
}

fn board(stale: bool) -> Wallboard {
    let mut w = Wallboard::new(
        "noc https://warroom.example.com",
        std::time::Duration::from_secs(20),
        clock(),
    );
    let details = sample_details();
    let at = clock() - chrono::Duration::seconds(2);
    let incidents = details.iter().map(|d| d.incident.clone()).collect();
    wallboard::update(&mut w, WallMsg::Feed(Feed::List { incidents, at }));
    for d in details {
        let detail = Box::new(d);
        wallboard::update(&mut w, WallMsg::Feed(Feed::Detail { detail, at }));
    }
    if stale {
        let error = ClientError::Unreachable("Connection refused (os error 111)".into());
        wallboard::update(&mut w, WallMsg::Feed(Feed::Failed { error, at: clock() }));
        wallboard::update(
            &mut w,
            WallMsg::Tick(clock() + chrono::Duration::seconds(75)),
        );
    }
    w
}

fn wall(w: &Wallboard, title: &str) -> String {
    let theme = Theme::load("default", None, false).expect("built-in theme");
    let mut t = Terminal::new(TestBackend::new(160, 48)).expect("test backend");
    t.draw(|f| wallboard::view::draw(w, &theme, f))
        .expect("draws");
    super::svg::render(t.backend().buffer(), title)
}

/// Every picture: (file name, SVG).
pub fn all() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut app = sample_app(160, 48);
    super::fixtures::with_state_document(&mut app);
    out.push((
        "console-160x48.svg",
        console(
            &app,
            "default",
            "The console at 160x48, the state pane beside the timeline",
        ),
    ));
    let mut app = sample_app(80, 24);
    super::fixtures::with_state_document(&mut app);
    key(&mut app, KeyCode::BackTab);
    out.push((
        "state-pane-80x24.svg",
        console(&app, "default", "The state document at 80x24 (Tab)"),
    ));
    let mut app = sample_app(160, 48);
    super::fixtures::with_state_document(&mut app);
    key(&mut app, KeyCode::Char('B'));
    out.push((
        "brief.svg",
        console(&app, "default", "The brief, generated from the record"),
    ));
    let app = sample_app(80, 24);
    out.push((
        "console-80x24.svg",
        console(&app, "default", "The console at 80x24"),
    ));
    let app = sample_app(120, 15);
    out.push((
        "console-120x15.svg",
        console(&app, "default", "The console at 120x15"),
    ));
    let mut app = sample_app(160, 48);
    key(&mut app, KeyCode::Tab);
    // Up to the alert that opened the incident: its labels, whole.
    for _ in 0..12 {
        key(&mut app, KeyCode::Char('k'));
    }
    key(&mut app, KeyCode::Enter);
    out.push((
        "reader.svg",
        console(&app, "default", "Reading a timeline entry whole"),
    ));
    let mut app = sample_app(160, 48);
    key(&mut app, KeyCode::Char('n'));
    out.push((
        "advance-open-items.svg",
        console(&app, "default", "Advancing with open checklist items"),
    ));
    out.push((
        "conflict.svg",
        console(&conflict(), "default", "A conflict dialog"),
    ));
    out.push((
        "stats.svg",
        console(&stats(), "default", "Response metrics"),
    ));
    out.push(("wallboard.svg", wall(&board(false), "The wallboard")));
    out.push((
        "wallboard-stale.svg",
        wall(&board(true), "The wallboard, STALE"),
    ));
    let app = sample_app(160, 48);
    out.push(("theme-light.svg", console(&app, "light", "The light theme")));
    out.push((
        "theme-high-contrast.svg",
        console(&app, "high-contrast", "The high-contrast theme"),
    ));
    out.push((
        "theme-colorblind.svg",
        console(&app, "colorblind", "The colour-blind safe theme"),
    ));
    out
}

/// Two commanders: this one lowered INC-5 to SEV3 while marco raised it
/// to SEV1 and took command.
fn conflict() -> App {
    use crate::client::sender::Delivery;
    use crate::model::{Action, Actor, ActorRole, IncidentId, Severity, apply};
    let mut app = sample_app(160, 48);
    key(&mut app, KeyCode::Char('j'));
    app.focus = super::keymap::Pane::List;
    let cmds = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT)),
    );
    if let Some(super::app::Command::Write(super::app::Outgoing::Send(w))) = cmds.first() {
        let error = ClientError::Api {
            status: 412,
            code: "stale_version".into(),
            message: "the incident changed (version 31); read it again".into(),
        };
        update(
            &mut app,
            Msg::Delivery(Delivery::Refused {
                key: w.key.clone(),
                error,
            }),
        );
    }
    let id = IncidentId(5);
    if let Some(mut fresh) = app.board.details.get(&id).cloned() {
        let marco = Actor {
            handle: "marco".into(),
            role: ActorRole::Commander,
        };
        let body = crate::model::wire::PatchRequest {
            severity: Some(Severity::Sev1),
            commander: Some(Some("marco".into())),
            ..Default::default()
        };
        if apply(&mut fresh, Action::Patch(body), &marco, clock()).is_ok() {
            let detail = Box::new(fresh);
            update(
                &mut app,
                Msg::Feed(Feed::Detail {
                    detail,
                    at: clock(),
                }),
            );
        }
    }
    app
}

/// `:stats` over the fixture incidents, resolved at known times.
fn stats() -> App {
    use crate::model::Status;
    use crate::model::stats::{Sample, compute};
    let mut details = sample_details();
    for (k, d) in details.iter_mut().enumerate() {
        d.incident.status = Status::Closed;
        let at = d.incident.declared_at;
        let t = &mut d.incident.status_times;
        let min = |m: i64| at + chrono::Duration::minutes(m);
        t.insert(Status::Acknowledged, min(3 + k as i64));
        t.insert(Status::Contained, min(20 + 10 * k as i64));
        t.insert(Status::Resolved, min(40 + 25 * k as i64));
        t.insert(Status::Verified, min(60 + 25 * k as i64));
    }
    let samples: Vec<Sample> = details
        .iter()
        .map(|d| Sample {
            incident: &d.incident,
            responders: &d.responders,
            checklists: &d.checklists,
            forced_from: vec![crate::model::Phase::Investigation],
            pages: vec![("marco".into(), clock() - chrono::Duration::hours(12))],
            alerts: vec!["CheckoutHighErrorRate".into()],
            firings: vec!["CheckoutHighErrorRate".into()],
        })
        .collect();
    let since = Some(clock() - chrono::Duration::days(30));
    let practice = crate::model::stats::Practice::of(&Default::default());
    let s = compute(
        &samples,
        since,
        clock(),
        chrono::Duration::zero(),
        &practice,
    );
    let mut app = sample_app(160, 48);
    key(&mut app, KeyCode::Char(':'));
    for c in "stats".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    update(&mut app, Msg::Stats("90d".into(), Ok(Box::new(s))));
    app
}
