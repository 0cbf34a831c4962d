"""Invitation and reminder emails, and the protocol contact's VIP arrival alert, over real SMTP."""

from __future__ import annotations

import re
from datetime import timedelta

from icalendar import Calendar

from shared.auth import Signer
from shared.links import RSVP
from tests.conftest import SECRET
from tests.notifications.bus_events import STARTS_AT, as_event, invitation_data


def messages(smtp_server, since: int = 0) -> list:
    return [m.parsed() for m in smtp_server.received[since:]]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def rsvp_links(text: str, invitation_id) -> list[str]:
    """The RSVP links in an email, each checked to open this invitation's page."""
    found = re.findall(r"(https?://\S+/rsvp/([A-Za-z0-9._-]+))\?answer=(accept|decline)", text)
    for _url, capability, _answer in found:
        assert Signer(SECRET).verify_capability(RSVP, capability) == str(invitation_id)
    return [f"{url}?answer={answer}" for url, _capability, answer in found]


def vevent(message):
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content()).walk("VEVENT")[0]


def test_an_invitation_is_formal_with_programme_rsvp_links_and_a_calendar_file(
    service, smtp_server
):
    invitation = service.invite()
    service.deliver()

    [message] = messages(smtp_server)
    assert message["Subject"] == (
        "Invitation: Closing Ceremony of the International Protocol Course"
    )
    # Named as on the envelope, greeted as the protocol table says.
    assert message["To"] == f'"H.E. Mr Li Wei" <{invitation["email"]}>'
    text = text_of(message)
    assert text.startswith("Your Excellency,")
    assert "Dr Helena Marsh" in text  # the programme's speaker
    accept, decline = rsvp_links(text, invitation["invitation_id"])
    assert accept.startswith("http://127.0.0.1:8001/rsvp/") and accept.endswith("=accept")
    assert decline.endswith("?answer=decline") and decline.split("?")[0] == accept.split("?")[0]
    assert f'href="{accept}"' in html_of(message)
    event = vevent(message)
    assert event.decoded("dtstart") == STARTS_AT
    assert str(event["uid"]) == service.identity.calendar_uid(invitation["invitation_id"])
    [logged] = service.log(template="invitation")
    assert (logged.status, logged.language_used) == ("sent", "en")


def test_invitations_speak_the_invitees_languages_with_english_fallback(service, smtp_server):
    for language in ("fr", "zh", "de"):
        service.invite(language=language, email=f"invitee-{language}@example.org")
    service.deliver()

    subjects = {m["To"].addresses[0].addr_spec: m["Subject"] for m in messages(smtp_server)}
    title = "Closing Ceremony of the International Protocol Course"
    assert subjects == {
        "invitee-fr@example.org": f"Invitation : {title}",
        "invitee-zh@example.org": f"邀请函：{title}",
        "invitee-de@example.org": f"Invitation: {title}",
    }
    used = {d.recipient: d.language_used for d in service.log(template="invitation")}
    assert used == {
        "invitee-fr@example.org": "fr",
        "invitee-zh@example.org": "zh",
        "invitee-de@example.org": "en",
    }


def test_a_redelivered_invitation_event_sends_one_email(service, smtp_server):
    event = as_event("invitation.created", invitation_data(service.ceremony_id))
    service.feed(event)
    # The same event once more, past the inbox: the delivery log still knows the email.
    with service.database.transaction() as session:
        service.handlers["invitation.created"](session, event)
    service.deliver()

    assert len(smtp_server.received) == 1
    assert len(service.log(template="invitation")) == 1


def test_a_reminder_goes_to_the_chosen_invitee_only(service, smtp_server):
    chosen = service.invite(email="chosen@example.org")
    service.invite(email="other@example.org")
    service.deliver()
    before = len(smtp_server.received)

    service.invitation_event(chosen, "reminded")
    service.deliver()

    [message] = messages(smtp_server, before)
    assert message["To"].addresses[0].addr_spec == "chosen@example.org"
    assert message["Subject"].startswith("Reminder: invitation to ")
    assert rsvp_links(text_of(message), chosen["invitation_id"])


