"""A tiny SMTP server on 127.0.0.1 that keeps what it receives, for the mail tests.

Built on ``socketserver`` (no dependency): EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA, RSET,
NOOP and QUIT, without TLS — enough for ``smtplib`` with ``AGORA_SMTP_TLS=none``.
"""

from __future__ import annotations

import base64
import email
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from types import TracebackType


@dataclass
class Received:
    """One message the server accepted, with its envelope."""

    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Mailbox:
    """What the server received, and the only sign-in it accepts (if any)."""

    user: str = ""
    password: str = ""
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


class _Session(socketserver.StreamRequestHandler):
    """One SMTP conversation."""

    server: _Server

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self) -> None:
        box = self.server.box
        sender, recipients = "", []
        authenticated = not box.user
        self.reply("220 fake.test ESMTP")
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").rstrip("\r\n")
            verb, _sep, rest = command.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self.wfile.write(b"250-fake.test\r\n250-8BITMIME\r\n250 AUTH PLAIN\r\n")
            elif verb == "HELO":
                self.reply("250 fake.test")
            elif verb == "AUTH":
                mechanism, _sep, initial = rest.partition(" ")
                if mechanism.upper() != "PLAIN":
                    self.reply("504 only PLAIN")
                    continue
                if not initial:
                    self.reply("334 ")
                    initial = self.rfile.readline().decode().strip()
                _zid, user, password = base64.b64decode(initial).decode().split("\0")
                box.logins.append((user, password))
                authenticated = (user, password) == (box.user, box.password)
                self.reply("235 welcome" if authenticated else "535 wrong credentials")
            elif verb == "MAIL":
                if not authenticated:
                    self.reply("530 sign in first")
                    continue
                sender = rest.partition(":")[2].split()[0].strip("<>")
                self.reply("250 ok")
            elif verb == "RCPT":
                recipients.append(rest.partition(":")[2].split()[0].strip("<>"))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                lines = []
                while (data := self.rfile.readline()) not in {b".\r\n", b""}:
                    lines.append(data[1:] if data.startswith(b"..") else data)
                parsed = email.message_from_bytes(b"".join(lines), policy=default)
                assert isinstance(parsed, EmailMessage)
                box.received.append(Received(sender, recipients, parsed))
                sender, recipients = "", []
                self.reply("250 queued")
            elif verb in {"RSET", "NOOP"}:
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, box: Mailbox) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.box = box


class FakeSMTP:
    """Run the fake server in a thread: ``with FakeSMTP() as smtp: … smtp.port …``."""

    def __init__(self, user: str = "", password: str = "") -> None:
        self.box = Mailbox(user, password)
        self._server = _Server(self.box)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def received(self) -> list[Received]:
        """Return the messages received so far."""
        return self.box.received

    def __enter__(self) -> FakeSMTP:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
