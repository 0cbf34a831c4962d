"""The door's verdicts through ``POST /api/checkins``, on whichever database ``settings`` names.

Run on SQLite by ``test_checkin.py`` and on PostgreSQL by the integration tests. The decision
table at the end is also what the door page must decide offline
(``tests/browser/test_door_decisions.py``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from services.badges.models import checkins, outbox
from services.badges.signing import codes
from services.badges.signing.keys import KeyRing
from shared.auth import MANAGE_REGISTRATION
from tests.badges.fixtures import at, bearer, ceremony_envelope, get_badge


@pytest.fixture
def door(signer, ceremony_id):
    """A staff token bound to the ceremony, not to a gate."""
    return bearer(signer.issue_token("staff", ceremony_id=str(ceremony_id)))


@pytest.fixture
def guest(feed, ceremony_id):
    return feed.confirm(ceremony_id, full_name="Li Wei", honorific="H.E.", category="dignitary")


@pytest.fixture
def code(client, organiser_headers, guest):
    return get_badge(client, organiser_headers, guest)["code"]


def scan(client, headers, code, **fields):
    return client.post("/api/checkins", json={"code": code, **fields}, headers=headers)


def verdict(response) -> tuple[int, str]:
    return response.status_code, response.json["result"]


def count(database, table, **where) -> int:
    with database.transaction() as session:
        query = select(func.count()).select_from(table)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        return session.execute(query).scalar_one()


def replace_at(text: str, position: int) -> str:
    return text[:position] + ("B" if text[position] != "B" else "C") + text[position + 1 :]


# --- Verdicts ----------------------------------------------------------------------------


def test_a_first_scan_admits_and_shows_the_guest(client, door, code):
    response = scan(client, door, code, gate="North")
    assert verdict(response) == (201, "admitted")
    assert response.json["guest"] == {
        "full_name": "Li Wei",
        "honorific": "H.E.",
        "name_latin": None,
        "category": "dignitary",
        "organisation": None,
        "attention": True,
    }


def test_a_second_scan_says_when_and_at_which_gate(client, door, code):
    first = scan(client, door, code, gate="North")
    second = scan(client, door, code, gate="South")
    assert verdict(second) == (409, "already_admitted")
    assert second.json["admitted_at"] == first.json["at"]
    assert second.json["admitted_gate"] == "North"
    assert second.json["guest"]["full_name"] == "Li Wei"


def test_a_tampered_signature_is_invalid(client, door, code):
    response = scan(client, door, replace_at(code, len(code) - 3))
    assert verdict(response) == (422, "invalid")
    assert response.json["reason"] == "bad_signature"
    assert "guest" not in response.json


def test_a_tampered_serial_is_invalid(client, door, code):
    response = scan(client, door, replace_at(code, 40))
    assert (verdict(response), response.json["reason"]) == ((422, "invalid"), "bad_signature")


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda code: code[:-8], "wrong_length"),
        (lambda code: "", "empty"),
        (lambda code: "   ", "empty"),
        (lambda code: code * 700, "too_long"),
        (lambda code: code[:-1] + "É", "not_ascii"),
        (lambda code: code[:-1] + "1", "bad_base32"),
        (lambda code: "https://example.org/?" + code, "bad_base32"),
    ],
    ids=["truncated", "empty", "blank", "huge", "non-ascii", "not base32", "a url"],
)
def test_malformed_codes_are_invalid_with_a_reason(client, door, code, mangle, reason):
    response = scan(client, door, mangle(code))
    assert verdict(response) == (422, "invalid")
    assert response.json["reason"] == reason


def test_a_code_typed_in_lower_case_is_admitted(client, door, code):
    assert verdict(scan(client, door, code.lower())) == (201, "admitted")


def test_a_code_signed_by_an_unknown_key_is_invalid(client, door, ceremony_id):
    forged = codes.sign_code(codes.generate_key(), ceremony_id, codes.new_serial())
    response = scan(client, door, forged)
    assert (verdict(response), response.json["reason"]) == ((422, "invalid"), "unknown_key")


def test_another_ceremonys_badge_is_the_wrong_ceremony(
    client, feed, door, organiser_headers, other_ceremony_id
):
    stranger = feed.confirm(other_ceremony_id, full_name="Other Guest")
    response = scan(client, door, get_badge(client, organiser_headers, stranger)["code"])
    assert verdict(response) == (409, "wrong_ceremony")
    assert "guest" not in response.json


def test_an_unbound_staff_token_admits_to_the_badges_own_ceremony(client, staff_headers, code):
    assert verdict(scan(client, staff_headers, code)) == (201, "admitted")


def test_a_cancelled_guests_badge_is_revoked(client, feed, door, guest, code):
    feed.cancel(guest)
    response = scan(client, door, code)
    assert verdict(response) == (409, "revoked")
    assert response.json["guest"]["full_name"] == "Li Wei"


# --- Nonces ------------------------------------------------------------------------------


def test_a_retried_nonce_gets_the_first_answer(client, door, code):
    first = scan(client, door, code, nonce="n-1")
    retry = scan(client, door, code, nonce="n-1")
    assert verdict(retry) == (201, "admitted")
    assert retry.json == first.json
    assert retry.headers["Idempotent-Replayed"] == "true"


def test_a_retried_nonce_records_one_scan(client, database, door, code):
    scan(client, door, code, nonce="n-1")
    scan(client, door, code, nonce="n-1")
    assert count(database, checkins) == 1


def test_a_new_nonce_is_a_new_scan(client, door, code):
    scan(client, door, code, nonce="n-1")
    assert verdict(scan(client, door, code, nonce="n-2")) == (409, "already_admitted")


def test_a_nonce_reused_for_another_badge_is_invalid(
    client, feed, door, organiser_headers, ceremony_id, code
):
    other = get_badge(client, organiser_headers, feed.confirm(ceremony_id))["code"]
    scan(client, door, code, nonce="n-1")
    response = scan(client, door, other, nonce="n-1")
    assert (verdict(response), response.json["reason"]) == ((422, "invalid"), "nonce_reused")


# --- Exit and re-entry -------------------------------------------------------------------


def test_exit_then_reentry_admits_again(client, door, code):
    assert verdict(scan(client, door, code)) == (201, "admitted")
    assert verdict(scan(client, door, code, direction="out")) == (201, "exited")
    assert verdict(scan(client, door, code)) == (201, "admitted")


def test_an_exit_without_entry_is_not_inside(client, door, code):
    assert verdict(scan(client, door, code, direction="out")) == (409, "not_inside")


def test_a_guest_inside_may_leave_after_cancelling(client, feed, door, guest, code):
    scan(client, door, code)
    feed.cancel(guest)
    assert verdict(scan(client, door, code, direction="out")) == (201, "exited")


# --- Gates and events --------------------------------------------------------------------


def test_the_gate_of_a_gate_token_wins_over_the_body(client, signer, ceremony_id, code):
    headers = bearer(signer.issue_token("staff", ceremony_id=str(ceremony_id), gate="East"))
    assert scan(client, headers, code, gate="West").json["gate"] == "East"


def test_an_admission_publishes_checkin_recorded(client, database, door, guest, code):
    scan(client, door, code, gate="North")
    with database.transaction() as session:
        (body,) = session.execute(
            select(outbox.c.body).where(outbox.c.event_type == "checkin.recorded")
        ).scalars()
    data = json.loads(body)["data"]
    assert (data["registration_id"], data["gate"], data["direction"]) == (str(guest), "North", "in")
    assert data["guest"]["attention"] is True


def test_a_refused_scan_publishes_nothing(client, database, door, code):
    scan(client, door, code)
    scan(client, door, code)
    assert count(database, outbox, event_type="checkin.recorded") == 1


# --- Who may scan, and malformed requests ------------------------------------------------


def test_no_token_gets_401(client, code):
    response = client.post("/api/checkins", json={"code": code})
    assert (response.status_code, response.json["code"]) == (401, "unauthorized")


def test_a_viewer_key_is_the_wrong_role(client, viewer_headers, code):
    response = scan(client, viewer_headers, code)
    assert (response.status_code, response.json["code"]) == (403, "forbidden")


def test_a_guest_capability_is_not_a_staff_token(client, signer, guest, code):
    capability = signer.issue_capability(MANAGE_REGISTRATION, guest, ttl_seconds=60)
    assert scan(client, bearer(capability), code).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "code"),
        ({"code": 42}, "code"),
        ({"code": None}, "code"),
        ({"code": "X", "direction": "sideways"}, "direction"),
        ({"code": "X", "gate": "North\r\nSouth"}, "gate"),
        ({"code": "X", "gate": "G" * 65}, "gate"),
        ({"code": "X", "nonce": ""}, "nonce"),
        ({"code": "X", "nonce": "n" * 65}, "nonce"),
        ({"code": "X", "colour": "red"}, "colour"),
    ],
    ids=[
        "no code",
        "code a number",
        "code null",
        "unknown direction",
        "gate with a line break",
        "gate too long",
        "empty nonce",
        "nonce too long",
        "unknown field",
    ],
)
def test_a_malformed_request_names_the_field(client, door, body, field):
    response = client.post("/api/checkins", json=body, headers=door)
    assert (response.status_code, response.json["code"]) == (422, "validation_error")
    assert field in response.json["errors"]["json"]


def test_a_body_that_is_not_json_is_refused(client, door):
    response = client.post(
        "/api/checkins", data=b"code=X", content_type="application/json", headers=door
    )
    assert (response.status_code, response.json["code"]) == (400, "invalid_json")


def test_a_body_that_is_a_list_is_refused(client, door):
    response = client.post("/api/checkins", json=["X"], headers=door)
    assert response.status_code == 422


def test_each_verdict_is_counted_for_metrics(client, door, code):
    def admitted() -> float:
        return REGISTRY.get_sample_value("ceremony_checkins_total", {"result": "admitted"}) or 0

    before = admitted()
    scan(client, door, code)
    assert admitted() == before + 1


# --- The decision table: the server's rules, which the offline door follows too ----------
#
# Each case is a badge in a state, a text scanned from it, a direction, a gate and a time (the
# ceremony has the zones and door hours of ``door_access``), with the server's verdict. The
# door page decides offline with the same rules (LocalDoor.decide in offline.js) and
# tests/browser/test_door_decisions.py holds it to this table. Where the offline door
# cannot know what the server knows, `offline` says what it answers instead, and `why`.


@dataclass(frozen=True)
class Scanned:
    """What a case's scanned text is made from."""

    #: The case's own badge, as issued.
    code: str
    ceremony_id: uuid.UUID
    #: A genuine badge of another ceremony.
    other_ceremony_code: str
    #: The ceremony's own signing key, to sign a serial that was never issued.
    signing_key: Ed25519PrivateKey


