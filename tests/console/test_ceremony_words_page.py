"""The console page of a ceremony's words in its other languages."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from services.registration.models import outbox
from tests.console.harness import ConsoleWorld, error_beside, text_of

PROGRAMME = [{"title": "Welcome address"}, {"title": "Award of certificates"}]


@pytest.fixture
def world(tmp_path):
    world = ConsoleWorld(
        tmp_path, languages=["en", "fr", "ar"], default_language="en", programme=PROGRAMME
    )
    world.path = f"/console/ceremonies/{world.ceremony_id}/words"
    yield world
    world.close()


def updates(world) -> list[dict]:
    database = world.apps["registration"].extensions["ceremony"].database
    with database.transaction() as session:
        rows = session.execute(
            select(outbox.c.body).where(outbox.c.event_type == "ceremony.updated")
        )
        return [json.loads(row.body)["data"] for row in rows]


def test_the_page_asks_for_each_other_language_with_the_ceremonys_text_beside(world):
    page = world.browser("registration").get(world.path).get_data(as_text=True)

    assert 'name="fr.title"' in page and 'name="ar.programme.1"' in page
    assert 'name="en.title"' not in page  # the ceremony is written in English
    assert '<fieldset lang="ar" dir="rtl">' in page
    assert "Award of certificates" in text_of(page)


def test_saved_words_are_published_and_shown_again(world):
    answer = world.browser("registration").post(
        world.path,
        data=world.form(
            **{
                "fr.title": "Cérémonie de clôture",
                "fr.programme.1": "Remise des certificats",
                "ar.title": "حفل الختام",
            }
        ),
    )

    assert answer.status_code == 303
    (event,) = updates(world)
    assert event["translations"] == {
        "fr": {"title": "Cérémonie de clôture", "programme": [None, "Remise des certificats"]},
        "ar": {"title": "حفل الختام"},
    }
    page = world.browser("registration").get(world.path).get_data(as_text=True)
    assert 'value="Remise des certificats"' in page


def test_a_bad_word_is_named_beside_its_field_and_nothing_is_saved(world):
    answer = world.browser("registration").post(
        world.path, data=world.form(**{"fr.title": "Cérémonie\u202e", "ar.title": "حفل"})
    )

    assert answer.status_code == 422
    assert "single line" in (error_beside(answer.text, "fr.title") or "")
    assert 'value="حفل"' in answer.text
    assert updates(world) == []


def test_a_viewer_may_not_change_the_words(world):
    account = str(uuid.uuid4())
    world.grant(account, "viewer", world.ceremony_id)
    viewer = world.signer.issue_session(account)
    csrf = world.signer.csrf_token(world.signer.verify_token(viewer))

    answer = world.browser("registration", viewer).post(
        world.path, data={"csrf_token": csrf, "fr.title": "X"}
    )

    assert answer.status_code == 403
    assert updates(world) == []
