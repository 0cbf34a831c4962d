"""The ceremony pages of the console: the home list, creating and editing a ceremony in its
own time zone, the programme editor, and the dashboard's counts."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from services.registration.models import Ceremony, outbox
from tests.console.harness import ConsoleWorld, error_beside, text_of
from tests.registration.conftest import ceremony_body

SUMMER_EVENING = {
    "title": "Graduation of the Sixth Course",
    "date": "2027-07-01",
    "start_time": "18:30",
    "end_time": "20:00",
    "timezone": "Europe/Paris",
    "venue_name": "Grand Hall",
    "venue_address": "1 Avenue de la Paix",
    "capacity": "120",
    "languages": ["en", "fr", "zh"],
    "default_language": "fr",
    "registration_mode": "approval",
    "protocol_contact_email": "protocol@example.org",
    "gates": "Main  Gate\nNorth\n\n",
}


@pytest.fixture
def world(tmp_path):
    world = ConsoleWorld(tmp_path)
    yield world
    world.close()


def session_of(world, role: str, ceremony_id: str | None = None) -> str:
    """A signed-in person holding ``role`` (``admin``: across the suite)."""
    account = str(uuid.uuid4())
    world.grant(account, role, "*" if role == "admin" else ceremony_id)
    return world.signer.issue_session(account, name=f"A {role}")


def ceremony_count(world) -> int:
    database = world.apps["registration"].extensions["ceremony"].database
    with database.transaction() as session:
        return session.scalar(select(func.count()).select_from(Ceremony))


def events(world, event_type: str) -> list[dict]:
    database = world.apps["registration"].extensions["ceremony"].database
    query = select(outbox.c.body).where(outbox.c.event_type == event_type).order_by(outbox.c.id)
    with database.transaction() as session:
        return [json.loads(body) for body in session.scalars(query)]


def shown(world, ceremony_id=None) -> dict:
    return world.api("GET", f"/api/ceremonies/{ceremony_id or world.ceremony_id}").json


def form_of(world, token: str, **fields) -> dict:
    """A form's fields with the CSRF token of ``token``'s session."""
    return {"csrf_token": world.signer.csrf_token(world.signer.verify_token(token)), **fields}


def create(world, token, **changes):
    fields = {**SUMMER_EVENING, **changes}
    return world.browser("registration", token).post(
        "/console/ceremonies/new", data=form_of(world, token, **fields)
    )


# -- the home list ---------------------------------------------------------------------------


def test_the_home_lists_only_the_ceremonies_one_holds_a_role_on(world):
    other = world.api("POST", "/api/ceremonies", json=ceremony_body(title="Opening Day")).json
    viewer = session_of(world, "viewer", other["id"])
    owners = text_of(world.browser("registration").get("/console").text)
    viewers = text_of(world.browser("registration", viewer).get("/console").text)
    assert "Closing Ceremony" in owners and "Opening Day" not in owners
    assert "Opening Day" in viewers and "Closing Ceremony" not in viewers
    assert "Viewer" in viewers and "Grand Hall" in viewers


def test_someone_without_a_role_is_told_so_on_the_home(world):
    stranger = world.signer.issue_session(str(uuid.uuid4()), name="Stranger")
    page = text_of(world.browser("registration", stranger).get("/console").text)
    assert "You hold no role on any ceremony yet." in page and "Closing Ceremony" not in page


def test_the_home_shows_the_local_date_venue_and_role(world):
    ceremony = world.api(
        "POST",
        "/api/ceremonies",
        json=ceremony_body(
            title="Summer Gala",
            starts_at="2027-07-01T16:30:00+00:00",
            ends_at="2027-07-01T18:00:00+00:00",
        ),
    ).json
    world.grant(world.account_id, "organiser", ceremony["id"])
    page = text_of(world.browser("registration").get("/console").text)
    assert "Summer Gala Jul 1, 2027 18:30 Europe/Paris Grand Hall Organiser" in page


def test_a_suite_admin_sees_every_ceremony_and_may_create_one(world):
    world.api("POST", "/api/ceremonies", json=ceremony_body(title="Opening Day"))
    admins = world.browser("registration", session_of(world, "admin")).get("/console").text
    owners = world.browser("registration").get("/console").text
    assert "Opening Day" in admins and "Closing Ceremony" in admins
    assert "New ceremony" in admins and "/console/ceremonies/new" in admins
    assert "New ceremony" not in owners


def test_the_home_searches_titles_on_the_server(world):
    admin = world.browser("registration", session_of(world, "admin"))
    world.api("POST", "/api/ceremonies", json=ceremony_body(title="Opening Day"))
    found = text_of(admin.get("/console?q=OPEN").text)
    fragment = admin.get(
        "/console?q=clos", headers={"HX-Request": "true", "HX-Target": "ceremony-results"}
    ).text
    none = text_of(admin.get("/console?q=100%25").text)
    assert "Opening Day" in found and "Closing Ceremony" not in found
    assert "Closing Ceremony" in fragment and "<html" not in fragment
    assert "No ceremony of yours has a title with “100%”" in none


def test_the_home_is_paginated(world):
    admin = world.browser("registration", session_of(world, "admin"))
    for n in range(50):
        world.api("POST", "/api/ceremonies", json=ceremony_body(title=f"Rehearsal {n:02}"))
    first, second = text_of(admin.get("/console").text), text_of(admin.get("/console?page=2").text)
    assert "Page 1 of 2" in first and "51 results" in first
    assert first.count("Grand Hall") == 50 and second.count("Grand Hall") == 1


# -- creating --------------------------------------------------------------------------------


def test_a_new_ceremony_in_paris_summer_time_is_stored_as_the_right_utc_instant(world):
    response = create(world, session_of(world, "admin"))
    assert response.status_code == 303, text_of(response.text)
    ceremony_id = urlsplit(response.headers["Location"]).path.rsplit("/", 1)[-1]
    stored = shown(world, ceremony_id)
    assert (stored["starts_at"], stored["ends_at"]) == (
        "2027-07-01T16:30:00+00:00",
        "2027-07-01T18:00:00+00:00",
    )
    assert stored["gates"] == ["Main Gate", "North"]
    assert (stored["default_language"], stored["languages"]) == ("fr", ["en", "fr", "zh"])
    assert (stored["registration_mode"], stored["capacity"]) == ("approval", 120)
    assert events(world, "ceremony.created")[-1]["data"]["gates"] == ["Main Gate", "North"]


def test_the_new_ceremony_form_offers_the_time_zones_and_languages(world):
    page = world.browser("registration", session_of(world, "admin")).get("/console/ceremonies/new")
    assert page.status_code == 200
    assert 'list="timezones"' in page.text and '<option value="Asia/Shanghai">' in page.text
    assert 'type="date"' in page.text and 'type="time"' in page.text
    assert "Arabic" in text_of(page.text) and "Russian" in text_of(page.text)


def test_a_ceremony_that_ends_after_midnight_ends_on_the_next_day(world):
    response = create(world, session_of(world, "admin"), end_time="01:00", end_date="2027-07-02")
    ceremony_id = urlsplit(response.headers["Location"]).path.rsplit("/", 1)[-1]
    assert shown(world, ceremony_id)["ends_at"] == "2027-07-01T23:00:00+00:00"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": "2027-03-28", "start_time": "02:30"}, "start_time", "does not exist"),
        ({"date": "2027-10-31", "end_time": "02:30", "start_time": "01:00"}, "end_time", "twice"),
        ({"capacity": "lots"}, "capacity", "Not a valid integer."),
        ({"capacity": "-3"}, "capacity", "Must be greater than or equal to 0"),
        ({"timezone": "Europe/Atlantis"}, "timezone", "Not a known IANA time zone"),
        ({"gates": "Main Gate\nmain gate"}, "gates", "are the same gate"),
        ({"end_time": "17:00"}, "end_time", "Must be after starts_at."),
        ({"title": ""}, "title", ""),
        ({"venue_name": ""}, "venue_name", ""),
        ({"protocol_contact_email": "not-an-address"}, "protocol_contact_email", "email"),
        ({"date": ""}, "date", "Give the date."),
        ({"start_time": "half past six"}, "start_time", "Not a time"),
    ],
    ids=[
        "skipped by summer time",
        "twice when clocks go back",
        "capacity not a number",
        "negative capacity",
        "unknown time zone",
        "duplicate gates",
        "ends before it starts",
        "no title",
        "no venue",
        "bad email",
        "no date",
        "not a time",
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(world, changes, field, message):
    before = ceremony_count(world)
    response = create(world, session_of(world, "admin"), **changes)
    assert response.status_code == 422
    assert message in (error_beside(response.text, field) or "(no error)")
    assert ceremony_count(world) == before
    assert 'value="1 Avenue de la Paix"' in response.text  # what was typed stays
    assert "North" in response.text and 'value="zh" checked' in response.text


def test_only_a_suite_admin_may_create_a_ceremony(world):
    response = create(world, world.token)  # the owner of one ceremony
    page = world.browser("registration").get("/console/ceremonies/new")
    assert (response.status_code, page.status_code) == (403, 403)
    assert ceremony_count(world) == 1


# -- editing ---------------------------------------------------------------------------------


def test_the_edit_form_shows_the_ceremony_on_its_own_clock(world):
    ceremony = world.api(
        "POST",
        "/api/ceremonies",
        json=ceremony_body(
            starts_at="2027-07-01T16:30:00+00:00",
            ends_at="2027-07-01T18:00:00+00:00",
            gates=["Main Gate", "North"],
        ),
    ).json
    world.grant(world.account_id, "owner", ceremony["id"])
    page = world.browser("registration").get(f"/console/ceremonies/{ceremony['id']}/edit").text
    for value in ("2027-07-01", "18:30", "20:00", "Europe/Paris", "Grand Hall", "2"):
        assert f'value="{value}"' in page
    assert "Main Gate\nNorth</textarea>" in page
    assert 'value="fr" checked' in page and 'value="open" checked' in page


def test_editing_changes_what_was_changed_and_keeps_the_rest(world):
    world.api(
        "PATCH",
        f"/api/ceremonies/{world.ceremony_id}",
        json={"programme": [{"title": "Welcome"}], "privacy_notice": "We keep your name."},
    )
    browser = world.browser("registration")
    form = browser.get(f"/console/ceremonies/{world.ceremony_id}/edit").text
    before = shown(world)
    fields = {
        name: value
        for name, value in _values(form).items()
        if name not in ("csrf_token", "languages", "registration_mode")
    }
    fields.update(
        title="Final Ceremony",
        languages=before["languages"],
        default_language=before["default_language"],
        registration_mode="open",
    )
    response = browser.post(
        f"/console/ceremonies/{world.ceremony_id}/edit", data=world.form(**fields)
    )
    assert response.status_code == 303, text_of(response.text)
    after = shown(world)
    assert after["title"] == "Final Ceremony"
    for name in ("starts_at", "ends_at", "timezone", "venue", "capacity", "languages"):
        assert after[name] == before[name], name
    assert (after["programme"][0]["title"], after["privacy_notice"]) == (
        "Welcome",
        "We keep your name.",
    )
    assert events(world, "ceremony.updated")[-1]["data"]["title"] == "Final Ceremony"


def _values(page: str) -> dict:
    """The values a form's text fields show."""
    values = dict(
        re.findall(r'<input id="f-([a-z_]+)" name="\1" type="[a-z]+" value="([^"]*)"', page)
    )
    values["gates"] = re.search(r'name="gates"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    return values


def test_a_capacity_below_the_confirmed_guests_is_refused_beside_capacity(world):
    for n in range(2):
        world.api(
            "POST",
            f"/api/ceremonies/{world.ceremony_id}/registrations",
            json={"full_name": f"Guest {n}", "email": f"g{n}@example.org"},
        )
    browser = world.browser("registration")
    fields = _values(browser.get(f"/console/ceremonies/{world.ceremony_id}/edit").text)
    fields.update(capacity="1", languages=["en"], default_language="en", registration_mode="open")
    response = browser.post(
        f"/console/ceremonies/{world.ceremony_id}/edit", data=world.form(**fields)
    )
    assert response.status_code == 422
    assert error_beside(response.text, "capacity") == "Must be at least 2."
    assert shown(world)["capacity"] == 2


def test_a_viewer_may_not_edit(world):
    viewer = session_of(world, "viewer", world.ceremony_id)
    browser = world.browser("registration", viewer)
    page = browser.get(f"/console/ceremonies/{world.ceremony_id}/edit")
    sent = browser.post(
        f"/console/ceremonies/{world.ceremony_id}/edit",
        data={
            "csrf_token": world.signer.csrf_token(world.signer.verify_token(viewer)),
            "title": "X",
        },
    )
    assert (page.status_code, sent.status_code) == (403, 403)
    assert shown(world)["title"] == "Closing Ceremony"


def test_a_form_without_its_csrf_token_is_refused(world):
    fields = {**SUMMER_EVENING}
    response = world.browser("registration", session_of(world, "admin")).post(
        "/console/ceremonies/new", data=fields
    )
    edited = world.browser("registration").post(
        f"/console/ceremonies/{world.ceremony_id}/programme", data={"title": "Anthem"}
    )
    assert (response.status_code, edited.status_code) == (403, 403)
    assert ceremony_count(world) == 1 and shown(world)["programme"] == []


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/ceremonies/new",
        "/ceremonies/{id}",
        "/ceremonies/{id}/edit",
        "/ceremonies/{id}/programme",
    ],
)
def test_without_a_session_each_page_sends_to_sign_in(world, path):
    response = world.client("registration").get("/console" + path.format(id=world.ceremony_id))
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/sign-in"


