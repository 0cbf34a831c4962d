"""Configuration from ``CEREMONY_*`` environment variables, one ``Settings`` per service.

The variables are read with environs (marshmallow fields: a number must be a number). Every
range and format is checked by ``Settings`` itself, so a copy made with ``with_overrides`` is
held to the same rules as one read from the environment; a bad value stops the process with a
``ConfigurationError`` naming its variable.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from environs import Env, EnvValidationError
from marshmallow import ValidationError
from marshmallow.validate import URL, OneOf, Range

from .secret_keys import SecretKeys, WeakSecret, check_secret

PREFIX = "CEREMONY_"

#: Default port of each service; the embedded run and the public URLs use them.
PORTS = {"registration": 8001, "badges": 8002, "notifications": 8003}

LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigurationError(RuntimeError):
    """A setting is missing or malformed; the message names the variable."""


def retry_delays(schedule: str | None) -> list[float]:
    """Parse a backoff schedule such as "5,30,120,600" into delays in seconds."""
    delays = []
    for item in (schedule or "").split(","):
        if not item.strip():
            continue
        try:
            delay = float(item)
        except ValueError:
            raise ValueError(f"retry delay {item.strip()!r} is not a number of seconds") from None
        if not math.isfinite(delay) or delay < 0:
            raise ValueError(f"retry delay {item.strip()!r} must be zero or more seconds")
        delays.append(delay)
    return delays


def _rate(value: str) -> None:
    """A rate limit such as "30/minute" or "5 per second; 100/hour"."""
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        raise ValueError("not a rate such as 30/minute or 100 per hour") from None


def _storage_url(value: str) -> None:
    if value.split("://", 1)[0] not in ("memory", "redis", "rediss", "redis+sentinel"):
        raise ValueError("memory:// or redis://host:port")


_AT_LEAST_ONE = Range(min=1)
_ZERO_OR_MORE = Range(min=0)
_MORE_THAN_ZERO = Range(min=0, min_inclusive=False)
_BASE_URL = URL(relative=False, require_tld=False, schemes={"http", "https"})

#: The settings that have a range or a format, and their check; each is read from the variable
#: ``CEREMONY_`` + its name in capitals.
_CHECKS: dict[str, Callable[[Any], object]] = {
    "max_body_bytes": _AT_LEAST_ONE,
    "retry_delay_seconds": _ZERO_OR_MORE,
    "max_attempts": _AT_LEAST_ONE,
    "relay_interval_seconds": _MORE_THAN_ZERO,
    "capability_ttl_days": _AT_LEAST_ONE,
    "smtp_timeout_seconds": _MORE_THAN_ZERO,
    "smtp_rate_per_second": _ZERO_OR_MORE,
    "delivery_retry_schedule": retry_delays,
    "delivery_threads": _AT_LEAST_ONE,
    "delivery_poll_seconds": _MORE_THAN_ZERO,
    "log_format": OneOf(LOG_FORMATS),
    "log_level": OneOf(LOG_LEVELS),
    "worker_metrics_port": Range(min=0, max=65535),
    "retention_days": Range(min=0, max=3650),
    "outbox_retention_hours": _ZERO_OR_MORE,
    "rate_limit_storage_url": _storage_url,
    "rate_limit_per_address": _rate,
    "rate_limit_per_ceremony": _rate,
    "trusted_proxies": Range(min=0, max=10),
    "lockout_attempts": Range(min=1, max=100),
    "lockout_minutes": _MORE_THAN_ZERO,
}


@dataclass(frozen=True)
class Settings:
    """Everything a service reads from its environment, checked when it is made."""

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
    #: The htmx the console's pages load (default: the npm-installed one).
    htmx_path: Path | None = None
    #: Days after a ceremony ends when its personal data is erased (a ceremony may set its own).
    retention_days: int = 90
    #: Hours a published event stays in the outbox before it is deleted.
    outbox_retention_hours: float = 24.0
    #: Where rate-limit counters are kept: memory:// (one process), redis://host:6379 (shared).
    rate_limit_storage_url: str = "memory://"
    #: Public and sign-in requests allowed per client address, and per ceremony (all clients).
    rate_limit_per_address: str = "30/minute"
    rate_limit_per_ceremony: str = "600/minute"
    #: Proxies in front of the services whose X-Forwarded-For is believed (0: none).
    trusted_proxies: int = 0
    #: Secrets replaced by CEREMONY_SECRET_KEY: what they signed or sealed still opens.
    previous_secret_keys: tuple[str, ...] = ()
    #: Whether the session cookie is sent over HTTPS only (default: when the registration
    #: service's public URL is https).
    cookie_secure: bool | None = None
    #: Whether accounts may sign in with a password; off where sign-in is by SSO only.
    local_passwords: bool = True
    #: OpenID Connect single sign-on: the issuer's URL and this suite's client credentials.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    #: The name of the sign-on button ("Sign in with …").
    oidc_name: str = "single sign-on"
    #: Failed sign-ins of one account before it is locked, and for how long.
    lockout_attempts: int = 5
    lockout_minutes: float = 15.0

    def __post_init__(self) -> None:
        problems = [f"{name}={value!r}: {message}" for name, value, message in self._problems()]
        if problems:
            raise ConfigurationError("; ".join(problems))

    def _problems(self) -> Iterator[tuple[str, object, str]]:
        for name, check in _CHECKS.items():
            value = getattr(self, name)
            try:
                check(value)
            except ValidationError as exc:
                yield f"{PREFIX}{name.upper()}", value, " ".join(exc.messages)
            except ValueError as exc:
                yield f"{PREFIX}{name.upper()}", value, str(exc)
        for kind, urls in (("PUBLIC_URL", self.public_urls), ("INTERNAL_URL", self.internal_urls)):
            for service, url in urls.items():
                try:
                    _BASE_URL(url)
                except ValidationError:
                    yield f"{PREFIX}{kind}_{service.upper()}", url, "not an http(s) URL"

    @property
    def public_url(self) -> str:
        """The base URL this service is reached at, for links."""
        return self.public_urls[self.service]

    @property
    def delivery_retry_delays(self) -> list[float]:
        """Seconds before each new try of a transiently failing email, parsed from the schedule."""
        return retry_delays(self.delivery_retry_schedule)

    def internal_url(self, service: str) -> str:
        """The base URL ``service`` is reached at by other services."""
        return self.internal_urls.get(service) or self.public_urls[service]

    @property
    def secure_cookies(self) -> bool:
        """Whether the session cookie carries ``Secure``."""
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.public_urls.get("registration", "").startswith("https://")

    @property
    def oidc_enabled(self) -> bool:
        """Whether single sign-on is configured."""
        return bool(self.oidc_issuer and self.oidc_client_id)

    def require_secret(self) -> str:
        """The signing secret, or a clear refusal to start without one."""
        if not self.secret_key:
            raise ConfigurationError(
                "CEREMONY_SECRET_KEY is not set: production entry points refuse to start "
                "without it (`ceremony run` generates one under var/ for the embedded suite)"
            )
        try:
            check_secret(self.secret_key)
        except WeakSecret as exc:
            raise ConfigurationError(f"CEREMONY_SECRET_KEY {exc}") from None
        return self.secret_key

    def secret_keys(self) -> SecretKeys:
        """The current secret and the previous ones still accepted, each checked."""
        current = self.require_secret()
        for index, secret in enumerate(self.previous_secret_keys):
            try:
                check_secret(secret)
            except WeakSecret as exc:
                raise ConfigurationError(
                    f"CEREMONY_PREVIOUS_SECRET_KEYS (item {index + 1}) {exc}"
                ) from None
        return SecretKeys(current, tuple(self.previous_secret_keys))

    def with_overrides(self, **changes) -> Settings:
        """A copy with some settings replaced and checked (tests and the embedded run use it)."""
        return replace(self, **changes)


class _Variables(Env):
    """environs' reader of ``CEREMONY_*`` variables, over a given mapping.

    environs reads ``os.environ``; settings are read from the mapping a caller passes (tests,
    ``ceremony run`` preparing its children), so the lookup is the one thing replaced. An empty
    variable counts as unset, as compose files write one for "use the default".
    """

    def __init__(self, environ: Mapping[str, str]) -> None:
        super().__init__(eager=False, prefix=PREFIX)
        self._source = environ

    def _get_value(self, env_key: str, default: Any) -> Any:
        return self._source.get(env_key) or default


def load_settings(service: str, environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings of ``service`` from ``environ`` (default: the process environment)."""
    source = os.environ if environ is None else environ
    env = _Variables(source)
    var_dir = env.path("VAR_DIR", Path("var"))
    database_url = env.str(f"{service.upper()}_DATABASE_URL", None)
    public_urls = {
        name: env.str(f"PUBLIC_URL_{name.upper()}", f"http://127.0.0.1:{port}")
        for name, port in PORTS.items()
    }
    internal_urls = {name: env.str(f"INTERNAL_URL_{name.upper()}", None) for name in PORTS}
    values = {
        "broker_url": env.str("BROKER_URL", "filesystem://"),
        "secret_key": env.str("SECRET_KEY", None),
        "smtp_url": env.str("SMTP_URL", None),
        "max_body_bytes": env.int("MAX_BODY_BYTES", Settings.max_body_bytes),
        "retry_delay_seconds": env.float("RETRY_DELAY_SECONDS", Settings.retry_delay_seconds),
        "max_attempts": env.int("MAX_ATTEMPTS", Settings.max_attempts),
        "relay_interval_seconds": env.float(
            "RELAY_INTERVAL_SECONDS", Settings.relay_interval_seconds
        ),
        "capability_ttl_days": env.int("CAPABILITY_TTL_DAYS", Settings.capability_ttl_days),
        "mail_from": env.str("MAIL_FROM", Settings.mail_from),
        "smtp_timeout_seconds": env.float("SMTP_TIMEOUT_SECONDS", Settings.smtp_timeout_seconds),
        "smtp_rate_per_second": env.float("SMTP_RATE_PER_SECOND", Settings.smtp_rate_per_second),
        "delivery_retry_schedule": env.str(
            "DELIVERY_RETRY_SCHEDULE", Settings.delivery_retry_schedule
        ),
        "delivery_threads": env.int("DELIVERY_THREADS", Settings.delivery_threads),
        "delivery_poll_seconds": env.float("DELIVERY_POLL_SECONDS", Settings.delivery_poll_seconds),
        "log_format": env.str("LOG_FORMAT", Settings.log_format).lower(),
        "log_level": env.str("LOG_LEVEL", Settings.log_level).upper(),
        "worker_metrics_port": env.int("WORKER_METRICS_PORT", Settings.worker_metrics_port),
        "door_decoder_path": env.path("DOOR_DECODER_PATH", Settings.door_decoder_path),
        "htmx_path": env.path("HTMX_PATH", Settings.htmx_path),
        "retention_days": env.int("RETENTION_DAYS", Settings.retention_days),
        "outbox_retention_hours": env.float(
            "OUTBOX_RETENTION_HOURS", Settings.outbox_retention_hours
        ),
        "rate_limit_storage_url": env.str(
            "RATE_LIMIT_STORAGE_URL", Settings.rate_limit_storage_url
        ),
        "rate_limit_per_address": env.str(
            "RATE_LIMIT_PER_ADDRESS", Settings.rate_limit_per_address
        ),
        "rate_limit_per_ceremony": env.str(
            "RATE_LIMIT_PER_CEREMONY", Settings.rate_limit_per_ceremony
        ),
        "trusted_proxies": env.int("TRUSTED_PROXIES", Settings.trusted_proxies),
        "cookie_secure": env.bool("COOKIE_SECURE", None),
        "local_passwords": env.bool("LOCAL_PASSWORDS", Settings.local_passwords),
        "oidc_issuer": env.str("OIDC_ISSUER", None),
        "oidc_client_id": env.str("OIDC_CLIENT_ID", None),
        "oidc_client_secret": env.str("OIDC_CLIENT_SECRET", None),
        "oidc_name": env.str("OIDC_NAME", Settings.oidc_name),
        "lockout_attempts": env.int("LOCKOUT_ATTEMPTS", Settings.lockout_attempts),
        "lockout_minutes": env.float("LOCKOUT_MINUTES", Settings.lockout_minutes),
        "previous_secret_keys": tuple(
            secret.strip() for secret in env.list("PREVIOUS_SECRET_KEYS", []) if secret.strip()
        ),
    }
    try:
        env.seal()
    except EnvValidationError as exc:
        raise ConfigurationError(
            "; ".join(
                f"{name}={source.get(name)!r}: {' '.join(messages)}"
                for name, messages in exc.error_messages.items()
            )
        ) from None
    var_dir = var_dir.resolve()
    return Settings(
        service=service,
        var_dir=var_dir,
        database_url=database_url or f"sqlite:///{var_dir / (service + '.db')}",
        public_urls={name: url.rstrip("/") for name, url in public_urls.items()},
        internal_urls={name: url.rstrip("/") for name, url in internal_urls.items() if url},
        **values,
    )


def resolve_settings(service: str, config: Settings | Mapping[str, object] | None) -> Settings:
    """Settings for an app factory: given whole, as overrides of the environment, or from it."""
    if isinstance(config, Settings):
        return config
    settings = load_settings(service)
    return settings.with_overrides(**config) if config else settings
