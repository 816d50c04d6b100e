//! A bad link between a client and a server, at the TCP level: every
//! chunk held for a delay each way, every `cut_every`-th chunk cutting its
//! connection (what heavy loss does to a request: a reset or a timeout),
//! and a switch that makes the link a black hole (connections accepted
//! and held, nothing forwarded) until it is turned back. This kernel has
//! no `tc netem` (the test machine's kernel lacks the qdisc), so the
//! delays and losses are made here, in user space, by the test itself.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub struct SlowLink {
    /// `http://127.0.0.1:PORT`: where the client connects.
    pub url: String,
    /// While true, nothing crosses the link.
    pub down: Arc<AtomicBool>,
    /// Connections cut so far (the "losses").
    pub cuts: Arc<AtomicU64>,
}

/// A bad link to `upstream` (`127.0.0.1:PORT`).
pub async fn start(upstream: std::net::SocketAddr, delay: Duration, cut_every: u64) -> SlowLink {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let down = Arc::new(AtomicBool::new(false));
    let cuts = Arc::new(AtomicU64::new(0));
    let chunks = Arc::new(AtomicU64::new(0));
    let (d, c) = (down.clone(), cuts.clone());
    tokio::spawn(async move {
        while let Ok((client, _)) = l.accept().await {
            let (down, cuts, chunks) = (d.clone(), c.clone(), chunks.clone());
            tokio::spawn(async move {
                // A black hole holds the connection and answers nothing.
                while down.load(Ordering::Relaxed) {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                let Ok(server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let (cr, cw) = client.into_split();
                let (sr, sw) = server.into_split();
                let link = Link {
                    delay,
                    cut_every,
                    down,
                    cuts,
                    chunks,
                };
                tokio::select! {
                    _ = link.pump(cr, sw) => {}
                    _ = link.pump(sr, cw) => {}
                }
            });
        }
    });
    SlowLink { url, down, cuts }
}

#[derive(Clone)]
struct Link {
    delay: Duration,
    cut_every: u64,
    down: Arc<AtomicBool>,
    cuts: Arc<AtomicU64>,
    chunks: Arc<AtomicU64>,
}

impl Link {
    /// Forwards one direction, chunk by chunk, until either side ends,
    /// the link cuts it, or the link goes down (then the connection is
    /// held, silent, and dropped when the link comes back).
    async fn pump(
        &self,
        mut from: tokio::net::tcp::OwnedReadHalf,
        mut to: tokio::net::tcp::OwnedWriteHalf,
    ) {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match from.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            tokio::time::sleep(self.delay).await;
            if self.down.load(Ordering::Relaxed) {
                while self.down.load(Ordering::Relaxed) {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                return;
            }
            let k = self.chunks.fetch_add(1, Ordering::Relaxed) + 1;
            if self.cut_every > 0 && k.is_multiple_of(self.cut_every) {
                self.cuts.fetch_add(1, Ordering::Relaxed);
                return;
            }
            if to.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    }
}
