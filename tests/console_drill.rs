//! A drill as a team runs it: `warroom drill bad-deploy` in a real
//! terminal, keys typed as an IC would (acknowledge, page the owner, give
//! the rollback as a task, post the updates, run the rollback, walk the
//! incident to closed), then the debrief printed when the console closes,
//! with its figures checked. A second run that skips the first update is
//! scored late.

mod common;

use std::time::Duration;

use common::pty::Screen;

const T: Duration = Duration::from_secs(30);

/// The text printed after the console closed: the debrief.
fn debrief(s: &Screen) -> String {
    let raw = String::from_utf8_lossy(&s.raw()).into_owned();
    let at = raw
        .rfind("# Drill debrief")
        .expect("the debrief printed after the console");
    raw[at..].replace("\r\n", "\n")
}

fn wait_debrief(s: &Screen) -> String {
    let start = std::time::Instant::now();
    loop {
        let raw = String::from_utf8_lossy(&s.raw()).into_owned();
        if raw.contains("## The recommended response") {
            return debrief(s);
        }
        assert!(start.elapsed() < T, "waited for the debrief: {raw:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The figure line of `name` in the debrief.
fn figure<'a>(d: &'a str, name: &str) -> &'a str {
    d.lines()
        .find(|l| l.starts_with(&format!("- **{name}**")))
        .unwrap_or_else(|| panic!("{name} in:\n{d}"))
}

/// A stakeholder update: the template's text cleared, ours typed.
fn update(s: &mut Screen, text: &str) {
    s.send("u");
    s.wait_text("Stakeholder update on INC-1", T);
    s.send(&"\x7f".repeat(400));
    s.send(text);
    s.send("\x13");
    s.wait_for("the update sent", T, |t| {
        !t.contains("Stakeholder update on")
    });
}

/// `n` until the incident is `to`, forcing past open items with a reason.
fn advance_to(s: &mut Screen, to: &str) {
    s.send("n");
    s.wait_for("the advance dialog", T, |t| {
        t.contains("open item(s)") || t.contains("Advance INC-1")
    });
    if s.text().contains("open item(s)") {
        s.send("f");
        s.wait_text("why?", T);
        s.send("practising; items handled out of band");
        s.send("\x13");
    } else {
        s.send("\r");
    }
    s.wait_for(to, T, |t| {
        t.lines().any(|l| l.contains("INC-1") && l.contains(to))
    });
}

fn start(home: &std::path::Path) -> Screen {
    let s = Screen::spawn(&["drill", "bad-deploy", "--speed", "20"], home, 120, 40);
    s.wait_for("the drill incident", T, |t| {
        t.contains("DRILL") && t.contains("INC-1") && t.contains("● live")
    });
    s
}

#[test]
fn an_ic_runs_a_built_in_drill_from_the_keyboard_and_is_scored() {
    let home = tempfile::tempdir().unwrap();
    let mut s = start(home.path());
    s.wait_text("[DRILL] Checkout 5xx ratio above 5%", T);

    // Acknowledge.
    s.send("a");
    s.wait_for("acknowledged", T, |t| t.contains("acknowledged"));

    // Page the checkout owner; he answers (40 s at 20x: 2 s).
    s.send("r");
    s.wait_text("Page or assign", T);
    s.send("marco\r");
    s.wait_for("marco joined", T, |t| {
        t.contains("marco") && t.contains("joined")
    });

    // The first update, then the rollback given as a time-boxed task.
    update(
        &mut s,
        "Checkout payments failing for about 12% of customers.",
    );
    s.send("T");
    s.wait_text("Give a task on INC-1", T);
    s.send("Roll back checkout to 2024.11.4");
    s.send("\t");
    s.send("marco");
    s.send("\t");
    s.send("\x7f\x7f\x7f10m\r");
    s.wait_for("the task in the state pane", T, |t| {
        t.contains("1 tasks") || t.contains("1 task")
    });

    // Into containment, where the rollback is; run it.
    advance_to(&mut s, "investigating");
    advance_to(&mut s, "identified");
    s.wait_text("Roll back checkout to the previous release", T);
    s.send("\t\t\t");
    s.send("G");
    s.send("x");
    s.wait_text("nothing runs", T);
    s.send("y");
    s.wait_text("✓ succeeded", T);
    s.send("\x1b");
    s.wait_for("the rollback's fact and the alerts resolving", T, |t| {
        t.contains("Drill: The rollback") || t.contains("alert resolved")
    });

    // The scoping update, then contained through closed.
    update(
        &mut s,
        "Scope: card payments in all regions since 14:02; rolled back.",
    );
    for to in ["contained", "resolved", "verified", "closed"] {
        advance_to(&mut s, to);
    }
    s.send("q");
    let d = wait_debrief(&s);
    assert!(s.child.wait().unwrap().success(), "clean exit");

    assert!(d.contains("# Drill debrief: bad-deploy (INC-1)"), "{d}");
    assert!(figure(&d, "Time to acknowledge").ends_with("✓ met"), "{d}");
    assert!(
        figure(&d, "First stakeholder update").ends_with("✓ met"),
        "{d}"
    );
    assert!(figure(&d, "Scoping update").ends_with("✓ met"), "{d}");
    assert!(
        figure(&d, "Tasks with time boxes")
            .contains("1 given, 1 time-boxed, 0 went overdue — ✓ met"),
        "{d}"
    );
    assert!(
        figure(&d, "Verified before close").contains("verified — ✓ met"),
        "{d}"
    );
    // Forced past the open items: counted against the team.
    assert!(
        figure(&d, "Forced transitions").ends_with("✗ MISSED"),
        "{d}"
    );
    assert!(
        d.contains("The rollback to 2024.11.4 ends the errors. (after"),
        "the fact reached: {d}"
    );
    assert!(
        d.contains("The checkout owner is in the room. (after"),
        "{d}"
    );
    assert!(d.contains("closed after"), "{d}");
}

#[test]
fn a_drill_that_skips_the_first_update_is_scored_late() {
    let home = tempfile::tempdir().unwrap();
    let mut s = start(home.path());
    s.send("a");
    s.wait_for("acknowledged", T, |t| t.contains("acknowledged"));
    for to in [
        "investigating",
        "identified",
        "contained",
        "resolved",
        "verified",
        "closed",
    ] {
        advance_to(&mut s, to);
    }
    s.send("q");
    let d = wait_debrief(&s);
    assert!(s.child.wait().unwrap().success(), "clean exit");
    assert!(
        figure(&d, "First stakeholder update").contains("not done — ✗ LATE"),
        "{d}"
    );
    assert!(figure(&d, "Time to acknowledge").ends_with("✓ met"), "{d}");
    assert!(
        d.contains("The rollback to 2024.11.4 ends the errors. (not reached)"),
        "{d}"
    );
}
