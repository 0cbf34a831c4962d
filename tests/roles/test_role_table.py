"""Each role on every endpoint of the three services: allowed, or refused with 403 (401 with no
credential at all).

The callers are API keys bound to ceremony A for each ceremony role, a suite admin key, a
session whose account the bus made organiser of A, an owner of another ceremony (B), and
nobody. "Allowed" means the request got past access: whatever it answers then (200, 201, 404
for an object gone, 409, 422 for the empty body sent), it is not 401 or 403. Refused callers go
first, so that the changes allowed callers make cannot hide a refusal.

Every route under /api/ of every service must be in the table: a new endpoint fails
``test_every_api_route_is_in_the_table`` until its roles are written down here.
"""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from services.notifications.models import deliveries
from services.registration.credential_events import set_role
from tests.registration.conftest import ceremony_body
from tests.roles.suite import InProcessSuite

CEREMONY_ROLES = ("owner", "organiser", "protocol", "door", "viewer")
CALLERS = ("nobody", "admin", *CEREMONY_ROLES, "organiser_session", "owner_elsewhere")
SIGNED_IN = tuple(c for c in CALLERS if c != "nobody")
A = {"admin", "owner", "organiser", "organiser_session"}
MANAGE = A
READ = A | {"protocol", "viewer"}
PROTOCOL = A | {"protocol"}
DOOR = A | {"protocol", "door"}
ADMIN = {"admin"}
GRANT = {"admin", "owner"}
SESSIONS = {"organiser_session"}
PUBLIC = set(CALLERS)
#: "Somewhere" permissions: also the owner of another ceremony, who is then refused on A's
#: objects but passes where no ceremony is named.
ELSEWHERE = {"owner_elsewhere"}

