"""The people and access pages: the team and its roles (invite, change, remove, the last
owner kept), door devices (enrolment QR code, revocation), the audit trail (filters, pages),
and the signed-in person's own sessions."""

from __future__ import annotations

import base64
import io
import json
import re
import uuid
from datetime import UTC, datetime

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from services.registration.accounts import create_account, open_sessions, start_session
from services.registration.devices import create_device
from services.registration.models import Account, Device, audit, outbox
from shared.audit import record
from shared.credentials import SUITE
from shared.sessions import SESSION_COOKIE
from tests.console.harness import ConsoleWorld, error_beside, text_of

GATES = ["North", "South gate"]


def database(world):
    return world.apps["registration"].extensions["ceremony"].database


def add_owner_account(world) -> None:
    """Give the world's owner (only a session so far) an account, so the team shows them."""
    with database(world).transaction() as session:
        session.add(
            Account(
                id=uuid.UUID(world.account_id),
                email="olga@example.org",
                email_key="olga@example.org",
                display_name="Olga Organiser",
                language="en",
                recovery_codes=[],
                failed_attempts=0,
                created_at=datetime.now(UTC),
            )
        )


@pytest.fixture
def world(tmp_path):
    world = ConsoleWorld(tmp_path)
    add_owner_account(world)
    yield world
    world.close()


@pytest.fixture
def gated(tmp_path):
    world = ConsoleWorld(tmp_path / "gated", gates=GATES)
    add_owner_account(world)
    yield world
    world.close()


def url(world, path: str = "") -> str:
    return f"/console/ceremonies/{world.ceremony_id}{path}"


def events_of(world, event_type: str) -> list[dict]:
    with database(world).transaction() as session:
        rows = session.execute(select(outbox.c.body).where(outbox.c.event_type == event_type))
        return [json.loads(row.body)["data"] for row in rows]


def team_api(world) -> dict[str, dict]:
    members = world.api("GET", f"/api/ceremonies/{world.ceremony_id}/team").json
    return {member["account"]["email"]: member for member in members}


def invite(world, browser=None, **fields):
    form = {"email": "ana@example.org", "display_name": "Ana Li", "role": "organiser", **fields}
    browser = browser or world.browser("registration")
    return browser.post(url(world, "/team"), data=world.form(**form))


def session_of(world, role: str) -> str:
    """The session token of a new person holding ``role`` on the ceremony."""
    account_id = str(uuid.uuid4())
    world.grant(account_id, role)
    return world.signer.issue_session(account_id, name=f"A {role}")


def csrf_of(world, token: str) -> str:
    return world.signer.csrf_token(world.signer.verify_token(token))


# -- the team -----------------------------------------------------------------------------------


def test_the_team_shows_each_teammate_with_their_role_and_gates(world):
    world.api(
        "POST",
        f"/api/ceremonies/{world.ceremony_id}/team",
        json={
            "email": "dan@example.org",
            "display_name": "Dan Door",
            "role": "door",
            "gates": ["North"],
        },
    )
    page = world.browser("registration").get(url(world, "/team"))
    text = text_of(page.text)
    assert page.status_code == 200
    assert re.search(r"Dan Door .*dan@example.org Door North", text)
    assert re.search(r"Olga Organiser .*olga@example.org Owner", text)
    assert "Invite a teammate" in text


def test_inviting_a_teammate_gives_the_role_and_sends_the_welcome_email(world):
    browser = world.browser("registration")
    answer = invite(world, browser, role="protocol")
    assert answer.status_code == 303
    page = browser.get(answer.location)
    assert "Ana Li is on the team as Protocol" in text_of(page.text)
    assert team_api(world)["ana@example.org"]["role"] == "protocol"
    (welcome,) = events_of(world, "account.invited")
    assert welcome["email"] == "ana@example.org"
    assert welcome["role"] == "protocol" and welcome["ceremony_id"] == world.ceremony_id


