"""Every bad input the notifications API must refuse, and what each one gets.

Shared by the unit tests (SQLite) and the integration tests (PostgreSQL).
Each row: (case, method, path with ``{ceremony}``, JSON body or raw bytes, status, code, field).
"""

from __future__ import annotations

from tests.registration.bad_inputs import DEEP_JSON, MB, Body

C = "{ceremony}"
ANNOUNCE = f"/api/ceremonies/{C}/announcements"
NOTE = {"subject": "Dress code", "body": "Business attire."}
PREVIEW = "/api/templates/confirmation/preview"

QUERY_CASES = [
    ("status unknown", "GET", "/api/deliveries?status=lost", None, 422, "status"),
    ("ceremony not a uuid", "GET", "/api/deliveries?ceremony=42", None, 422, "ceremony"),
    ("recipient not an email", "GET", "/api/deliveries?recipient=ada", None, 422, "recipient"),
    ("template unknown", "GET", "/api/deliveries?template=spam", None, 422, "template"),
    ("limit zero", "GET", "/api/deliveries?limit=0", None, 422, "limit"),
    ("limit not a number", "GET", "/api/deliveries?limit=all", None, 422, "limit"),
    ("offset negative", "GET", "/api/deliveries?offset=-1", None, 422, "offset"),
    ("language a path", "GET", f"{PREVIEW}?language=../../etc", None, 422, "language"),
    ("language empty", "GET", f"{PREVIEW}?language=", None, 422, "language"),
    ("language too long", "GET", f"{PREVIEW}?language=en-{'x' * 40}", None, 422, "language"),
]

BODY_CASES = [
    ("subject missing", "POST", ANNOUNCE, {"body": "Hello"}, 422, "subject"),
    ("subject blank", "POST", ANNOUNCE, {**NOTE, "subject": "   "}, 422, "subject"),
    (
        "subject with a line break",
        "POST",
        ANNOUNCE,
        {**NOTE, "subject": "Hi\r\nBcc: x@y"},
        422,
        "subject",
    ),
    ("subject too long", "POST", ANNOUNCE, {**NOTE, "subject": "x" * 201}, 422, "subject"),
    ("subject not text", "POST", ANNOUNCE, {**NOTE, "subject": 42}, 422, "subject"),
    ("body missing", "POST", ANNOUNCE, {"subject": "Hello"}, 422, "body"),
    ("body with a lone surrogate", "POST", ANNOUNCE, {**NOTE, "body": "Hi \ud800"}, 422, "body"),
    (
        "body with a bidi override",
        "POST",
        ANNOUNCE,
        {**NOTE, "body": "Doors open at \u202e03:71"},
        422,
        "body",
    ),
    ("subject with a NEL", "POST", ANNOUNCE, {**NOTE, "subject": "Hi\x85Bcc"}, 422, "subject"),
    ("body blank", "POST", ANNOUNCE, {**NOTE, "body": "\n \n"}, 422, "body"),
    ("body too long", "POST", ANNOUNCE, {**NOTE, "body": "x" * 20_001}, 422, "body"),
    ("category unknown", "POST", ANNOUNCE, {**NOTE, "categories": ["vip"]}, 422, "categories.0"),
    ("categories empty", "POST", ANNOUNCE, {**NOTE, "categories": []}, 422, "categories"),
    ("status unknown", "POST", ANNOUNCE, {**NOTE, "statuses": ["invited"]}, 422, "statuses.0"),
    ("statuses not a list", "POST", ANNOUNCE, {**NOTE, "statuses": "confirmed"}, 422, "statuses"),
    ("unknown field", "POST", ANNOUNCE, {**NOTE, "bcc": "x@example.org"}, 422, "bcc"),
    ("body a list", "POST", ANNOUNCE, [NOTE], 422, None),
    ("body not JSON", "POST", ANNOUNCE, b"{subject:", 400, None),
    ("body oversized", "POST", ANNOUNCE, b"x" * (1024 * 1024 + 1), 413, None),
]

PATH_CASES = [
    ("delivery id not a uuid", "GET", "/api/deliveries/42", None, 404, None),
    ("resend id not a uuid", "POST", "/api/deliveries/42/resend", None, 404, None),
    ("ceremony id not a uuid", "POST", "/api/ceremonies/42/announcements", NOTE, 404, None),
]

HTTP_CASES = [
    ("body nested 1000 deep", "POST", ANNOUNCE, DEEP_JSON, 400, None),
    ("a number of 5000 digits", "POST", ANNOUNCE, b'{"subject": ' + b"9" * 5000 + b"}", 400, None),
    (
        "oversized body without Content-Length",
        "POST",
        ANNOUNCE,
        Body(b"x" * (MB + 1), "application/json", chunked=True),
        413,
        None,
    ),
    ("form body", "POST", ANNOUNCE, Body(b"subject=Hi", "multipart/form-data"), 415, None),
    ("body without a Content-Type", "POST", ANNOUNCE, Body(b'{"subject": "Hi"}'), 415, None),
    ("method not allowed", "DELETE", "/api/deliveries", None, 405, None),
    ("URL over 4096 bytes", "GET", "/api/deliveries?recipient=" + "x" * 5000, None, 414, None),
]

ALL_CASES = QUERY_CASES + BODY_CASES + PATH_CASES + HTTP_CASES


def send(client, headers, ceremony_id, method, path, body):
    """Send one case as an organiser; raw bytes go as a JSON-typed body, a ``Body`` as it is,
    objects as JSON."""
    kwargs = {"headers": headers}
    if isinstance(body, Body):
        kwargs.update(body.request_kwargs(headers))
    elif isinstance(body, bytes):
        kwargs.update(data=body, content_type="application/json")
    elif body is not None:
        kwargs["json"] = body
    return client.open(path.replace(C, str(ceremony_id)), method=method, **kwargs)


def field_named(errors, field: str) -> bool:
    """Whether a (nested) marshmallow error dict names ``field`` (dotted path)."""
    node = errors.get("json", errors.get("query", errors))
    for part in field.split("."):
        if not isinstance(node, dict):
            return False
        key = int(part) if part.isdigit() and int(part) in node else part
        if key not in node:
            return False
        node = node[key]
    return True
