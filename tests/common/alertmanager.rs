//! A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`)
//! on a loopback port, delivering its webhook where a test says.
//!
//! When the binary is missing the test fails and says how to install it:
//! `scripts/test.sh` (the README's test command) and `.ci/run` install it.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::procs::free_port;

const AM: &str = "prometheus-alertmanager";

pub struct Alertmanager {
    child: Child,
    pub url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_alertmanager(webhook: &str, token: &str) -> Alertmanager {
    start_alertmanager_on(free_port(), webhook, token)
}

pub fn start_alertmanager_on(port: u16, webhook: &str, token: &str) -> Alertmanager {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {AM}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "{AM} is not installed, so the real-Alertmanager test cannot run. Install it with `apt-get install -y prometheus-alertmanager` \
         (scripts/test.sh and .ci/run do this)."
    );
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        r#"route:
  receiver: warroom
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: warroom
    webhook_configs:
      - url: "{webhook}"
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: "{token}"
"#
    );
    let cfg = dir.path().join("alertmanager.yml");
    std::fs::write(&cfg, config).unwrap();
    let mut child = Command::new(AM)
        .arg(format!("--config.file={}", cfg.display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--cluster.listen-address=")
        .arg(format!(
            "--storage.path={}",
            dir.path().join("data").display()
        ))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    loop {
        if ready(&format!("{url}/-/ready")) {
            break;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("Alertmanager did not become ready on {url}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Alertmanager {
        child,
        url,
        _dir: dir,
    }
}

/// Readiness probe, without an async runtime in the way.
pub fn ready(url: &str) -> bool {
    use std::io::{Read, Write};
    let u = url.strip_prefix("http://").unwrap();
    let (host, path) = u.split_once('/').unwrap();
    let Ok(mut s) = std::net::TcpStream::connect(host) else {
        return false;
    };
    let _ = write!(s, "GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n");
    let mut buf = String::new();
    let _ = s.read_to_string(&mut buf);
    buf.starts_with("HTTP/1.0 200") || buf.starts_with("HTTP/1.1 200")
}

/// Posts alerts to Alertmanager's API (from a test without a runtime).
pub fn post_alerts(url: &str, alerts: serde_json::Value) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async {
        warroom::tls::client()
            .post(format!("{url}/api/v2/alerts"))
            .json(&alerts)
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);
}
