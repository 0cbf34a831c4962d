"""Rate limits on the endpoints anyone can reach: per client address, and per ceremony.

A bot filling a ceremony's last seats, or trying link after link, is held back by both: one
address gets ``CEREMONY_RATE_LIMIT_PER_ADDRESS`` requests to each endpoint, and all addresses
together get ``CEREMONY_RATE_LIMIT_PER_CEREMONY`` to an endpoint of one ceremony. Counters live
in memory for one process (the embedded suite) or in Redis (``CEREMONY_RATE_LIMIT_STORAGE_URL``)
where replicas share them. A refused request gets 429 with ``Retry-After``, as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from .access import current_principal
from .config import Settings


def _signed_in() -> bool:
    # Organisers and staff with a valid token are not held back (the notifications worker
    # fetching badges, an organiser registering a delegation); guests and the anonymous are.
    return current_principal() is not None


def _ceremony_key() -> str:
    return f"ceremony:{request.view_args.get('ceremony_id')}"


def _without_ceremony_or_signed_in() -> bool:
    return not (request.view_args or {}).get("ceremony_id") or _signed_in()


def install_rate_limits(
    app: Flask, settings: Settings, endpoints: Mapping[str, tuple[str, ...]]
) -> Limiter:
    """Limit each endpoint named (by Flask endpoint) for the HTTP methods given."""
    if settings.trusted_proxies:
        # The client's address is the one the trusted proxies saw, not theirs.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=settings.rate_limit_storage_url,
        headers_enabled=True,
        key_prefix=f"ceremony.{settings.service}",
        # Redis away: count in this process meanwhile, rather than refuse every guest.
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
    for endpoint, methods in endpoints.items():
        view = app.view_functions[endpoint]
        view = limiter.limit(
            settings.rate_limit_per_address, methods=list(methods), exempt_when=_signed_in
        )(view)
        view = limiter.limit(
            settings.rate_limit_per_ceremony,
            methods=list(methods),
            key_func=_ceremony_key,
            exempt_when=_without_ceremony_or_signed_in,
        )(view)
        app.view_functions[endpoint] = view
    return limiter
