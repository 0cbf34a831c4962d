"""The HTTP API: delivery log, resend, template previews, announcements — organisers only."""

from __future__ import annotations

import uuid

import pytest


def bearer(signer, role: str = "organiser", ceremony_id=None) -> dict[str, str]:
    token = signer.issue_token(role, ceremony_id=str(ceremony_id) if ceremony_id else None)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def sent(service, smtp_server):
    """A confirmed guest and a waitlisted one, both emailed."""
    confirmed = service.confirm(language="fr")
    waiting = service.register("waitlisted", email="Waiting.Guest@Example.org")
    service.deliver()
    return confirmed, waiting


def test_deliveries_list_every_email_with_its_outcome(client, organiser_headers, sent):
    listed = client.get("/api/deliveries", headers=organiser_headers).json

    assert sorted((d["template"], d["status"]) for d in listed) == [
        ("confirmation", "sent"),
        ("waitlisted", "sent"),
    ]


def test_deliveries_show_the_language_used(client, organiser_headers, sent):
    listed = client.get("/api/deliveries?template=confirmation", headers=organiser_headers).json

    assert [d["language_used"] for d in listed] == ["fr"]


def test_deliveries_filter_by_recipient_whatever_the_case(client, organiser_headers, sent):
    query = "/api/deliveries?recipient=waiting.guest@example.org"
    listed = client.get(query, headers=organiser_headers).json

    assert [d["template"] for d in listed] == ["waitlisted"]


def test_deliveries_filter_by_status(client, organiser_headers, service, smtp_server, sent):
    smtp_server.refuse_next(550)
    service.register("waitlisted")
    service.deliver()

    listed = client.get("/api/deliveries?status=failed", headers=organiser_headers).json
    assert [(d["status"], d["smtp_code"]) for d in listed] == [("failed", 550)]


def test_deliveries_filter_by_ceremony(client, organiser_headers, service, sent):
    other = f"/api/deliveries?ceremony={uuid.uuid4()}"

    assert client.get(other, headers=organiser_headers).json == []


def test_an_organiser_of_the_ceremony_sees_its_emails(client, signer, service, sent):
    listed = client.get("/api/deliveries", headers=bearer(signer, ceremony_id=service.ceremony_id))

    assert len(listed.json) == 2


def test_an_organiser_of_one_ceremony_sees_only_its_emails(client, signer, service, sent):
    listed = client.get("/api/deliveries", headers=bearer(signer, ceremony_id=uuid.uuid4())).json

    assert listed == []


def test_an_organiser_of_one_ceremony_may_not_ask_for_another(client, signer, service, sent):
    query = f"/api/deliveries?ceremony={service.ceremony_id}"
    response = client.get(query, headers=bearer(signer, ceremony_id=uuid.uuid4()))

    assert (response.status_code, response.json["code"]) == (403, "wrong_ceremony")


def test_one_delivery_is_shown_by_id(client, organiser_headers, service, sent):
    delivery = service.log(template="waitlisted")[0]

    shown = client.get(f"/api/deliveries/{delivery.id}", headers=organiser_headers).json
    assert (shown["message_id"], shown["attempts"]) == (delivery.message_id, 1)


def test_resend_queues_a_new_email_with_its_own_message_id(
    client, organiser_headers, service, sent
):
    original = service.log(template="waitlisted")[0]

    response = client.post(f"/api/deliveries/{original.id}/resend", headers=organiser_headers)

    assert response.status_code == 202
    assert (response.json["status"], response.json["resend_of"]) == ("queued", str(original.id))
    assert response.json["message_id"] != original.message_id


def test_a_resent_email_reaches_the_guest_again(
    client, organiser_headers, service, smtp_server, sent
):
    original = service.log(template="confirmation")[0]
    client.post(f"/api/deliveries/{original.id}/resend", headers=organiser_headers)
    service.deliver()

    subjects = [
        m.parsed()["Subject"] for m in smtp_server.received if m.rcpt_tos == [sent[0]["email"]]
    ]
    assert len(subjects) == 2


def test_a_queued_email_cannot_be_resent(client, organiser_headers, service):
    service.register("waitlisted")
    queued = service.log()[0]

    response = client.post(f"/api/deliveries/{queued.id}/resend", headers=organiser_headers)
    assert (response.status_code, response.json["code"]) == (409, "delivery_pending")


