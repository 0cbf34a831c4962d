"""Graduates' results through the API: set one by one, or imported from a CSV or XLSX file
(UTF-8, a semicolon file with a byte-order mark from European Excel, Windows-1252, a real
workbook); each change published as ``graduate.updated``; every bad row named, and then
nothing changed."""

from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import Workbook

from services.registration.graduation import graduation_of, set_phonetic
from services.registration.printing.roll import result_words
from shared.errors import DomainError
from shared.events import parse_envelope
from tests.registration.test_graduation_course import course_ceremony as course_ceremony
from tests.registration.test_graduation_course import outbox_events

RESULT_WORDS = "Must be one of: completed, distinction, attended, not_completed."


def add(client, ceremony, headers, full_name, email, category="participant", **fields) -> dict:
    body = {"full_name": full_name, "email": email, "category": category, **fields}
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/registrations", json=body, headers=headers
    )
    assert response.status_code == 201, response.json
    assert response.json["status"] == "confirmed"
    return response.json


@pytest.fixture
def people(client, course_ceremony, organiser_headers) -> dict:
    return {
        "amina": add(
            client, course_ceremony, organiser_headers, "Amina Diallo", "amina@example.org"
        ),
        "jose": add(
            client, course_ceremony, organiser_headers, "José Fernández", "jose@example.org"
        ),
        "guest": add(
            client, course_ceremony, organiser_headers, "Ada Guest", "ada@example.org", "guest"
        ),
    }


def graduation_url(registration: dict) -> str:
    return f"/api/registrations/{registration['id']}/graduation"


def results_url(ceremony: dict) -> str:
    return f"/api/ceremonies/{ceremony['id']}/results"


def post_file(client, ceremony, raw: bytes, headers, content_type="text/csv"):
    return client.post(results_url(ceremony), data=raw, content_type=content_type, headers=headers)


def shown(client, registration, headers) -> dict:
    response = client.get(graduation_url(registration), headers=headers)
    assert response.status_code == 200, response.json
    return response.json


# One by one


def test_a_result_is_set_shown_and_published(app, client, people, organiser_headers):
    response = client.patch(
        graduation_url(people["amina"]),
        json={"result": "distinction", "group": "Syndicate B"},
        headers=organiser_headers,
    )
    assert response.status_code == 200, response.json
    assert response.json["result"] == "distinction" and response.json["group"] == "Syndicate B"
    assert response.json["revision"] == 1 and response.json["certificate"] is None
    assert shown(client, people["amina"], organiser_headers)["result"] == "distinction"
    [event] = [parse_envelope(e).data for e in outbox_events(app, "graduate.updated")]
    assert event["registration_id"] == uuid.UUID(people["amina"]["id"])
    assert (event["result"], event["group"], event["revision"]) == ("distinction", "Syndicate B", 1)


def test_only_what_changed_is_published_and_the_revision_grows(
    app, client, people, organiser_headers
):
    url = graduation_url(people["jose"])
    for body in ({"result": "completed"}, {"result": "completed"}, {"phonetic": "ho-SEH"}):
        assert client.patch(url, json=body, headers=organiser_headers).status_code == 200
    events = [parse_envelope(e).data for e in outbox_events(app, "graduate.updated")]
    assert [e["revision"] for e in events] == [1, 2]
    assert events[-1]["result"] == "completed" and events[-1]["phonetic"] == "ho-SEH"
    cleared = client.patch(url, json={"phonetic": "  ", "result": None}, headers=organiser_headers)
    assert cleared.json["phonetic"] is None and cleared.json["result"] is None


def test_a_result_not_in_the_list_is_a_422_naming_it(client, people, organiser_headers):
    response = client.patch(
        graduation_url(people["amina"]), json={"result": "excellent"}, headers=organiser_headers
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"result": [RESULT_WORDS]}


def test_a_result_for_a_guest_is_a_422_naming_it(client, people, organiser_headers):
    response = client.patch(
        graduation_url(people["guest"]), json={"result": "completed"}, headers=organiser_headers
    )
    assert response.status_code == 422 and list(response.json["errors"]) == ["result"]
    thanked = client.patch(
        graduation_url(people["guest"]), json={"appreciation": True}, headers=organiser_headers
    )
    assert thanked.status_code == 200 and thanked.json["appreciation"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phonetic": "ah-MEE-nah\ndee-AH-loh"}, "phonetic"),
        ({"phonetic": "ah\u202eMEE"}, "phonetic"),
        ({"phonetic": "x" * 201}, "phonetic"),
        ({"group": "G" * 81}, "group"),
    ],
)
def test_bad_text_is_a_422_naming_the_field(client, people, organiser_headers, body, field):
    response = client.patch(graduation_url(people["amina"]), json=body, headers=organiser_headers)
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]) == [field]


