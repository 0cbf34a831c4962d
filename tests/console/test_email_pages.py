"""The emails pages: the delivery log (search, filters, resend), every template's preview in
every language, and the dashboard's tile."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from services.notifications.compose.contexts import TEMPLATES
from services.notifications.deliver.log import record_delivery
from tests.console.email_world import EmailWorld
from tests.console.harness import text_of
from tests.notifications.smtp_server import SmtpTestServer


@pytest.fixture(scope="module")
def smtp():
    server = SmtpTestServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def world(tmp_path_factory, smtp):
    """Three guests whose welcome emails are in the log: two waitlisted emails sent, one failed
    (a ceremony of one seat: the first guest is confirmed, waiting for a badge)."""
    world = EmailWorld(tmp_path_factory.mktemp("emails"), smtp.url, capacity=1)
    world.register("first.guest@example.org")
    world.register("amina.diallo@example.org", language="fr")
    world.register("li.wei@example.org", full_name="Li Wei", language="zh")
    world.register("bounce@example.org", full_name="Bo Unce")
    smtp.refuse_next(550)  # the first waitlisted email sent (amina) bounces
    world.deliver()
    yield world
    world.close()


def page(world, path="", **query):
    return world.browser("notifications").get(
        f"/console/emails/{world.ceremony_id}{path}", query_string=query
    )


def viewer(world) -> str:
    account = str(uuid.uuid4())
    world.grant(account, "viewer")
    return world.signer.issue_session(account, name="Vera Viewer")


def test_the_log_shows_each_email_with_its_outcome_in_local_time(world):
    response = page(world)
    text = text_of(response.text)

    assert response.status_code == 200
    assert "amina.diallo@example.org Waitlisted fr Failed 1" in text
    assert "li.wei@example.org Waitlisted zh Sent 1" in text
    [sent] = world.log(recipient="li.wei@example.org")
    local = sent.sent_at.astimezone(ZoneInfo("Europe/Paris"))
    # The ceremony's own clock, without seconds, never raw UTC.
    assert f"{local:%b} {local.day}, {local:%Y %H:%M}" in text
    assert "550" in text  # the last error, as the server answered it


def test_searching_by_recipient_finds_part_of_the_address(world):
    text = text_of(page(world, q="LI.WEI").text)

    assert "li.wei@example.org" in text and "amina.diallo@example.org" not in text


def test_htmx_gets_only_the_rows_as_you_type(world):
    response = world.browser("notifications").get(
        f"/console/emails/{world.ceremony_id}",
        query_string={"q": "bounce"},
        headers={"HX-Request": "true", "HX-Target": "log-rows"},
    )

    assert "<html" not in response.text and "bounce@example.org" in response.text
    assert "li.wei@example.org" not in response.text


def test_filtering_by_status_and_template(world):
    failed = text_of(page(world, status="failed").text)
    waitlisted = text_of(page(world, template="waitlisted", status="sent").text)

    assert "amina.diallo@example.org" in failed and "li.wei@example.org" not in failed
    assert "li.wei@example.org" in waitlisted and "amina.diallo@example.org" not in waitlisted


def test_the_log_is_paginated(world, monkeypatch):
    monkeypatch.setattr("services.notifications.console.emails.PAGE_SIZE", 2)
    first, second = page(world).text, page(world, page="2").text

    assert "Page 1 of 2" in text_of(first) and 'rel="next"' in first
    assert "Page 2 of 2" in text_of(second)


def test_resending_queues_a_new_copy_and_says_so(world, smtp):
    [failed] = world.log(recipient="amina.diallo@example.org", template="waitlisted")
    browser = world.browser("notifications")
    response = browser.post(
        f"/console/emails/{world.ceremony_id}/deliveries/{failed.id}/resend", data=world.form()
    )
    world.deliver()

    assert response.status_code == 303
    assert "queued to be sent again" in text_of(browser.get(response.headers["Location"]).text)
    copies = world.log(resend_of=failed.id)
    assert [copy.status for copy in copies] == ["sent"]
    assert smtp.received[-1].rcpt_tos == ["amina.diallo@example.org"]


def test_a_queued_email_cannot_be_resent_yet(world):
    with world.database.transaction() as session:
        record_delivery(
            session,
            world.identity,
            event_id=uuid.uuid4(),
            template="manage_link",
            email="later@example.org",
            full_name="Lee Later",
            ceremony_id=uuid.UUID(world.ceremony_id),
            registration_id=None,
            delay_seconds=3600,
        )
    [queued] = world.log(recipient="later@example.org")
    response = world.browser("notifications").post(
        f"/console/emails/{world.ceremony_id}/deliveries/{queued.id}/resend", data=world.form()
    )

    assert response.status_code == 409, text_of(response.text)
    assert "still waiting" in text_of(response.text)


def test_a_viewer_reads_the_log_but_may_not_resend(world):
    token = viewer(world)
    [sent] = world.log(recipient="li.wei@example.org")
    browser = world.browser("notifications", token)
    listing = browser.get(f"/console/emails/{world.ceremony_id}")
    refused = browser.post(
        f"/console/emails/{world.ceremony_id}/deliveries/{sent.id}/resend",
        data={"csrf_token": world.signer.csrf_token(world.signer.verify_token(token))},
    )

    assert listing.status_code == 200 and "Send again" not in listing.text
    assert refused.status_code == 403
    assert world.log(resend_of=sent.id) == []


def test_without_a_session_the_log_sends_to_sign_in(world):
    response = world.client("notifications").get(f"/console/emails/{world.ceremony_id}")

    assert response.status_code == 303 and urlsplit(response.headers["Location"]).path == "/sign-in"


def test_an_unknown_ceremony_is_404(world):
    response = world.browser("notifications").get(f"/console/emails/{uuid.uuid4()}")

    assert response.status_code in (403, 404)


@pytest.mark.parametrize("language", ["en", "fr", "zh"])
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_previews_in_every_language_with_this_ceremony(world, template, language):
    response = page(world, "/templates", template=template, language=language)

    assert response.status_code == 200
    assert '<iframe class="preview"' in response.text and "sandbox" in response.text
    assert f"&lt;html lang=&#34;{language}&#34;&gt;" in response.text
    if template not in ("password_reset",):
        assert "Closing Ceremony" in text_of(response.text)


def test_the_templates_page_lists_every_template_and_language(world):
    text = text_of(page(world, "/templates").text)

    for label in ("Confirmation", "Details updated", "Announcement", "English", "Français", "中文"):
        assert label in text


def test_the_tile_counts_sent_and_failed_for_the_dashboard(world):
    response = world.browser("notifications").get(
        f"/console/emails/{world.ceremony_id}/tile", headers={"Origin": "http://127.0.0.1:8001"}
    )

    assert response.status_code == 200 and "<html" not in response.text
    sent = len(world.log(status="sent"))
    assert f"{sent} emails sent" in text_of(response.text)
    assert "1 emails failed" in text_of(response.text)
    assert response.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8001"


def test_the_tile_is_an_empty_403_without_a_role(world):
    stranger = world.signer.issue_session(str(uuid.uuid4()), name="Nobody")
    with_no_role = world.browser("notifications", stranger).get(
        f"/console/emails/{world.ceremony_id}/tile"
    )
    signed_out = world.client("notifications").get(f"/console/emails/{world.ceremony_id}/tile")

    assert (with_no_role.status_code, with_no_role.text) == (403, "")
    assert (signed_out.status_code, signed_out.text) == (403, "")
