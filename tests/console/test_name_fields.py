"""The name in the console's forms: given and family name, their order, the whole name and
its Latin transliteration, when registering by hand, correcting, inviting, and searching."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from services.registration.models import Invitation, outbox
from tests.console.harness import ConsoleWorld, error_beside, text_of


@pytest.fixture
def world(tmp_path):
    world = ConsoleWorld(tmp_path, capacity=50)
    yield world
    world.close()


def events_of(world, event_type: str) -> list[dict]:
    database = world.apps["registration"].extensions["ceremony"].database
    with database.transaction() as session:
        rows = session.execute(select(outbox.c.body).where(outbox.c.event_type == event_type))
        return [json.loads(row.body)["data"] for row in rows]


def register_by_hand(world, **fields):
    return world.browser("registration").post(
        f"/console/ceremonies/{world.ceremony_id}/guests/new", data=world.form(**fields)
    )


def test_a_guest_registered_by_hand_in_parts_gets_the_whole_name_written(world):
    answer = register_by_hand(
        world,
        honorific="H.E.",
        given_name="建国",
        family_name="王",
        family_first="on",
        name_latin="Wang Jianguo",
        email="wang@example.cn",
        category="dignitary",
    )

    assert answer.status_code == 303
    page = world.browser("registration").get(answer.headers["Location"]).text
    assert "H.E. 王建国" in text_of(page) and "Wang Jianguo" in text_of(page)
    assert 'name="family_first" type="checkbox" value="on" checked' in page
    (event,) = events_of(world, "registration.confirmed")
    assert (event["full_name"], event["family_first"], event["name_latin"]) == (
        "王建国",
        True,
        "Wang Jianguo",
    )


def test_an_unticked_order_box_is_given_first(world):
    answer = register_by_hand(
        world, given_name="Helen", family_name="Marsh", email="h@example.org", category="guest"
    )

    assert answer.status_code == 303
    page = world.browser("registration").get(answer.headers["Location"]).text
    assert 'name="family_first" type="checkbox" value="on">' in page
    (event,) = events_of(world, "registration.confirmed")
    assert (event["full_name"], event["family_first"]) == ("Helen Marsh", False)


def test_a_transliteration_in_another_script_is_named_beside_its_field(world):
    answer = register_by_hand(
        world, full_name="محمد بن راشد", name_latin="محمد", email="m@example.ae", category="guest"
    )

    assert answer.status_code == 422
    assert "Latin letters" in (error_beside(answer.text, "name_latin") or "")
    assert 'value="محمد بن راشد"' in answer.text  # what was typed is kept


def test_correcting_the_family_name_in_the_form_writes_the_whole_name_again(world):
    created = register_by_hand(
        world, given_name="Helen", family_name="Marsh", email="h@example.org", category="guest"
    )
    path = created.headers["Location"].split("?")[0]
    browser = world.browser("registration")
    form = dict(
        full_name_was="Helen Marsh",
        full_name="Helen Marsh",  # left as it was
        given_name="Helen",
        family_name="Marsh-Hale",
        email="h@example.org",
        category="guest",
    )

    corrected = browser.post(path, data=world.form(**form))
    kept_as_typed = browser.post(
        path,
        data=world.form(**{**form, "full_name_was": "Helen Marsh-Hale", "full_name": "Dr H. Hale"}),
    )

    assert [corrected.status_code, kept_as_typed.status_code] == [303, 303]
    assert [e["full_name"] for e in events_of(world, "registration.updated")] == [
        "Helen Marsh-Hale",
        "Dr H. Hale",
    ]


def test_emptying_the_whole_name_and_every_part_is_refused(world):
    created = register_by_hand(world, full_name="Ada Guest", email="a@example.org")
    path = created.headers["Location"].split("?")[0]

    answer = world.browser("registration").post(
        path, data=world.form(full_name_was="Ada Guest", full_name="", category="guest")
    )

    assert answer.status_code == 422 and error_beside(answer.text, "full_name")
    assert events_of(world, "registration.updated") == []


def test_the_guests_table_finds_a_guest_by_the_transliteration(world):
    register_by_hand(
        world, full_name="محمد بن راشد", name_latin="Mohammed bin Rashid", email="m@example.ae"
    )

    page = world.browser("registration").get(
        f"/console/ceremonies/{world.ceremony_id}/guests", query_string={"q": "mohammed"}
    )

    assert "محمد بن راشد" in page.get_data(as_text=True)


def test_an_invitation_from_the_form_keeps_the_name_in_parts(world):
    answer = world.browser("registration").post(
        f"/console/ceremonies/{world.ceremony_id}/invitations/new",
        data=world.form(
            honorific="Dr",
            given_name="Helen",
            family_name="Marsh",
            email="helen@example.org",
            category="dignitary",
            send="0",
        ),
    )

    assert answer.status_code == 303
    database = world.apps["registration"].extensions["ceremony"].database
    with database.transaction() as session:
        (invitation,) = session.scalars(select(Invitation)).all()
        assert (invitation.full_name, invitation.given_name, invitation.family_name) == (
            "Helen Marsh",
            "Helen",
            "Marsh",
        )
