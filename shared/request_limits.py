"""What a request may be before a view reads it: URL length, body size, media type, JSON depth.

Each check raises the HTTP error the suite answers as JSON (``shared.web``), before a view, its
argument parser or its database sees the request, so that nothing half-read is ever acted on.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping
from functools import cache

from flask import Request
from flask_smorest import Blueprint
from webargs.core import is_json
from werkzeug.exceptions import (
    BadRequest,
    RequestEntityTooLarge,
    RequestURITooLarge,
    UnsupportedMediaType,
)
from werkzeug.wsgi import get_content_length

#: The longest URL (path and query, as sent) the services answer; longer ones get 414. It lies
#: below gunicorn's own request-line limit (``limit_request_line`` in deploy/gunicorn.conf.py),
#: so that the services, not gunicorn, answer it.
MAX_URL_BYTES = 4096
#: The deepest nesting of arrays and objects a JSON body may have; no request of the suite
#: needs more than a few levels, and deeper ones would exhaust the parser's stack.
MAX_JSON_DEPTH = 64
_READ_CHUNK = 64 * 1024


def refuse_long_url(request: Request) -> None:
    """414 for a URL longer than ``MAX_URL_BYTES``."""
    uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
    if len(uri) > MAX_URL_BYTES:
        raise RequestURITooLarge(f"The URL is longer than {MAX_URL_BYTES} bytes.")


def hold_body_within(request: Request, limit: int) -> None:
    """413 for a body larger than ``limit`` bytes, with or without ``Content-Length``.

    A streamed (chunked) body has no length to check up front, and Werkzeug would silently cut
    it at the limit: a CSV file would then be imported without its last rows. Such a body is
    read here, up to one byte past the limit, and handed on as a body of known length.
    """
    environ = request.environ
    length = get_content_length(environ)
    if length is not None:
        if length > limit:
            raise RequestEntityTooLarge(f"The body is larger than {limit} bytes.")
        return
    # Without this flag the server does not end the stream, and Werkzeug reads no body at all.
    if not environ.get("wsgi.input_terminated"):
        return
    body = _read_at_most(environ["wsgi.input"], limit + 1)
    if len(body) > limit:
        raise RequestEntityTooLarge(f"The body is larger than {limit} bytes.")
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)


def _read_at_most(stream, size: int) -> bytes:
    parts, read = [], 0
    while read < size:
        part = stream.read(min(_READ_CHUNK, size - read))
        if not part:
            break
        parts.append(part)
        read += len(part)
    return b"".join(parts)


def refuse_unsupported_media_type(request: Request, view: Callable | None) -> None:
    """415 for a body whose type is not one the view documents taking.

    A view that takes no body ignores one; a view that takes JSON would otherwise read a body
    of another type as no body at all, and answer 422 for fields that were in fact sent.
    """
    if not get_content_length(request.environ) or view is None:
        return
    accepted = accepted_media_types(view)
    if not accepted:
        return
    sent = request.mimetype
    if sent in accepted or ("application/json" in accepted and is_json(sent)):
        return
    raise UnsupportedMediaType(
        f"This endpoint takes {' or '.join(sorted(accepted))}, not {sent or 'an untyped body'}."
    )


@cache
def accepted_media_types(view: Callable) -> frozenset[str]:
    """The media types of the request bodies ``view`` documents (none: it takes no body)."""
    doc = getattr(view, "_apidoc", {})
    types = set()
    for parameter in doc.get("arguments", {}).get("parameters", []):
        if not isinstance(parameter, Mapping):
            continue
        location = parameter.get("in")
        mapped = Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING.get(location)
        if mapped:
            types.add(parameter.get("content_type") or mapped)
    manual = doc.get("manual_doc", {}).get("requestBody", {}).get("content", {})
    types.update(manual)
    return frozenset(types)


def refuse_unreadable_json(request: Request) -> None:
    """400 ``invalid_json`` for a JSON body nested deeper than ``MAX_JSON_DEPTH`` levels, or
    holding a number Python will not read (more than 4,300 digits).

    The standard parser fails on both with errors that are not a ``JSONDecodeError`` (a
    ``RecursionError``, a ``ValueError``), which the argument parser would let through as a 500.
    Malformed JSON is left to the argument parser, which names it.
    """
    if not get_content_length(request.environ) or not is_json(request.mimetype):
        return
    body = request.get_data(cache=True)
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return
    except RecursionError:
        raise _invalid_json(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.") from None
    except ValueError:
        raise _invalid_json("The JSON holds a number with too many digits to read.") from None
    # Only a body with enough brackets can be deep; counting them is cheap, walking is not.
    if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and _depth(value) > MAX_JSON_DEPTH:
        raise _invalid_json(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.")


def _depth(value) -> int:
    """How deeply arrays and objects nest in ``value``, walked without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        node, level = pending.pop()
        if isinstance(node, dict):
            node = node.values()
        elif not isinstance(node, list):
            continue
        deepest = max(deepest, level)
        if level <= MAX_JSON_DEPTH:
            pending.extend((child, level + 1) for child in node)
    return deepest


def _invalid_json(message: str) -> BadRequest:
    error = BadRequest(message)
    error.data = {"code": "invalid_json", "message": message, "errors": {"json": [message]}}
    return error