@pytest.mark.parametrize("path", ["", "/edit", "/programme"])
def test_an_unknown_ceremony_is_not_found(world, path):
    admin = world.browser("registration", session_of(world, "admin"))
    response = admin.get(f"/console/ceremonies/{uuid.uuid4()}{path}")
    assert response.status_code == 404 and "No such ceremony." in text_of(response.text)


# -- the programme ---------------------------------------------------------------------------


def programme(world) -> list[dict]:
    return shown(world)["programme"]


def add(world, **fields):
    return world.browser("registration").post(
        f"/console/ceremonies/{world.ceremony_id}/programme", data=world.form(**fields)
    )


def test_items_are_added_in_running_order_at_their_local_time(world):
    starts = shown(world)["starts_at"]
    assert add(world, title="Welcome", start_time="").status_code == 303
    response = add(
        world, title="Address", speaker="Dr Amina Diallo", role="Chair", start_time="18:45"
    )
    assert response.status_code == 303
    items = programme(world)
    assert [item["title"] for item in items] == ["Welcome", "Address"]
    assert (items[1]["speaker"], items[1]["role"]) == ("Dr Amina Diallo", "Chair")
    # 18:45 in Paris on the ceremony's own day there (which may not be its day in UTC), or the
    # day after when the ceremony runs past midnight and 18:45 is before its start.
    paris = ZoneInfo("Europe/Paris")
    begins = datetime.fromisoformat(starts)
    ends = datetime.fromisoformat(shown(world)["ends_at"])
    day = begins.astimezone(paris).date()
    expected = datetime.combine(day, time(18, 45), tzinfo=paris).astimezone(UTC)
    if expected < begins and ends.astimezone(paris).date() > day:
        expected = datetime.combine(day + timedelta(days=1), time(18, 45), tzinfo=paris)
    assert datetime.fromisoformat(items[1]["starts_at"]) == expected
    page = text_of(
        world.browser("registration").get(f"/console/ceremonies/{world.ceremony_id}/programme").text
    )
    assert "18:45 Address Dr Amina Diallo Chair" in page
    assert len(events(world, "ceremony.updated")) == 2