#: (service, method, path, allowed callers). Paths name the objects made by ``world``.
TABLE = [
    # registration
    ("registration", "GET", "/api/ceremonies", PUBLIC),
    ("registration", "POST", "/api/ceremonies", ADMIN),
    ("registration", "GET", "/api/ceremonies/{A}", PUBLIC),
    ("registration", "PATCH", "/api/ceremonies/{A}", MANAGE),
    ("registration", "GET", "/api/ceremonies/{A}/audit", READ),
    ("registration", "GET", "/api/ceremonies/{A}/audit.csv", READ),
    ("registration", "GET", "/api/ceremonies/{A}/invitations", READ),
    ("registration", "POST", "/api/ceremonies/{A}/invitations", MANAGE),
    ("registration", "POST", "/api/ceremonies/{A}/invitations/import", MANAGE),
    ("registration", "POST", "/api/ceremonies/{A}/invitations/send", MANAGE),
    ("registration", "POST", "/api/ceremonies/{A}/invitations/remind", MANAGE),
    ("registration", "GET", "/api/ceremonies/{A}/registration-requests", READ),
    ("registration", "GET", "/api/ceremonies/{A}/registrations", READ),
    # Anyone may ask to register; what a credential with MANAGE adds is a seat at once.
    ("registration", "POST", "/api/ceremonies/{A}/registrations", PUBLIC),
    ("registration", "GET", "/api/ceremonies/{A}/registrations.csv", READ),
    ("registration", "GET", "/api/invitations/{invitation}", READ),
    ("registration", "POST", "/api/invitations/{invitation}/answer", MANAGE),
    ("registration", "POST", "/api/invitations/{invitation}/remind", MANAGE),
    # Only drafts are deleted (409 for this one, which was sent); withdrawing comes last.
    ("registration", "DELETE", "/api/invitations/{invitation}", MANAGE),
    ("registration", "POST", "/api/invitations/{invitation}/withdraw", MANAGE),
    ("registration", "POST", "/api/registration-requests/{request}/approve", MANAGE),
    ("registration", "POST", "/api/registration-requests/{request}/decline", MANAGE),
    ("registration", "GET", "/api/registrations/{registration}", READ),
    ("registration", "PATCH", "/api/registrations/{registration}", MANAGE),
    ("registration", "POST", "/api/registrations/{registration}/resend-confirmation", MANAGE),
    ("registration", "POST", "/api/registrations/{registration}/send-link", MANAGE),
    ("registration", "POST", "/api/registrations/{registration}/cancel", MANAGE),
    ("registration", "POST", "/api/registrations/{registration}/erase", MANAGE),
    ("registration", "GET", "/api/ceremonies/{A}/team", READ),
    ("registration", "POST", "/api/ceremonies/{A}/team", GRANT),
    ("registration", "PUT", "/api/ceremonies/{A}/team/{account}", GRANT),
    ("registration", "DELETE", "/api/ceremonies/{A}/team/{account}", GRANT),
    ("registration", "GET", "/api/ceremonies/{A}/devices", READ),
    ("registration", "POST", "/api/ceremonies/{A}/devices", PROTOCOL),
    ("registration", "POST", "/api/devices/{device}/revoke", PROTOCOL),
    ("registration", "GET", "/api/accounts", ADMIN),
    ("registration", "POST", "/api/accounts", ADMIN),
    ("registration", "POST", "/api/accounts/{account}/disable", ADMIN),
    ("registration", "POST", "/api/accounts/{account}/enable", ADMIN),
    # Listing a ceremony's keys needs grant there; all of them, the suite admin.
    ("registration", "GET", "/api/apikeys?ceremony_id={A}", GRANT),
    ("registration", "GET", "/api/apikeys", ADMIN),
    ("registration", "POST", "/api/apikeys", GRANT),
    ("registration", "POST", "/api/apikeys/{apikey}/revoke", GRANT),
    # Anyone may try to sign in or ask for a password link.
    ("registration", "POST", "/api/auth/sign-in", PUBLIC),
    ("registration", "POST", "/api/auth/password-reset", PUBLIC),
    ("registration", "POST", "/api/auth/password-reset/complete", PUBLIC),
    # A person's own account and sessions: sessions only.
    ("registration", "GET", "/api/auth/me", SESSIONS),
    ("registration", "GET", "/api/auth/sessions", SESSIONS),
    ("registration", "POST", "/api/auth/sessions/{session}/revoke", SESSIONS),
    ("registration", "POST", "/api/auth/sign-out", SESSIONS),
    ("registration", "POST", "/api/auth/sign-out-everywhere", SESSIONS),
    ("registration", "POST", "/api/auth/totp", SESSIONS),
    ("registration", "DELETE", "/api/auth/totp", SESSIONS),
    ("registration", "POST", "/api/auth/totp/confirm", SESSIONS),
    # The venue and seating: organisers change the hall and its access; protocol seats people.
    ("registration", "GET", "/api/ceremonies/{A}/venue", READ),
    ("registration", "PUT", "/api/ceremonies/{A}/venue", MANAGE),
    ("registration", "POST", "/api/ceremonies/{A}/venue/seats.csv", MANAGE),
    ("registration", "POST", "/api/ceremonies/{A}/venue/from-layout/{layout}", MANAGE),
    ("registration", "GET", "/api/venue-layouts", READ | ELSEWHERE),
    # The body names the ceremony; an empty one is refused (422) before it is looked at.
    ("registration", "POST", "/api/venue-layouts", MANAGE | ELSEWHERE),
    ("registration", "GET", "/api/ceremonies/{A}/blocks", READ),
    ("registration", "PUT", "/api/ceremonies/{A}/blocks", PROTOCOL),
    ("registration", "GET", "/api/ceremonies/{A}/seating-rules", READ),
    ("registration", "PUT", "/api/ceremonies/{A}/seating-rules", PROTOCOL),
    ("registration", "GET", "/api/ceremonies/{A}/access", READ),
    ("registration", "PUT", "/api/ceremonies/{A}/access", MANAGE),
    ("registration", "GET", "/api/ceremonies/{A}/seating", READ),
    ("registration", "POST", "/api/ceremonies/{A}/seating/auto", PROTOCOL),
    ("registration", "PUT", "/api/ceremonies/{A}/seating/{registration}", PROTOCOL),
    ("registration", "DELETE", "/api/ceremonies/{A}/seating/{registration}", PROTOCOL),
    ("registration", "POST", "/api/ceremonies/{A}/seating/swap", PROTOCOL),
    ("registration", "POST", "/api/ceremonies/{A}/seating/announce", PROTOCOL),
    ("registration", "GET", "/api/ceremonies/{A}/seating/proposals", READ),
    ("registration", "POST", "/api/ceremonies/{A}/seating/proposals/accept", PROTOCOL),
    ("registration", "GET", "/api/ceremonies/{A}/seating/seats.csv", READ),
    # The graduation: organisers set the course, its images, results and the roll's order. No
    # course is set in this world: a caller let through gets 404 (or 409, 422) for its parts.
    ("registration", "GET", "/api/ceremonies/{A}/course", READ),
    ("registration", "PUT", "/api/ceremonies/{A}/course", MANAGE),
    ("registration", "DELETE", "/api/ceremonies/{A}/course", MANAGE),
    ("registration", "GET", "/api/ceremonies/{A}/course/signatories/{index}/signature", READ),
    ("registration", "PUT", "/api/ceremonies/{A}/course/signatories/{index}/signature", MANAGE),
    ("registration", "DELETE", "/api/ceremonies/{A}/course/signatories/{index}/signature", MANAGE),
    ("registration", "GET", "/api/ceremonies/{A}/course/organisations/{index}/logo", READ),
    ("registration", "PUT", "/api/ceremonies/{A}/course/organisations/{index}/logo", MANAGE),
    ("registration", "DELETE", "/api/ceremonies/{A}/course/organisations/{index}/logo", MANAGE),
    ("registration", "GET", "/api/registrations/{registration}/graduation", READ),
    ("registration", "PATCH", "/api/registrations/{registration}/graduation", MANAGE),
    ("registration", "POST", "/api/ceremonies/{A}/results", MANAGE),
    ("registration", "GET", "/api/ceremonies/{A}/roll", READ),
    ("registration", "PUT", "/api/ceremonies/{A}/roll", MANAGE),
    ("registration", "GET", "/api/ceremonies/{A}/roll.pdf", READ),
    ("registration", "GET", "/api/ceremonies/{A}/name-cards.pdf", READ),
    # badges
    ("badges", "GET", "/api/ceremonies/{A}/attendance", READ | DOOR),
    ("badges", "GET", "/api/ceremonies/{A}/badges/audit", READ),
    ("badges", "GET", "/api/ceremonies/{A}/badges/audit.csv", READ),
    ("badges", "GET", "/api/ceremonies/{A}/badges.pdf", PROTOCOL),
    ("badges", "POST", "/api/ceremonies/{A}/door-admissions", DOOR),
    ("badges", "GET", "/api/ceremonies/{A}/door-guests", DOOR),
    ("badges", "POST", "/api/ceremonies/{A}/offline-scans", DOOR),
    ("badges", "GET", "/api/ceremonies/{A}/scanner-bundle", DOOR),
    # A door elsewhere scanning A's badge gets the verdict wrong_ceremony (409), not a 403.
    ("badges", "POST", "/api/checkins", DOOR | ELSEWHERE),
    ("badges", "GET", "/api/door/session", DOOR | ELSEWHERE),
    ("badges", "GET", "/api/registrations/{registration}/badge", PROTOCOL),
    ("badges", "GET", "/api/registrations/{registration}/badge.pdf", PROTOCOL),
    ("badges", "GET", "/api/registrations/{registration}/badge.png", PROTOCOL),
    # Certificates: none is released in this world, so a caller let through gets 404 or 409.
    ("badges", "POST", "/api/ceremonies/{A}/certificates/release", MANAGE),
    ("badges", "GET", "/api/ceremonies/{A}/certificates", READ),
    ("badges", "GET", "/api/ceremonies/{A}/certificates.pdf", READ),
    ("badges", "GET", "/api/ceremonies/{A}/certificate-keys", PUBLIC),
    # An unknown certificate: refused without a reading role anywhere, else 404.
    ("badges", "GET", "/api/certificates/{certificate}", READ | ELSEWHERE),
    ("badges", "GET", "/api/certificates/{certificate}.pdf", READ | ELSEWHERE),
    ("badges", "POST", "/api/certificates/{certificate}/revoke", MANAGE | ELSEWHERE),
    ("badges", "GET", "/api/registrations/{registration}/certificate.pdf", READ),
    # The route's own placeholder as the code: it verifies as not genuine, for anyone.
    ("badges", "GET", "/api/verify/<code>", PUBLIC),
    # notifications
    ("notifications", "GET", "/api/ceremonies/{A}/announcements", READ),
    ("notifications", "POST", "/api/ceremonies/{A}/announcements", MANAGE),
    ("notifications", "POST", "/api/ceremonies/{A}/announcements/{announcement}/cancel", MANAGE),
    ("notifications", "GET", "/api/ceremonies/{A}/emails/audit", READ),
    ("notifications", "GET", "/api/ceremonies/{A}/emails/audit.csv", READ),
    # The log lists what the caller may read: an owner elsewhere sees none of A's emails.
    ("notifications", "GET", "/api/deliveries", READ | ELSEWHERE),
    ("notifications", "GET", "/api/deliveries/{delivery}", READ),
    ("notifications", "POST", "/api/deliveries/{delivery}/resend", MANAGE),
    ("notifications", "GET", "/api/templates/confirmation/preview", MANAGE | ELSEWHERE),
]

