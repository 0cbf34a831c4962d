"""Flask wiring every service shares: the API object, JSON errors, health, metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

import swagger_ui_bundle
from apispec import BasePlugin
from flask import Flask, Response, current_app, g, jsonify, request, send_from_directory
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from .auth import Signer
from .config import Settings
from .credentials import CredentialStore, tables_in
from .db import Database
from .errors import DomainError
from .logs import configure_logging
from .observability import StateCollector, metrics_payload, observe_request, readiness
from .request_limits import (
    accepted_media_types,
    hold_body_within,
    refuse_long_url,
    refuse_unreadable_json,
    refuse_unsupported_media_type,
)
from .service import Service
from .sessions import install as install_session_cookies

log = logging.getLogger(__name__)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

#: HTTP status of each kind of domain refusal.
KIND_STATUS = {
    "not_found": 404,
    "conflict": 409,
    "invalid": 422,
    "unauthorized": 401,
    "forbidden": 403,
    "gone": 410,
}

#: Stable codes for HTTP errors raised outside the domain rules.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}


@dataclass(frozen=True)
class ServiceContext:
    """What views reach through ``current_app``: settings, database and signer."""

    settings: Settings
    database: Database
    signer: Signer
    #: Revoked credentials and the accounts' roles, as this service knows them.
    credentials: CredentialStore


class ErrorSchema(Schema):
    """Every error the services answer, whatever its status."""

    code = fields.String(
        required=True, metadata={"description": "Stable, for programs: e.g. validation_error."}
    )
    message = fields.String(required=True, metadata={"description": "What is wrong, for people."})
    errors = fields.Dict(
        metadata={
            "description": "The fields at fault: by request location (json, query, files), "
            "then by field name or list index, each with its messages."
        }
    )


def _status_name(status: int) -> str:
    return HTTPStatus(status).name


class ErrorResponses(BasePlugin):
    """Documents on each operation the errors the shared layer answers for it: 401 and 403
    where a token is asked for, 404 where the path names a resource, 400, 413 and 415 where a
    body is sent. Any other error status is the operation's ``default`` response."""

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        """Add the shared error responses to each operation of ``path``."""
        for operation in (operations or {}).values():
            statuses = []
            if operation.get("security"):
                statuses += [401, 403]
            if "{" in (path or ""):
                statuses.append(404)
            if "requestBody" in operation:
                statuses += [400, 413, 415]
            responses = operation.setdefault("responses", {})
            documented = {str(status) for status in responses}
            for status in statuses:
                if str(status) not in documented:
                    responses[str(status)] = _status_name(status)


class CeremonyApi(Api):
    """flask-smorest's Api with the suite's error format ``{code, message, errors?}``."""

    # Documents every error response (and the "default" one) with the format actually sent.
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):
        """Render any HTTP error as JSON, naming the fields at fault."""
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        code = data.get("code") or HTTP_CODES.get(error.code or 500, "error")
        message = data.get("message") or error.description or error.name
        if error.code == 400 and errors and "code" not in data:
            code, message = "invalid_json", "The request body is not valid JSON."
        if errors and error.code == 422:
            message = "Invalid input: " + ", ".join(_field_paths(errors))
        payload = {"code": code, "message": message}
        if errors:
            payload["errors"] = errors
        response = jsonify(payload)
        response.status_code = error.code or 500
        # The error's own headers: Allow on a 405, WWW-Authenticate, Retry-After.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        return response


def _field_paths(errors, prefix: str = "") -> list[str]:
    """Dotted names of the fields in a (nested) marshmallow error dict."""
    paths = []
    for key, value in errors.items():
        if not prefix and key in ("json", "query", "form", "files", "headers"):
            name = ""  # the request location is not part of the field's name
        else:
            name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            paths.extend(_field_paths(value, name))
        else:
            paths.append(name or str(key))
    return paths


