"""Every bad input the registration API must refuse, and what each one gets.

Shared by the unit tests (SQLite) and the integration tests (PostgreSQL).
Each row: (case, method, path, body or raw bytes, status, error code, field named).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from tests.registration.conftest import ceremony_body


@dataclass(frozen=True)
class Body:
    """A body sent exactly as given, under its own Content-Type (none when None).

    ``chunked`` streams it without a Content-Length, as a client that does not know the size
    beforehand sends it; the test client then behaves as gunicorn, which ends the stream.
    """

    data: bytes
    content_type: str | None = None
    chunked: bool = False

    def request_kwargs(self, headers: dict[str, str]) -> dict:
        """What the test client needs to send this body with ``headers``."""
        headers = dict(headers)
        if self.content_type is not None:
            headers["Content-Type"] = self.content_type
        if not self.chunked:
            return {"data": self.data, "headers": headers}
        headers["Transfer-Encoding"] = "chunked"
        return {
            "input_stream": io.BytesIO(self.data),
            "headers": headers,
            "environ_overrides": {"wsgi.input_terminated": True},
        }


C = "{ceremony}"
REG = f"/api/ceremonies/{C}/registrations"
GUEST = {"full_name": "Ada Guest", "email": "ada@example.org"}

CEREMONY_CASES = [
    (
        "title missing",
        "POST",
        "/api/ceremonies",
        ceremony_body(title=None),
        422,
        "validation_error",
        "title",
    ),
    (
        "title with a line break",
        "POST",
        "/api/ceremonies",
        ceremony_body(title="A\r\nBcc: x@y"),
        422,
        "validation_error",
        "title",
    ),
    (
        "start not a date",
        "POST",
        "/api/ceremonies",
        ceremony_body(starts_at="tomorrow"),
        422,
        "validation_error",
        "starts_at",
    ),
    (
        "start without a zone",
        "POST",
        "/api/ceremonies",
        ceremony_body(starts_at="2030-01-01T10:00:00"),
        422,
        "validation_error",
        "starts_at",
    ),
    (
        "end before start",
        "POST",
        "/api/ceremonies",
        ceremony_body(ends_at="2000-01-01T10:00:00+00:00"),
        422,
        "validation_error",
        "ends_at",
    ),
    (
        "start in year 1",
        "POST",
        "/api/ceremonies",
        ceremony_body(starts_at="0001-01-01T00:00:00+00:00"),
        422,
        "validation_error",
        "starts_at",
    ),
    (
        "start whose UTC value is before year 1",
        "POST",
        "/api/ceremonies",
        ceremony_body(starts_at="0001-01-01T00:00:00+14:00"),
        422,
        "validation_error",
        "starts_at",
    ),
    (
        "end whose UTC value is after year 9999",
        "POST",
        "/api/ceremonies",
        ceremony_body(ends_at="9999-12-31T23:59:00-14:00"),
        422,
        "validation_error",
        "ends_at",
    ),
    (
        "start with an offset of +14:60",
        "POST",
        "/api/ceremonies",
        ceremony_body(starts_at="2031-06-20T10:00:00+14:60"),
        422,
        "validation_error",
        "starts_at",
    ),
    (
        "start with an offset of +15:00",
        "POST",
        "/api/ceremonies",
        ceremony_body(starts_at="2031-06-20T10:00:00+15:00"),
        422,
        "validation_error",
        "starts_at",
    ),
    (
        "end in year 2300",
        "POST",
        "/api/ceremonies",
        ceremony_body(ends_at="2300-01-01T10:00:00+00:00"),
        422,
        "validation_error",
        "ends_at",
    ),
    (
        "programme time in year 1",
        "POST",
        "/api/ceremonies",
        ceremony_body(programme=[{"title": "X", "starts_at": "0001-01-01T10:00:00+00:00"}]),
        422,
        "validation_error",
        "programme.0.starts_at",
    ),
    (
        "title of spaces only",
        "POST",
        "/api/ceremonies",
        ceremony_body(title="   "),
        422,
        "validation_error",
        "title",
    ),
    (
        "title with a lone surrogate",
        "POST",
        "/api/ceremonies",
        ceremony_body(title="Closing \ud800"),
        422,
        "validation_error",
        "title",
    ),
    (
        "unknown time zone",
        "POST",
        "/api/ceremonies",
        ceremony_body(timezone="Mars/Olympus"),
        422,
        "validation_error",
        "timezone",
    ),
    (
        "negative capacity",
        "POST",
        "/api/ceremonies",
        ceremony_body(capacity=-1),
        422,
        "validation_error",
        "capacity",
    ),
    (
        "capacity as text",
        "POST",
        "/api/ceremonies",
        ceremony_body(capacity="50"),
        422,
        "validation_error",
        "capacity",
    ),
    (
        "venue without a name",
        "POST",
        "/api/ceremonies",
        ceremony_body(venue={"address": "x"}),
        422,
        "validation_error",
        "venue.name",
    ),
    (
        "bad protocol email",
        "POST",
        "/api/ceremonies",
        ceremony_body(protocol_contact_email="protocol"),
        422,
        "validation_error",
        "protocol_contact_email",
    ),
    (
        "programme item without title",
        "POST",
        "/api/ceremonies",
        ceremony_body(programme=[{"speaker": "X"}]),
        422,
        "validation_error",
        "programme.0.title",
    ),
    (
        "bad language tag",
        "POST",
        "/api/ceremonies",
        ceremony_body(languages=["English!"]),
        422,
        "validation_error",
        "languages.0",
    ),
    (
        "unknown field",
        "POST",
        "/api/ceremonies",
        ceremony_body(colour="red"),
        422,
        "validation_error",
        "colour",
    ),
    ("body not JSON", "POST", "/api/ceremonies", b"{not json", 400, "invalid_json", "json"),
    ("body a list", "POST", "/api/ceremonies", [1, 2], 422, "validation_error", "_schema"),
    (
        "patch capacity as words",
        "PATCH",
        f"/api/ceremonies/{C}",
        {"capacity": "many"},
        422,
        "validation_error",
        "capacity",
    ),
    (
        "patch unknown ceremony",
        "PATCH",
        "/api/ceremonies/00000000-0000-0000-0000-000000000000",
        {"title": "X"},
        404,
        "ceremony_not_found",
        None,
    ),
]

REGISTRATION_CASES = [
    ("name missing", "POST", REG, {"email": "a@example.org"}, 422, "validation_error", "full_name"),
    ("name empty", "POST", REG, {**GUEST, "full_name": ""}, 422, "validation_error", "full_name"),
    (
        "name with a line break",
        "POST",
        REG,
        {**GUEST, "full_name": "Ada\nBcc: x@evil"},
        422,
        "validation_error",
        "full_name",
    ),
    (
        "name too long",
        "POST",
        REG,
        {**GUEST, "full_name": "A" * 201},
        422,
        "validation_error",
        "full_name",
    ),
    (
        "name of spaces only",
        "POST",
        REG,
        {**GUEST, "full_name": "   "},
        422,
        "validation_error",
        "full_name",
    ),
    (
        "name with a bidi override",
        "POST",
        REG,
        {**GUEST, "full_name": "Ahmed \u202egnp.exe\u202c Ali"},
        422,
        "validation_error",
        "full_name",
    ),
    (
        "name of zero-width spaces only",
        "POST",
        REG,
        {**GUEST, "full_name": "\u200b\u200b"},
        422,
        "validation_error",
        "full_name",
    ),
    (
        "name with NEL",
        "POST",
        REG,
        {**GUEST, "full_name": "Ada\x85Bcc: x@evil"},
        422,
        "validation_error",
        "full_name",
    ),
    (
        "name with a line separator",
        "POST",
        REG,
        {**GUEST, "full_name": "Ada\u2028Bcc: x@evil"},
        422,
        "validation_error",
        "full_name",
    ),
    (
        "name with a paragraph separator",
        "POST",
        REG,
        {**GUEST, "full_name": "Ada\u2029Lovelace"},
        422,
        "validation_error",
        "full_name",
    ),
    (
        "name without a letter",
        "POST",
        REG,
        {**GUEST, "full_name": "007 - 42"},
        422,
        "validation_error",
        "full_name",
    ),
    (
        "name with a zero-width joiner at its end",
        "POST",
        REG,
        {**GUEST, "full_name": "Ada\u200d"},
        422,
        "validation_error",
        "full_name",
    ),
    (
        "organisation with a bidi isolate",
        "POST",
        REG,
        {**GUEST, "organisation": "Ministry \u2066of\u2069 Affairs"},
        422,
        "validation_error",
        "organisation",
    ),
    (
        "name with a lone surrogate",
        "POST",
        REG,
        {**GUEST, "full_name": "Ada \udc00"},
        422,
        "validation_error",
        "full_name",
    ),
    (
        "needs with a lone surrogate",
        "POST",
        REG,
        {**GUEST, "needs": "Wheelchair \ud83d"},
        422,
        "validation_error",
        "needs",
    ),
    (
        "needs with a bidi override",
        "POST",
        REG,
        {**GUEST, "needs": "vegetarian \u202e"},
        422,
        "validation_error",
        "needs",
    ),
    (
        "precedence beyond 64 bits",
        "POST",
        REG,
        {**GUEST, "precedence": 2**70},
        422,
        "validation_error",
        "precedence",
    ),
    (
        "precedence negative",
        "POST",
        REG,
        {**GUEST, "precedence": -1},
        422,
        "validation_error",
        "precedence",
    ),
    ("email missing", "POST", REG, {"full_name": "Ada"}, 422, "validation_error", "email"),
    (
        "email malformed",
        "POST",
        REG,
        {**GUEST, "email": "ada-at-example"},
        422,
        "validation_error",
        "email",
    ),
    (
        "honorific too long",
        "POST",
        REG,
        {**GUEST, "honorific": "H" * 51},
        422,
        "validation_error",
        "honorific",
    ),
    (
        "unknown category",
        "POST",
        REG,
        {**GUEST, "category": "royalty"},
        422,
        "validation_error",
        "category",
    ),
    (
        "protocol category by a guest",
        "POST",
        REG,
        {**GUEST, "category": "speaker"},
        422,
        "category_not_allowed",
        "category",
    ),
    (
        "bad language",
        "POST",
        REG,
        {**GUEST, "language": "french please"},
        422,
        "validation_error",
        "language",
    ),
    (
        "precedence as text",
        "POST",
        REG,
        {**GUEST, "precedence": "first"},
        422,
        "validation_error",
        "precedence",
    ),
    (
        "needs too long",
        "POST",
        REG,
        {**GUEST, "needs": "x" * 2001},
        422,
        "validation_error",
        "needs",
    ),
    (
        "unknown field",
        "POST",
        REG,
        {**GUEST, "is_admin": True},
        422,
        "validation_error",
        "is_admin",
    ),
    (
        "unknown ceremony",
        "POST",
        "/api/ceremonies/00000000-0000-0000-0000-000000000000/registrations",
        GUEST,
        404,
        "ceremony_not_found",
        None,
    ),
    (
        "ceremony id not a uuid",
        "POST",
        "/api/ceremonies/42/registrations",
        GUEST,
        404,
        "not_found",
        None,
    ),
    ("body not JSON", "POST", REG, b"full_name=Ada", 400, "invalid_json", "json"),
    ("oversized body", "POST", REG, b"x" * (1024 * 1024 + 1), 413, "payload_too_large", None),
    ("list filter with unknown status", "GET", REG, None, 422, "validation_error", "status"),
    (
        "unknown registration",
        "GET",
        "/api/registrations/00000000-0000-0000-0000-000000000000",
        None,
        404,
        "registration_not_found",
        None,
    ),
]

INV = f"/api/ceremonies/{C}/invitations"
DIGNITARY = {"full_name": "Amina Diallo", "email": "sg@example.org"}
NO_ONE = "/api/invitations/00000000-0000-0000-0000-000000000000"

INVITATION_CASES = [
    ("no invitees", "POST", INV, {"invitees": []}, 422, "validation_error", "invitees"),
    ("invitees missing", "POST", INV, {}, 422, "validation_error", "invitees"),
    (
        "invitee email malformed",
        "POST",
        INV,
        {"invitees": [{**DIGNITARY, "email": "x"}]},
        422,
        "validation_error",
        "invitees.0.email",
    ),
    (
        "invitee as a guest",
        "POST",
        INV,
        {"invitees": [{**DIGNITARY, "category": "guest"}]},
        422,
        "validation_error",
        "invitees.0.category",
    ),
    (
        "invitee name with a line break",
        "POST",
        INV,
        {"invitees": [{**DIGNITARY, "full_name": "A\r\nB"}]},
        422,
        "validation_error",
        "invitees.0.full_name",
    ),
    ("invitation list with unknown status", "GET", INV, None, 422, "validation_error", "status"),
    ("answer missing", "POST", f"{NO_ONE}/answer", {}, 422, "validation_error", "answer"),
    (
        "answer unknown",
        "POST",
        f"{NO_ONE}/answer",
        {"answer": "maybe"},
        422,
        "validation_error",
        "answer",
    ),
    (
        "remind unknown invitation",
        "POST",
        f"{NO_ONE}/remind",
        None,
        404,
        "invitation_not_found",
        None,
    ),
    (
        # Windows-1252 is read too; these bytes are text in neither.
        "csv neither UTF-8 nor Windows-1252",
        "POST",
        f"{INV}/import",
        b"full_name,email\n\x81\x8d,a@example.org\n",
        422,
        "invalid_csv",
        "file",
    ),
    (
        "csv without email column",
        "POST",
        f"{INV}/import",
        b"full_name\nAmina\n",
        422,
        "invalid_csv",
        "header",
    ),
    ("csv empty", "POST", f"{INV}/import", b"full_name,email\n", 422, "invalid_csv", "file"),
]

MB = 1024 * 1024
#: Nested deeper than any parser's stack: 1,000 arrays inside one another.
DEEP_JSON = b"[" * 1000 + b"]" * 1000
#: Five invitees, a megabyte of blank lines (which the reader skips), then a sixth invitee: a
#: body cut at the limit would import the first five.
LONG_CSV = (
    b"full_name,email\n"
    + b"".join(b"Guest %d,guest%d@example.org\n" % (n, n) for n in range(5))
    + b",\n" * (MB // 2 + 1)
    + b"Last Guest,last@example.org\n"
)
LONG_QUERY = "?title=" + "x" * 5000

HTTP_CASES = [
    ("body nested 1000 deep", "POST", "/api/ceremonies", DEEP_JSON, 400, "invalid_json", "json"),
    ("guest's body nested 1000 deep", "POST", REG, DEEP_JSON, 400, "invalid_json", "json"),
    (
        "a number of 5000 digits",
        "POST",
        "/api/ceremonies",
        b'{"capacity": ' + b"9" * 5000 + b"}",
        400,
        "invalid_json",
        "json",
    ),
    (
        "oversized body without Content-Length",
        "POST",
        "/api/ceremonies",
        Body(b"x" * (MB + 1), "application/json", chunked=True),
        413,
        "payload_too_large",
        None,
    ),
    (
        "oversized csv without Content-Length",
        "POST",
        f"{INV}/import",
        Body(LONG_CSV, "text/csv", chunked=True),
        413,
        "payload_too_large",
        None,
    ),
    (
        "oversized guest's body without Content-Length",
        "POST",
        REG,
        Body(b" " * (MB + 1), "application/json", chunked=True),
        413,
        "payload_too_large",
        None,
    ),
    (
        "form body to a JSON endpoint",
        "POST",
        "/api/ceremonies",
        Body(b"title=Closing", "application/x-www-form-urlencoded"),
        415,
        "unsupported_media_type",
        None,
    ),
    (
        "text body to a JSON endpoint",
        "POST",
        REG,
        Body(b'{"full_name": "Ada", "email": "ada@example.org"}', "text/plain"),
        415,
        "unsupported_media_type",
        None,
    ),
    (
        "body without a Content-Type",
        "PATCH",
        f"/api/ceremonies/{C}",
        Body(b'{"title": "X"}'),
        415,
        "unsupported_media_type",
        None,
    ),
    (
        "csv import sent as JSON",
        "POST",
        f"{INV}/import",
        Body(b'{"full_name": "Amina"}', "application/json"),
        415,
        "unsupported_media_type",
        None,
    ),
    ("method not allowed", "DELETE", "/api/ceremonies", None, 405, "method_not_allowed", None),
    (
        "URL over 4096 bytes",
        "GET",
        "/api/ceremonies" + LONG_QUERY,
        None,
        414,
        "uri_too_long",
        None,
    ),
]

# Names in parts, languages, a ceremony's and an invitation's words, delegations.
CEREMONY_CASES += [
    (
        "words in a language the locale data does not know",
        "POST",
        "/api/ceremonies",
        ceremony_body(translations={"xx": {"title": "?"}}),
        422,
        "validation_error",
        "translations",
    ),
    (
        "a translated programme longer than the programme",
        "POST",
        "/api/ceremonies",
        ceremony_body(translations={"fr": {"programme": ["Allocution"]}}),
        422,
        "translation_longer_than_programme",
        "translations",
    ),
]
REGISTRATION_CASES += [
    (
        "name parts without a letter",
        "POST",
        REG,
        {"email": "a@example.org", "given_name": "1", "family_name": "2"},
        422,
        "validation_error",
        "given_name",
    ),
    (
        "name parts together over 200 characters",
        "POST",
        REG,
        {"email": "a@example.org", "given_name": "a" * 100, "family_name": "b" * 100},
        422,
        "validation_error",
        "family_name",
    ),
    (
        "transliteration not in Latin letters",
        "POST",
        REG,
        {**GUEST, "name_latin": "محمد"},
        422,
        "validation_error",
        "name_latin",
    ),
    (
        "language the locale data does not know",
        "POST",
        REG,
        {**GUEST, "language": "xx"},
        422,
        "validation_error",
        "language",
    ),
]
INVITATION_CASES += [
    (
        "more companions than an invitation may allow",
        "POST",
        INV,
        {"invitees": [{**DIGNITARY, "companions_allowed": 21}]},
        422,
        "validation_error",
        "invitees.0.companions_allowed",
    ),
    (
        "reply-by that is not a date",
        "POST",
        INV,
        {"invitees": [{**DIGNITARY, "reply_by": "soon"}]},
        422,
        "validation_error",
        "invitees.0.reply_by",
    ),
    (
        "an invitation's words in a language the locale data does not know",
        "POST",
        INV,
        {"invitees": [{**DIGNITARY, "translations": {"xx": {"host": "?"}}}]},
        422,
        "validation_error",
        "invitees.0.translations",
    ),
]

VENUE = f"/api/ceremonies/{C}/venue"
SEATING = f"/api/ceremonies/{C}/seating"
SOMEONE = "00000000-0000-0000-0000-000000000001"
ONE_SECTION = {"name": "Hall", "sections": [{"name": "A"}]}
GATES = [{"gate": "Main gate", "zones": ["Hall"]}]
HALL_ZONE = [{"name": "Hall", "categories": ["guest"]}]

VENUE_CASES = [
    (
        "layout with a seat listed twice",
        "PUT",
        VENUE,
        {
            **ONE_SECTION,
            "seats": [
                {"section": "A", "row": "1", "number": 1},
                {"section": "A", "row": "1", "number": 1},
            ],
        },
        422,
        "validation_error",
        "seats.1.number",
    ),
    (
        "layout seat in no section",
        "PUT",
        VENUE,
        {**ONE_SECTION, "seats": [{"section": "B", "row": "1", "number": 1}]},
        422,
        "validation_error",
        "seats.0.section",
    ),
    (
        "layout section with a colon",
        "PUT",
        VENUE,
        {
            "name": "Hall",
            "sections": [{"name": "A:B"}],
            "seats": [{"section": "A", "row": "1", "number": 1}],
        },
        422,
        "validation_error",
        "sections.0.name",
    ),
    (
        "seats csv with a seat twice",
        "POST",
        f"{VENUE}/seats.csv",
        Body(b"section,row,seat\nA,1,1\nA,1,1\n", "text/csv"),
        422,
        "duplicate_seat",
        "file",
    ),
    (
        "seats csv without a seat column",
        "POST",
        f"{VENUE}/seats.csv",
        Body(b"section,row\nA,1\n", "text/csv"),
        422,
        "invalid_csv",
        "file",
    ),
    (
        "blocks before a layout",
        "PUT",
        f"/api/ceremonies/{C}/blocks",
        {"blocks": [{"name": "Front", "categories": ["guest"], "seats": ["A:1:1"]}]},
        409,
        "no_layout",
        None,
    ),
    (
        "block without seats",
        "PUT",
        f"/api/ceremonies/{C}/blocks",
        {"blocks": [{"name": "Front", "categories": ["guest"]}]},
        422,
        "validation_error",
        "blocks.0.seats",
    ),
    (
        "seating rule unknown",
        "PUT",
        f"/api/ceremonies/{C}/seating-rules",
        {"seat_of_honour": "left"},
        422,
        "validation_error",
        "seat_of_honour",
    ),
    (
        "host who is not registered",
        "PUT",
        f"/api/ceremonies/{C}/seating-rules",
        {"seat_of_honour": "host_right", "host_registration_id": SOMEONE},
        422,
        "unknown_host",
        "host_registration_id",
    ),
    (
        "zone no gate leads into",
        "PUT",
        f"/api/ceremonies/{C}/access",
        {"zones": [*HALL_ZONE, {"name": "Stage", "categories": ["speaker"]}], "gates": GATES},
        422,
        "validation_error",
        "zones",
    ),
    (
        "door closing before it opens",
        "PUT",
        f"/api/ceremonies/{C}/access",
        {
            "zones": HALL_ZONE,
            "gates": [
                {
                    **GATES[0],
                    "opens_at": "2030-05-01T15:00:00+02:00",
                    "closes_at": "2030-05-01T14:00:00+02:00",
                }
            ],
        },
        422,
        "validation_error",
        "gates.0.closes_at",
    ),
    (
        "gate rule for a gate the ceremony lacks",
        "PUT",
        f"/api/ceremonies/{C}/access",
        {"zones": HALL_ZONE, "gates": [{"gate": "Back door", "zones": ["Hall"]}]},
        422,
        "unknown_gate",
        "gates.0.gate",
    ),
    (
        "seat id missing",
        "PUT",
        f"{SEATING}/{SOMEONE}",
        {"locked": True},
        422,
        "validation_error",
        "seat_id",
    ),
    (
        "seating before a layout",
        "PUT",
        f"{SEATING}/{SOMEONE}",
        {"seat_id": "A:1:1"},
        409,
        "no_layout",
        None,
    ),
    (
        "swap of a guest that is not an id",
        "POST",
        f"{SEATING}/swap",
        {"first": "Ama", "second": SOMEONE},
        422,
        "validation_error",
        "first",
    ),
    (
        "accept no proposals",
        "POST",
        f"{SEATING}/proposals/accept",
        {"registration_ids": []},
        422,
        "validation_error",
        "registration_ids",
    ),
    (
        "saved layout without a name",
        "POST",
        "/api/venue-layouts",
        {"ceremony_id": SOMEONE},
        422,
        "validation_error",
        "name",
    ),
]

COURSE = f"/api/ceremonies/{C}/course"
A_COURSE = {
    "title": "Senior Officers' Course",
    "starts_on": "2026-10-05",
    "ends_on": "2026-11-13",
    "hours": 240,
}

GRADUATION_CASES = [
    (
        "course ending before it starts",
        "PUT",
        COURSE,
        {**A_COURSE, "ends_on": "2026-10-04"},
        422,
        "validation_error",
        "ends_on",
    ),
    (
        "course day past the end of the calendar",
        "PUT",
        COURSE,
        {**A_COURSE, "ends_on": "10000-01-01"},
        422,
        "validation_error",
        "ends_on",
    ),
    (
        "course negative hours",
        "PUT",
        COURSE,
        {**A_COURSE, "hours": -1},
        422,
        "validation_error",
        "hours",
    ),
    (
        "course hours not a number",
        "PUT",
        COURSE,
        {**A_COURSE, "hours": "NaN"},
        422,
        "validation_error",
        "hours",
    ),
    (
        "course title with a bidi override",
        "PUT",
        COURSE,
        {**A_COURSE, "title": "Course \u202egnirts"},
        422,
        "validation_error",
        "title",
    ),
    (
        "course roll in an unknown order",
        "PUT",
        COURSE,
        {**A_COURSE, "roll_order": "by_height"},
        422,
        "validation_error",
        "roll_order",
    ),
    (
        "course with five signatories",
        "PUT",
        COURSE,
        {**A_COURSE, "signatories": [{"name": f"Signatory {n}"} for n in range(5)]},
        422,
        "validation_error",
        "signatories",
    ),
    (
        "course title translated into no language",
        "PUT",
        COURSE,
        {**A_COURSE, "translations": {"not a tag": {"title": "x"}}},
        422,
        "validation_error",
        "translations",
    ),
    (
        "roll in an unknown order",
        "PUT",
        f"/api/ceremonies/{C}/roll",
        {"order": "by_height"},
        422,
        "validation_error",
        "order",
    ),
    (
        "results file for an address not registered",
        "POST",
        f"/api/ceremonies/{C}/results",
        Body(b"email,result\nnobody@example.org,passed\n", "text/csv"),
        422,
        "invalid_import",
        "rows.2.email",
    ),
]

ALL_CASES = (
    CEREMONY_CASES
    + REGISTRATION_CASES
    + INVITATION_CASES
    + HTTP_CASES
    + VENUE_CASES
    + GRADUATION_CASES
)


def send(client, headers, ceremony_id, method, path, body):
    """Send one case; raw bytes go as a JSON-typed body, a ``Body`` as it is, objects as JSON."""
    url = path.replace(C, ceremony_id)
    # Guests register without a token; everything else here is an organiser's request.
    public = method == "POST" and url.endswith("/registrations")
    kwargs = {"headers": {} if public else headers}
    if method == "GET" and url.endswith(("/registrations", "/invitations")):
        kwargs["query_string"] = {"status": "lost"}
    if isinstance(body, Body):
        kwargs.update(body.request_kwargs(kwargs["headers"]))
    elif isinstance(body, bytes):
        csv_upload = url.endswith("/import")
        kwargs.update(data=body, content_type="text/csv" if csv_upload else "application/json")
    elif body is not None:
        kwargs["json"] = (
            {k: v for k, v in body.items() if v is not None} if isinstance(body, dict) else body
        )
    return client.open(url, method=method, **kwargs)


def field_named(errors, field: str) -> bool:
    """Whether a (nested) marshmallow error dict names ``field`` (dotted path)."""
    if field in errors:
        return True
    node = errors.get("json", errors.get("query", errors))
    for part in field.split("."):
        if not isinstance(node, dict):
            return False
        key = int(part) if part.isdigit() and int(part) in node else part
        if key not in node:
            return False
        node = node[key]
    return True