#: How each case's text is made; a case names one of these.
SCANNED_TEXTS: dict[str, Callable[[Scanned], str]] = {
    "genuine": lambda s: s.code,
    "lower case": lambda s: s.code.lower(),
    "with a scanner's CR LF": lambda s: s.code + "\r\n",
    # Some scanners send a GS (FNC1) after the data; Python's strip() takes it as whitespace.
    "with a group separator": lambda s: s.code + "\x1d",
    # Python's strip() keeps a byte order mark (JavaScript's trim() would drop it).
    "after a byte order mark": lambda s: "\ufeff" + s.code,
    "tampered signature": lambda s: replace_at(s.code, len(s.code) - 3),
    "tampered serial": lambda s: replace_at(s.code, 40),
    "truncated": lambda s: s.code[:-8],
    "not base32": lambda s: s.code[:-1] + "1",
    "a url": lambda s: "https://example.org/?" + s.code,
    "empty": lambda s: "",
    "blank": lambda s: "   ",
    "huge": lambda s: s.code * 700,
    "not ascii": lambda s: s.code[:-1] + "É",
    # Within the length limit counted in characters, beyond it counted in UTF-16 units.
    "with characters outside the BMP": lambda s: s.code + "\U0001f600" * 40,
    "unknown version": lambda s: replace_at(s.code, 0),
    "another ceremony's badge": lambda s: s.other_ceremony_code,
    "unknown key": lambda s: codes.sign_code(
        codes.generate_key(), s.ceremony_id, codes.new_serial()
    ),
    "unknown key, naming another ceremony": lambda s: codes.sign_code(
        codes.generate_key(), uuid.uuid4(), codes.new_serial()
    ),
    "never issued": lambda s: codes.sign_code(s.signing_key, s.ceremony_id, codes.new_serial()),
}


