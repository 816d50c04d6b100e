//! Hostile widths: random text made of ZWJ emoji sequences, emoji with
//! VS16, CJK, combining marks, line/paragraph separators and zero-width
//! characters, cleaned as the clients clean what a backend sends, drawn
//! in the list, the timeline and the wallboard at several widths. Every
//! row must keep its columns and its borders where they belong: a width
//! measured per character instead of per grapheme shifts them.

use std::time::Duration;

use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;
use warroom::client::poller::Feed;
use warroom::model::{Action, Actor, ActorRole, Severity, Status, apply};
use warroom::text::clean;
use warroom::tui::fixtures::{app_with, clock, incident};
use warroom::tui::theme::Theme;
use warroom::tui::view;
use warroom::tui::wallboard::{self, WallMsg, Wallboard};

const PIECES: &[&str] = &[
    "👨‍👩‍👧",
    "❤️",
    "🔥",
    "東京",
    "ｱｲ",
    "e\u{301}",
    "\u{301}",
    "\u{2028}",
    "\u{2029}",
    "\u{200B}",
    "\u{200D}",
    "\u{FEFF}",
    "\u{2060}",
    "db",
    "Z",
    " ",
    "—",
];

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 1..12).prop_map(|v| v.concat())
}

/// What a terminal shows of a buffer row: each cell's symbol, the cells
/// a wide symbol covers skipped, as ratatui's backends write them.
fn shown_width(buf: &Buffer, y: u16) -> usize {
    let mut x = 0;
    let mut total = 0;
    while x < buf.area.width {
        let w = buf[(x, y)].symbol().width().max(1);
        total += w;
        x += w as u16;
    }
    total
}

/// The first column whose cell starts with `c` (a combining mark that
/// followed it shares its cell).
fn first_x(buf: &Buffer, y: u16, area: Rect, c: char) -> Option<u16> {
    (area.left()..area.right()).find(|&x| buf[(x, y)].symbol().starts_with(c))
}

fn is_vertical_border(s: &str) -> bool {
    matches!(s, "│" | "┃" | "║")
}

/// Every row is exactly the screen's width, and each pane's side borders
/// stand in its first and last column on every row between its corners.
fn check_rows_and_borders(buf: &Buffer, panes: &[Rect]) -> Result<(), TestCaseError> {
    for y in 0..buf.area.height {
        prop_assert_eq!(shown_width(buf, y), buf.area.width as usize, "row {}", y);
    }
    for p in panes {
        for y in p.top() + 1..p.bottom().saturating_sub(1) {
            for x in [p.left(), p.right() - 1] {
                let s = buf[(x, y)].symbol();
                prop_assert!(
                    is_vertical_border(s),
                    "pane {:?}: ({}, {}) is {:?}",
                    p,
                    x,
                    y,
                    s
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn columns_and_borders_hold_in_the_list_and_timeline(
        names in prop::collection::vec(hostile(), 4),
        notes in prop::collection::vec(hostile(), 4),
    ) {
        let mut details = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let mut d = incident(i as u64 + 1, "x", "checkout", Severity::Sev2, 60, Status::Investigating, 0);
            // Titles start with `@` (not in the pieces): its column shows
            // where the title column starts after the IC column's padding.
            d.incident.title = format!("@{}", clean(&names[(i + 1) % names.len()], false));
            d.incident.commander = Some(clean(name, false).into_owned());
            details.push(d);
        }
        for (note, who) in notes.iter().zip(&names) {
            let actor = Actor { handle: clean(who, false).into_owned(), role: ActorRole::Responder };
            let text = format!("@{}", clean(note, true));
            apply(&mut details[0], Action::Note { text, written_at: None }, &actor, clock()).unwrap();
        }
        let theme = Theme::load("default", None, false).unwrap();
        for (w, h) in [(80, 24), (120, 40), (160, 48), (203, 50)] {
            let app = app_with(details.clone(), w, h);
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            t.draw(|f| view::draw(&app, &theme, f)).unwrap();
            let buf = t.backend().buffer().clone();
            let areas = view::layout(&app, buf.area);
            let mut panes = vec![areas.list];
            panes.extend(areas.timeline);
            check_rows_and_borders(&buf, &panes)?;
            // The list: the title column starts at one x on every row.
            let xs: Vec<u16> = (areas.list.top() + 1..areas.list.bottom() - 1)
                .filter_map(|y| first_x(&buf, y, areas.list, '@'))
                .collect();
            prop_assert_eq!(xs.len(), names.len(), "{}x{}: every incident shows its title", w, h);
            prop_assert!(xs.windows(2).all(|p| p[0] == p[1]), "{}x{}: title columns {:?}", w, h, xs);
            // The timeline: note texts start at one x after author and tag.
            if let Some(tl) = areas.timeline {
                let xs: Vec<u16> = (tl.top() + 1..tl.bottom() - 1)
                    .filter_map(|y| first_x(&buf, y, tl, '@'))
                    .collect();
                prop_assert!(xs.windows(2).all(|p| p[0] == p[1]), "{}x{}: note columns {:?}", w, h, xs);
            }
        }
    }

    #[test]
    fn rows_hold_on_the_wallboard(titles in prop::collection::vec(hostile(), 3)) {
        let mut board = Wallboard::new("noc", Duration::from_secs(20), clock());
        let mut details = Vec::new();
        for (i, title) in titles.iter().enumerate() {
            let mut d = incident(i as u64 + 1, "x", "checkout", Severity::Sev1, 30, Status::Identified, 2);
            d.incident.title = clean(title, false).into_owned();
            d.incident.service = clean(&titles[(i + 1) % titles.len()], false).into_owned();
            details.push(d);
        }
        let at = clock() - chrono::Duration::seconds(2);
        let incidents = details.iter().map(|d| d.incident.clone()).collect();
        wallboard::update(&mut board, WallMsg::Feed(Feed::List { incidents, at }));
        for d in details {
            wallboard::update(&mut board, WallMsg::Feed(Feed::Detail { detail: Box::new(d), at }));
        }
        let theme = Theme::load("default", None, false).unwrap();
        for (w, h) in [(80, 24), (160, 48), (211, 60)] {
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            t.draw(|f| wallboard::view::draw(&board, &theme, f)).unwrap();
            check_rows_and_borders(t.backend().buffer(), &[])?;
        }
    }
}
