//! How much a frame costs, and that it follows the screen, not the data.
//!
//! `cargo bench --bench render` draws the console at 160x48 with 10
//! incidents (the selected one with 100 timeline events) and with 10,000
//! incidents (the selected one with 100,000 events), and prints the time per
//! frame and the bench's own peak memory. Targets: under 2 ms a frame in a
//! release build, the large case within 3x of the small one (the list and
//! timeline draw only their visible rows), and the whole bench under 500 MB
//! of peak memory, so it runs on a small machine.
//!
//! The console holds every incident's summary but only the details it
//! opened; the bench builds the same state: 10,000 summaries and one
//! detail.

use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::model::{IncidentId, Severity, Status};
use warroom::tui::fixtures::{app_with_list, incident};
use warroom::tui::theme::Theme;
use warroom::tui::view;

const PEAK_MEMORY_TARGET_MB: f64 = 500.0;

fn frame_cost(incidents: usize, events: usize) -> f64 {
    let big = incident(
        1,
        "Checkout API returning 502s",
        "checkout",
        Severity::Sev1,
        600,
        Status::Identified,
        events,
    );
    let list = (0..incidents)
        .map(|i| {
            let mut s = big.incident.clone();
            s.id = IncidentId(i as u64 + 1);
            s.severity = Severity::ALL[i % 5];
            s
        })
        .collect();
    let app = app_with_list(list, vec![big], 160, 48);
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

/// The process's peak resident memory (VmHWM), in MB; None off Linux.
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let small = frame_cost(10, 100);
    // Under `cargo test` (a debug build) the large case is smaller: there
    // the bench only proves it runs.
    let (incidents, events) = if cfg!(debug_assertions) {
        (1_000, 5_000)
    } else {
        (10_000, 100_000)
    };
    let large = frame_cost(incidents, events);
    let peak = peak_memory_mb();
    println!("frame at 160x48, 10 incidents / 100 events:          {small:.3} ms");
    println!("frame at 160x48, {incidents} incidents / {events} events:  {large:.3} ms");
    println!("ratio large/small: {:.2} (target < 3)", large / small);
    match peak {
        Some(mb) => {
            println!("peak memory of this bench: {mb:.0} MB (target < {PEAK_MEMORY_TARGET_MB} MB)")
        }
        None => println!("peak memory of this bench: not measured on this system"),
    }
    // `cargo test --all-targets` also runs this, unoptimized, on whatever
    // else the machine is doing: there it only has to run. The targets are
    // checked under `cargo bench`.
    if cfg!(debug_assertions) {
        println!("(debug build: figures shown, targets not checked)");
        return;
    }
    let memory_missed = peak.is_some_and(|mb| mb > PEAK_MEMORY_TARGET_MB);
    if large / small > 3.0 || large > 2.0 || memory_missed {
        println!("TARGET MISSED");
        std::process::exit(1);
    }
}