def test_inviting_someone_already_on_the_team_shows_the_error_beside_the_email(world):
    invite(world)
    again = invite(world, display_name="Ana Again", role="viewer")
    assert again.status_code == 409
    assert "Already on this ceremony's team" in error_beside(again.text, "email")
    assert 'value="Ana Again"' in again.text  # what was typed is kept
    assert team_api(world)["ana@example.org"]["role"] == "organiser"
    assert len(events_of(world, "account.invited")) == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "not an address"}, "email", "valid email"),
        ({"email": "new@example.org", "display_name": ""}, "display_name", "give a name"),
        ({"role": "emperor"}, "role", "Must be one of"),
        ({"role": "viewer", "gates": "North"}, "gates", "Only the door role"),
    ],
)
def test_a_bad_invitation_is_refused_beside_its_field(world, fields, field, message):
    answer = invite(world, **fields)
    assert answer.status_code == 422
    assert message.lower() in error_beside(answer.text, field).lower()
    assert set(team_api(world)) == {"olga@example.org"}
    assert events_of(world, "account.invited") == []


def test_a_door_teammates_gates_take_the_ceremonys_spelling(gated):
    assert invite(gated, role="door", gates="north,  SOUTH GATE").status_code == 303
    assert team_api(gated)["ana@example.org"]["gates"] == GATES
    unknown = invite(gated, email="bo@example.org", display_name="Bo", role="door", gates="West")
    assert unknown.status_code == 422
    assert "West: not a gate of this ceremony" in error_beside(unknown.text, "gates")
    assert 'value="West"' in unknown.text


def test_changing_a_teammates_role(world):
    invite(world)
    ana = team_api(world)["ana@example.org"]["account"]["id"]
    browser = world.browser("registration")
    answer = browser.post(url(world, f"/team/{ana}"), data=world.form(role="door", gates=""))
    assert answer.status_code == 303
    assert team_api(world)["ana@example.org"]["role"] == "door"
    assert "Ana Li is now Door" in text_of(browser.get(answer.location).text)


def test_a_bad_role_change_shows_its_error_in_the_teammates_row(world):
    invite(world)
    ana = team_api(world)["ana@example.org"]["account"]["id"]
    answer = world.browser("registration").post(
        url(world, f"/team/{ana}"), data=world.form(role="viewer", gates="North")
    )
    assert answer.status_code == 422
    assert "Only the door role" in error_beside(answer.text, f"gates-{ana}")
    assert team_api(world)["ana@example.org"]["role"] == "organiser"


def test_the_last_owner_keeps_their_role(world):
    # The world's owner is the ceremony's only owner.
    demoted = world.browser("registration").post(
        url(world, f"/team/{world.account_id}"), data=world.form(role="viewer")
    )
    removed = world.browser("registration").post(
        url(world, f"/team/{world.account_id}/remove"), data=world.form()
    )
    for answer in (demoted, removed):
        assert answer.status_code == 409
        assert "last owner. Make someone else owner first" in text_of(answer.text)
        assert 'role="alert"' in answer.text
    assert team_api(world)["olga@example.org"]["role"] == "owner"


def test_removing_a_teammate_asks_first(world):
    invite(world)
    ana = team_api(world)["ana@example.org"]["account"]["id"]
    browser = world.browser("registration")
    question = browser.get(url(world, f"/team/{ana}/remove"))
    assert "Remove Ana Li from the team?" in text_of(question.text)
    assert "ana@example.org" in team_api(world)
    answer = browser.post(url(world, f"/team/{ana}/remove"), data=world.form())
    assert answer.status_code == 303
    assert "ana@example.org" not in team_api(world)
    assert events_of(world, "role.revoked")[-1]["account_id"] == ana


