//! The real console binary in a pseudo-terminal, its output counted and
//! parsed as a terminal would (for the benches that watch the screen).

use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub struct Console {
    pub child: Box<dyn Child + Send + Sync>,
    keys: Box<dyn Write + Send>,
    _master: Box<dyn MasterPty + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Bytes the console wrote to its terminal so far.
    pub bytes: Arc<AtomicU64>,
}

impl Console {
    /// `warroom ARGS` at `cols`×`rows`, with a private home in `dir`.
    pub fn spawn(dir: &std::path::Path, args: &[&str], cols: u16, rows: u16) -> Console {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_warroom"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", dir);
        cmd.env("XDG_STATE_HOME", dir.join("state"));
        cmd.env("XDG_CONFIG_HOME", dir.join("config"));
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let keys = pair.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            rows.try_into().unwrap(),
            cols.try_into().unwrap(),
            0,
        )));
        let bytes = Arc::new(AtomicU64::new(0));
        let (p, b) = (parser.clone(), bytes.clone());
        let mut reader = pair.master.try_clone_reader().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                b.fetch_add(n as u64, Ordering::Relaxed);
                p.lock().unwrap().process(&buf[..n]);
            }
        });
        Console {
            child,
            keys,
            _master: pair.master,
            parser,
            bytes,
        }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn written(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    pub fn send(&mut self, s: &str) {
        self.keys.write_all(s.as_bytes()).unwrap();
        self.keys.flush().unwrap();
    }

    /// Waits (blocking) until `needle` is on the screen.
    pub fn wait_for(&self, needle: &str, limit: Duration) -> bool {
        let t = Instant::now();
        while t.elapsed() < limit {
            if self.screen().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        false
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
