//! Real `warroom serve` processes, for tests that kill and restart them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_warroom");

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct ServerProc {
    pub child: Child,
    pub port: u16,
    pub db: PathBuf,
}

impl ServerProc {
    pub fn start(port: u16, db: &Path) -> ServerProc {
        Self::start_with(port, db, None)
    }

    /// With a server config file (`--config`).
    pub fn start_with(port: u16, db: &Path, config: Option<&Path>) -> ServerProc {
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--db"])
            .arg(db);
        if let Some(c) = config {
            cmd.arg("--config").arg(c);
        }
        let mut child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return ServerProc {
                    child,
                    port,
                    db: db.to_path_buf(),
                };
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server did not start on {port}");
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SIGKILL: no chance to flush or shut down cleanly.
    pub fn kill9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `warroom ARGS…`, which must succeed; returns what it printed.
pub fn warroom_ok(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

pub fn token(db: &Path, role: &str, name: &str) -> String {
    let db = db.to_str().expect("test paths are UTF-8");
    warroom_ok(&[
        "token", "create", "--role", role, "--name", name, "--db", db,
    ])
}

/// A token created in `db`, written to a private file in `dir` (as a
/// `--token-file` wants it). Returns the token and the file.
pub fn token_file(dir: &Path, db: &Path, role: &str, name: &str) -> (String, PathBuf) {
    let tok = token(db, role, name);
    let file = private_token_file(dir, &format!("{name}.token"), &tok);
    (tok, file)
}

/// `tok` in a file only its owner may read (as `--token-file` wants it).
pub fn private_token_file(dir: &Path, name: &str, tok: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let file = dir.join(name);
    std::fs::write(&file, tok).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    file
}

/// `POST /api/v1{path}` with a JSON body, as [`api_get`] reads.
pub fn api_post(port: u16, tok: &str, path: &str, body: serde_json::Value) -> serde_json::Value {
    api(port, tok, reqwest::Method::POST, path, Some(body))
}

/// `GET /api/v1{path}` on the server at `port` as `tok`, from a plain
/// (non-async) test: the answer's JSON, whatever its status.
pub fn api_get(port: u16, tok: &str, path: &str) -> serde_json::Value {
    api(port, tok, reqwest::Method::GET, path, None)
}

fn api(
    port: u16,
    tok: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> serde_json::Value {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut r = warroom::tls::client()
            .request(method, format!("http://127.0.0.1:{port}/api/v1{path}"))
            .bearer_auth(tok);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.unwrap().json().await.unwrap()
    })
}

/// A GET whose answer is a document (Markdown), as text.
pub fn api_get_text(port: u16, tok: &str, path: &str) -> String {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        warroom::tls::client()
            .get(format!("http://127.0.0.1:{port}/api/v1{path}"))
            .bearer_auth(tok)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    })
}