def door_access(now: datetime) -> dict:
    """The table ceremony's zones and gate hours, around ``now``: the hall's door and the
    lounge's are open, one door opens tomorrow, one has closed, and the side door has no
    rule. A scan at no gate is held to them all: from three hours ago, with no end."""
    hour = timedelta(hours=1)
    return {
        "zones": [
            {"name": "Hall", "categories": ["guest", "dignitary", "participant"]},
            {"name": "VIP lounge", "categories": ["dignitary", "speaker"]},
        ],
        "gate_rules": [
            {
                "gate": "Hall door",
                "zones": ["Hall"],
                "opens_at": now - hour,
                "closes_at": now + hour,
            },
            {
                "gate": "Lounge door",
                "zones": ["VIP lounge"],
                "opens_at": now - hour,
                "closes_at": now + hour,
            },
            {"gate": "Early door", "zones": ["Hall"], "opens_at": now + 24 * hour},
            {
                "gate": "Closed door",
                "zones": ["Hall"],
                "opens_at": now - 3 * hour,
                "closes_at": now - hour,
            },
        ],
    }


def give_door_access(feed, ceremony_id: uuid.UUID, now: datetime) -> None:
    """Give the ceremony the table's rules, as a later ``ceremony.updated`` does."""
    envelope = ceremony_envelope(ceremony_id, "ceremony.updated", sequence=1, **door_access(now))
    feed.deliver(at(envelope, now + timedelta(seconds=1)))


