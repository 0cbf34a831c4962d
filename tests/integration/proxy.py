"""A TCP forwarder that a test can cut, freeze and restore, to make a broker fail for real.

Cut (``down``), the peer sees its connections closed and new ones refused. Frozen (``freeze``),
it sees what a hung broker or a black-holed network looks like: connections stay open and new
ones are accepted, but nothing is forwarded either way, not even a close, until ``thaw``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import weakref


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to a target while up; refuses connections while down."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        # Bound for the proxy's life and never listening: while down, connections are refused
        # and no other process can take the port (an ephemeral one) before the next ``up``.
        holder = _reusable_socket()
        holder.bind(("127.0.0.1", 0))
        self.port = holder.getsockname()[1]
        weakref.finalize(self, holder.close)
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()
        #: Connections accepted so far, across every up/down: how often a client (re)connected.
        self.accepted = 0
        #: Connections accepted and not yet closed by either side.
        self.open_connections = 0
        #: Bytes forwarded from the target to clients (a heartbeat frame of AMQP is 8).
        self.bytes_to_clients = 0

    def up(self) -> None:
        """Start accepting and forwarding connections."""
        listener = _reusable_socket()
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        """Stop listening and cut every open connection."""
        with self._lock:
            if self._listener is not None:
                # shutdown wakes the thread blocked in accept(); close alone would not, and the
                # kernel would go on accepting connections for it.
                with contextlib.suppress(OSError):
                    self._listener.shutdown(socket.SHUT_RDWR)
                self._listener.close()
                self._listener = None
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()
        # Frozen pipes wake up to find their sockets closed, and end.
        self._flowing.set()

    def freeze(self) -> None:
        """Stop forwarding in both directions without closing anything."""
        self._flowing.clear()

    def thaw(self) -> None:
        """Forward again, starting with whatever was held."""
        self._flowing.set()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            # create_connection's timeout would end a quiet connection after 5 s; the peers,
            # not the proxy, decide when silence means the end.
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
                self.accepted += 1
                self.open_connections += 1
            ended = threading.Event()
            for a, b in ((client, upstream), (upstream, client)):
                args = (a, b, b is client, ended)
                threading.Thread(target=self._pipe, args=args, daemon=True).start()

    def _pipe(
        self, source: socket.socket, sink: socket.socket, to_client: bool, ended: threading.Event
    ) -> None:
        try:
            while True:
                data = source.recv(65536)
                # Held while frozen: data, and an end of stream too, or the peer would learn
                # from a closed socket what it should only learn from silence.
                self._flowing.wait()
                if not data:
                    break
                sink.sendall(data)
                if to_client:
                    with self._lock:
                        self.bytes_to_clients += len(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            with self._lock:
                if not ended.is_set():
                    ended.set()
                    self.open_connections -= 1


def _reusable_socket() -> socket.socket:
    """A TCP socket that may share its port with the proxy's other sockets (SO_REUSEPORT)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    return sock
