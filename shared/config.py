"""Configuration from ``CEREMONY_*`` environment variables, one ``Settings`` per service."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

PREFIX = "CEREMONY_"

#: Default port of each service; the embedded run and the public URLs use them.
PORTS = {"registration": 8001, "badges": 8002, "notifications": 8003}


class ConfigurationError(RuntimeError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything a service reads from its environment."""

    service: str
    var_dir: Path
    database_url: str
    broker_url: str
    secret_key: str | None
    smtp_url: str | None
    public_urls: Mapping[str, str]
    max_body_bytes: int = 1024 * 1024
    #: Delay before a failed message is handled again, and how many tries it gets.
    retry_delay_seconds: float = 5.0
    max_attempts: int = 5
    relay_interval_seconds: float = 0.1
    capability_ttl_days: int = 365
    #: Where a service is reached from inside the deployment (defaults to its public URL).
    internal_urls: Mapping[str, str] = field(default_factory=dict)
    #: The From of every email; the Message-ID and calendar UID domain comes from it.
    mail_from: str = "Protocol Office <noreply@localhost>"
    smtp_timeout_seconds: float = 10.0
    #: Messages per second each notifications worker sends at most; 0 means no limit.
    smtp_rate_per_second: float = 50.0
    #: Seconds between tries of a transiently failing email ("5,30,120"); then it failed.
    delivery_retry_schedule: str = "5,30,120,600,1800,3600,7200"
    #: Emails sent in parallel by one worker (each over its own SMTP connection).
    delivery_threads: int = 4
    delivery_poll_seconds: float = 0.2
    #: text, or json (one object per line) for log collectors.
    log_format: str = "text"
    log_level: str = "INFO"
    #: A worker serves its Prometheus metrics on this port; 0: it does not.
    worker_metrics_port: int = 0
    #: The QR decoder the door page's camera mode loads (default: the npm-installed jsQR).
    door_decoder_path: Path | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def public_url(self) -> str:
        """The base URL this service is reached at, for links."""
        return self.public_urls[self.service]

    def internal_url(self, service: str) -> str:
        """The base URL ``service`` is reached at by other services."""
        return self.internal_urls.get(service) or self.public_urls[service]

    def require_secret(self) -> str:
        """The signing secret, or a clear refusal to start without one."""
        if not self.secret_key:
            raise ConfigurationError(
                "CEREMONY_SECRET_KEY is not set: production entry points refuse to start "
                "without it (`ceremony run` generates one under var/ for the embedded suite)"
            )
        return self.secret_key

    def with_overrides(self, **changes) -> Settings:
        """A copy with some settings replaced (tests and the embedded run use it)."""
        return replace(self, **changes)


def load_settings(service: str, environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings of ``service`` from ``environ`` (default: the process environment)."""
    env = os.environ if environ is None else environ
    var_dir = Path(env.get(f"{PREFIX}VAR_DIR", "var")).resolve()
    database_url = env.get(f"{PREFIX}{service.upper()}_DATABASE_URL") or (
        f"sqlite:///{var_dir / (service + '.db')}"
    )
    public_urls = {
        name: env.get(f"{PREFIX}PUBLIC_URL_{name.upper()}", f"http://127.0.0.1:{port}").rstrip("/")
        for name, port in PORTS.items()
    }
    decoder = env.get(f"{PREFIX}DOOR_DECODER_PATH")
    return Settings(
        service=service,
        var_dir=var_dir,
        database_url=database_url,
        broker_url=env.get(f"{PREFIX}BROKER_URL", "filesystem://"),
        secret_key=env.get(f"{PREFIX}SECRET_KEY") or None,
        smtp_url=env.get(f"{PREFIX}SMTP_URL") or None,
        public_urls=public_urls,
        max_body_bytes=_int(env, "MAX_BODY_BYTES", 1024 * 1024),
        retry_delay_seconds=_float(env, "RETRY_DELAY_SECONDS", 5.0),
        max_attempts=_int(env, "MAX_ATTEMPTS", 5),
        relay_interval_seconds=_float(env, "RELAY_INTERVAL_SECONDS", 0.1),
        capability_ttl_days=_int(env, "CAPABILITY_TTL_DAYS", 365),
        internal_urls={
            name: env[f"{PREFIX}INTERNAL_URL_{name.upper()}"].rstrip("/")
            for name in PORTS
            if env.get(f"{PREFIX}INTERNAL_URL_{name.upper()}")
        },
        mail_from=env.get(f"{PREFIX}MAIL_FROM") or Settings.mail_from,
        smtp_timeout_seconds=_float(env, "SMTP_TIMEOUT_SECONDS", 10.0),
        smtp_rate_per_second=_float(env, "SMTP_RATE_PER_SECOND", 50.0),
        delivery_retry_schedule=env.get(
            f"{PREFIX}DELIVERY_RETRY_SCHEDULE", Settings.delivery_retry_schedule
        ),
        delivery_threads=_int(env, "DELIVERY_THREADS", 4),
        delivery_poll_seconds=_float(env, "DELIVERY_POLL_SECONDS", 0.2),
        log_format=env.get(f"{PREFIX}LOG_FORMAT", "text").lower(),
        log_level=env.get(f"{PREFIX}LOG_LEVEL", "INFO").upper(),
        worker_metrics_port=_int(env, "WORKER_METRICS_PORT", 0),
        door_decoder_path=Path(decoder) if decoder else None,
        extra={k[len(PREFIX) :]: v for k, v in env.items() if k.startswith(PREFIX)},
    )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(PREFIX + name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{PREFIX}{name} must be a whole number, got {raw!r}") from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(PREFIX + name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigurationError(f"{PREFIX}{name} must be a number, got {raw!r}") from None


def resolve_settings(service: str, config: Settings | Mapping[str, object] | None) -> Settings:
    """Settings for an app factory: given whole, as overrides of the environment, or from it."""
    if isinstance(config, Settings):
        return config
    settings = load_settings(service)
    return settings.with_overrides(**config) if config else settings