@dataclass(frozen=True)
class DecisionCase:
    """One scan: the badge's state, the text scanned and the direction, and the verdict."""

    name: str
    #: A key of SCANNED_TEXTS.
    text: str
    result: str
    #: For an invalid code, the server's word for what is wrong with it.
    reason: str | None = None
    #: "issued", or "revoked": the registration was cancelled.
    badge: str = "issued"
    #: The holder was admitted (before the registration was cancelled, for a revoked badge).
    inside: bool = False
    direction: str = "in"
    #: The gate scanned at (see ``door_access``); None: the scan names none.
    gate: str | None = None
    #: The holder's category.
    category: str = "guest"
    #: How long ago the badge was scanned (uploaded as an offline scan); None: now.
    ago: timedelta | None = None
    #: The offline door's (result, reason) where it legitimately differs from the server's.
    offline: tuple[str, str | None] | None = None
    #: Why it differs.
    why: str = ""

    def __post_init__(self):
        assert self.text in SCANNED_TEXTS, self.text
        assert (self.result == "invalid") == (self.reason is not None), self.name
        if self.offline is not None:
            assert self.why and self.offline != (self.result, self.reason), self.name

    @property
    def offline_verdict(self) -> tuple[str, str | None]:
        """What the door decides on its own: the server's verdict unless ``offline`` says."""
        return self.offline or (self.result, self.reason)


HOURS = timedelta(hours=1)

