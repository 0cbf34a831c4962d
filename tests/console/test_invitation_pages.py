"""The invitations pages: the list and its actions, inviting one person, an invitee's page, and
the import wizard (upload → mapping → preview → import, all or nothing)."""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from services.registration.models import Invitation, InvitationImport, Registration, outbox
from services.registration.service import SERVICE as REGISTRATION
from shared.events import make_envelope, parse_envelope
from shared.worker import EventWorker
from tests.console.harness import ConsoleWorld, error_beside, text_of

DIGNITARIES = [
    {"full_name": "Amina Diallo", "email": "sg@example.org", "precedence": 1},
    {"full_name": "Li Wei", "email": "cg@example.org", "precedence": 2, "organisation": "MFA"},
    {"full_name": "Helen Marsh", "email": "dg@example.org", "precedence": 3},
]


@pytest.fixture
def world(tmp_path):
    world = ConsoleWorld(tmp_path)
    yield world
    world.close()


def base(world) -> str:
    return f"/console/ceremonies/{world.ceremony_id}/invitations"


def events(world, event_type: str) -> list[dict]:
    with world.apps["registration"].extensions["ceremony"].database.transaction() as session:
        bodies = session.execute(select(outbox.c.body).order_by(outbox.c.id)).scalars()
        return [e["data"] for e in map(json.loads, bodies) if e["type"] == event_type]


def stored(world, model=Invitation) -> list:
    with world.apps["registration"].extensions["ceremony"].database.transaction() as session:
        return list(session.scalars(select(model)))


def by_email(world) -> dict[str, Invitation]:
    return {invitation.email: invitation for invitation in stored(world)}


def invite(world, invitees=DIGNITARIES, send=True) -> list[dict]:
    path = f"/api/ceremonies/{world.ceremony_id}/invitations"
    return world.api("POST", path, json={"invitees": invitees, "send": send}).json


