"""An invitee's address registered by someone else first never hands them the invitee's seat.

Anyone may type any address on the public page. When the invitee accepts, that registration
is cancelled (its holder told why) and the invitee gets a registration, link and badge of
their own.
"""

from __future__ import annotations

from tests.registration.conftest import register
from tests.registration.test_invitations import INVITEES, events, invite, rsvp_path


def bearer(manage_url: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {manage_url.rsplit('/', 1)[1]}"}


def accept(app, client, invitation_id: str):
    return client.post(rsvp_path(app, invitation_id), data={"answer": "accept"})


def test_a_public_registration_of_the_invitees_address_is_cancelled_not_promoted(
    app, client, ceremony, organiser_headers
):
    squatted = register(
        client, ceremony["id"], INVITEES[0]["email"].upper(), full_name="Someone Else"
    ).json
    invitation = invite(client, ceremony, organiser_headers).json[0]
    assert accept(app, client, invitation["id"]).status_code == 303

    accepted = client.get(f"/api/invitations/{invitation['id']}", headers=organiser_headers).json
    assert accepted["registration_id"] != squatted["id"]
    own = client.get(
        f"/api/registrations/{accepted['registration_id']}", headers=organiser_headers
    ).json
    assert (own["status"], own["reserved"], own["full_name"]) == (
        "confirmed",
        True,
        "Amina Diallo",
    )
    # The earlier registration's link now shows a cancelled registration, and nothing else.
    earlier = client.get(
        f"/api/registrations/{squatted['id']}", headers=bearer(squatted["manage_url"])
    )
    assert (earlier.json["status"], earlier.json["category"]) == ("cancelled", "guest")
    assert (
        client.get(
            f"/api/registrations/{own['id']}", headers=bearer(squatted["manage_url"])
        ).status_code
        == 403
    )
    [cancelled] = [
        e["data"]
        for e in events(app, "registration.cancelled")
        if e["data"]["registration_id"] == squatted["id"]
    ]
    assert (cancelled["previous_status"], cancelled["cancel_reason"]) == (
        "confirmed",
        "replaced_by_invitation",
    )


def test_cancelling_with_the_earlier_link_leaves_the_invitee_seated(
    app, client, ceremony, organiser_headers
):
    squatted = register(client, ceremony["id"], INVITEES[0]["email"]).json
    invitation = invite(client, ceremony, organiser_headers).json[0]
    accept(app, client, invitation["id"])
    again = client.post(
        f"/api/registrations/{squatted['id']}/cancel", headers=bearer(squatted["manage_url"])
    )
    assert again.status_code == 200
    accepted = client.get(f"/api/invitations/{invitation['id']}", headers=organiser_headers).json
    own = client.get(
        f"/api/registrations/{accepted['registration_id']}", headers=organiser_headers
    ).json
    assert (accepted["status"], own["status"]) == ("accepted", "confirmed")


def test_the_public_seat_given_back_goes_to_the_waitlist(app, client, ceremony, organiser_headers):
    register(client, ceremony["id"], INVITEES[0]["email"])
    register(client, ceremony["id"], "second@example.org")  # capacity 2: full
    waiting = register(client, ceremony["id"], "third@example.org").json
    assert waiting["status"] == "waitlisted"
    invitation = invite(client, ceremony, organiser_headers).json[0]
    accept(app, client, invitation["id"])
    promoted = client.get(f"/api/registrations/{waiting['id']}", headers=organiser_headers).json
    assert promoted["status"] == "confirmed"
