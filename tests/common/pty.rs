//! The real `warroom` binary in a pseudo-terminal, its screen parsed by a
//! VT100 emulator so tests read what a person would see.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// The most raw output a Screen keeps for [`Screen::raw`].
const RAW_KEPT: usize = 8 << 20;

pub struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
}

impl Screen {
    /// Runs the binary with `args`, its XDG folders inside `home`.
    pub fn spawn(args: &[&str], home: &Path, cols: u16, rows: u16) -> Screen {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_warroom"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("XDG_STATE_HOME", home.join("state"));
        cmd.env_remove("WARROOM_TOKEN");
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).expect("spawn warroom");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            rows.try_into().expect("rows > 0"),
            cols.try_into().expect("cols > 0"),
            0,
        )));
        let p = parser.clone();
        let raw = Arc::new(Mutex::new(Vec::new()));
        let r = raw.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
                let mut r = r.lock().unwrap();
                if r.len() + n <= RAW_KEPT {
                    r.extend_from_slice(&buf[..n]);
                }
            }
        });
        Screen {
            parser,
            raw,
            writer,
            child,
            _master: pair.master,
        }
    }

    /// Every byte the program wrote to the terminal (up to 8 MiB).
    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Bytes written to the terminal so far (counted up to 8 MiB).
    pub fn written(&self) -> u64 {
        self.raw.lock().unwrap().len() as u64
    }

    pub fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Whether the terminal is back to normal: main screen, cursor shown.
    pub fn restored(&self) -> bool {
        let p = self.parser.lock().unwrap();
        !p.screen().alternate_screen() && !p.screen().hide_cursor()
    }

    pub fn in_tui(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Let the console handle each burst as a person's typing would.
        std::thread::sleep(Duration::from_millis(120));
    }

    /// Waits until the screen satisfies `cond`, or fails showing the screen.
    pub fn wait_for(&self, what: &str, timeout: Duration, cond: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            let t = self.text();
            if cond(&t) {
                return;
            }
            if start.elapsed() > timeout {
                panic!("timed out after {timeout:?} waiting for {what}; the screen was:\n{t}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn wait_text(&self, needle: &str, timeout: Duration) {
        self.wait_for(&format!("`{needle}`"), timeout, |t| t.contains(needle));
    }
}

impl Screen {
    /// Whether the row showing `needle` is drawn highlighted (reverse video
    /// or a background colour where the needle starts): the cursor a key
    /// acts on. `None` when the needle is not on screen.
    pub fn is_highlighted(&self, needle: &str) -> Option<bool> {
        let p = self.parser.lock().unwrap();
        let screen = p.screen();
        let (_, cols) = screen.size();
        for (row, text) in screen.rows(0, cols.get()).enumerate() {
            if let Some(at) = text.find(needle) {
                let col = text[..at].chars().count() as u16;
                let cell = screen.cell(row as u16, col)?;
                return Some(cell.inverse() || cell.bgcolor() != vt100::Color::Default);
            }
        }
        None
    }

    /// Bells rung so far: BEL bytes that are not the end of an OSC
    /// sequence (a window title is set with one).
    pub fn bells(&self) -> usize {
        let raw = self.raw();
        let (mut n, mut in_osc, mut i) = (0, false, 0);
        while i < raw.len() {
            match raw[i] {
                0x1b if raw.get(i + 1) == Some(&b']') => {
                    in_osc = true;
                    i += 1;
                }
                0x1b if in_osc && raw.get(i + 1) == Some(&b'\\') => {
                    in_osc = false;
                    i += 1;
                }
                0x07 if in_osc => in_osc = false,
                0x07 => n += 1,
                _ => {}
            }
            i += 1;
        }
        n
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