def test_a_bad_item_is_refused_beside_its_field(world):
    response = add(world, title="", speaker="Dr Amina Diallo", start_time="25:00")
    assert response.status_code == 422
    assert error_beside(response.text, "title")
    assert error_beside(response.text, "start_time") == "Not a time, e.g. 14:30."
    assert 'value="Dr Amina Diallo"' in response.text
    assert programme(world) == []


def test_an_item_is_edited(world):
    add(world, title="Welcome")
    add(world, title="Adress", start_time="19:00")
    browser = world.browser("registration")
    form = browser.get(f"/console/ceremonies/{world.ceremony_id}/programme/1/edit")
    assert 'value="Adress"' in form.text and 'value="19:00"' in form.text
    sequence = shown(world)["sequence"]
    response = browser.post(
        f"/console/ceremonies/{world.ceremony_id}/programme/1/edit",
        data=world.form(title="Address", start_time="19:15", sequence=str(sequence)),
    )
    assert response.status_code == 303
    edited = programme(world)[1]
    assert (edited["title"], edited["starts_at"][11:16]) == ("Address", "18:15")


def test_items_move_up_and_down_and_are_removed(world):
    for title in ("Welcome", "Address", "Anthem"):
        add(world, title=title)
    browser = world.browser("registration")
    base = f"/console/ceremonies/{world.ceremony_id}/programme"
    page = text_of(browser.get(base).text)
    # The first item has no "up", the last no "down".
    assert "Up Welcome" not in page and "Up Address" in page and "Down Anthem" not in page

    def post(path, **fields):
        return browser.post(
            base + path, data=world.form(sequence=str(shown(world)["sequence"]), **fields)
        )

    assert post("/2/move", direction="up").status_code == 303
    assert [i["title"] for i in programme(world)] == ["Welcome", "Anthem", "Address"]
    post("/0/move", direction="down")
    assert [i["title"] for i in programme(world)] == ["Anthem", "Welcome", "Address"]
    post("/0/move", direction="up")  # first already: it stays
    assert [i["title"] for i in programme(world)] == ["Anthem", "Welcome", "Address"]
    post("/1/delete")
    assert [i["title"] for i in programme(world)] == ["Anthem", "Address"]


