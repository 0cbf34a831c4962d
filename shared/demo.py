"""The reference scene: the closing ceremony of a six-week training course.

Seeded through the public HTTP API of a running suite, as an organiser would.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta

import requests

SPEAKERS = [
    # (honorific, name, job title, organisation, category, precedence, language)
    (
        "H.E.",
        "Amina Diallo",
        "Secretary General",
        "Ministry of Foreign Affairs",
        "dignitary",
        1,
        "fr",
    ),
    ("H.E.", "Li Wei", "Consul General", "Consulate General", "dignitary", 2, "zh"),
    ("Dr", "Helen Marsh", "Director General", "Training Academy", "speaker", 3, "en"),
    (
        "Prof.",
        "Jean-Luc Moreau",
        "Chair of the Course Board",
        "Training Academy",
        "speaker",
        4,
        "fr",
    ),
]
#: How each is written beyond the whole name: the parts, their order, a transliteration.
NAMES = {
    "Amina Diallo": {"given_name": "Amina", "family_name": "Diallo"},
    "Li Wei": {
        "full_name": "李伟",
        "given_name": "伟",
        "family_name": "李",
        "family_first": True,
        "name_latin": "Li Wei",
    },
    "Helen Marsh": {"given_name": "Helen", "family_name": "Marsh"},
    "Jean-Luc Moreau": {"given_name": "Jean-Luc", "family_name": "Moreau"},
}
#: The ceremony's own words in its other languages.
TRANSLATIONS = {
    "fr": {
        "title": "Cérémonie de clôture du cours de formation de six semaines",
        "venue_name": "Grande salle",
        "venue_address": "1, avenue de la Paix, Paris",
        "programme": [
            "Mot d'ouverture",
            "Allocution",
            "Discours principal",
            "Intervention",
            "Remise des certificats",
        ],
    },
    "zh": {
        "title": "六周培训课程结业典礼",
        "venue_name": "大礼堂",
        "programme": ["开幕致辞", "讲话", "主旨演讲", "致辞", "颁发证书"],
    },
}


def _programme(starts: datetime) -> list[dict]:
    return [
        {
            "title": "Opening words",
            "speaker": "Prof. Jean-Luc Moreau",
            "role": "Chair",
            "starts_at": starts.isoformat(),
        },
        {
            "title": "Address",
            "speaker": "Dr Helen Marsh",
            "role": "Director General",
            "starts_at": (starts + timedelta(minutes=10)).isoformat(),
        },
        {
            "title": "Keynote",
            "speaker": "H.E. Amina Diallo",
            "role": "Secretary General",
            "starts_at": (starts + timedelta(minutes=25)).isoformat(),
        },
        {
            "title": "Remarks",
            "speaker": "H.E. Li Wei",
            "role": "Consul General",
            "starts_at": (starts + timedelta(minutes=40)).isoformat(),
        },
        {
            "title": "Award of certificates",
            "speaker": None,
            "role": None,
            "starts_at": (starts + timedelta(minutes=50)).isoformat(),
        },
    ]


def seed_reference_ceremony(
    urls: Mapping[str, str], token: str, door_token: Callable[[str], str]
) -> Iterator[str]:
    """Create the ceremony and its people; yields the lines to print.

    ``door_token`` gives a staff token bound to a ceremony, for the door page.
    """
    api = urls["registration"]
    auth = {"Authorization": f"Bearer {token}"}
    starts = (datetime.now(UTC) + timedelta(days=14)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    ceremony = _post(
        f"{api}/api/ceremonies",
        auth,
        {
            "title": "Closing Ceremony of the Six-Week Training Course",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "timezone": "Europe/Paris",
            "venue": {"name": "Grand Hall", "address": "1 Avenue de la Paix, Paris"},
            "capacity": 60,
            "default_language": "en",
            "languages": ["en", "fr", "zh"],
            "protocol_contact_email": "protocol@example.org",
            "programme": _programme(starts),
            "translations": TRANSLATIONS,
        },
    )
    cid = ceremony["id"]
    invitees = [
        {
            "honorific": honorific,
            "full_name": name,
            "job_title": title,
            "organisation": org,
            "category": category,
            "precedence": precedence,
            "language": language,
            "email": _email(name),
            **NAMES.get(name, {}),
        }
        for honorific, name, title, org, category, precedence, language in SPEAKERS
    ]
    invitations = _post(f"{api}/api/ceremonies/{cid}/invitations", auth, {"invitees": invitees})
    # Three answer at once (by phone); the fourth is left to answer from the printed link.
    for invitation in invitations[:3]:
        _post(f"{api}/api/invitations/{invitation['id']}/answer", auth, {"answer": "accept"})
    # The course office registers its people; the ceremony keeps the default mode, so its
    # public page asks a guest to confirm by email, as a real one would.
    first = None
    officers, experts = [], []
    for n in range(1, 21):
        created = _post(
            f"{api}/api/ceremonies/{cid}/registrations",
            auth,
            {
                "honorific": "Lt",
                "full_name": f"Graduating Officer {n:02d}",
                "email": f"officer{n:02d}@example.org",
                "organisation": "Training Course 2026",
                "category": "participant",
            },
        )
        first = first or created
        officers.append(created["id"])
    for n in range(1, 15):
        expert = _post(
            f"{api}/api/ceremonies/{cid}/registrations",
            auth,
            {
                "full_name": f"Expert {n:02d}",
                "email": f"expert{n:02d}@example.org",
                "organisation": "Expert Panel",
                "category": "guest",
                "language": "fr" if n % 2 else "en",
            },
        )
        experts.append(expert["id"])
    for ministry in ("Ministry of Interior", "Ministry of Education"):
        for n in range(1, 4):
            _post(
                f"{api}/api/ceremonies/{cid}/registrations",
                auth,
                {
                    "full_name": f"{ministry.split()[-1]} Guest {n}",
                    "email": f"{ministry.split()[-1].lower()}{n}@example.org",
                    "organisation": ministry,
                    "category": "guest",
                },
            )
    _seat_everyone(api, auth, cid)
    _graduation(api, auth, cid, starts, officers, experts)
    yield f"Ceremony:            {api}/api/ceremonies/{cid}"
    yield f"Registration page:   {ceremony['registration_url']}"
    yield f"A guest's own page:  {first['manage_url']}"
    yield f"An invitation (RSVP): {invitations[3]['rsvp_url']}"
    yield f"Organiser list:      {api}/api/ceremonies/{cid}/registrations (bearer token)"
    badges = urls["badges"]
    yield f"Print sheets:        {badges}/api/ceremonies/{cid}/badges.pdf (bearer token)"
    yield f"Attendance:          {badges}/api/ceremonies/{cid}/attendance (bearer token)"
    yield f"Door page:           {badges}/scan (sign in with the staff token below)"
    yield f"Graduation:          {api}/console/ceremonies/{cid}/graduation"
    yield f"Staff token (Main Gate, 24 h): {door_token(cid)}"
    yield f"API docs:            {api}/api/docs"
    yield "Mail written to:     the var/mail folder of the running suite"
    yield from demo_organiser(api, auth, cid)


def demo_organiser(api: str, auth: dict, ceremony_id: str) -> Iterator[str]:
    """An account that organises the ceremony, with a generated password; yields its sign-in."""
    password = secrets.token_urlsafe(15)
    email = "organiser@example.org"
    body = {"email": email, "display_name": "Course Office", "password": password}
    created = requests.post(f"{api}/api/accounts", json=body, headers=auth, timeout=10)
    if created.status_code == 409:
        # A demo seeded before made this address: each later one gets an address of its own.
        email = f"organiser.{ceremony_id[:8]}@example.org"
        _post(f"{api}/api/accounts", auth, {**body, "email": email})
    elif created.status_code >= 400:
        raise RuntimeError(f"{api}/api/accounts answered {created.status_code}: {created.text}")
    team = f"{api}/api/ceremonies/{ceremony_id}/team"
    _post(team, auth, {"email": email, "role": "organiser"})
    yield f"Organiser sign-in:   {api}/sign-in"
    yield f"  then the console:  {api}/console/ceremonies/{ceremony_id}"
    yield f"  its seating chart: {api}/console/ceremonies/{ceremony_id}/seating"
    yield f"  email:             {email}"
    yield f"  password:          {password}"


#: The Grand Hall: the front rows for the dignitaries and speakers, the graduating officers
#: behind them, the other guests at the back; two wheelchair places at the end of the back row.
HALL = {
    "name": "Grand Hall",
    "stage": "Stage",
    "sections": [{"name": "A", "aisles_after": [6]}],
    "seats": [
        {"section": "A", "row": str(row), "number": number, "accessible": row == 6 and number > 10}
        for row in range(1, 7)
        for number in range(1, 13)
    ],
}
BLOCKS = [
    {"name": "Dignitaries and speakers", "categories": ["dignitary", "speaker"],
     "section": "A", "rows": ["1"]},
    {"name": "Graduating officers", "categories": ["participant"], "section": "A",
     "rows": ["2", "3"]},
    {"name": "Guests", "categories": ["guest", "press", "staff"], "section": "A",
     "rows": ["4", "5", "6"]},
]  # fmt: skip


def _seat_everyone(api: str, auth: dict, ceremony_id: str) -> None:
    """The hall, its blocks, and everyone confirmed seated by precedence (not yet announced)."""
    base = f"{api}/api/ceremonies/{ceremony_id}"
    for path, body in (("venue", HALL), ("blocks", {"blocks": BLOCKS})):
        response = requests.put(f"{base}/{path}", json=body, headers=auth, timeout=10)
        if response.status_code >= 400:
            raise RuntimeError(f"{base}/{path} answered {response.status_code}: {response.text}")
    seated = requests.post(f"{base}/seating/auto", headers=auth, timeout=30)
    if seated.status_code >= 400:
        raise RuntimeError(f"{base}/seating/auto answered {seated.status_code}: {seated.text}")


#: The course the officers graduate from, and who signs their certificates.
COURSE = {
    "title": "Six-Week Training Course in Border Management",
    "translations": {
        "fr": {"title": "Cours de formation de six semaines en gestion des frontières"},
        "zh": {"title": "边境管理六周培训课程"},
    },
    "hours": "180",
    "organisations": [{"name": "Training Academy"}, {"name": "Ministry of Interior"}],
    "signatories": [
        {"name": "Dr Helen Marsh", "title": "Director General, Training Academy"},
        {"name": "Prof. Jean-Luc Moreau", "title": "Course Director"},
    ],
    "roll_order": "family_name",
}


def _graduation(
    api: str, auth: dict, ceremony_id: str, starts: datetime, officers: list, experts: list
) -> None:
    """The course, the officers' results (one with distinction, one attended only, one not
    completed) and the experts' certificates of appreciation; certificates are not released."""
    course = COURSE | {
        "starts_on": (starts - timedelta(weeks=6)).date().isoformat(),
        "ends_on": (starts - timedelta(days=1)).date().isoformat(),
    }
    response = requests.put(
        f"{api}/api/ceremonies/{ceremony_id}/course", json=course, headers=auth, timeout=10
    )
    if response.status_code >= 400:
        raise RuntimeError(f"course answered {response.status_code}: {response.text}")
    results = ["distinction", "attended", "not_completed"] + ["completed"] * (len(officers) - 3)
    changes = [(rid, {"result": result}) for rid, result in zip(officers, results, strict=True)]
    changes += [(rid, {"appreciation": True}) for rid in experts]
    for registration_id, change in changes:
        url = f"{api}/api/registrations/{registration_id}/graduation"
        response = requests.patch(url, json=change, headers=auth, timeout=10)
        if response.status_code >= 400:
            raise RuntimeError(f"{url} answered {response.status_code}: {response.text}")


def _email(name: str) -> str:
    return name.lower().replace(" ", ".").replace("-", "") + "@example.org"


def _post(url: str, headers: dict, body: dict) -> dict:
    response = requests.post(url, json=body, headers=headers, timeout=10)
    if response.status_code >= 400:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.text}")
    return response.json()