#: Bodies that get past the argument parser where an empty one would not matter either way.
BODIES = {
    ("badges", "POST", "/api/checkins"): lambda world: {"code": world["code"]},
    ("registration", "POST", "/api/invitations/{invitation}/answer"): lambda world: {
        "answer": "accept"
    },
    # A CSV import is not JSON: an empty CSV body.
    ("registration", "POST", "/api/ceremonies/{A}/invitations/import"): lambda world: None,
    ("registration", "POST", "/api/ceremonies/{A}/venue/seats.csv"): lambda world: None,
    # An image or a results file is not JSON either: an empty body.
    ("registration", "PUT", "/api/ceremonies/{A}/course/signatories/{index}/signature"): (
        lambda world: None
    ),
    ("registration", "PUT", "/api/ceremonies/{A}/course/organisations/{index}/logo"): (
        lambda world: None
    ),
    ("registration", "POST", "/api/ceremonies/{A}/results"): lambda world: None,
    ("registration", "POST", "/api/ceremonies/{A}/team"): lambda world: {
        "email": f"{uuid.uuid4().hex[:8]}@example.org",
        "role": "viewer",
    },
    ("registration", "PUT", "/api/ceremonies/{A}/team/{account}"): lambda world: {"role": "viewer"},
    ("registration", "POST", "/api/ceremonies/{A}/devices"): lambda world: {"gate": "North"},
    ("registration", "POST", "/api/apikeys"): lambda world: {
        "name": "Sync",
        "role": "viewer",
        "ceremony_id": world["ids"]["A"],
    },
}
#: Routes that are not the API of a role: documentation and its assets.
NOT_IN_TABLE = {"/api/openapi.json", "/api/docs", "/api/docs-assets/<path:filename>"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    suite = InProcessSuite(tmp_path_factory.mktemp("roles"))
    signer = suite.signer
    admin = {"Authorization": f"Bearer {signer.issue_token('admin')}"}
    registration = suite.client("registration")
    a = registration.post(
        "/api/ceremonies", json=ceremony_body(registration_mode="approval"), headers=admin
    ).json["id"]
    b = registration.post("/api/ceremonies", json=ceremony_body(), headers=admin).json["id"]
    # A guest registered by staff (a seat at once), a public request waiting, an invitation.
    person = {"full_name": "Grace Hopper", "email": "grace@example.org"}
    guest = registration.post(f"/api/ceremonies/{a}/registrations", json=person, headers=admin)
    registration.post(
        f"/api/ceremonies/{a}/registrations",
        json={"full_name": "Alan Turing", "email": "alan@example.org", "consent": True},
    )
    invitee = {"full_name": "Dame Ada", "email": "ada@example.org", "category": "dignitary"}
    invited = registration.post(
        f"/api/ceremonies/{a}/invitations", json={"invitees": [invitee]}, headers=admin
    )
    requests_ = registration.get(f"/api/ceremonies/{a}/registration-requests", headers=admin)
    teammate = registration.post(
        f"/api/ceremonies/{a}/team",
        json={"email": "mate@example.org", "display_name": "Mate", "role": "viewer"},
        headers=admin,
    )
    device = registration.post(
        f"/api/ceremonies/{a}/devices", json={"gate": "North"}, headers=admin
    )
    apikey = registration.post(
        "/api/apikeys", json={"name": "Sync", "role": "viewer", "ceremony_id": a}, headers=admin
    )
    assert (teammate.status_code, device.status_code, apikey.status_code) == (201, 201, 201), (
        teammate.json,
        device.json,
        apikey.json,
    )
    account = str(uuid.uuid4())
    database = suite.apps["registration"].extensions["ceremony"].database
    with database.transaction() as session:
        set_role(session, account, a, "organiser")
    suite.pump()
    badge = suite.client("badges").get(
        f"/api/registrations/{guest.json['id']}/badge", headers=admin
    )
    notifications = suite.apps["notifications"].extensions["ceremony"].database
    with notifications.transaction() as session:
        delivery = session.execute(select(deliveries.c.id)).scalars().first()

    def key(role: str, ceremony: str) -> dict:
        return {"Authorization": f"Bearer {signer.issue_token(role, ceremony_id=ceremony)}"}

    headers = {
        "nobody": {},
        "admin": admin,
        **{role: key(role, a) for role in CEREMONY_ROLES},
        # A fresh session for each test (one test signs it out).
        "organiser_session": lambda: {"Authorization": f"Bearer {signer.issue_session(account)}"},
        "owner_elsewhere": key("owner", b),
    }
    ids = {
        "A": a,
        "registration": guest.json["id"],
        "invitation": invited.json[0]["id"],
        "request": requests_.json[0]["id"],
        "delivery": str(delivery),
        "account": _id_of(teammate.json),
        "device": device.json["id"],
        "apikey": apikey.json["id"],
        "session": str(uuid.uuid4()),
        "announcement": str(uuid.uuid4()),
        # No layout is saved: a caller let through gets 404 for it.
        "layout": str(uuid.uuid4()),
        # The first signatory or organisation of a course.
        "index": "0",
        "certificate": str(uuid.uuid4()),
    }
    assert badge.status_code == 200 and delivery is not None, (badge.json, delivery)
    yield {"suite": suite, "headers": headers, "ids": ids, "code": badge.json["code"]}
    suite.close()


def _id_of(teammate: dict) -> str:
    """The account id in the answer to inviting a teammate."""
    return str(teammate.get("account_id") or teammate.get("id") or teammate["account"]["id"])


def _case_id(case) -> str:
    service, method, path, _ = case
    return f"{service} {method} {path}"


@pytest.mark.parametrize("case", TABLE, ids=[_case_id(case) for case in TABLE])
def test_each_role_is_allowed_or_refused_as_the_table_says(world, case):
    service, method, template, allowed = case
    path = template.format(**world["ids"])
    body_of = BODIES.get((service, method, template))
    body = body_of(world) if body_of is not None else {}
    client = world["suite"].client(service)
    seen = {}
    # Refused callers first: a change an allowed caller makes must not hide a refusal.
    for caller in sorted(CALLERS, key=lambda c: c in allowed):
        headers = world["headers"][caller]
        headers = headers() if callable(headers) else headers
        if body is None:
            response = client.open(
                path, method=method, data=b"", content_type="text/csv", headers=headers
            )
        else:
            response = client.open(path, method=method, json=body, headers=headers)
        seen[caller] = response.status_code
    expected = {
        caller: ("allowed" if caller in allowed else 401 if caller == "nobody" else 403)
        for caller in CALLERS
    }
    # Allowed is any answer but a refusal or a failure (a 500 is neither allowed nor refused).
    got = {
        caller: ("allowed" if status not in (401, 403) and status < 500 else status)
        for caller, status in seen.items()
    }
    assert got == expected, seen


def test_every_api_route_is_in_the_table(world):
    listed = {
        (service, method, re.sub(r"\{[A-Za-z_]+\}", "<id>", path.split("?")[0]))
        for service, method, path, _ in TABLE
    }
    missing = []
    for service, app in world["suite"].apps.items():
        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/api/") or rule.rule in NOT_IN_TABLE:
                continue
            shape = re.sub(r"<uuid:[a-z_]+>", "<id>", rule.rule)
            shape = re.sub(r"<int:[a-z_]+>", "<id>", shape)
            shape = re.sub(r"<(?:string:)?name>", "confirmation", shape)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if (service, method, shape) not in listed:
                    missing.append(f"{service} {method} {rule.rule}")
    assert missing == []