def test_htmx_gets_the_new_list_after_a_move(world):
    add(world, title="Welcome")
    add(world, title="Anthem")
    response = world.browser("registration").post(
        f"/console/ceremonies/{world.ceremony_id}/programme/1/move",
        data={"direction": "up", "sequence": str(shown(world)["sequence"])},
        headers={"HX-Request": "true", "X-CSRF-Token": world.csrf},
    )
    assert response.status_code == 200 and "<html" not in response.text
    assert response.text.strip().startswith('<div id="programme-items">')
    assert text_of(response.text).index("Anthem") < text_of(response.text).index("Welcome")


def test_a_change_to_an_older_copy_of_the_programme_is_refused(world):
    add(world, title="Welcome")
    stale = str(shown(world)["sequence"])
    add(world, title="Anthem")
    response = world.browser("registration").post(
        f"/console/ceremonies/{world.ceremony_id}/programme/0/delete",
        data=world.form(sequence=stale),
        follow_redirects=True,
    )
    assert "changed meanwhile" in text_of(response.text)
    assert [i["title"] for i in programme(world)] == ["Welcome", "Anthem"]


def test_a_speaker_is_linked_to_an_invitee_and_named_after_them(world):
    invited = world.api(
        "POST",
        f"/api/ceremonies/{world.ceremony_id}/invitations",
        json={"invitees": [{"full_name": "Dr Amina Diallo", "email": "amina@example.org"}]},
    ).json[0]
    page = world.browser("registration").get(f"/console/ceremonies/{world.ceremony_id}/programme")
    assert f'<option value="{invited["id"]}">Dr Amina Diallo' in page.text
    assert add(world, title="Keynote", invitation_id=invited["id"]).status_code == 303
    item = programme(world)[0]
    assert (item["speaker"], item["invitation_id"]) == ("Dr Amina Diallo", invited["id"])
    listed = (
        world.browser("registration").get(f"/console/ceremonies/{world.ceremony_id}/programme").text
    )
    assert f"/invitations/{invited['id']}" in listed
    assert (
        events(world, "ceremony.updated")[-1]["data"]["programme"][0]["invitation_id"]
        == (invited["id"])
    )