def test_a_wrong_type_or_unknown_field_is_a_422(client, people, organiser_headers):
    for body in ({"appreciation": "perhaps"}, {"result": 3}, {"grade": "A"}):
        response = client.patch(
            graduation_url(people["amina"]), json=body, headers=organiser_headers
        )
        assert response.status_code == 422, body


def test_a_cancelled_registration_takes_no_result(client, people, organiser_headers):
    cancel = f"/api/registrations/{people['jose']['id']}/cancel"
    assert client.post(cancel, headers=organiser_headers).status_code == 200
    response = client.patch(
        graduation_url(people["jose"]), json={"result": "completed"}, headers=organiser_headers
    )
    assert (response.status_code, response.json["code"]) == (409, "registration_not_correctable")


def test_the_graduate_gives_their_phonetic_spelling(app, people):
    registration_id = uuid.UUID(people["amina"]["id"])
    with app.extensions["ceremony"].database.transaction() as session:
        record = set_phonetic(session, registration_id, "  ah-MEE-nah   dee-AH-loh ")
    assert record["phonetic"] == "ah-MEE-nah dee-AH-loh"
    database = app.extensions["ceremony"].database
    with pytest.raises(DomainError) as refused, database.transaction() as session:
        set_phonetic(session, registration_id, "line\nbreak")
    assert list(refused.value.errors) == ["phonetic"]
    with app.extensions["ceremony"].database.transaction() as session:
        assert graduation_of(session, registration_id)["phonetic"] == "ah-MEE-nah dee-AH-loh"


# Imported from a file


def test_a_csv_file_sets_results_groups_and_appreciation(
    app, client, course_ceremony, people, organiser_headers
):
    raw = (
        b"email,result,group,appreciation\n"
        b"AMINA@example.org,Completed with distinction,Syndicate A,no\n"
        b"jose@example.org,attended only,,\n"
        b"ada@example.org,,,oui\n"
    )
    response = post_file(client, course_ceremony, raw, organiser_headers)
    assert response.status_code == 200, response.json
    assert response.json == {"rows": 3, "changed": 3, "unchanged": 0}
    amina = shown(client, people["amina"], organiser_headers)
    assert (amina["result"], amina["group"], amina["appreciation"]) == (
        "distinction",
        "Syndicate A",
        False,
    )
    assert shown(client, people["jose"], organiser_headers)["result"] == "attended"
    assert shown(client, people["guest"], organiser_headers)["appreciation"] is True
    assert len(outbox_events(app, "graduate.updated")) == 3
    again = post_file(client, course_ceremony, raw, organiser_headers)
    assert again.json == {"rows": 3, "changed": 0, "unchanged": 3}


def test_a_semicolon_file_with_a_byte_order_mark_from_european_excel(
    client, course_ceremony, people, organiser_headers
):
    raw = "\ufeffE-mail;Résultat;Groupe\r\njose@example.org;Not completed;Équipe Ç\r\n".encode()
    response = post_file(client, course_ceremony, raw, organiser_headers)
    assert response.status_code == 200, response.json
    jose = shown(client, people["jose"], organiser_headers)
    assert (jose["result"], jose["group"]) == ("not_completed", "Équipe Ç")


@pytest.mark.parametrize("language", ["fr", "es", "zh", "ru", "ar"])
def test_results_in_the_words_the_printed_roll_gives_them_in_each_language(
    client, course_ceremony, people, organiser_headers, language
):
    words = result_words(language)
    assert words["distinction"] != "Completed with distinction"  # the catalog has them
    for first, second in (("distinction", "not_completed"), ("completed", "attended")):
        raw = (
            f"email;result\r\namina@example.org;{words[first].upper()}\r\n"
            f"jose@example.org; {words[second]} \r\n"
        ).encode()
        response = post_file(client, course_ceremony, raw, organiser_headers)
        assert response.status_code == 200, response.json
        assert shown(client, people["amina"], organiser_headers)["result"] == first
        assert shown(client, people["jose"], organiser_headers)["result"] == second