def test_resending_an_unknown_delivery_is_404(client, organiser_headers):
    response = client.post(f"/api/deliveries/{uuid.uuid4()}/resend", headers=organiser_headers)

    assert (response.status_code, response.json["code"]) == (404, "delivery_not_found")


def test_preview_renders_the_template_in_french(client, organiser_headers):
    preview = client.get(
        "/api/templates/confirmation/preview?language=fr", headers=organiser_headers
    ).json

    assert (preview["language_used"], preview["subject"][:27]) == (
        "fr",
        "Confirmation d'inscription ",
    )
    assert '<html lang="fr">' in preview["html"]


def test_preview_of_a_language_without_templates_says_english(client, organiser_headers):
    preview = client.get(
        "/api/templates/waitlisted/preview?language=de", headers=organiser_headers
    ).json

    assert (preview["language_requested"], preview["language_used"]) == ("de", "en")


def test_preview_of_an_unknown_template_is_404(client, organiser_headers):
    response = client.get("/api/templates/nonsense/preview", headers=organiser_headers)

    assert (response.status_code, response.json["code"]) == (404, "template_not_found")


def announce(client, headers, ceremony_id, **body):
    body = {"subject": "Dress code", "body": "Business attire.", **body}
    return client.post(f"/api/ceremonies/{ceremony_id}/announcements", json=body, headers=headers)


def test_an_announcement_goes_to_confirmed_guests_by_default(
    client, organiser_headers, service, sent
):
    response = announce(client, organiser_headers, service.ceremony_id)

    assert (response.status_code, response.json["recipients"]) == (201, 1)
    assert [d.recipient for d in service.log(template="announcement")] == [sent[0]["email"]]


def test_an_announcement_reaches_the_statuses_and_categories_asked_for(
    client, organiser_headers, service, sent
):
    service.confirm(category="press")
    response = announce(
        client,
        organiser_headers,
        service.ceremony_id,
        categories=["guest"],
        statuses=["confirmed", "waitlisted"],
    )

    assert response.json["recipients"] == 2


def test_an_announcement_is_delivered_with_the_body_escaped_in_html(
    client, organiser_headers, service, smtp_server, sent
):
    announce(client, organiser_headers, service.ceremony_id, body="Bring <b>ID</b> & badge.")
    service.deliver()

    html = smtp_server.received[-1].parsed().get_body(("html",)).get_content()
    assert "Bring &lt;b&gt;ID&lt;/b&gt; &amp; badge." in html


def test_an_announcement_for_an_unknown_ceremony_is_404(client, organiser_headers):
    response = announce(client, organiser_headers, uuid.uuid4())

    assert (response.status_code, response.json["code"]) == (404, "ceremony_not_found")


def test_an_organiser_of_another_ceremony_cannot_announce(client, signer, service):
    response = announce(client, bearer(signer, ceremony_id=uuid.uuid4()), service.ceremony_id)

    assert (response.status_code, response.json["code"]) == (403, "wrong_ceremony")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/deliveries"),
        ("GET", f"/api/deliveries/{uuid.uuid4()}"),
        ("POST", f"/api/deliveries/{uuid.uuid4()}/resend"),
        ("GET", "/api/templates/confirmation/preview"),
        ("POST", f"/api/ceremonies/{uuid.uuid4()}/announcements"),
    ],
)
def test_every_route_needs_a_token(client, method, path):
    response = client.open(path, method=method, json={})

    assert (response.status_code, response.json["code"]) == (401, "unauthorized")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/deliveries"),
        ("GET", f"/api/deliveries/{uuid.uuid4()}"),
        ("POST", f"/api/deliveries/{uuid.uuid4()}/resend"),
        ("GET", "/api/templates/confirmation/preview"),
        ("POST", f"/api/ceremonies/{uuid.uuid4()}/announcements"),
    ],
)
def test_every_route_is_for_organisers_only(client, staff_headers, method, path):
    response = client.open(path, method=method, json={}, headers=staff_headers)

    assert (response.status_code, response.json["code"]) == (403, "forbidden")


def test_the_api_is_described_in_openapi(client):
    paths = client.get("/api/openapi.json").json["paths"]

    assert {
        "/api/deliveries",
        "/api/deliveries/{delivery_id}",
        "/api/deliveries/{delivery_id}/resend",
        "/api/templates/{name}/preview",
        "/api/ceremonies/{ceremony_id}/announcements",
    } <= set(paths)
