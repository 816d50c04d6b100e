//! The pictures in `screenshots/` are what the console draws today: each
//! is drawn again and compared with the committed file.

#[test]
fn the_committed_screenshots_are_what_the_console_draws_now() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let mut stale = Vec::new();
    for (name, svg) in warroom::tui::screenshots::all() {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(committed) if committed == svg => {}
            Ok(_) => stale.push(format!("{name} differs")),
            Err(e) => stale.push(format!("{name}: {e}")),
        }
    }
    assert!(
        stale.is_empty(),
        "screenshots are stale ({}); run `cargo run --example screenshots` and commit them",
        stale.join(", ")
    );
}
