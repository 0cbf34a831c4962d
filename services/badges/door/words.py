"""The words the door page's scripts show, in the page's language.

The scripts look each word up by its English (``t("Admitted")`` in ``static/words.js``), so a
word missing here is shown in English. The page writes these into its ``door-words`` data
island. Each is written out as a ``gettext`` call, so that the extraction (``babel.cfg``) finds
it; ``tests/badges/test_door_languages.py`` holds the keys equal to the scripts' ``t("…")``
calls. ``%(name)s`` is filled in by the scripts.
"""

from __future__ import annotations

from flask_babel import gettext, pgettext


def script_words() -> dict[str, str]:
    """Each English word of the scripts, with its translation into the page's language."""
    return {
        # The verdict: a word for one guest at the door, not the counter's "Admitted".
        "Admitted": pgettext("door verdict", "Admitted"),
        "Already inside": gettext("Already inside"),
        "Revoked": gettext("Revoked"),
        "Wrong ceremony": gettext("Wrong ceremony"),
        "Invalid badge": gettext("Invalid badge"),
        "Exit recorded": gettext("Exit recorded"),
        "Not inside": gettext("Not inside"),
        "Cannot check": gettext("Cannot check"),
        "Not this gate": gettext("Not this gate"),
        "Too early": gettext("Too early"),
        "Too late": gettext("Too late"),
        "This registration was cancelled. Do not admit.": gettext(
            "This registration was cancelled. Do not admit."
        ),
        "This badge is for another ceremony. Do not admit.": gettext(
            "This badge is for another ceremony. Do not admit."
        ),
        "This guest was not inside.": gettext("This guest was not inside."),
        "The signature is wrong: a forged or damaged badge.": gettext(
            "The signature is wrong: a forged or damaged badge."
        ),
        "Not signed by this ceremony's key.": gettext("Not signed by this ceremony's key."),
        "No such badge was issued.": gettext("No such badge was issued."),
        "Not a badge code (wrong length).": gettext("Not a badge code (wrong length)."),
        "Not a badge code.": gettext("Not a badge code."),
        "Nothing was scanned.": gettext("Nothing was scanned."),
        "This scan was already used for another badge.": gettext(
            "This scan was already used for another badge."
        ),
        "Not a valid badge. Do not admit.": gettext("Not a valid badge. Do not admit."),
        # Zones and door hours; times are the ceremony's local time.
        "Not allowed through gate %(gate)s: the badge admits to %(zones)s.": gettext(
            "Not allowed through gate %(gate)s: the badge admits to %(zones)s."
        ),
        "Not allowed through this gate: the badge admits to %(zones)s.": gettext(
            "Not allowed through this gate: the badge admits to %(zones)s."
        ),
        "Not allowed through gate %(gate)s: the badge admits to no zone.": gettext(
            "Not allowed through gate %(gate)s: the badge admits to no zone."
        ),
        "Not allowed through this gate: the badge admits to no zone.": gettext(
            "Not allowed through this gate: the badge admits to no zone."
        ),
        "The door opens at %(time)s.": gettext("The door opens at %(time)s."),
        "The door opens on %(day)s at %(time)s.": gettext("The door opens on %(day)s at %(time)s."),
        "The door closed at %(time)s.": gettext("The door closed at %(time)s."),
        "The door closed on %(day)s at %(time)s.": gettext(
            "The door closed on %(day)s at %(time)s."
        ),
        "The door is not open yet.": gettext("The door is not open yet."),
        "The door is closed.": gettext("The door is closed."),
        # The seat and the guest's needs.
        "Section %(section)s · Row %(row)s · Seat %(number)s": gettext(
            "Section %(section)s · Row %(row)s · Seat %(number)s"
        ),
        "Table %(table)s · Seat %(number)s": gettext("Table %(table)s · Seat %(number)s"),
        "Usher to section %(section)s, row %(row)s": gettext(
            "Usher to section %(section)s, row %(row)s"
        ),
        "Usher to table %(table)s": gettext("Usher to table %(table)s"),
        "Needs an accessible seat": gettext("Needs an accessible seat"),
        "Guest not in the offline list": gettext("Guest not in the offline list"),
        "VIP · %(category)s · inform protocol": gettext("VIP · %(category)s · inform protocol"),
        "Offline verdict: the server confirms it when the network returns.": gettext(
            "Offline verdict: the server confirms it when the network returns."
        ),
        "Offline verdict, checked on this device.": gettext(
            "Offline verdict, checked on this device."
        ),
        "Came in before the network dropped.": gettext("Came in before the network dropped."),
        "Came in at %(time)s through %(gate)s.": gettext("Came in at %(time)s through %(gate)s."),
        "Came in at %(time)s.": gettext("Came in at %(time)s."),
        "Came in through %(gate)s.": gettext("Came in through %(gate)s."),
        # The header, the direction button and the status line.
        "not named": gettext("not named"),
        "Entering": gettext("Entering"),
        "Leaving": gettext("Leaving"),
        "Online": gettext("Online"),
        "Offline": gettext("Offline"),
        "Waiting to upload: %(count)s": gettext("Waiting to upload: %(count)s"),
        "Upload refused: %(reason)s": gettext("Upload refused: %(reason)s"),
        "The guest list could not be loaded (%(status)s).": gettext(
            "The guest list could not be loaded (%(status)s)."
        ),
        "The server answered %(status)s.": gettext("The server answered %(status)s."),
        "No offline list yet: it loads from the server after sign-in.": gettext(
            "No offline list yet: it loads from the server after sign-in."
        ),
        "Offline checks need the page over HTTPS (WebCrypto).": gettext(
            "Offline checks need the page over HTTPS (WebCrypto)."
        ),
        "This browser cannot verify Ed25519 signatures: no offline checks.": gettext(
            "This browser cannot verify Ed25519 signatures: no offline checks."
        ),
        "The network dropped: admit by name later.": gettext(
            "The network dropped: admit by name later."
        ),
        "The staff token was refused: sign out and sign in again.": gettext(
            "The staff token was refused: sign out and sign in again."
        ),
        "Search failed (%(status)s).": gettext("Search failed (%(status)s)."),
        # A request the server refused, on a page not in English (its message is English).
        "Too many requests from this device: wait a moment and try again.": gettext(
            "Too many requests from this device: wait a moment and try again."
        ),
        "What this device sent is too large for the server.": gettext(
            "What this device sent is too large for the server."
        ),
        # Signing out, asked or by the server.
        "Scans waiting to upload: %(count)s. They stay on this device. Sign out?": gettext(
            "Scans waiting to upload: %(count)s. They stay on this device. Sign out?"
        ),
        "This device was signed out: its credential was revoked.": gettext(
            "This device was signed out: its credential was revoked."
        ),
        "This device was signed out: its session was ended.": gettext(
            "This device was signed out: its session was ended."
        ),
        "This device was signed out: its account is disabled.": gettext(
            "This device was signed out: its account is disabled."
        ),
        "This device was signed out: its credential has expired.": gettext(
            "This device was signed out: its credential has expired."
        ),
        "This device was signed out.": gettext("This device was signed out."),
        "The guest list and the scans kept on it have been wiped.": gettext(
            "The guest list and the scans kept on it have been wiped."
        ),
        # The sign-in.
        "This credential has been revoked.": gettext("This credential has been revoked."),
        "This session was signed out: sign in again.": gettext(
            "This session was signed out: sign in again."
        ),
        "This account is disabled.": gettext("This account is disabled."),
        "This credential has expired.": gettext("This credential has expired."),
        "Signing in this device…": gettext("Signing in this device…"),
        "This is not a door enrolment code: hold up the one the protocol office gave.": gettext(
            "This is not a door enrolment code: hold up the one the protocol office gave."
        ),
        "Opening the enrolment page…": gettext("Opening the enrolment page…"),
        "Hold the door device's enrolment QR code in front of the camera.": gettext(
            "Hold the door device's enrolment QR code in front of the camera."
        ),
        "This token is not valid: paste it exactly as it was issued.": gettext(
            "This token is not valid: paste it exactly as it was issued."
        ),
        "The server cannot be reached. Check the network and try again.": gettext(
            "The server cannot be reached. Check the network and try again."
        ),
        "This token is not a staff token.": gettext("This token is not a staff token."),
        "This token is not valid or has expired.": gettext(
            "This token is not valid or has expired."
        ),
        "The badges service does not know this ceremony yet.": gettext(
            "The badges service does not know this ceremony yet."
        ),
        "Choose the ceremony, then sign in.": gettext("Choose the ceremony, then sign in."),
        # The camera.
        "Hold the badge's QR code in front of the camera.": gettext(
            "Hold the badge's QR code in front of the camera."
        ),
        "Camera scanning is unavailable: the QR decoder is not installed on the server.": gettext(
            "Camera scanning is unavailable: the QR decoder is not installed on the server."
        ),
        "Camera scanning is unavailable: this browser gives no camera here (it needs HTTPS).": (
            gettext(
                "Camera scanning is unavailable: this browser gives no camera here "
                "(it needs HTTPS)."
            )
        ),
        "Camera scanning is unavailable: %(reason)s.": gettext(
            "Camera scanning is unavailable: %(reason)s."
        ),
        # The search by name.
        "Offline: from the guest list on this device. Admitting without a badge needs the "
        "network.": gettext(
            "Offline: from the guest list on this device. Admitting without a badge needs the "
            "network."
        ),
        "Type at least two letters of the name (one in Chinese or Korean).": gettext(
            "Type at least two letters of the name (one in Chinese or Korean)."
        ),
        "No guest of that name.": gettext("No guest of that name."),
        "Inside": gettext("Inside"),
        "Not arrived": gettext("Not arrived"),
        "Registration cancelled": gettext("Registration cancelled"),
        "Admit": gettext("Admit"),
        # Offline scans the server answered otherwise.
        "Unknown guest": gettext("Unknown guest"),
        "%(name)s: %(here)s here offline at %(time)s; the server says %(server)s.": gettext(
            "%(name)s: %(here)s here offline at %(time)s; the server says %(server)s."
        ),
        "%(name)s: %(here)s here offline at %(time)s; the server says %(server)s "
        "(came in through %(gate)s).": gettext(
            "%(name)s: %(here)s here offline at %(time)s; the server says %(server)s "
            "(came in through %(gate)s)."
        ),
    }