def test_a_viewer_sees_the_team_without_its_forms_and_cannot_change_it(world):
    viewer = session_of(world, "viewer")
    browser = world.browser("registration", viewer)
    page = browser.get(url(world, "/team"))
    assert page.status_code == 200 and "Olga Organiser" in page.text
    assert "Invite a teammate" not in page.text and "/remove" not in page.text
    assert 'name="role"' not in page.text
    form = {"csrf_token": csrf_of(world, viewer), "email": "x@example.org", "role": "owner"}
    refused = browser.post(url(world, "/team"), data={**form, "display_name": "X"})
    assert refused.status_code == 403
    assert set(team_api(world)) == {"olga@example.org"}
    demote = browser.post(url(world, f"/team/{world.account_id}"), data=form)
    assert demote.status_code == 403


def test_an_unknown_ceremony_is_not_found(world):
    world.grant(world.account_id, "admin", ceremony_id=SUITE)
    for path in ("team", "devices", "audit"):
        page = world.browser("registration").get(f"/console/ceremonies/{uuid.uuid4()}/{path}")
        assert page.status_code == 404, path


# -- door devices -------------------------------------------------------------------------------


def qr_texts(page: str) -> list[str]:
    found = re.search(r'src="data:image/png;base64,([^"]+)"', page)
    image = Image.open(io.BytesIO(base64.b64decode(found.group(1))))
    return [result.text for result in zxingcpp.read_barcodes(image)]


def enrol(world, browser=None, **fields):
    form = {"gate": "North", "name": "Steward's phone", **fields}
    browser = browser or world.browser("registration")
    return browser.post(url(world, "/devices"), data=world.form(**form))


def devices_of(world) -> list[Device]:
    with database(world).transaction() as session:
        return list(session.scalars(select(Device)))


def test_enrolling_a_device_shows_a_qr_code_of_its_enrolment_link(gated):
    answer = enrol(gated)
    assert answer.status_code == 303
    page = gated.browser("registration").get(answer.location)
    link = re.search(r'<code id="enrolment-link">([^<]+)</code>', page.text).group(1)
    assert qr_texts(page.text) == [link]
    assert "/enrol/" in link
    text = text_of(page.text)
    assert "Enrol Steward's phone at the gate North" in text
    assert re.search(r"It works once, until \w{3} \d{1,2}, \d{4} \d{2}:\d{2}\.", text)
    # The link is the device's: its page offers the enrolment.
    code = link.rsplit("/enrol/", 1)[1]
    assert gated.client("registration").get(f"/enrol/{code}").status_code == 200
    (device,) = devices_of(gated)
    assert (device.gate, device.name) == ("North", "Steward's phone")


def test_the_gate_is_a_choice_of_the_ceremonys_gates_when_it_names_them(gated, world):
    with_gates = gated.browser("registration").get(url(gated, "/devices")).text
    assert re.search(r'<select id="f-gate" name="gate"', with_gates)
    assert '<option value="South gate">South gate</option>' in with_gates
    without = world.browser("registration").get(url(world, "/devices")).text
    assert '<input id="f-gate" name="gate" type="text"' in without
    assert "names no gates" in text_of(without)


def test_a_gate_the_ceremony_does_not_have_is_refused_beside_the_gate(gated):
    answer = enrol(gated, gate="West", name="Back door phone")
    assert answer.status_code == 422
    assert "ceremony's gates" in error_beside(answer.text, "gate")
    assert 'value="Back door phone"' in answer.text
    assert devices_of(gated) == []


def test_a_device_without_a_gate_is_refused(world):
    answer = enrol(world, gate="  ")
    assert answer.status_code == 422
    assert error_beside(answer.text, "gate")
    assert devices_of(world) == []


def test_revoking_a_device_asks_then_refuses_it_everywhere(gated):
    enrol(gated)
    (device,) = devices_of(gated)
    browser = gated.browser("registration")
    path = url(gated, f"/devices/{device.id}/revoke")
    assert "Revoke the device Steward's phone?" in text_of(browser.get(path).text)
    answer = browser.post(path, data=gated.form())
    assert answer.status_code == 303
    page = text_of(browser.get(answer.location).text)
    assert "The device Steward's phone is revoked." in page
    assert re.search(r"Steward's phone North Revoked", page)
    (revoked,) = events_of(gated, "credential.revoked")
    assert revoked["credential_id"] == str(device.id) and revoked["kind"] == "device"


