//! The console's and wallboard's log: a private file, never the terminal.

use std::io::{self, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Logs go to a file: nothing may print while the TUI owns the terminal.
pub fn log_to_file() -> Result<std::path::PathBuf, String> {
    let dir = crate::paths::state_dir()?;
    crate::private_fs::private_dir(&dir)?;
    let path = dir.join("warroom.log");
    let file = crate::private_fs::open_append(&path).map_err(|e| {
        format!(
            "cannot open the log {}: {}",
            path.display(),
            crate::private_fs::describe(&e)
        )
    })?;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WARROOM_LOG")
                .unwrap_or_else(|_| "warroom=info".into()),
        )
        .with_writer(QuietLog::new(file))
        .with_ansi(false)
        // The screen belongs to the UI: a failing log (disk full) must not
        // print its complaint over it.
        .log_internal_errors(false)
        .try_init();
    Ok(path)
}

/// A log writer that never fails: while the TUI owns the terminal a write
/// error (disk full, file removed) must not reach the screen, so it is
/// counted and swallowed.
pub struct QuietLog<W> {
    inner: Mutex<W>,
    pub failures: AtomicU64,
}

impl<W: Write> QuietLog<W> {
    pub fn new(inner: W) -> Self {
        Self {
            inner: Mutex::new(inner),
            failures: AtomicU64::new(0),
        }
    }

    fn write_quietly(&self, buf: &[u8]) {
        let mut w = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if w.write_all(buf).is_err() {
            self.failures.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl<'a, W: Write + 'a> tracing_subscriber::fmt::MakeWriter<'a> for QuietLog<W> {
    type Writer = QuietLine<'a, W>;
    fn make_writer(&'a self) -> Self::Writer {
        QuietLine(self)
    }
}

pub struct QuietLine<'a, W>(&'a QuietLog<W>);

impl<W: Write> Write for QuietLine<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write_quietly(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::fmt::MakeWriter;

    struct Full;
    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from_raw_os_error(libc::ENOSPC))
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::from_raw_os_error(libc::ENOSPC))
        }
    }

    #[test]
    fn a_full_disk_is_counted_not_reported() {
        let log = QuietLog::new(Full);
        let mut w = log.make_writer();
        assert_eq!(w.write(b"line\n").unwrap(), 5);
        assert!(w.flush().is_ok());
        assert_eq!(log.failures.load(Ordering::Relaxed), 1);
    }
}
