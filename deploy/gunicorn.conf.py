"""gunicorn settings shared by the three web services.

    gunicorn -c deploy/gunicorn.conf.py 'services.registration.app:create_app()'

The same file serves every service: only the app and ``PORT`` differ. Each setting below can be
changed from the environment without editing the file:

    PORT                       port to listen on, on all interfaces (default 8000)
    GUNICORN_WORKERS           processes (default 2 × CPUs + 1, CPUs as the container sees them)
    GUNICORN_THREADS           threads per process (default 4)
    GUNICORN_TIMEOUT           seconds a request may take before its process is replaced (30)
    GUNICORN_GRACEFUL_TIMEOUT  seconds running requests get to finish on SIGTERM (default 25)
    GUNICORN_KEEPALIVE         seconds an idle client connection is kept open (default 5)

Command-line options still win over this file (e.g. ``--bind 127.0.0.1:8001``).
"""

import json
import math
import os
from datetime import UTC, datetime
from pathlib import Path

from gunicorn import glogging

from shared.logs import redact

#: A container's CPU limit (cgroup v2): "QUOTA PERIOD", or "max PERIOD" when unlimited.
CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def cpu_count() -> int:
    """CPUs this process may use: its CPU affinity, capped by a cgroup v2 CPU quota if any."""
    count = len(os.sched_getaffinity(0))
    try:
        quota, period = CGROUP_CPU_MAX.read_text().split()
    except (OSError, ValueError):
        return count
    if quota == "max":
        return count
    return max(1, min(count, math.ceil(int(quota) / int(period))))


def env_int(name: str, default: int) -> int:
    """A whole number from the environment, or ``default`` when unset or empty."""
    raw = os.environ.get(name, "")
    if not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None


bind = f"0.0.0.0:{env_int('PORT', 8000)}"
workers = env_int("GUNICORN_WORKERS", 2 * cpu_count() + 1)
# Threads serve slow clients (door scanners on venue Wi-Fi) without a process each.
worker_class = "gthread"
threads = env_int("GUNICORN_THREADS", 4)
timeout = env_int("GUNICORN_TIMEOUT", 30)
# On SIGTERM gunicorn stops accepting and lets running requests finish for this long; a
# Kubernetes pod's terminationGracePeriodSeconds must cover its preStop pause plus this.
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 25)
# Behind a load balancer, keep this above the balancer's idle timeout.
keepalive = env_int("GUNICORN_KEEPALIVE", 5)
# gunicorn's largest request line (its default is 4094), so that a URL over the services' own
# limit (4096 bytes, shared/request_limits.py) reaches them and gets their JSON 414; only a
# request line longer than this still gets gunicorn's own HTML answer.
limit_request_line = 8190

# Worker heartbeats go to memory, not to a (possibly read-only) disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The gunicornc control socket would need a writable home directory; containers don't use it.
control_socket_disable = True

errorlog = "-"
accesslog = "-"

# One JSON object per request. Every %(...)s is filled with a JSON literal by JsonAccessLogger
# below, so a quote or backslash in a path or header cannot break the line; an absent header
# is null.
access_log_format = (
    '{"time": %(iso_time)s, "log": "access", "remote_addr": %(h)s, "method": %(m)s, '
    '"path": %(U)s, "query": %(q)s, "protocol": %(H)s, "status": %(status)s, '
    '"bytes": %(B)s, "duration_ms": %(duration_ms)s, "referer": %({referer}i)s, '
    '"user_agent": %({user-agent}i)s, "request_id": %({x-request-id}i)s}'
)


class JsonAtoms(dict):
    """Access-log atoms as JSON literals; an atom that is not there (a header) is null.

    Guests' links (a path, a ``capability=`` query, a referer) and tokens are redacted: an
    access log must not hold what opens a guest's registration.
    """

    def __init__(self, atoms):
        super().__init__(
            (
                key,
                json.dumps(
                    redact(value) if isinstance(value, str) else value,
                    ensure_ascii=False,
                    default=str,
                ),
            )
            for key, value in atoms.items()
        )

    def __getitem__(self, key):
        if key.startswith("{"):
            key = key.lower()
        return super().get(key, "null")


class JsonAccessLogger(glogging.Logger):
    """gunicorn's logger, with access-log atoms that make ``access_log_format`` valid JSON."""

    atoms_wrapper_class = JsonAtoms

    def atoms(self, resp, req, environ, request_time):
        """gunicorn's atoms, plus ``iso_time``, ``status`` as a number and ``duration_ms``."""
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["iso_time"] = datetime.now(UTC).isoformat(timespec="milliseconds")
        status = str(atoms["s"])
        atoms["status"] = int(status) if status.isdigit() else status
        atoms["duration_ms"] = round(request_time.total_seconds() * 1000, 3)
        return atoms


logger_class = JsonAccessLogger
