"""The announcements page: texts per language in Markdown, the audience, a preview that
changes nothing, a test to one address, sending now or at a local time, cancelling; and the
API beside it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from tests.console.email_world import EmailWorld
from tests.console.harness import error_beside, text_of

PARIS = ZoneInfo("Europe/Paris")
MARKDOWN_EN = "Doors open at **16:30**.\n\n<script>alert(1)</script>"
MARKDOWN_FR = "Les portes ouvrent à **16 h 30**.\n\n<script>alert(1)</script>"


@pytest.fixture
def world(tmp_path, smtp_server):
    world = EmailWorld(tmp_path, smtp_server.url)
    world.register("amina@example.org", language="fr")
    world.register("john@example.org", full_name="John Smith", language="en")
    world.register("press@example.org", full_name="Pia Press", category="press", language="zh")
    world.deliver()  # nothing: confirmations wait for badges the world does not pump here
    yield world
    world.close()


def texts(**extra) -> dict:
    return {
        "subject_en": "Arrival times",
        "body_en": MARKDOWN_EN,
        "subject_fr": "Heures d'arrivée",
        "body_fr": MARKDOWN_FR,
        "categories": ["guest", "participant", "press"],
        "statuses": ["confirmed"],
        "preview_language": "fr",
        **extra,
    }


def post(world, token=None, **fields):
    browser = world.browser("notifications", token)
    data = fields.pop("data", None) or world.form(**fields)
    return browser.post(f"/console/emails/{world.ceremony_id}/announcements", data=data)


def received_by(smtp_server, address):
    return [m.parsed() for m in smtp_server.received if m.rcpt_tos == [address]]


def test_each_guest_reads_their_language_with_the_markdown_rendered_and_html_escaped(
    world, smtp_server
):
    response = post(world, **texts(action="send"))
    world.deliver()

    assert response.status_code == 303
    [french] = received_by(smtp_server, "amina@example.org")
    [english] = received_by(smtp_server, "john@example.org")
    assert french["Subject"] == "Heures d'arrivée" and english["Subject"] == "Arrival times"
    html = french.get_body(("html",)).get_content()
    assert "<strong>16 h 30</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "**16 h 30**" in french.get_body(("plain",)).get_content()
    languages = {d.recipient: d.language_used for d in world.log(template="announcement")}
    # Chinese has no text: the ceremony's language (English) stands in, and the log says so.
    assert languages == {
        "amina@example.org": "fr",
        "john@example.org": "en",
        "press@example.org": "en",
    }


def test_the_list_shows_the_sent_announcement_with_its_counts(world):
    post(world, **texts(action="send"))
    world.deliver()
    text = text_of(
        world.browser("notifications")
        .get(f"/console/emails/{world.ceremony_id}/announcements")
        .text
    )

    assert "Arrival times" in text and "Sent" in text and "3 recipients; Sent: 3" in text


def test_the_audience_is_chosen_by_category(world):
    post(world, **texts(action="send", categories=["press"]))

    assert [d.recipient for d in world.log(template="announcement")] == ["press@example.org"]


def test_a_preview_shows_the_email_and_keeps_what_was_typed_and_saves_nothing(world):
    response = post(world, **texts(action="preview"))

    assert response.status_code == 200
    assert "Heures d&#39;arrivée" in response.text or "Heures d'arrivée" in response.text
    assert "&lt;strong&gt;16 h 30&lt;/strong&gt;" in response.text  # inside srcdoc
    assert "It would go to 3 people now." in text_of(response.text)
    assert 'value="Arrival times"' in response.text and "**16:30**" in response.text
    assert world.announcements() == [] and world.log(template="announcement") == []


def test_a_test_goes_to_the_one_address_only(world, smtp_server):
    response = post(world, **texts(action="test", test_address="olga@example.org"))
    world.deliver()

    assert response.status_code == 200
    assert "The test email is on its way." in text_of(response.text)
    assert 'value="Arrival times"' in response.text and "**16:30**" in response.text  # kept
    assert [m.rcpt_tos for m in smtp_server.received] == [["olga@example.org"]]
    assert smtp_server.received[0].parsed()["Subject"] == "Heures d'arrivée"
    assert world.announcements() == []


def test_the_test_address_is_prefilled_when_an_email_to_the_account_went_through_here(world):
    from services.notifications.deliver.log import record_delivery

    with world.database.transaction() as session:
        record_delivery(
            session,
            world.identity,
            event_id=uuid.uuid4(),
            template="account_invited",
            email="olga@example.org",
            full_name="Olga Organiser",
            ceremony_id=uuid.UUID(world.ceremony_id),
            registration_id=None,
            details={"account_id": world.account_id},
        )
    page = world.browser("notifications").get(f"/console/emails/{world.ceremony_id}/announcements")

    assert 'name="test_address" type="email" value="olga@example.org"' in page.text


def test_a_test_without_an_address_is_refused_beside_the_field(world):
    response = post(world, **texts(action="test", test_address="not an address"))

    assert response.status_code == 422
    assert error_beside(response.text, "test_address")
    assert world.log(template="announcement") == []


def local_fields(when: datetime) -> dict:
    local = when.astimezone(PARIS)
    return {"send_date": f"{local:%Y-%m-%d}", "send_time": f"{local:%H:%M}"}


def test_a_scheduled_announcement_waits_for_its_time_then_is_sent_once(world):
    when = (datetime.now(UTC) + timedelta(days=2)).replace(second=0, microsecond=0)
    response = post(world, **texts(action="schedule", **local_fields(when)))

    assert response.status_code == 303
    [scheduled] = world.announcements()
    assert (scheduled.status, scheduled.send_at) == ("scheduled", when)
    assert world.release(when - timedelta(minutes=1)) == 0
    assert world.log(template="announcement") == []
    assert world.release(when + timedelta(seconds=1)) == 1
    assert world.release(when + timedelta(minutes=5)) == 0
    assert len(world.log(template="announcement")) == 3
    page = world.browser("notifications").get(f"/console/emails/{world.ceremony_id}/announcements")
    assert "3 recipients" in text_of(page.text)


def test_a_cancelled_announcement_is_never_sent(world):
    when = datetime.now(UTC) + timedelta(days=2)
    post(world, **texts(action="schedule", **local_fields(when)))
    [scheduled] = world.announcements()
    response = world.browser("notifications").post(
        f"/console/emails/{world.ceremony_id}/announcements/{scheduled.id}/cancel",
        data=world.form(),
    )

    assert response.status_code == 303
    assert world.release(when + timedelta(hours=1)) == 0
    assert [row.status for row in world.announcements()] == ["cancelled"]
    assert world.log(template="announcement") == []


def test_a_draft_is_kept_then_sent_from_the_form(world):
    post(world, **texts(action="draft"))
    [draft] = world.announcements()
    page = world.browser("notifications").get(
        f"/console/emails/{world.ceremony_id}/announcements", query_string={"edit": str(draft.id)}
    )
    post(world, **texts(action="send", draft_id=str(draft.id)))

    assert draft.status == "draft" and 'value="Arrival times"' in page.text
    assert [row.status for row in world.announcements()] == ["sent"]
    assert len(world.log(template="announcement")) == 3


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"body_fr": "   "}, "body_fr", "blank"),
        ({"subject_fr": ""}, "subject_fr", "blank"),
        ({"categories": []}, "categories", "Shorter"),
        ({"categories": ["vip"]}, "categories", "Must be one of"),
        (
            {"action": "schedule", "send_date": "2020-01-01", "send_time": "09:00"},
            "send_at",
            "passed",
        ),
        (
            {"action": "schedule", "send_date": "2099-01-01", "send_time": "09:00"},
            "send_at",
            "Too late",
        ),
        ({"action": "schedule", "send_date": "", "send_time": ""}, "send_at", "Choose"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(world, fields, field, message):
    response = post(world, **texts(**{"action": "send", **fields}))

    assert response.status_code == 422
    assert message in (error_beside(response.text, field) or "")
    assert 'value="Arrival times"' in response.text  # what was typed stays
    assert world.announcements() == [] and world.log(template="announcement") == []


def test_a_viewer_sees_the_list_but_may_not_send(world):
    account = str(uuid.uuid4())
    world.grant(account, "viewer")
    token = world.signer.issue_session(account, name="Vera Viewer")
    csrf = world.signer.csrf_token(world.signer.verify_token(token))
    page = world.browser("notifications", token).get(
        f"/console/emails/{world.ceremony_id}/announcements"
    )
    refused = post(world, token, data={"csrf_token": csrf, **texts(action="send")})

    assert page.status_code == 200 and "Write an announcement" not in page.text
    assert refused.status_code == 403
    assert world.announcements() == []


def test_without_a_session_the_page_sends_to_sign_in(world):
    response = world.client("notifications").get(
        f"/console/emails/{world.ceremony_id}/announcements"
    )

    assert response.status_code == 303 and urlsplit(response.headers["Location"]).path == "/sign-in"


def api(world, method, path, **kwargs):
    return world.client("notifications").open(
        f"/api/ceremonies/{world.ceremony_id}/announcements{path}",
        method=method,
        headers=world.admin,
        **kwargs,
    )


def test_the_api_takes_a_text_per_language_an_audience_and_a_time(world):
    when = datetime.now(UTC) + timedelta(days=3)
    body = {
        "bodies": {
            "en": {"subject": "Hi", "body": "**Hello**"},
            "fr": {"subject": "Salut", "body": "Bonjour"},
        },
        "audience": {"categories": ["press"], "statuses": ["confirmed"]},
        "send_at": when.isoformat(),
    }
    created = api(world, "POST", "", json=body)
    listed = api(world, "GET", "")
    cancelled = api(world, "POST", f"/{created.json['id']}/cancel")

    assert (created.status_code, created.json["status"]) == (201, "scheduled")
    assert created.json["categories"] == ["press"] and created.json["recipients"] is None
    assert [row["id"] for row in listed.json] == [created.json["id"]]
    assert (cancelled.status_code, cancelled.json["status"]) == (200, "cancelled")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"bodies": {"de": {"subject": "Hallo", "body": "Text"}}}, "bodies.de"),
        ({"bodies": {"en": {"subject": "Hi", "body": " "}}}, "bodies"),
        ({"subject": "Hi", "body": "Text", "send_at": "2020-01-01T09:00:00+00:00"}, "send_at"),
        ({"subject": "Hi", "body": "Text", "send_at": "2199-01-01T09:00:00+00:00"}, "send_at"),
        ({"subject": "Hi", "body": "Text", "audience": {"categories": ["vip"]}}, "audience"),
    ],
)
def test_the_api_names_the_bad_field(world, body, field):
    response = api(world, "POST", "", json=body)

    assert response.status_code == 422, response.json
    assert field in str(response.json["errors"])
    assert world.announcements() == []
