//! PostgreSQL for the tests. `scripts/test.sh` starts one private server
//! and names it in `WARROOM_TEST_PG`; each test takes a fresh database on
//! it. Tests that stop or restart PostgreSQL start a cluster of their own
//! ([`Cluster`]), so they disturb nobody. Without PostgreSQL these tests
//! fail and say how to get it: they never pass by doing nothing.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The engine the shared server tests run on: `WARROOM_TEST_ENGINE=postgres`
/// runs them on PostgreSQL (scripts/test.sh does, after the SQLite run).
pub fn engine_is_postgres() -> bool {
    std::env::var("WARROOM_TEST_ENGINE").is_ok_and(|e| e == "postgres")
}

/// The shared server, as a superuser URL without a database name.
pub fn server_url() -> String {
    std::env::var("WARROOM_TEST_PG").unwrap_or_else(|_| {
        panic!(
            "WARROOM_TEST_PG is not set, so the PostgreSQL tests have no server. Run the tests \
             with scripts/test.sh, which installs PostgreSQL (Debian's postgresql) when missing \
             and starts a private one, or set WARROOM_TEST_PG=postgres://postgres@127.0.0.1:PORT"
        )
    })
}

/// Runs blocking PostgreSQL work on a thread of its own: the driver must
/// not run on an async test's runtime thread.
fn off_runtime<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(f).join().unwrap()
}

/// A new, empty database on `server` (a URL without a database name).
pub fn fresh_db_on(server: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "wr_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        rand_suffix()
    );
    let admin = format!("{server}/postgres");
    let create = name.clone();
    off_runtime(move || {
        let mut c = postgres::Client::connect(&admin, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot reach the test PostgreSQL at {admin}: {e}"));
        c.batch_execute(&format!("CREATE DATABASE {create}"))
            .unwrap();
    });
    format!("{server}/{name}")
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
}

/// A new, empty database on the shared test server.
pub fn fresh_db() -> String {
    fresh_db_on(&server_url())
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/pg.sh")
}

/// A PostgreSQL cluster of one test's own, stopped when dropped.
pub struct Cluster {
    pub dir: tempfile::TempDir,
    pub port: u16,
}

impl Cluster {
    pub fn start() -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let port = super::procs::free_port();
        let c = Cluster { dir, port };
        c.run("start");
        c
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, what: &str) {
        let mut cmd = Command::new(script());
        cmd.arg(what).arg(self.data());
        if what == "start" {
            cmd.arg(self.port.to_string());
        }
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run scripts/pg.sh: {e}"));
        assert!(
            out.status.success(),
            "scripts/pg.sh {what} failed (is PostgreSQL installed? scripts/test.sh installs \
             Debian's postgresql): {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The server, as a URL without a database name.
    pub fn server_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}", self.port)
    }

    pub fn fresh_db(&self) -> String {
        fresh_db_on(&self.server_url())
    }

    /// Turns TLS on with this certificate and key, and refuses every
    /// connection without it. Restarts the server.
    pub fn enable_tls(&self, cert_pem: &str, key_pem: &str) {
        use std::io::Write;
        use std::os::unix::fs::PermissionsExt;
        let data = self.data();
        for (name, pem) in [("server.crt", cert_pem), ("server.key", key_pem)] {
            let path = data.join(name);
            std::fs::write(&path, pem).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            // The server runs as `postgres` when the tests run as root.
            if unsafe { libc::geteuid() } == 0 {
                let status = Command::new("chown")
                    .arg("postgres:")
                    .arg(&path)
                    .status()
                    .unwrap();
                assert!(status.success());
            }
        }
        let mut conf = std::fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .unwrap();
        writeln!(
            conf,
            "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'"
        )
        .unwrap();
        let hba = data.join("pg_hba.conf");
        let rules = std::fs::read_to_string(&hba).unwrap();
        std::fs::write(&hba, format!("hostnossl all all all reject\n{rules}")).unwrap();
        self.stop();
        self.start_again();
    }

    pub fn stop(&self) {
        self.run("stop");
    }

    /// An immediate shutdown, as a crash: the next start recovers.
    pub fn crash(&self) {
        self.run("crash");
    }

    pub fn start_again(&self) {
        self.run("start");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(script()).arg("stop").arg(self.data()).output();
    }
}
