"""Emails about public requests to register: the confirmation link, approval, the own link.

Events carry ids; the links are made here, when the email is written, and they open what they
say: the confirmation page of that request, the guest's own registration.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from shared.auth import Signer
from shared.links import CONFIRM_REQUEST
from tests.conftest import SECRET
from tests.notifications.bus_events import STARTS_AT, as_event


def request_data(service, status: str = "awaiting_confirmation", **overrides) -> dict:
    data = {
        "request_id": uuid.uuid4(),
        "ceremony_id": service.ceremony_id,
        "full_name": "Amina Diallo",
        "email": "amina@example.org",
        "honorific": "Ms",
        "organisation": None,
        "job_title": None,
        "language": "fr",
        "category": "guest",
        "precedence": None,
        "status": status,
        "expires_at": STARTS_AT - timedelta(days=30),
    }
    data.update(overrides)
    return data


def text_of(smtp_server, index: int = -1) -> str:
    return smtp_server.received[index].parsed().get_body(("plain",)).get_content()


def test_a_request_is_sent_its_confirmation_link(service, smtp_server):
    data = request_data(service)
    service.feed(as_event("registration.requested", data))
    service.deliver()

    message = smtp_server.received[-1].parsed()
    assert message["Subject"].startswith("Merci de confirmer votre inscription")
    text = text_of(smtp_server)
    [capability] = re.findall(r"/confirm/(\S+)", text)
    assert Signer(SECRET).verify_capability(CONFIRM_REQUEST, capability) == str(data["request_id"])
    [logged] = service.log(template="confirm_registration")
    assert (logged.status, logged.language_used, logged.recipient) == (
        "sent",
        "fr",
        "amina@example.org",
    )


def test_each_request_event_is_one_email(service, smtp_server):
    event = as_event("registration.requested", request_data(service, language="en"))
    service.feed(event)
    service.feed(event)
    service.deliver()
    assert len(smtp_server.received) == 1


def test_an_approval_request_is_told_it_waits(service, smtp_server):
    service.feed(as_event("registration.requested", request_data(service, "awaiting_approval")))
    service.feed(as_event("registration.request_declined", request_data(service, "declined")))
    service.deliver()
    subjects = [m.parsed()["Subject"] for m in smtp_server.received]
    assert subjects == [
        "Demande reçue : Closing Ceremony of the International Protocol Course",
        "Votre demande : Closing Ceremony of the International Protocol Course",
    ]
    assert "/confirm/" not in text_of(smtp_server, 0)


def test_an_address_registered_already_gets_its_own_link(service, smtp_server):
    registration = service.register("confirmed")
    service.feed(as_event("registration.link_requested", registration))
    service.deliver()
    text = text_of(smtp_server)
    assert "already registered" in text
    [capability] = re.findall(r"/manage/(\S+)", text)
    assert Signer(SECRET).verify_capability("manage-registration", capability) == str(
        registration["registration_id"]
    )
