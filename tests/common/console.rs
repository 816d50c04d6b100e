//! Drawing the console on ratatui's TestBackend from fixed data and a
//! fixed clock, for the snapshot tests.
#![allow(dead_code)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use warroom::tui::app::{App, Msg, update};
use warroom::tui::fixtures::sample_app;
use warroom::tui::theme::Theme;
use warroom::tui::view;

pub const SIZES: [(u16, u16); 3] = [(80, 24), (120, 15), (160, 48)];

pub fn render(app: &App) -> Terminal<TestBackend> {
    let theme = Theme::load("default", None, false).unwrap();
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| view::draw(app, &theme, f)).unwrap();
    t
}

pub fn keys(app: &mut App, ks: &[KeyCode]) {
    for k in ks {
        let mods = match k {
            KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
            _ => KeyModifiers::NONE,
        };
        update(app, Msg::Key(KeyEvent::new(*k, mods)));
    }
}

pub fn text(app: &mut App, s: &str) {
    keys(app, &s.chars().map(KeyCode::Char).collect::<Vec<_>>());
}

pub fn snap(name: &str, setup: impl Fn(&mut App)) {
    for (w, h) in SIZES {
        let mut app = sample_app(w, h);
        setup(&mut app);
        let t = render(&app);
        // Named and stored as if asserted in the test file itself
        // (`tests/snapshots/<test binary>__<name>.snap`), not in this module.
        let krate = module_path!().split("::").next().unwrap_or("console");
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| {
            insta::assert_snapshot!(format!("{krate}__{name}_{w}x{h}"), t.backend());
        });
    }
}

pub fn screen_text(app: &App) -> String {
    let t = render(app);
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