def test_a_windows_1252_file(client, course_ceremony, people, organiser_headers):
    raw = "email;result;group\r\njose@example.org;completed;Équipe Noël\r\n".encode("cp1252")
    response = post_file(client, course_ceremony, raw, organiser_headers)
    assert response.status_code == 200, response.json
    assert shown(client, people["jose"], organiser_headers)["group"] == "Équipe Noël"


def test_a_real_workbook(client, course_ceremony, people, organiser_headers):
    book = Workbook()
    sheet = book.active
    sheet.append(["Email", "Result", "Group", "Appreciation"])
    sheet.append(["amina@example.org", "COMPLETED", "Syndicate B", False])
    sheet.append(["jose@example.org", "distinction", None, True])
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        results_url(course_ceremony),
        data={"file": (io.BytesIO(out.getvalue()), "results.xlsx")},
        content_type="multipart/form-data",
        headers=organiser_headers,
    )
    assert response.status_code == 200, response.json
    assert shown(client, people["amina"], organiser_headers)["result"] == "completed"
    jose = shown(client, people["jose"], organiser_headers)
    assert (jose["result"], jose["appreciation"]) == ("distinction", True)


def test_a_bad_row_names_its_row_and_column_and_nothing_is_imported(
    app, client, course_ceremony, people, organiser_headers
):
    raw = (
        b"email,result,appreciation\n"
        b"amina@example.org,completed,\n"
        b"jose@example.org,excellent,\n"
        b"nobody@example.org,completed,\n"
        b"ada@example.org,completed,maybe\n"
        b"amina@example.org,attended,\n"
    )
    response = post_file(client, course_ceremony, raw, organiser_headers)
    assert response.status_code == 422, response.json
    rows = response.json["errors"]["rows"]
    assert rows["3"] == {"result": [RESULT_WORDS]}
    assert list(rows["4"]) == ["email"]
    assert set(rows["5"]) == {"result", "appreciation"}
    assert rows["6"] == {"email": ["Same email as row 2."]}
    assert "2" not in rows
    assert shown(client, people["amina"], organiser_headers)["result"] is None
    assert outbox_events(app, "graduate.updated") == []


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b"email,group\nx@example.org,A\n", "header"),
        (b"name,result\nAda,completed\n", "header"),
        (b"email,result,result\nx@example.org,completed,completed\n", "header"),
        (b"", "file"),
        (b"PK\x03\x04 not really a workbook", "file"),
    ],
)
def test_an_unusable_file_is_a_422_naming_what(
    client, course_ceremony, organiser_headers, raw, key
):
    response = post_file(client, course_ceremony, raw, organiser_headers)
    assert response.status_code == 422, response.json
    assert key in response.json["errors"], response.json


def test_a_waitlisted_participant_is_not_matched(client, organiser_headers):
    from tests.registration.conftest import ceremony_body

    ceremony = client.post(
        "/api/ceremonies", json=ceremony_body(capacity=1), headers=organiser_headers
    ).json
    add(client, ceremony, organiser_headers, "First Person", "first@example.org")
    late = client.post(
        f"/api/ceremonies/{ceremony['id']}/registrations",
        json={"full_name": "Late Person", "email": "late@example.org", "category": "participant"},
    )
    assert late.json["status"] == "waitlisted"
    response = post_file(
        client, ceremony, b"email,result\nlate@example.org,completed\n", organiser_headers
    )
    assert response.status_code == 422 and list(response.json["errors"]["rows"]["2"]) == ["email"]


def test_a_results_file_over_the_limit_is_a_413_naming_the_file(
    client, course_ceremony, organiser_headers
):
    raw = b"email,result\n" + b"x@example.org,completed\n" * 70_000
    response = post_file(client, course_ceremony, raw, organiser_headers)
    assert response.status_code == 413 and list(response.json["errors"]) == ["file"]


def test_the_record_of_no_registration_is_404(client, organiser_headers):
    response = client.get(
        f"/api/registrations/{uuid.uuid4()}/graduation", headers=organiser_headers
    )
    assert (response.status_code, response.json["code"]) == (404, "registration_not_found")


def test_a_blank_result_from_a_form_clears_it(app, people):
    from services.registration.graduation import set_graduate

    registration_id = uuid.UUID(people["amina"]["id"])
    with app.extensions["ceremony"].database.transaction() as session:
        assert set_graduate(session, registration_id, {"result": "completed"})["result"]
        record = set_graduate(session, registration_id, {"result": " ", "appreciation": "on"})
    assert (record["result"], record["appreciation"], record["revision"]) == (None, True, 2)