def test_the_devices_come_a_page_at_a_time(world):
    with database(world).transaction() as session:
        for number in range(52):
            create_device(session, uuid.UUID(world.ceremony_id), "North", f"Phone {number:02}")
    browser = world.browser("registration")
    first = browser.get(url(world, "/devices")).text
    second = browser.get(url(world, "/devices"), query_string={"page": 2}).text
    assert "Page 1 of 2" in text_of(first) and "52 results" in text_of(first)
    assert first.count("/revoke") == 50 and second.count("/revoke") == 2
    assert "Phone 51" in first and "Phone 00" in second  # newest first


def test_protocol_staff_enrol_devices_as_the_api_lets_them_and_a_viewer_cannot(world):
    viewer = world.browser("registration", session_of(world, "viewer"))
    assert viewer.get(url(world, "/devices")).status_code == 403
    token = session_of(world, "protocol")
    protocol = world.browser("registration", token)
    page = protocol.get(url(world, "/devices"))
    assert page.status_code == 200
    assert "/edit" not in page.text  # naming the gates is for those who manage the ceremony
    enrolled = protocol.post(
        url(world, "/devices"),
        data={"csrf_token": csrf_of(world, token), "gate": "North", "name": "Protocol phone"},
    )
    assert enrolled.status_code == 303
    assert "Protocol phone" in protocol.get(enrolled.headers["Location"]).text


# -- the audit trail ----------------------------------------------------------------------------


def audit_rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [text_of(row) for row in body.split("<tr>")[1:]]


def test_the_audit_trail_shows_what_was_done_newest_first(gated):
    invite(gated, role="door", gates="North")
    enrol(gated)
    page = gated.browser("registration").get(url(gated, "/audit"))
    rows = audit_rows(page.text)
    assert page.status_code == 200
    assert "device.enrolment_created" in rows[0] and "Olga Organiser" in rows[0]
    assert re.search(r"enrol_until: \w{3} \d{1,2}, \d{4} \d{2}:\d{2}", rows[0])  # local time
    assert any("role.granted" in row and "role: door" in row for row in rows)
    assert "ceremony.created" in rows[-1]
    assert re.match(r"\w{3} \d{1,2}, \d{4} \d{2}:\d{2} A person: Olga Organiser", rows[0])


def test_the_audit_trail_is_filtered_by_action_and_by_who_acted(world):
    invite(world)
    browser = world.browser("registration")
    granted = audit_rows(
        browser.get(url(world, "/audit"), query_string={"action": "role.granted"}).text
    )
    assert granted and all("role.granted" in row for row in granted)
    by_people = audit_rows(
        browser.get(url(world, "/audit"), query_string={"actor_kind": "session"}).text
    )
    assert by_people and all("A person: Olga Organiser" in row for row in by_people)
    assert not any("ceremony.created" in row for row in by_people)
    fragment = browser.get(
        url(world, "/audit"),
        query_string={"action": "ceremony.created"},
        headers={"HX-Request": "true"},
    )
    assert "<html" not in fragment.text and len(audit_rows(fragment.text)) == 1


def test_the_audit_trail_comes_a_page_at_a_time(world):
    with database(world).transaction() as session:
        for number in range(60):
            record(
                session,
                audit,
                {"kind": "system"},
                "ceremony.updated",
                "ceremony",
                world.ceremony_id,
                ceremony_id=world.ceremony_id,
                after={"n": number},
            )
    browser = world.browser("registration")
    first = browser.get(url(world, "/audit")).text
    second = browser.get(url(world, "/audit"), query_string={"page": 2}).text
    assert "Page 1 of 2" in text_of(first)
    assert len(audit_rows(first)) == 50 and len(audit_rows(second)) == 11
    assert 'href="/console/ceremonies/' in first and "page=2" in first