DECISION_CASES = (
    # The badge's state and the direction, with a genuine code.
    DecisionCase("first entry", "genuine", "admitted"),
    DecisionCase("second entry", "genuine", "already_admitted", inside=True),
    DecisionCase("exit without entry", "genuine", "not_inside", direction="out"),
    DecisionCase("exit", "genuine", "exited", inside=True, direction="out"),
    DecisionCase("revoked, entry", "genuine", "revoked", badge="revoked"),
    DecisionCase("revoked, inside, entry", "genuine", "revoked", badge="revoked", inside=True),
    DecisionCase(
        "revoked, exit without entry", "genuine", "not_inside", badge="revoked", direction="out"
    ),
    DecisionCase(
        "revoked, inside, exit",
        "genuine",
        "exited",
        badge="revoked",
        inside=True,
        direction="out",
        offline=("not_inside", None),
        why="the scanner bundle lists a revoked badge's serial but not whether its holder is "
        "inside, so the door offline cannot see that a cancelled guest came in",
    ),
    # How the text was typed or damaged.
    DecisionCase("lower case", "lower case", "admitted"),
    DecisionCase("CR LF after", "with a scanner's CR LF", "admitted"),
    DecisionCase("group separator after", "with a group separator", "admitted"),
    DecisionCase("byte order mark before", "after a byte order mark", "invalid", "not_ascii"),
    DecisionCase("tampered signature", "tampered signature", "invalid", "bad_signature"),
    DecisionCase("tampered serial", "tampered serial", "invalid", "bad_signature"),
    DecisionCase(
        "tampered signature, exit",
        "tampered signature",
        "invalid",
        "bad_signature",
        inside=True,
        direction="out",
    ),
    DecisionCase("truncated", "truncated", "invalid", "wrong_length"),
    DecisionCase("not base32", "not base32", "invalid", "bad_base32"),
    DecisionCase("a url", "a url", "invalid", "bad_base32"),
    DecisionCase("empty", "empty", "invalid", "empty"),
    DecisionCase("blank", "blank", "invalid", "empty"),
    DecisionCase("huge", "huge", "invalid", "too_long"),
    DecisionCase("not ascii", "not ascii", "invalid", "not_ascii"),
    DecisionCase("outside the BMP", "with characters outside the BMP", "invalid", "not_ascii"),
    DecisionCase("unknown version", "unknown version", "invalid", "unknown_version"),
    # Who signed it, and for which ceremony.
    DecisionCase("other ceremony", "another ceremony's badge", "wrong_ceremony"),
    DecisionCase("unknown key", "unknown key", "invalid", "unknown_key"),
    DecisionCase(
        "unknown key, other ceremony",
        "unknown key, naming another ceremony",
        "invalid",
        "unknown_key",
        offline=("wrong_ceremony", None),
        why="the door holds its own ceremony's keys only: a code naming another ceremony is "
        "refused as such, genuine or not, before any key is looked up",
    ),
    DecisionCase(
        "never issued",
        "never issued",
        "invalid",
        "unknown_badge",
        offline=("admitted", None),
        why="the door knows the badges of its last bundle only; a genuine badge issued since "
        "is admitted as not in the offline list, and the server's answer to the upload wins",
    ),
    # Zones and door hours (``door_access``).
    DecisionCase("at the hall's door in its hours", "genuine", "admitted", gate="Hall door"),
    DecisionCase("the gate named in other case", "genuine", "admitted", gate="hall DOOR"),
    DecisionCase(
        "before the hall's door opens", "genuine", "too_early", gate="Hall door", ago=HOURS * 2
    ),
    DecisionCase("at a door opening tomorrow", "genuine", "too_early", gate="Early door"),
    DecisionCase("after the door closed", "genuine", "too_late", gate="Closed door"),
    DecisionCase("a guest at the lounge's door", "genuine", "not_allowed_here", gate="Lounge door"),
    DecisionCase(
        "a dignitary at the lounge's door",
        "genuine",
        "admitted",
        gate="Lounge door",
        category="dignitary",
    ),
    DecisionCase(
        "a guest at the lounge's door before it opens",
        "genuine",
        "too_early",
        gate="Lounge door",
        ago=HOURS * 2,
    ),
    DecisionCase(
        "inside, a guest at the lounge's door",
        "genuine",
        "not_allowed_here",
        gate="Lounge door",
        inside=True,
    ),
    DecisionCase(
        "inside, a dignitary at the lounge's door",
        "genuine",
        "already_admitted",
        gate="Lounge door",
        category="dignitary",
        inside=True,
    ),
    DecisionCase(
        "exit through a closed door",
        "genuine",
        "exited",
        gate="Closed door",
        inside=True,
        direction="out",
    ),
    DecisionCase(
        "exit through another zone's door",
        "genuine",
        "exited",
        gate="Lounge door",
        inside=True,
        direction="out",
    ),
    DecisionCase(
        "exit without entry through a closed door",
        "genuine",
        "not_inside",
        gate="Closed door",
        direction="out",
    ),
    DecisionCase("no gate, before the first door opens", "genuine", "too_early", ago=HOURS * 4),
    DecisionCase("no gate, after the first door opened", "genuine", "admitted", ago=HOURS * 2),
    DecisionCase(
        "a gate without a rule, at any hour", "genuine", "admitted", gate="Side door", ago=HOURS * 4
    ),
    DecisionCase(
        "revoked, at a closed door", "genuine", "revoked", badge="revoked", gate="Closed door"
    ),
    DecisionCase(
        "tampered, at a closed door",
        "tampered signature",
        "invalid",
        "bad_signature",
        gate="Closed door",
    ),
)