def test_a_speaker_of_another_ceremony_is_refused(world):
    other = world.api("POST", "/api/ceremonies", json=ceremony_body(title="Opening Day")).json
    invited = world.api(
        "POST",
        f"/api/ceremonies/{other['id']}/invitations",
        json={"invitees": [{"full_name": "Dr Amina Diallo", "email": "amina@example.org"}]},
    ).json[0]
    response = add(world, title="Keynote", invitation_id=invited["id"])
    assert response.status_code == 422
    assert error_beside(response.text, "invitation_id") == "Choose one of this ceremony's invitees."
    assert programme(world) == []


def test_a_viewer_may_not_open_the_programme_editor(world):
    viewer = session_of(world, "viewer", world.ceremony_id)
    response = world.browser("registration", viewer).get(
        f"/console/ceremonies/{world.ceremony_id}/programme"
    )
    assert response.status_code == 403


def test_an_unknown_item_is_not_found(world):
    response = world.browser("registration").get(
        f"/console/ceremonies/{world.ceremony_id}/programme/3/edit"
    )
    assert response.status_code == 404


# -- the dashboard ---------------------------------------------------------------------------


def test_the_dashboard_counts_guests_requests_and_invitations(world):
    cid = world.ceremony_id
    registrations = f"/api/ceremonies/{cid}/registrations"
    for n in range(4):  # capacity 2: two confirmed, two waitlisted
        world.api("POST", registrations, json={"full_name": f"G {n}", "email": f"g{n}@example.org"})
    first = world.api("GET", registrations).json[0]["id"]
    world.api("POST", f"/api/registrations/{first}/cancel")
    for mode, email in (("confirm_email", "c@example.org"), ("approval", "a@example.org")):
        world.api("PATCH", f"/api/ceremonies/{cid}", json={"registration_mode": mode})
        asked = world.client("registration").post(
            registrations, json={"full_name": "Asking", "email": email}
        )
        assert asked.status_code == 202, asked.json
    invitees = [{"full_name": f"Dr {n}", "email": f"d{n}@example.org"} for n in range(4)]
    invited = world.api(
        "POST", f"/api/ceremonies/{cid}/invitations", json={"invitees": invitees}
    ).json
    world.api("POST", f"/api/invitations/{invited[0]['id']}/answer", json={"answer": "accept"})
    world.api("POST", f"/api/invitations/{invited[1]['id']}/answer", json={"answer": "decline"})
    world.api("POST", f"/api/invitations/{invited[2]['id']}/withdraw")
    world.api(
        "POST",
        f"/api/ceremonies/{cid}/invitations",
        json={"invitees": [{"full_name": "Dr Draft", "email": "draft@example.org"}], "send": False},
    )
    page = text_of(world.browser("registration").get(f"/console/ceremonies/{cid}").text)
    for expected in (
        "3 Confirmed",  # two public seats and the invitee who accepted
        "1 Waitlisted",
        "1 Cancelled",
        "1 Awaiting email confirmation",
        "1 Awaiting approval",
        "1 Drafts",
        "1 Sent, no answer",
        "1 Accepted",
        "1 Declined",
        "1 Withdrawn",
        "2 of 2 taken",
        "Grand Hall, 1 Avenue de la Paix",
        "an organiser approves each request",
    ):
        assert expected in page, page