def test_the_audit_page_links_to_the_csv_exports(world):
    page = world.browser("registration").get(url(world, "/audit")).text
    ceremony = world.ceremony_id
    for address in (
        f"/api/ceremonies/{ceremony}/audit.csv",
        f"/api/ceremonies/{ceremony}/badges/audit.csv",
        f"/api/ceremonies/{ceremony}/emails/audit.csv",
    ):
        assert address in page
    export = world.browser("registration").get(f"/api/ceremonies/{ceremony}/audit.csv")
    assert export.status_code == 200 and "ceremony.created" in export.text
    export.close()


# -- the signed-in person's account -------------------------------------------------------------


def signed_in(world, times: int = 2) -> list[str]:
    """Session tokens of a person with a password account, signed in ``times`` times."""
    app = world.apps["registration"]
    with database(world).transaction() as session:
        person = create_account(
            session, email="pat@example.org", display_name="Pat Person", password="a" * 16
        )
        tokens = [
            start_session(session, app.extensions["ceremony"].signer, person, method="password")[0]
            for _ in range(times)
        ]
    world.person_id = str(person.id)
    return tokens


def test_the_account_page_lists_the_persons_sessions(world):
    _first, second = signed_in(world)
    page = world.browser("registration", second).get("/console/account")
    text = text_of(page.text)
    assert page.status_code == 200
    assert "Pat Person" in text and "pat@example.org" in text
    assert text.count("Password") == 2 and text.count("(this browser)") == 1
    assert "Two-step sign-in is off" in text
    assert 'class="menu"' not in page.text


def test_signing_out_everywhere_ends_every_session(world):
    first, second = signed_in(world)
    browser = world.browser("registration", second)
    answer = browser.post(
        "/console/account/sign-out-everywhere", data={"csrf_token": csrf_of(world, second)}
    )
    assert answer.status_code == 303 and answer.location.startswith("/sign-in")
    assert f"{SESSION_COOKIE}=;" in answer.headers.get("Set-Cookie", "")
    with database(world).transaction() as session:
        assert open_sessions(session, world.person_id) == []
    again = world.browser("registration", first).get("/console/account")
    assert again.status_code == 303 and "/sign-in" in again.location


def test_signing_out_one_other_session(world):
    first, second = signed_in(world)
    other = world.signer.verify_token(first).credential_id
    answer = world.browser("registration", second).post(
        f"/console/account/sessions/{other}/sign-out", data={"csrf_token": csrf_of(world, second)}
    )
    assert answer.status_code == 303 and answer.location.endswith("/console/account")
    with database(world).transaction() as session:
        assert [str(row.id) for row in open_sessions(session, world.person_id)] == [
            world.signer.verify_token(second).credential_id
        ]


# -- signing in and the CSRF token --------------------------------------------------------------


def test_every_page_sends_a_stranger_to_sign_in(world):
    for path in (
        url(world, "/team"),
        url(world, "/devices"),
        url(world, "/audit"),
        "/console/account",
    ):
        answer = world.client("registration").get(path)
        assert answer.status_code == 303, path
        assert "/sign-in?next=" in answer.location


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(gated):
    enrol(gated)
    (device,) = devices_of(gated)
    (first,) = signed_in(gated, times=1)
    owner = gated.browser("registration")
    posts = [
        (
            owner,
            url(gated, "/team"),
            {"email": "x@example.org", "display_name": "X", "role": "owner"},
        ),
        (owner, url(gated, f"/team/{gated.account_id}"), {"role": "viewer"}),
        (owner, url(gated, f"/team/{gated.account_id}/remove"), {}),
        (owner, url(gated, "/devices"), {"gate": "North"}),
        (owner, url(gated, f"/devices/{device.id}/revoke"), {}),
        (gated.browser("registration", first), "/console/account/sign-out-everywhere", {}),
    ]
    for browser, path, form in posts:
        assert browser.post(path, data=form).status_code == 403, path
    assert set(team_api(gated)) == {"olga@example.org"}
    assert [d.revoked_at for d in devices_of(gated)] == [None]
    with database(gated).transaction() as session:
        assert len(open_sessions(session, gated.person_id)) == 1
