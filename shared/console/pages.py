"""What a console page view needs: the signed-in person (or a trip to the sign-in page), the
role check, the CSRF check of a form, errors beside their fields, pagination, and htmx.

A view is a plain Flask view decorated with ``console_page(...)``::

    @bp.route("/ceremonies/<uuid:ceremony_id>/guests")
    @console_page(READ)
    def guests(ceremony_id):
        return render_page("registration/guests.html", ceremony=ceremony, active="guests")

Forms are plain HTML forms (they work without JavaScript) carrying ``csrf_token`` in a hidden
field; htmx sends the same token as ``X-CSRF-Token`` (the layout sets it for every request).
"""

from __future__ import annotations

import hmac
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import current_app, g, redirect, render_template, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from shared.access import current_principal, has_permission
from shared.errors import DomainError
from shared.sessions import CSRF_HEADER
from shared.web import service_context

#: Rows per page of every console list.
PAGE_SIZE = 50
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def is_htmx() -> bool:
    """Whether htmx asked (it then wants a fragment, not the whole page)."""
    return request.headers.get("HX-Request") == "true"


def sign_in_url() -> str:
    """The sign-in page, coming back to this page afterwards."""
    links = current_app.extensions["console_links"]
    return links.site("registration", "/sign-in") + "?" + urlencode({"next": request.url})


def render_page(template: str, *, status: int = 200, **context: Any):
    """A console page (or fragment) with its status; ``ceremony`` and ``active`` feed the menu."""
    return render_template(template, **context), status


def refusal_page(status: int, message: str):
    """The layout with a message instead of the page: not allowed, not found, form expired."""
    return render_page("console/refused.html", status=status, message=message)


def form_csrf_ok() -> bool:
    """Whether a change carries the session's CSRF token (hidden field or htmx header)."""
    principal = current_principal()
    if principal is None:
        return False
    expected = service_context().signer.csrf_token(principal)
    sent = request.form.get("csrf_token") or request.headers.get(CSRF_HEADER, "")
    return hmac.compare_digest(sent, expected)


def console_page(*permissions: str, ceremony_arg: str = "ceremony_id") -> Callable:
    """Let the view run for a signed-in person whose role on the ceremony named by the URL
    (``ceremony_arg``) holds one of ``permissions``; others are sent to sign in, or refused."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if principal is None:
                if is_htmx():
                    return "", 401, {"HX-Redirect": sign_in_url()}
                return redirect(sign_in_url(), 303)
            ceremony_id = kwargs.get(ceremony_arg)
            if permissions and not has_permission(principal, ceremony_id, *permissions):
                return refusal_page(403, _("Your role on this ceremony does not allow this page."))
            if request.method not in _SAFE and not form_csrf_ok():
                return refusal_page(403, _("This form has expired: reload the page and try again."))
            g.console_principal = principal
            return view(*args, **kwargs)

        return wrapper

    return decorator


def field_errors(error: ValidationError | DomainError) -> dict[str, str]:
    """One message per field, for the form to show beside it (``_form`` for the whole form)."""
    if isinstance(error, DomainError):
        if error.errors:
            return _flatten(error.errors)
        return {"_form": error.message}
    return _flatten(error.messages)


def _flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(messages, Mapping):
        flat: dict[str, str] = {}
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                name = prefix or "_form"
            flat.update(_flatten(value, name))
        return flat
    if (
        isinstance(messages, list | tuple)
        and messages
        and all(isinstance(m, str) for m in messages)
    ):
        return {prefix or "_form": " ".join(messages)} if messages else {}
    if isinstance(messages, list | tuple):
        flat = {}
        for index, value in enumerate(messages):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "_form": str(messages)}


@dataclass(frozen=True)
class Pagination:
    """Where a page of a list is, for ``console/pagination.html``."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def url(self, page: int) -> str:
        """This list's URL (filters kept) at another page."""
        args = request.args.to_dict()
        args["page"] = str(page)
        return f"{request.path}?{urlencode(args)}"


def page_number() -> int:
    """The ``page`` query argument, 1 when absent or not a sensible number."""
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 1_000_000 else 1


def cross_origin(response):
    """Let the other services' console pages include this fragment with the session cookie.

    Under one hostname (compose, Kubernetes) the pages share an origin and this adds nothing
    that matters; on the embedded suite each service has its own port, so a dashboard's tiles
    from badges and notifications are cross-origin requests. Only the suite's own public URLs
    are allowed, and only for the GET fragments that call this.
    """
    origin = request.headers.get("Origin")
    links = current_app.extensions["console_links"]
    allowed = {links.site(name, "") for name in ("registration", "badges", "notifications")}
    if origin and origin in allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Headers"] = (
            "HX-Request, HX-Current-URL, HX-Target, HX-Trigger, HX-Trigger-Name, X-CSRF-Token"
        )
        response.headers["Vary"] = "Origin"
    return response
