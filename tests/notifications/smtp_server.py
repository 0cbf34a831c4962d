"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, recording what it receives.

It can be told to refuse the next messages (451 or 550), to stall on one message until the
test lets it go, stopped, and started again on the same port, which is what delivery, retry
and crash tests need.
"""

import asyncio
import errno
import threading
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.ports import free_port

_REPLIES = {
    451: "451 4.3.0 Temporary local problem, please try again later",
    550: "550 5.1.1 Mailbox unavailable",
}


@dataclass(frozen=True)
class ReceivedMessage:
    """One message as the server accepted it."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    authenticated: bool

    def parsed(self) -> EmailMessage:
        """The message parsed from the exact bytes the server received."""
        return BytesParser(policy=default).parsebytes(self.data)


class Stall:
    """One message the server holds before answering, until the test releases it."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.arrived = threading.Event()
        self.released = threading.Event()

    def release(self) -> None:
        """Let the server answer the held message."""
        self.released.set()


class RecordingHandler:
    """aiosmtpd handler that records accepted messages and can refuse the next ones."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._refusals: deque[str] = deque()
        self._sessions: list[Session] = []
        self._stall: Stall | None = None
        self._data_count = 0
        self.received: list[ReceivedMessage] = []
        self.refused = 0

    def stall_at(self, number: int) -> Stall:
        """Hold the `number`-th message (counting every DATA so far) until released.

        A released message is refused, not kept: its sender is meant to be gone by then, and a
        server takes a message only by answering 250.
        """
        with self._lock:
            self._stall = Stall(number)
            return self._stall

    def refuse_next(self, reply: str, count: int) -> None:
        """Answer the DATA of the next `count` messages with `reply` instead of 250."""
        with self._lock:
            self._refusals.extend([reply] * count)

    @property
    def connections(self) -> int:
        """How many distinct SMTP sessions delivered (or tried to deliver) a message."""
        with self._lock:
            return len(self._sessions)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self._lock:
            self._data_count += 1
            stall = self._stall if self._stall and self._stall.number == self._data_count else None
        if stall is not None:
            stall.arrived.set()
            # Bounded, so a test that fails before releasing cannot hang the server.
            await asyncio.get_running_loop().run_in_executor(None, stall.released.wait, 30)
            with self._lock:
                self.refused += 1
            return _REPLIES[451]
        with self._lock:
            if not any(known is session for known in self._sessions):
                self._sessions.append(session)
            if self._refusals:
                self.refused += 1
                return self._refusals.popleft()
            self.received.append(
                ReceivedMessage(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.content,
                    bool(session.authenticated),
                )
            )
        return "250 2.0.0 Message accepted"


class SmtpTestServer:
    """An aiosmtpd server on a fixed local port that keeps its records across restarts.

    With `credentials` (login, password) it offers AUTH and checks them; it records whether
    each message came from an authenticated session.
    """

    host = "127.0.0.1"

    def __init__(self, credentials: tuple[str, str] | None = None) -> None:
        self.port = free_port()
        self.handler = RecordingHandler()
        self.credentials = credentials
        self._controller: Controller | None = None
        self._started = False

    def _authenticate(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        mechanism: str,
        auth_data: LoginPassword,
    ) -> AuthResult:
        accepted = (auth_data.login.decode(), auth_data.password.decode()) == self.credentials
        # handled=False lets aiosmtpd answer a refusal with its own 535 reply.
        return AuthResult(success=accepted, handled=False, auth_data=auth_data)

    def _auth_options(self) -> dict[str, object]:
        if self.credentials is None:
            return {}
        # Plain-text AUTH is fine on the loopback interface of a test.
        return {"authenticator": self._authenticate, "auth_require_tls": False}

    @property
    def url(self) -> str:
        """The smtp:// URL a sender uses to reach this server."""
        return f"smtp://{self.host}:{self.port}"

    @property
    def received(self) -> list[ReceivedMessage]:
        """Messages accepted so far, oldest first."""
        return list(self.handler.received)

    @property
    def connections(self) -> int:
        """How many SMTP sessions carried messages."""
        return self.handler.connections

    @property
    def refused(self) -> int:
        """How many messages were answered with a refusal."""
        return self.handler.refused

    def refuse_next(self, code: int, count: int = 1) -> None:
        """Answer the next `count` messages with 451 (try later) or 550 (rejected)."""
        self.handler.refuse_next(_REPLIES[code], count)

    def stall_at(self, number: int) -> Stall:
        """Hold the `number`-th message before answering it (see RecordingHandler.stall_at)."""
        return self.handler.stall_at(number)

    def message_ids(self) -> list[str]:
        """The Message-ID of every accepted message, oldest first."""
        return [message.parsed()["Message-ID"] for message in self.received]

    def start(self) -> None:
        """Listen (again) on the same port.

        The first start takes another free port if the one chosen was taken meanwhile (a port
        free when probed can be handed to another process's outgoing connection before it is
        bound); a restart keeps its port, which senders already know.
        """
        for _ in range(5):
            # A stopped controller has closed its event loop, so each start needs a new one.
            controller = Controller(
                self.handler, hostname=self.host, port=self.port, **self._auth_options()
            )
            try:
                controller.start()
            except OSError as exc:
                controller.loop.close()
                if exc.errno != errno.EADDRINUSE or self._started:
                    raise
                self.port = free_port()
                continue
            self._controller = controller
            self._started = True
            return
        raise RuntimeError("no free port for the test SMTP server")

    def stop(self) -> None:
        """Stop listening and drop open connections."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
