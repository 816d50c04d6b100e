#!/usr/bin/env python3
"""Figures for the hardening notes, measured against a real `warroom serve`:

1. server memory (RSS) after 100,000 requests with random method names;
2. /healthz while 1,000 connections dribble their headers, under
   `ulimit -n 1024` (soft and hard), and after the header deadline.

Usage: scripts/hardening_figures.py [path/to/warroom]   (default: target/release/warroom)
Only loopback is used; every loop is bounded.
"""
import os, random, resource, socket, string, subprocess, sys, tempfile, time, http.client

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/warroom"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def start(tmp, port, limit_fds=None):
    def pre():
        if limit_fds:
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit_fds, limit_fds))
    p = subprocess.Popen(
        [BIN, "serve", "--listen", f"127.0.0.1:{port}", "--db", os.path.join(tmp, "w.db")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=pre)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return p
        except OSError:
            time.sleep(0.05)
    raise SystemExit("server did not start")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])


def healthz(port, timeout=5.0):
    t = time.monotonic()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        c.request("GET", "/healthz")
        status = c.getresponse().status
        c.close()
    except OSError as e:
        status = f"error: {e}"
    return status, (time.monotonic() - t) * 1000


def random_methods(port, n):
    sent = 0
    while sent < n:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        for _ in range(min(1000, n - sent)):
            m = "".join(random.choices(string.ascii_uppercase, k=12))
            try:
                c.request(m, "/x")
                c.getresponse().read()
            except (OSError, http.client.HTTPException):
                c.close()
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            sent += 1
        c.close()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        srv = start(tmp, port)
        try:
            before = rss_kib(srv.pid)
            t = time.monotonic()
            random_methods(port, 100_000)
            print(f"random methods: 100000 requests in {time.monotonic() - t:.1f} s; "
                  f"server RSS {before} KiB before, {rss_kib(srv.pid)} KiB after")
        finally:
            srv.terminate()
            srv.wait()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        srv = start(tmp, port, limit_fds=1024)
        slow = []
        try:
            for _ in range(1000):
                s = socket.create_connection(("127.0.0.1", port))
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                slow.append(s)
            results = [healthz(port) for _ in range(5)]
            print("healthz during 1000 slow connections (ulimit -n 1024):",
                  ", ".join(f"{s} in {ms:.1f} ms" for s, ms in results))
            time.sleep(11)  # past the default 10 s header deadline
            results = [healthz(port) for _ in range(5)]
            print("healthz after the header deadline:",
                  ", ".join(f"{s} in {ms:.1f} ms" for s, ms in results))
        finally:
            for s in slow:
                s.close()
            srv.terminate()
            srv.wait()


if __name__ == "__main__":
    main()
