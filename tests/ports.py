"""Ports for the servers tests start, chosen outside the kernel's range of ephemeral ports.

A port found free by binding port 0 comes from that range, and between the probe and the
server's own bind an outgoing connection of any process (a ``rabbitmqctl`` call, a database
client) may be given it. Ports below the range are never handed out that way.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def _ephemeral_low() -> int:
    try:
        return int(_RANGE_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


#: Ports tests choose from: above the well-known and common service ports, below the
#: ephemeral range (32768 on Linux by default).
_LOW, _HIGH = 20000, max(20001, min(_ephemeral_low(), 65536) - 1)


def free_port() -> int:
    """A local TCP port nothing listens on now, outside the ephemeral range."""
    for _ in range(200):
        port = random.randint(_LOW, _HIGH)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between {_LOW} and {_HIGH}")
