//! How much a frame costs, and that it follows the screen, not the data.
//!
//! `cargo bench --bench render` draws the console at 160x48 with 10 and with
//! 5,000 incidents (the selected one with 20 and with 20,000 timeline
//! events) and prints the time per frame. Target: under 2 ms a frame in a
//! release build, and the large case within 3x of the small one (the list
//! and timeline draw only their visible rows; the remaining difference is
//! the header's per-severity count).

use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::model::{Severity, Status};
use warroom::tui::fixtures::{app_with, incident};
use warroom::tui::theme::Theme;
use warroom::tui::view;

fn frame_cost(incidents: usize, notes: usize) -> f64 {
    let mut details = vec![incident(
        1,
        "Checkout API returning 502s",
        "checkout",
        Severity::Sev1,
        600,
        Status::Identified,
        notes,
    )];
    // The others are small: copy a five-event version, never the big
    // timeline (copying it 5,000 times took 10 GB).
    let mut small = details[0].clone();
    small.timeline.truncate(5);
    for i in 1..incidents {
        let mut d = small.clone();
        d.incident.id = warroom::model::IncidentId(i as u64 + 1);
        d.incident.severity = Severity::ALL[i % 5];
        details.push(d);
    }
    let app = app_with(details, 160, 48);
    let theme = Theme::load("default", None, false).unwrap();
    let mut t = Terminal::new(TestBackend::new(160, 48)).unwrap();
    for _ in 0..20 {
        t.draw(|f| view::draw(&app, &theme, f)).unwrap();
    }
    let n = 300;
    let start = Instant::now();
    for _ in 0..n {
        t.draw(|f| view::draw(&app, &theme, f)).unwrap();
    }
    start.elapsed().as_secs_f64() * 1000.0 / n as f64
}

fn main() {
    let small = frame_cost(10, 20);
    let large = frame_cost(5_000, 20_000);
    println!("frame at 160x48, 10 incidents / 20 events:        {small:.3} ms");
    println!("frame at 160x48, 5000 incidents / 20000 events:   {large:.3} ms");
    println!("ratio large/small: {:.2} (target < 3)", large / small);
    // `cargo test --all-targets` also runs this, unoptimized, on whatever
    // else the machine is doing: there it only has to run. The targets are
    // checked under `cargo bench`.
    if cfg!(debug_assertions) {
        println!("(debug build: figures shown, targets not checked)");
        return;
    }
    if large / small > 3.0 || large > 2.0 {
        println!("TARGET MISSED");
        std::process::exit(1);
    }
}