def test_the_dashboard_places_the_tiles_of_badges_and_notifications(world):
    page = world.browser("registration").get(f"/console/ceremonies/{world.ceremony_id}").text
    cid = world.ceremony_id
    assert f'data-include="http://127.0.0.1:8002/console/badges/{cid}/tile"' in page
    assert f'data-include="http://127.0.0.1:8003/console/emails/{cid}/tile"' in page
    assert f'href="http://127.0.0.1:8002/console/badges/{cid}/attendance"' in page
    assert (
        f"/console/ceremonies/{cid}/programme" in page and f"/console/ceremonies/{cid}/edit" in page
    )


def test_a_viewer_reads_the_dashboard_without_the_edit_links(world):
    viewer = session_of(world, "viewer", world.ceremony_id)
    page = world.browser("registration", viewer).get(f"/console/ceremonies/{world.ceremony_id}")
    assert page.status_code == 200 and "Closing Ceremony" in page.text
    assert "/edit" not in page.text and "/programme" not in page.text


def test_the_dashboard_is_refused_to_someone_without_a_role(world):
    stranger = world.signer.issue_session(str(uuid.uuid4()), name="Stranger")
    response = world.browser("registration", stranger).get(
        f"/console/ceremonies/{world.ceremony_id}"
    )
    assert response.status_code == 403