def upload(world, content: bytes, filename: str):
    """POST a file to the upload form, the multipart body built here: the test client would
    spool a large one to a temporary file that no one closes when the body is refused."""
    boundary = "----invitees"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{world.csrf}\r\n--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return world.browser("registration").post(
        base(world) + "/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def import_id_of(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[1]


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


WORLD_NAMES = [
    ["Name", "Email", "Organisation", "Language"],
    ["José Müller-Núñez", "jose@example.org", "Université de Genève", "fr"],
    ["王小明", "wang@example.cn", "外交部", "zh"],
    ["عبد الله الحسيني", "abdullah@example.org", "وزارة الخارجية", "ar"],
]


def test_an_xlsx_imported_as_drafts_announces_nothing_until_sent(world):
    import_id = import_id_of(upload(world, xlsx(WORLD_NAMES), "guests.xlsx"))
    client = world.browser("registration")
    mapping = client.get(f"{base(world)}/import/{import_id}").get_data(as_text=True)
    assert "An Excel workbook" in text_of(mapping)
    preview = client.get(
        f"{base(world)}/import/{import_id}/preview",
        query_string={"col0": "full_name", "col1": "email", "col2": "organisation"},
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "王小明" in page and "عبد الله الحسيني" in page and 'class="bad"' not in page

    done = client.post(
        f"{base(world)}/import/{import_id}",
        data=world.form(col0="full_name", col1="email", col2="organisation", col3="", send="0"),
    )
    assert done.status_code == 303
    invited = by_email(world)
    assert {i.status for i in invited.values()} == {"draft"}
    assert invited["jose@example.org"].organisation == "Université de Genève"
    assert invited["jose@example.org"].language == "en"  # the ignored column is not read
    assert invited["wang@example.cn"].search_key == "王小明 外交部 wang@example.cn"
    assert events(world, "invitation.created") == []
    assert stored(world, InvitationImport) == []  # forgotten once imported

    sent = client.post(base(world) + "/send", data=world.form(scope="all"))
    assert sent.status_code == 303
    created = events(world, "invitation.created")
    assert sorted(e["email"] for e in created) == sorted(invited)
    assert {i.status for i in stored(world)} == {"pending"}
    assert all(i.sent_at is not None for i in stored(world))


def test_a_european_excel_csv_is_read_in_windows_1252_with_semicolons(world):
    content = "Nom;Courriel;Organisme\r\nHans Müller;hm@example.org;Université Laval\r\n"
    import_id = import_id_of(upload(world, content.encode("cp1252"), "liste.csv"))
    page = world.browser("registration").get(f"{base(world)}/import/{import_id}")
    words = text_of(page.get_data(as_text=True))
    assert "Windows-1252" in words and "semicolon" in words
    assert re.search(r'<option value="email" selected>', page.get_data(as_text=True))
    preview = world.browser("registration").get(f"{base(world)}/import/{import_id}/preview")
    assert "Université Laval" in preview.get_data(as_text=True)


def test_a_utf16_csv_with_french_headers_is_mapped_by_them(world):
    content = (
        "Prénom\tNom\tCourriel\tFonction\tPréséance\nAnne\tDupont\tad@example.org\tConsule\t4\n"
    )
    import_id = import_id_of(upload(world, content.encode("utf-16"), "liste.csv"))
    page = world.browser("registration").get(f"{base(world)}/import/{import_id}")
    html = page.get_data(as_text=True)
    assert "UTF-16" in text_of(html) and "tab" in text_of(html)
    for index, name in enumerate(["given_name", "family_name", "email", "job_title", "precedence"]):
        assert re.search(
            rf'id="f-col{index}" name="col{index}".*?value="{name}" selected', html, re.S
        )
    client = world.browser("registration")
    mapping = dict(col0="given_name", col1="family_name", col2="email", col3="job_title")
    client.post(f"{base(world)}/import/{import_id}", data=world.form(**mapping, col4="precedence"))
    anne = by_email(world)["ad@example.org"]
    assert (anne.full_name, anne.job_title, anne.precedence) == ("Anne Dupont", "Consule", 4)


def test_a_bad_email_on_row_3_is_shown_and_importing_saves_nothing(world):
    content = b"full_name,email\nAda One,a1@example.org\nBad Two,not-an-email\nCy Three,c3@x.org\n"
    import_id = import_id_of(upload(world, content, "list.csv"))
    client = world.browser("registration")
    page = client.get(f"{base(world)}/import/{import_id}/preview").get_data(as_text=True)
    bad = re.findall(r'<tr class="bad" id="row-(\d+)">(.*?)</tr>', page, re.S)
    assert [number for number, _ in bad] == ["3"]
    assert 'data-field="email"' in bad[0][1] and "Not a valid email address." in bad[0][1]
    assert "Import 3 invitations" not in page  # no button while a row is bad

    response = client.post(
        f"{base(world)}/import/{import_id}", data=world.form(col0="full_name", col1="email")
    )
    assert response.status_code == 422
    assert "Nothing was imported." in text_of(response.get_data(as_text=True))
    assert stored(world) == []


def test_duplicate_rows_and_those_invited_already_are_flagged(world):
    invite(world, DIGNITARIES[:1])
    content = (
        b"full_name,email\nAda One,a1@example.org\nAda Again,A1@example.org\n"
        b"Amina Diallo,sg@example.org\n"
    )
    import_id = import_id_of(upload(world, content, "list.csv"))
    page = world.browser("registration").get(f"{base(world)}/import/{import_id}/preview")
    html = page.get_data(as_text=True)
    bad = dict(re.findall(r'<tr class="bad" id="row-(\d+)">(.*?)</tr>', html, re.S))
    assert set(bad) == {"3", "4"}
    assert "Same email as row 2." in bad["3"]
    assert "Already invited to this ceremony." in bad["4"]


@pytest.mark.parametrize(
    ("content", "filename", "status", "message"),
    [
        (b"", "empty.csv", 422, "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png", 422, "Upload a .csv or .xlsx file."),
        (b"PK\x03\x04not really a workbook", "guests.xlsx", 422, "Not a spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv", 422, "Not a spreadsheet"),
        (b"full_name,email\n" + b"x" * (1024 * 1024 + 10), "big.csv", 413, "larger than"),
    ],
    ids=["empty", "not-a-spreadsheet-name", "broken-xlsx", "binary-as-csv", "too-big"],
)
def test_a_file_that_cannot_be_imported_gets_its_error_beside_the_field(
    world, content, filename, status, message
):
    response = upload(world, content, filename)
    assert response.status_code == status
    assert message in (error_beside(response.get_data(as_text=True), "file") or "")
    assert stored(world, InvitationImport) == []


def test_inviting_one_person_as_a_draft_or_at_once(world):
    client = world.browser("registration")
    person = dict(full_name="Rosa Vidal", email="rv@example.org", honorific="Dr", precedence="5")
    draft = client.post(base(world) + "/new", data=world.form(**person, send="0"))
    assert draft.status_code == 303
    sent = client.post(
        base(world) + "/new",
        data=world.form(
            full_name="Omar Haddad", email="oh@example.org", category="speaker", send="1"
        ),
    )
    assert sent.status_code == 303
    invited = by_email(world)
    assert (invited["rv@example.org"].status, invited["rv@example.org"].precedence) == ("draft", 5)
    assert invited["oh@example.org"].status == "pending"
    assert [e["email"] for e in events(world, "invitation.created")] == ["oh@example.org"]


def test_the_invitation_form_offers_the_ceremonys_languages_by_name(world):
    english = world.browser("registration").get(base(world) + "/new").get_data(as_text=True)
    assert '<option value="en" label="English">' in english
    french = world.browser("registration").get(
        base(world) + "/new", headers={"Accept-Language": "fr"}
    )
    assert '<option value="en" label="Anglais">' in french.get_data(as_text=True)


def test_inviting_one_person_with_bad_input_keeps_what_was_typed(world):
    invite(world, DIGNITARIES[:1])
    client = world.browser("registration")
    response = client.post(
        base(world) + "/new",
        data=world.form(full_name="Someone Else", email="not-an-email", precedence="first"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_beside(page, "email") and error_beside(page, "precedence")
    assert 'value="Someone Else"' in page
    again = client.post(
        base(world) + "/new", data=world.form(full_name="Amina", email="SG@example.org")
    )
    assert (
        error_beside(again.get_data(as_text=True), "email") == "Already invited to this ceremony."
    )
    assert len(stored(world)) == 1


def test_remind_selected_skips_those_who_answered(world):
    created = invite(world)
    answered = created[0]["id"]
    world.api("POST", f"/api/invitations/{answered}/answer", json={"answer": "decline"})
    response = world.browser("registration").post(
        base(world) + "/remind",
        data=world.form(scope="selected", invitation_id=[answered, created[1]["id"]]),
        follow_redirects=True,
    )
    assert "1 invitees reminded. 1 skipped" in text_of(response.get_data(as_text=True))
    assert [e["email"] for e in events(world, "invitation.reminded")] == ["cg@example.org"]


def test_remind_all_pending(world):
    created = invite(world)
    world.api("POST", f"/api/invitations/{created[2]['id']}/answer", json={"answer": "accept"})
    world.browser("registration").post(base(world) + "/remind", data=world.form(scope="all"))
    reminded = sorted(e["email"] for e in events(world, "invitation.reminded"))
    assert reminded == ["cg@example.org", "sg@example.org"]


def test_withdrawing_an_accepted_invitation_cancels_its_registration(world):
    created = invite(world)[0]
    world.api("POST", f"/api/invitations/{created['id']}/answer", json={"answer": "accept"})
    client = world.browser("registration")
    confirm = client.get(f"{base(world)}/{created['id']}/withdraw").get_data(as_text=True)
    assert "their registration is cancelled" in confirm
    response = client.post(f"{base(world)}/{created['id']}/withdraw", data=world.form())
    assert response.status_code == 303
    world.pump()
    invitation = by_email(world)["sg@example.org"]
    assert (invitation.status, invitation.withdrawn_at is not None) == ("withdrawn", True)
    assert [r.status for r in stored(world, Registration)] == ["cancelled"]
    assert events(world, "invitation.withdrawn")[0]["email"] == "sg@example.org"
    assert events(world, "registration.cancelled")[0]["cancel_reason"] == "invitation_withdrawn"
    badges = world.client("badges").get(
        f"/api/registrations/{invitation.registration_id}/badge", headers=world.admin
    )
    assert badges.json["status"] == "revoked"


def test_a_draft_is_removed_rather_than_withdrawn(world):
    draft = invite(world, DIGNITARIES[:1], send=False)[0]
    client = world.browser("registration")
    assert "never sent" in client.get(f"{base(world)}/{draft['id']}/withdraw").get_data(True)
    client.post(f"{base(world)}/{draft['id']}/withdraw", data=world.form())
    assert stored(world) == []
    assert events(world, "invitation.withdrawn") == []


def test_an_answer_recorded_by_phone(world):
    created = invite(world)[1]
    client = world.browser("registration")
    response = client.post(
        f"{base(world)}/{created['id']}/answer", data=world.form(answer="accept", via="phone")
    )
    assert response.status_code == 303
    invitation = by_email(world)["cg@example.org"]
    assert (invitation.status, invitation.answered_by) == ("accepted", "organiser")
    registration = stored(world, Registration)[0]
    assert (registration.status, registration.reserved) == ("confirmed", True)
    assert registration.search_key == "li wei mfa cg@example.org"
    listed = client.get(base(world)).get_data(as_text=True)
    assert "recorded by an organiser" in listed


def test_an_answer_form_with_a_bad_value_says_so(world):
    created = invite(world)[1]
    response = world.browser("registration").post(
        f"{base(world)}/{created['id']}/answer", data=world.form(answer="maybe", via="pigeon")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_beside(page, "answer") and error_beside(page, "via")
    assert by_email(world)["cg@example.org"].status == "pending"


def test_the_first_rsvp_visit_sets_opened(world):
    created = invite(world)[0]
    rsvp = world.api("GET", f"/api/invitations/{created['id']}").json["rsvp_url"]
    path = "/" + rsvp.split("/", 3)[3]
    assert by_email(world)["sg@example.org"].opened_at is None
    world.client("registration").get(path)
    first = by_email(world)["sg@example.org"].opened_at
    world.client("registration").get(path)
    invitation = by_email(world)["sg@example.org"]
    assert first is not None and invitation.opened_at == first
    assert invitation.status == "pending"


def test_a_delivery_failure_of_the_invitation_marks_it_bounced(world):
    created = invite(world)[0]
    settings = world.settings["registration"]
    database = world.apps["registration"].extensions["ceremony"].database
    worker = EventWorker(
        REGISTRATION, settings, database, REGISTRATION.build_handlers(settings, database)
    )
    data = {
        "delivery_id": str(uuid.uuid4()),
        "ceremony_id": world.ceremony_id,
        "template": "invitation",
        "recipient": "SG@example.org",
        "reason": "550 no such user",
        "smtp_code": 550,
    }
    event = parse_envelope(make_envelope("delivery.failed", data, "notifications"))
    try:
        assert worker.handle(event, worker.handlers["delivery.failed"])
        assert not worker.handle(event, worker.handlers["delivery.failed"])
        other = parse_envelope(
            make_envelope("delivery.failed", {**data, "template": "confirmation"}, "notif")
        )
        worker.handle(other, worker.handlers["delivery.failed"])
    finally:
        worker.close()
    invitation = by_email(world)["sg@example.org"]
    assert invitation.bounced_at is not None and invitation.bounced_at <= datetime.now(UTC)
    assert by_email(world)["cg@example.org"].bounced_at is None
    page = world.browser("registration").get(f"{base(world)}/{created['id']}")
    assert "The mail server refused the invitation email." in page.get_data(as_text=True)


def test_the_list_searches_as_one_types_and_filters_by_status(world):
    invite(world)
    invite(world, [{"full_name": "Zoë Fernández", "email": "zf@example.org"}], send=False)
    client = world.browser("registration")
    everyone = text_of(client.get(base(world)).get_data(as_text=True))
    assert "Amina Diallo" in everyone and "Zoë Fernández" in everyone
    found = client.get(
        base(world),
        query_string={"q": "fernandez"},
        headers={"HX-Request": "true", "HX-Target": "invitation-results"},
    ).get_data(as_text=True)
    assert "Zoë Fernández" in found and "Amina" not in found and "<html" not in found
    drafts = text_of(client.get(base(world), query_string={"status": "draft"}).get_data(True))
    assert "Zoë Fernández" in drafts and "Li Wei" not in drafts
    assert 'data-select-all="invitation_id"' in client.get(base(world)).get_data(as_text=True)


def test_a_viewer_sees_the_list_but_may_not_send(world):
    invite(world, DIGNITARIES[:1], send=False)
    viewer = str(uuid.uuid4())
    world.grant(viewer, "viewer")
    token = world.signer.issue_session(viewer, name="Vic Viewer")
    client = world.browser("registration", token=token)
    page = client.get(base(world))
    assert page.status_code == 200 and "Send all drafts" not in page.get_data(as_text=True)
    csrf = world.signer.csrf_token(world.signer.verify_token(token))
    response = client.post(base(world) + "/send", data={"csrf_token": csrf, "scope": "all"})
    assert response.status_code == 403
    assert events(world, "invitation.created") == []


def test_without_a_session_the_pages_send_to_sign_in(world):
    response = world.client("registration").get(base(world))
    assert response.status_code == 303 and "/sign-in?next=" in response.headers["Location"]


def test_an_unknown_ceremony_or_invitation_is_404(world):
    client = world.browser("registration")
    assert client.get(f"/console/ceremonies/{uuid.uuid4()}/invitations").status_code in (403, 404)
    assert client.get(f"{base(world)}/{uuid.uuid4()}").status_code == 404
    assert client.get(f"{base(world)}/import/{uuid.uuid4()}").status_code == 404


def test_the_invitations_export_as_csv_and_xlsx(world):
    from openpyxl import load_workbook

    invite(world)
    client = world.browser("registration")
    path = f"/console/ceremonies/{world.ceremony_id}/exports/invitations"
    response = client.get(path + ".csv")
    assert response.status_code == 200
    assert "Amina Diallo" in response.get_data().decode("utf-8-sig")
    response.close()
    response = client.get(path + ".xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).worksheets[0]
    assert "Li Wei" in [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    response.close()