def test_a_reminder_for_an_invitee_who_answered_meanwhile_is_skipped(service, smtp_server):
    invitation = service.invite()
    service.deliver()
    before = len(smtp_server.received)

    service.invitation_event(invitation, "reminded")
    service.invitation_event(invitation, "declined", status="declined")
    service.deliver()

    assert messages(smtp_server, before) == []
    [reminder] = service.log(template="invitation_reminder")
    assert reminder.status == "skipped"


def test_an_answer_kept_before_its_invitation_event_arrives_sends_no_invitation(
    service, smtp_server
):
    data = invitation_data(service.ceremony_id)
    created = as_event("invitation.created", data)
    accepted = as_event("invitation.accepted", {**data, "status": "accepted"})
    # Answered by phone at once; the newer event happens to arrive first.
    service.feed(accepted)
    service.feed(created)
    service.deliver()

    assert service.log(template="invitation") == []
    assert smtp_server.received == []


def test_an_accepted_invitations_confirmation_updates_the_invitations_calendar_entry(
    service, smtp_server
):
    invitation = service.invite()
    service.deliver()
    invite_uid = str(vevent(messages(smtp_server)[0])["uid"])

    registration = service.register(
        full_name="Li Wei", honorific="H.E. Mr", category="dignitary", reserved=True
    )
    service.invitation_event(
        invitation,
        "accepted",
        status="accepted",
        registration_id=registration["registration_id"],
    )
    service.issue_badge(registration)
    service.deliver()

    confirmation = messages(smtp_server)[-1]
    assert confirmation["Subject"].startswith("Attendance confirmed")
    assert str(vevent(confirmation)["uid"]) == invite_uid


def test_admitting_a_dignitary_alerts_the_protocol_contact_once(service, smtp_server):
    dignitary = service.confirm(
        full_name="Li Wei",
        honorific="H.E. Mr",
        category="dignitary",
        job_title="Director General",
        email="li.wei@example.org",
    )
    service.deliver()
    before = len(smtp_server.received)

    service.admit(dignitary, gate="North Gate")
    # Out and back in: a second admission, but not a second arrival.
    service.admit(dignitary, gate="South Gate", at=STARTS_AT - timedelta(minutes=5))
    service.deliver()

    [alert] = messages(smtp_server, before)
    assert alert["To"].addresses[0].addr_spec == "protocol@example.org"
    # 14:41 UTC is 16:41 in Geneva in June.
    assert alert["Subject"] == "VIP arrival: H.E. Mr Li Wei, North Gate, 4:41 PM"
    text = text_of(alert)
    assert "Director General" in text
    assert "Ministry of Foreign Affairs" in text
    [logged] = service.log(template="vip_arrival")
    assert logged.status == "sent"


def test_a_guest_or_an_exit_alerts_nobody(service, smtp_server):
    guest = service.confirm(category="guest")
    speaker = service.confirm(category="speaker")
    service.deliver()
    before = len(smtp_server.received)

    service.admit(guest)
    service.admit(speaker, direction="out")
    service.deliver()

    assert messages(smtp_server, before) == []
    assert service.log(template="vip_arrival") == []


def test_a_ceremony_without_a_protocol_contact_alerts_nobody(service, smtp_server):
    service.update_ceremony(protocol_contact_email=None, sequence=1)
    dignitary = service.confirm(category="dignitary")
    service.deliver()
    before = len(smtp_server.received)

    service.admit(dignitary)
    service.deliver()

    assert service.log(template="vip_arrival") == []
    assert messages(smtp_server, before) == []


def test_a_registration_replaced_by_an_invitation_tells_the_invitee_why(service, smtp_server):
    service.ceremony()
    invitation = service.invite()
    squatted = service.confirm(email=invitation["email"].upper(), full_name="Someone Else")
    service.deliver()
    before = len(smtp_server.received)
    data = {
        **squatted,
        "status": "cancelled",
        "previous_status": "confirmed",
        "cancel_reason": "replaced_by_invitation",
    }
    service.feed(as_event("registration.cancelled", data))
    service.deliver()

    [message] = messages(smtp_server, since=before)
    text = text_of(message)
    # Addressed as invited, never by the name whoever registered the address typed.
    assert text.startswith("Your Excellency,")
    assert message["To"].addresses[0].display_name == "H.E. Mr Li Wei"
    assert "Someone Else" not in text + html_of(message)
    assert "has been replaced by your own" in text
    assert "register again" not in text