def init_service_app(
    app: Flask, settings: Settings, service: Service, *, title: str, version: str
) -> CeremonyApi:
    """Configure ``app`` for ``service``: API docs, limits, errors, health, shared context."""
    app.config.update(
        API_TITLE=title,
        API_VERSION=version,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        # Served from the installed package: the venue may have no internet.
        OPENAPI_SWAGGER_UI_URL="/api/docs-assets/",
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        API_SPEC_OPTIONS={
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}}
        },
    )
    configure_logging(settings.service, fmt=settings.log_format, level=settings.log_level)
    database = Database(settings.database_url)
    app.extensions["ceremony"] = ServiceContext(
        settings=settings,
        database=database,
        signer=Signer(settings.secret_keys()),
        credentials=CredentialStore(database, tables_in(service.metadata)),
    )
    install_session_cookies(app, settings)
    # Scrape-time gauges: the outbox backlog and the dead letters waiting.
    state = StateCollector(settings, database, service.outbox)
    api = CeremonyApi(app, spec_kwargs={"extra_plugins": [ErrorResponses()]})

    @app.get("/api/docs-assets/<path:filename>")
    def docs_assets(filename: str):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok", "service": settings.service}

    @app.get("/readyz")
    def readyz():
        checks = readiness(settings, app.extensions["ceremony"].database)
        ready = all(value == "ok" for value in checks.values())
        return {"status": "ready" if ready else "unready", **checks}, 200 if ready else 503

    @app.get("/metrics")
    def metrics():
        payload, content_type = metrics_payload(state)
        return Response(payload, content_type=content_type)

    @app.before_request
    def start_request():
        g.started = time.perf_counter()
        offered = request.headers.get("X-Request-ID", "")
        g.request_id = offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex

    @app.after_request
    def finish_request(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        harden(response, docs=request.path.startswith("/api/docs"))
        rule = request.url_rule.rule if request.url_rule else "unmatched"
        if "started" in g:
            observe_request(settings.service, request.method, rule, response.status_code, g.started)
        return response

    @app.before_request
    def refuse_what_no_view_should_read():
        # Werkzeug enforces the body limit only when a view reads the body, and cuts a streamed
        # one silently; every limit is checked here, before any view or parser reads anything.
        refuse_long_url(request)
        hold_body_within(request, settings.max_body_bytes)
        view = _view_method()
        refuse_unsupported_media_type(request, view)
        if view is not None and "application/json" in accepted_media_types(view):
            refuse_unreadable_json(request)

    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(Exception, _unexpected_error)
    return api


#: What every page may load: only this service's own files. A page with its own needs (the
#: door page's camera) sets its own policy, which is kept.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
#: The API's browsable documentation runs an inline script and inline styles of its own.
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "default-src 'self'",
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'",
)


def harden(response: Response, *, docs: bool = False) -> None:
    """Security headers on every answer: this origin's resources only, no framing, no
    referrer (guests' links carry their capability in the address), no type sniffing."""
    policy = DOCS_CONTENT_SECURITY_POLICY if docs else CONTENT_SECURITY_POLICY
    response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")


def from_another_site(own_origins: Iterable[str] = ()) -> bool:
    """Whether this request was sent by a page of another site: a form there posting here.

    Browsers say so in ``Sec-Fetch-Site`` (``cross-site``; a sibling service of the suite on
    another subdomain is ``same-site``). One that does not send it is judged by ``Origin``,
    which must be this request's own origin or one of ``own_origins``; under this suite's
    no-referrer policy a browser's own forms send ``Origin: null``, which proves nothing either
    way, and a client that is not a browser sends neither header.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site.strip().lower() == "cross-site"
    origin = (request.headers.get("Origin") or "").strip().rstrip("/")
    if not origin or origin == "null":
        return False
    own = {request.host_url.rstrip("/"), *(url.rstrip("/") for url in own_origins)}
    return origin not in {_origin_of(url) for url in own}


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else url


def _view_method() -> Callable | None:
    """The function that will answer this request (a MethodView's method for its verb)."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return view
    method = request.method.lower()
    if method == "head":
        method = "get"
    return getattr(view_class, method, None)


def _domain_error(error: DomainError):
    payload = {"code": error.code, "message": error.message}
    if error.errors:
        payload["errors"] = error.errors
    return jsonify(payload), KIND_STATUS.get(error.kind, 409)


def _unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return error
    log.exception("unexpected error on %s %s", request.method, request.path)
    return jsonify({"code": "internal_error", "message": "Something went wrong on our side."}), 500


def service_context() -> ServiceContext:
    """The running service's settings, database and signer."""
    return current_app.extensions["ceremony"]