def signing_key(database, secret: str, ceremony_id: uuid.UUID) -> Ed25519PrivateKey:
    """The ceremony's active signing key, opened from the database."""
    with database.transaction() as session:
        return KeyRing(secret).signing_key(session, ceremony_id).key


def scan_as_in_the_case(client, headers, ceremony_id, text, case, now: datetime):
    """The case's scan through the API: live, or uploaded as made offline ``case.ago`` before
    ``now``; the verdict's body."""
    fields = {"direction": case.direction, **({"gate": case.gate} if case.gate else {})}
    if case.ago is None:
        return scan(client, headers, text, **fields).json
    offline = {"code": text, "nonce": str(uuid.uuid4()), "scanned_at": (now - case.ago).isoformat()}
    response = client.post(
        f"/api/ceremonies/{ceremony_id}/offline-scans",
        json={"scans": [{**offline, **fields}]},
        headers=headers,
    )
    assert response.status_code == 200, response.json
    return response.json["results"][0]


@pytest.mark.parametrize("case", DECISION_CASES, ids=lambda case: case.name)
def test_the_server_decides_each_case_of_the_table(
    client, feed, database, settings, door, organiser_headers, ceremony_id, other_ceremony_id, case
):
    now = datetime.now(UTC)
    give_door_access(feed, ceremony_id, now)
    registration_id = feed.confirm(ceremony_id, full_name="Table Guest", category=case.category)
    code = get_badge(client, organiser_headers, registration_id)["code"]
    if case.inside:
        assert verdict(scan(client, door, code)) == (201, "admitted")
    if case.badge == "revoked":
        feed.cancel(registration_id)
    stranger = feed.confirm(other_ceremony_id, full_name="Other Guest")
    scanned = Scanned(
        code=code,
        ceremony_id=ceremony_id,
        other_ceremony_code=get_badge(client, organiser_headers, stranger)["code"],
        signing_key=signing_key(database, settings.secret_key, ceremony_id),
    )
    answer = scan_as_in_the_case(
        client, door, ceremony_id, SCANNED_TEXTS[case.text](scanned), case, now
    )
    assert (answer["result"], answer.get("reason")) == (case.result, case.reason)
