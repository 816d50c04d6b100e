//! The console's bytes on the wire (`cargo bench --bench terminal_bytes`):
//! what it writes to its terminal — what SSH carries — per minute idle and
//! in a busy incident (a note every 5 s on the incident on screen, a second
//! one every 10 s),
//! and per key press, at 80x24 and 160x48, on a normal link and with
//! `--low-bandwidth`. Targets: idle with `--low-bandwidth` at most a tenth
//! of the normal idle, and the busy low-bandwidth stream at most half the
//! normal one.
//!
//! Under `cargo test` (no `--bench`) it runs briefly, to prove it works.

use std::time::Duration;

use serde_json::json;
mod support;
// The tests' pseudo-terminal: the real binary, its output counted.
#[path = "../tests/common/pty.rs"]
mod pty;

use pty::Screen;
use support::{seed_incidents, start};
use warroom::server::Store;

struct Figures {
    idle: f64,
    busy: f64,
    per_key: f64,
}

async fn measure(full: bool, cols: u16, rows: u16, low: bool) -> Figures {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    {
        let s = Store::open(&db).unwrap();
        seed_incidents(&s, 10);
    }
    let (srv, tok) = start(&db).await;
    let tok_file = dir.path().join("token");
    std::fs::write(&tok_file, &tok).unwrap();
    std::fs::set_permissions(
        &tok_file,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let base = srv.base_url();
    let mut args = vec!["--api", &base, "--token-file", tok_file.to_str().unwrap()];
    if low {
        args.push("--low-bandwidth");
    }
    let mut c = Screen::spawn(&args, dir.path(), cols, rows);
    tokio::task::block_in_place(|| c.wait_text("● live", Duration::from_secs(30)));
    tokio::time::sleep(Duration::from_secs(2)).await;
    let window = Duration::from_secs(if full { 30 } else { 3 });
    let per_min = |b: u64| b as f64 * 60.0 / window.as_secs_f64();

    let b0 = c.written();
    tokio::time::sleep(window).await;
    let idle = per_min(c.written() - b0);

    // Busy: a note every 5 s on the incident on screen, and a second one
    // every 10 s.
    let http = warroom::tls::client();
    let busy_task = {
        let (http, base, tok) = (http.clone(), base.clone(), tok.clone());
        tokio::spawn(async move {
            for i in 0.. {
                let _ = http
                    .post(format!("{base}/api/v1/incidents/INC-1/notes"))
                    .bearer_auth(&tok)
                    .json(&json!({"text": format!("pool at {}%", 40 + i % 50)}))
                    .send()
                    .await;
                if i % 2 == 0 {
                    let _ = http
                        .post(format!("{base}/api/v1/incidents/INC-1/notes"))
                        .bearer_auth(&tok)
                        .json(&json!({"text": format!("alert CheckoutErrors {}", if i % 4 == 0 { "firing" } else { "resolved" })}))
                        .send()
                        .await;
                }
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        })
    };
    let b0 = c.written();
    tokio::time::sleep(window).await;
    let busy = per_min(c.written() - b0);
    busy_task.abort();

    // Per key press: j moves the cursor down the list (a new incident's
    // detail on screen), k back.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let presses = 20;
    let b0 = c.written();
    for i in 0..presses {
        c.send(if i % 2 == 0 { "j" } else { "k" });
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let per_key = (c.written() - b0) as f64 / presses as f64;
    let _ = c.child.kill();
    srv.stop().await;
    Figures {
        idle,
        busy,
        per_key,
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut missed = Vec::new();
    for (cols, rows) in [(80u16, 24u16), (160, 48)] {
        let normal = rt.block_on(measure(full, cols, rows, false));
        let low = rt.block_on(measure(full, cols, rows, true));
        for (name, f) in [("normal", &normal), ("--low-bandwidth", &low)] {
            println!(
                "{cols}x{rows} {name}: idle {:.1} KB/min, busy {:.1} KB/min, {:.0} bytes per key press",
                f.idle / 1000.0,
                f.busy / 1000.0,
                f.per_key
            );
        }
        if low.idle > normal.idle / 10.0 {
            missed.push(format!("{cols}x{rows} idle low-bandwidth"));
        }
        if low.busy > normal.busy / 2.0 {
            missed.push(format!("{cols}x{rows} busy low-bandwidth"));
        }
    }
    if !full || cfg!(debug_assertions) {
        println!("(smoke run: figures shown, targets not checked)");
        return;
    }
    if !missed.is_empty() {
        println!("TARGET MISSED: {}", missed.join(", "));
        std::process::exit(1);
    }
}
