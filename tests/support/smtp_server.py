"""A real SMTP server (aiosmtpd) for warroom's e-mail tests: STARTTLS
required before anything else, AUTH LOGIN/PLAIN required (only after
STARTTLS), and each message received written to OUT_DIR as NNNN.eml (its
recipients in NNNN.rcpt). Prints "ready" when it listens; stops when its
standard input closes.

usage: smtp_server.py PORT CERT KEY USER PASSWORD OUT_DIR
"""

import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, out):
        self.out = out
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = os.path.join(self.out, "%04d" % self.n)
        with open(base + ".rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos))
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(base + ".tmp", base + ".eml")
        return "250 Message accepted"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        return AuthResult(success=ok, handled=False)

    return check


def main():
    port, cert, key, user, password, out = sys.argv[1:7]
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    controller = Controller(
        Handler(out),
        hostname="127.0.0.1",
        port=int(port),
        server_hostname="localhost",
        tls_context=ctx,
        require_starttls=True,
        authenticator=authenticator(user, password),
        auth_require_tls=True,
        auth_required=True,
        ready_timeout=10,
    )
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
