"""An invitee who accepts gets a formal letter of their own; letters written later still address
people by the name parts their events carried. Sent over real SMTP and parsed back."""

from __future__ import annotations

from services.notifications.models import invitations, registrations
from tests.notifications.bus_events import as_event
from tests.notifications.fake_badges import decode_badge

SMITH = {
    "full_name": "John Smith",
    "given_name": "John",
    "family_name": "Smith",
    "honorific": "H.E.",
    "job_title": None,
}


def messages(smtp_server, since: int = 0) -> list:
    return [m.parsed() for m in smtp_server.received[since:]]


def lines_of(message) -> list[str]:
    return message.get_body(("plain",)).get_content().splitlines()


def accept(service, **person):
    """An invitation sent, accepted and its registration's badge issued; returns the
    invitation, the registration and the badge event."""
    invitation = service.invite(**person)
    registration = service.register(
        **{**person, "email": invitation["email"], "language": invitation["language"]},
        category="dignitary",
        reserved=True,
    )
    service.invitation_event(
        invitation, "accepted", status="accepted", registration_id=registration["registration_id"]
    )
    return invitation, registration, service.issue_badge(registration)


def test_an_invitee_who_accepted_gets_the_formal_letter_with_badge_and_calendar(
    service, smtp_server
):
    invitation, _registration, badge = accept(service, **SMITH)
    service.deliver()

    letter = messages(smtp_server)[-1]
    assert letter["Subject"] == (
        "Attendance confirmed: Closing Ceremony of the International Protocol Course"
    )
    assert letter["To"].addresses[0].display_name == "H.E. John Smith"
    lines = lines_of(letter)
    assert lines[:3] == ["H.E. John Smith", "", "Your Excellency,"]
    assert "Please accept the assurances of our highest consideration." in lines
    files = {part.get_filename(): part for part in letter.iter_attachments()}
    assert set(files) == {"badge.pdf", "invite.ics"}
    assert decode_badge(files["badge.pdf"].get_content()) == badge.data["code"]
    [logged] = service.log(template="invitation_accepted")
    assert (logged.recipient, logged.status) == (invitation["email"], "sent")
    assert service.log(template="confirmation") == []


def test_a_french_invitee_is_answered_in_french_with_the_address_in_the_closing(
    service, smtp_server
):
    # Typed whole, before names were kept in parts: split at its last space.
    accept(service, full_name="François Lefèvre", honorific="M.", language="fr")
    service.deliver()

    lines = lines_of(messages(smtp_server)[-1])
    assert lines[:3] == ["M. François Lefèvre", "", "Monsieur,"]
    assert "Veuillez agréer, Monsieur, l'assurance de notre très haute considération." in lines


def test_a_public_guest_on_a_protocol_seat_still_gets_the_ordinary_confirmation(
    service, smtp_server
):
    service.confirm(**SMITH, category="dignitary", reserved=True)
    service.deliver()

    [message] = messages(smtp_server)
    assert message["Subject"].startswith("Registration confirmed")
    assert lines_of(message)[0] == "Your Excellency,"
    assert service.log(template="invitation_accepted") == []


def test_a_redelivered_badge_event_sends_the_letter_once(service, smtp_server):
    _invitation, _registration, badge = accept(service, **SMITH)
    # The same event once more, past the inbox: the delivery log still knows the email.
    with service.database.transaction() as session:
        service.handlers["badge.issued"](session, badge)
    service.deliver()

    assert len(service.log(template="invitation_accepted")) == 1
    assert [m["Subject"].split(":")[0] for m in messages(smtp_server)] == [
        "Invitation",
        "Attendance confirmed",
    ]


def test_an_invitees_resent_confirmation_is_the_letter_again(service, smtp_server):
    _invitation, registration, _badge = accept(service, **SMITH)
    service.deliver()
    before = len(smtp_server.received)

    service.feed(as_event("registration.confirmation_resent", registration))
    service.deliver()

    [message] = messages(smtp_server, before)
    assert message["Subject"].startswith("Attendance confirmed")
    assert len(service.log(template="invitation_accepted")) == 2


def test_a_reminder_keeps_the_name_order_the_invitation_carried(service, smtp_server):
    person = {
        "full_name": "王建国",
        "given_name": "建国",
        "family_name": "王",
        "family_first": True,
        "honorific": "H.E.",
        "job_title": None,
    }
    invitation = service.invite(**person, language="zh")
    service.invitation_event(invitation, "reminded")
    service.deliver()

    reminder = messages(smtp_server)[-1]
    assert lines_of(reminder)[0] == "尊敬的王建国阁下："
    assert reminder["To"].addresses[0].display_name == "王建国阁下"
    with service.database.sessions() as session:
        kept = session.execute(invitations.select()).one()
    assert (kept.given_name, kept.family_name, kept.family_first) == ("建国", "王", True)


def test_a_ceremony_change_addresses_the_guest_by_the_family_name_given(service, smtp_server):
    service.confirm(
        full_name="Maria de la Cruz",
        given_name="Maria",
        family_name="de la Cruz",
        honorific="Dr",
    )
    service.update_ceremony(title="Closing Ceremony, 2030", sequence=1)
    service.deliver()

    changed = messages(smtp_server)[-1]
    # Split from the whole name, the family name would have been "Cruz".
    assert lines_of(changed)[0] == "Dear Dr de la Cruz,"
    with service.database.sessions() as session:
        assert session.execute(registrations.select()).one().family_name == "de la Cruz"
