"""The notifications service's descriptor: its handlers, and the delivery loop of its worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

from shared.auth import Signer
from shared.config import ConfigurationError, Settings
from shared.db import Database
from shared.links import GuestLinks
from shared.service import Service

from .announcements import release_due_announcements
from .compose.identity import MailIdentity
from .deliver.assembly import Assembler
from .deliver.badge_source import BadgeSource
from .deliver.certificate_source import CertificateSource
from .deliver.loop import DeliveryAgent, DeliveryPool, DeliveryThread
from .deliver.sender import Sender
from .deliver.settings import sender_from_url
from .deliver.smtp import RateLimiter
from .handlers import notification_handlers
from .models import Base, inbox, outbox
from .speaker_thanks import queue_speaker_thanks


def build_handlers(settings: Settings, database: Database) -> dict:
    """Event type → handler: projections, and the emails each event calls for."""
    return notification_handlers(MailIdentity.from_setting(settings.mail_from))


def build_sender(settings: Settings, limiter: RateLimiter) -> Sender:
    """An SMTP sender for ``CEREMONY_SMTP_URL``, or the mail folder without one."""
    try:
        return sender_from_url(
            settings.smtp_url,
            settings.var_dir / "mail",
            timeout=settings.smtp_timeout_seconds,
            limiter=limiter,
        )
    except ValueError as exc:
        raise ConfigurationError(f"CEREMONY_SMTP_URL: {exc}") from None


def build_agent(settings: Settings, database: Database, sender: Sender) -> DeliveryAgent:
    """One delivery agent: its sender, and its own badge and certificate sources and their
    HTTP connections."""
    badges = BadgeSource(
        settings.internal_url("badges"),
        Signer(settings.secret_keys()),
        timeout=settings.smtp_timeout_seconds,
    )
    certificates = CertificateSource(
        settings.internal_url("badges"),
        Signer(settings.secret_keys()),
        timeout=settings.smtp_timeout_seconds,
    )
    identity = MailIdentity.from_setting(settings.mail_from)
    links = GuestLinks(
        Signer(settings.secret_keys()),
        settings.public_urls["registration"],
        ttl_seconds=settings.capability_ttl_days * 86400,
    )
    assembler = Assembler(identity, badges, links, certificates, settings.public_urls["badges"])
    return DeliveryAgent(database, sender, assembler, settings.delivery_retry_delays)


def announcement_step(settings: Settings, database: Database) -> Callable[[datetime], int]:
    """The worker's periodic step that sends scheduled announcements once they are due."""
    identity = MailIdentity.from_setting(settings.mail_from)
    return partial(release_due_announcements, database, identity)


def periodic_step(settings: Settings, database: Database) -> Callable[[datetime], int]:
    """The worker's periodic step: scheduled announcements due, then speakers to thank once
    their ceremony is over; returns how much was done."""
    identity = MailIdentity.from_setting(settings.mail_from)
    announcements = announcement_step(settings, database)

    def step(now: datetime) -> int:
        return announcements(now) + queue_speaker_thanks(database, identity, now)

    return step


def build_background(settings: Settings, database: Database) -> list[DeliveryPool]:
    """The worker's delivery threads: several on PostgreSQL, one on SQLite (one writer anyway).

    ``settings`` are checked when made (threads, rate, retry schedule); the sender address and
    the SMTP URL are read here, before anything connects.
    """
    MailIdentity.from_setting(settings.mail_from)
    count = settings.delivery_threads if settings.database_url.startswith("postgresql") else 1
    limiter = RateLimiter(settings.smtp_rate_per_second or None)
    # Senders first: they open nothing yet, and a bad URL stops the worker before it connects.
    senders = [build_sender(settings, limiter) for _ in range(count)]
    # Its own connections: each thread holds one while it sends.
    pool_database = Database(settings.database_url, pool_size=count)
    # The first thread also queues the scheduled announcements that are due, and the letters
    # of thanks to speakers.
    threads = [
        DeliveryThread(
            f"notifications-delivery-{n}",
            build_agent(settings, pool_database, sender),
            settings.delivery_poll_seconds,
            periodic=periodic_step(settings, pool_database) if n == 0 else None,
        )
        for n, sender in enumerate(senders)
    ]
    return [DeliveryPool(threads, pool_database)]


SERVICE = Service(
    name="notifications",
    app_factory="services.notifications.app:create_app",
    metadata=Base.metadata,
    outbox=outbox,
    inbox=inbox,
    migrations=Path(__file__).parent / "migrations",
    build_handlers=build_handlers,
    build_background=build_background,
)
