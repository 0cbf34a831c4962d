"""The console page of the graduation: the course with its signatures and logos, each
participant's result and group, the experts' certificates of appreciation, the results import,
and the roll with its order, its moves by hand, its printouts and each graduate's certificate."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pypdfium2
import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from services.registration.graduation import get_course, roll
from services.registration.models import GraduateCertificate, Graduation
from tests.console.harness import ConsoleWorld, error_beside, text_of

COURSE = {
    "title": "Protocol Officers' Course",
    "starts_on": "2026-10-19",
    "ends_on": "2026-11-27",
    "hours": "240",
    "translations.fr": "Cours des officiers du protocole",
    "organisations.0.name": "Institute of Protocol",
    "signatories.0.name": "Amina Diallo",
    "signatories.0.title": "Director General",
}
PEOPLE = [
    {"full_name": "Helen Marsh", "email": "helen@example.org", "category": "participant"},
    {"full_name": "José Núñez", "email": "jose@example.org", "category": "participant"},
    {"full_name": "Ana Álvarez", "email": "ana@example.org", "category": "participant"},
    {"full_name": "Kenji Sato", "email": "kenji@example.org", "category": "speaker"},
]


@pytest.fixture
def world(tmp_path):
    world = ConsoleWorld(tmp_path, capacity=20)
    c = world.ceremony_id
    world.page = f"/console/ceremonies/{c}/graduation"
    world.ids = {
        p["email"].split("@")[0]: world.api(
            "POST", f"/api/ceremonies/{c}/registrations", json=p
        ).json["id"]
        for p in PEOPLE
    }
    yield world
    world.close()


def database(world):
    return world.apps["registration"].extensions["ceremony"].database


def stored_course(world):
    with database(world).transaction() as session:
        return get_course(session, uuid.UUID(world.ceremony_id))


def stored_roll(world):
    with database(world).transaction() as session:
        return roll(session, uuid.UUID(world.ceremony_id))


def record_of(world, key: str) -> Graduation | None:
    with database(world).transaction() as session:
        found = session.get(Graduation, uuid.UUID(world.ids[key]))
        if found is not None:
            session.expunge(found)
        return found


def save_course(world, **changes):
    return world.browser("registration").post(
        world.page + "/course", data=world.form(**{**COURSE, **changes})
    )


def png(width: int = 300, height: int = 100) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (20, 20, 120, 255)).save(out, format="PNG")
    return out.getvalue()


def upload(world, holders: str, kind: str, content: bytes, name: str = "signature.png"):
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(
        MultiDict({**world.form(), "image": FileStorage(io.BytesIO(content), name)})
    )
    return world.browser("registration").post(
        f"{world.page}/{holders}/0/{kind}",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


# -- the page and the course ---------------------------------------------------------------------


def test_the_page_is_in_the_menu_and_says_there_is_no_course_yet(world):
    page = world.browser("registration").get(world.page)

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r'<a href="[^"]*/graduation" aria-current="page">Graduation</a>', html)
    assert "The ceremony has no course yet" in text_of(html)


def test_the_course_is_saved_and_shown_with_its_dates_in_the_readers_language(world):
    answer = save_course(world)

    assert answer.status_code == 303
    course = stored_course(world)
    assert course["title"] == "Protocol Officers' Course"
    assert course["translations"] == {"fr": {"title": "Cours des officiers du protocole"}}
    assert [o["name"] for o in course["organisations"]] == ["Institute of Protocol"]
    assert course["signatories"][0] == {
        "name": "Amina Diallo",
        "title": "Director General",
        "has_signature": False,
    }
    english = text_of(world.browser("registration").get(world.page).get_data(as_text=True))
    assert "from Oct 19, 2026 to Nov 27, 2026: 240 hours" in english
    french = world.browser("registration").get(world.page + "?lang=fr").get_data(as_text=True)
    assert "19 oct. 2026" in text_of(french)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": "2026-10-01"}, "ends_on"),
        ({"hours": "-3"}, "hours"),
        ({"hours": "many"}, "hours"),
        ({"title": ""}, "title"),
        ({"starts_on": "19/10/2026"}, "starts_on"),
        (
            {"signatories.0.name": "", "signatories.0.title": "Director General"},
            "signatories.0.name",
        ),
    ],
)
def test_a_wrong_course_field_is_refused_beside_it_keeping_what_was_typed(world, changes, field):
    answer = save_course(world, **changes)

    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert error_beside(page, field), page
    assert 'value="Institute of Protocol"' in page  # what was typed stays
    assert stored_course(world) is None


def test_a_title_given_through_the_api_in_another_language_is_shown_and_kept(world):
    course = {
        "title": "Protocol Officers' Course",
        "starts_on": "2026-10-19",
        "ends_on": "2026-11-27",
        "hours": 240,
        "translations": {"fr": {"title": "Cours"}, "zh-Hant": {"title": "禮賓官員課程"}},
    }
    answer = world.api("PUT", f"/api/ceremonies/{world.ceremony_id}/course", json=course)
    assert answer.status_code == 200, answer.json
    page = world.browser("registration").get(world.page).get_data(as_text=True)
    assert 'name="translations.zh-hant"' in page and 'value="禮賓官員課程"' in page

    # Sent back as shown, with the hours changed: the title in that language is still there.
    saved = save_course(world, hours="250", **{"translations.zh-hant": "禮賓官員課程"})

    assert saved.status_code == 303
    assert stored_course(world)["translations"]["zh-hant"] == {"title": "禮賓官員課程"}
    assert stored_course(world)["hours"] == 250


def test_a_date_at_the_end_of_the_calendar_is_no_server_error(world):
    answer = save_course(world, starts_on="9999-12-31", ends_on="9999-12-31")

    assert answer.status_code in (303, 422)


# -- signatures and logos ----------------------------------------------------------------------


def test_an_uploaded_signature_is_kept_and_shown(world):
    save_course(world)

    answer = upload(world, "signatories", "signature", png())

    assert answer.status_code == 303
    page = world.browser("registration").get(world.page).get_data(as_text=True)
    source = re.search(r'<img class="course-image" src="([^"]+)"[^>]*data-image="signatories', page)
    assert source and 'alt="Signature of Amina Diallo"' in page
    image = world.browser("registration").get(source.group(1))
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert Image.open(io.BytesIO(image.data)).size == (300, 100)
    assert stored_course(world)["signatories"][0]["has_signature"]


def test_a_logo_is_uploaded_then_removed(world):
    save_course(world)
    assert upload(world, "organisations", "logo", png(200, 200), "logo.png").status_code == 303

    removed = world.browser("registration").post(
        world.page + "/organisations/0/logo", data=world.form(remove="1")
    )

    assert removed.status_code == 303
    assert not stored_course(world)["organisations"][0]["has_logo"]


def test_a_text_file_for_a_signature_is_refused_beside_the_upload_field(world):
    save_course(world)

    answer = upload(world, "signatories", "signature", b"name,email\nnot an image\n", "x.txt")

    assert answer.status_code == 422
    message = error_beside(answer.get_data(as_text=True), "signatories.0.signature")
    assert message and message.startswith("The file is not an image")
    assert not stored_course(world)["signatories"][0]["has_signature"]


def test_a_signature_over_the_body_limit_is_refused_beside_the_field(world):
    save_course(world)

    answer = upload(world, "signatories", "signature", b"\x89PNG" + b"0" * 1_500_000)

    assert answer.status_code == 413
    message = error_beside(answer.get_data(as_text=True), "signatories.0.signature")
    assert message and "too large" in message


def test_an_image_of_too_many_pixels_is_refused_as_too_large(world):
    save_course(world)
    out = io.BytesIO()
    Image.new("1", (6000, 5000)).save(out, format="PNG")  # 30 million pixels, a small file

    answer = upload(world, "signatories", "signature", out.getvalue())

    assert answer.status_code == 422
    assert "too large" in error_beside(answer.get_data(as_text=True), "signatories.0.signature")


def test_no_file_chosen_is_said_beside_the_field(world):
    save_course(world)

    answer = world.browser("registration").post(
        world.page + "/signatories/0/signature", data=world.form()
    )

    assert answer.status_code == 422
    assert error_beside(answer.get_data(as_text=True), "signatories.0.signature")


# -- results and appreciation ------------------------------------------------------------------


def results_form(world, **values) -> dict:
    """The results form as the page sends it, with ``values`` changed (``result_helen``…)."""
    fields = {}
    for key in ("helen", "jose", "ana"):
        fields[f"result.{world.ids[key]}"] = values.get(f"result_{key}", "")
        fields[f"group.{world.ids[key]}"] = values.get(f"group_{key}", "")
    if values.get("thank_kenji"):
        fields[f"appreciation.{world.ids['kenji']}"] = "on"
    return world.form(**fields)


def test_results_groups_and_appreciation_are_saved(world):
    answer = world.browser("registration").post(
        world.page + "/results",
        data=results_form(
            world, result_helen="distinction", group_helen="Group A", thank_kenji=True
        ),
    )

    assert answer.status_code == 303
    helen = record_of(world, "helen")
    assert (helen.result, helen.group) == ("distinction", "Group A")
    assert record_of(world, "kenji").appreciation is True
    page = world.browser("registration").get(world.page).get_data(as_text=True)
    assert f'name="appreciation.{world.ids["kenji"]}" type="checkbox" value="on" checked' in page
    select = re.search(rf'name="result.{world.ids["helen"]}".*?</select>', page, re.S).group(0)
    assert '<option value="distinction" selected>' in select


def test_the_speaker_is_offered_appreciation_not_a_result(world):
    page = world.browser("registration").get(world.page).get_data(as_text=True)

    assert f'name="result.{world.ids["kenji"]}"' not in page
    assert f'name="appreciation.{world.ids["kenji"]}"' in page
    assert f'name="appreciation.{world.ids["helen"]}"' not in page


def test_a_result_not_in_the_list_is_refused_beside_its_select(world):
    data = results_form(world, result_jose="gold", result_helen="completed")

    answer = world.browser("registration").post(world.page + "/results", data=data)

    assert answer.status_code == 422
    assert error_beside(answer.get_data(as_text=True), f"result.{world.ids['jose']}")
    assert record_of(world, "helen") is None  # nothing saved


def test_htmx_saves_the_results_and_gets_the_section_back_with_its_notice(world):
    answer = world.browser("registration").post(
        world.page + "/results",
        data=results_form(world, result_ana="attended"),
        headers={"HX-Request": "true"},
    )

    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "<html" not in html
    assert 'id="results"' in html and "The results are saved: 1 changed." in text_of(html)


def test_results_are_imported_from_a_csv_file(world):
    content = "email;result;group\r\nhelen@example.org;Completed with distinction;A\r\n"
    content += "JOSE@example.org;attended only;B\r\n"

    client = world.browser("registration")
    answer = client.post(
        world.page + "/results/import",
        data=world.form(results_file=(io.BytesIO(("\ufeff" + content).encode()), "r.csv")),
        content_type="multipart/form-data",
    )

    assert answer.status_code == 303
    page = client.get(answer.headers["Location"])
    assert "The results are imported (rows: 2)." in text_of(page.get_data(as_text=True))
    assert record_of(world, "helen").result == "distinction"
    assert (record_of(world, "jose").result, record_of(world, "jose").group) == ("attended", "B")


def test_an_import_with_a_bad_row_lists_its_errors_and_imports_nothing(world):
    content = b"email,result\nhelen@example.org,completed\nnobody@example.org,gold\n"

    answer = world.browser("registration").post(
        world.page + "/results/import",
        data=world.form(results_file=(io.BytesIO(content), "results.csv")),
        content_type="multipart/form-data",
    )

    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert error_beside(page, "results_file") == "The file has errors; nothing is imported."
    rows = re.search(r'<ul class="row-errors"[^>]*>(.*?)</ul>', page, re.S).group(1)
    assert "Row 3, email" in text_of(rows) and "Row 3, result" in text_of(rows)
    assert record_of(world, "helen") is None


# -- the roll ----------------------------------------------------------------------------------


def roll_names(world) -> list[str]:
    return [g["full_name"] for g in stored_roll(world)]


def test_the_roll_is_alphabetical_by_family_name_until_another_order_is_chosen(world):
    save_course(world)
    assert roll_names(world) == ["Ana Álvarez", "Helen Marsh", "José Núñez"]

    answer = world.browser("registration").post(world.page + "/roll", data=world.form(order="hand"))

    assert answer.status_code == 303
    assert stored_course(world)["roll_order"] == "hand"
    assert roll_names(world) == ["Ana Álvarez", "Helen Marsh", "José Núñez"]


def test_by_hand_a_graduate_moves_down_and_up_the_roll(world):
    save_course(world)
    world.browser("registration").post(world.page + "/roll", data=world.form(order="hand"))

    down = world.browser("registration").post(
        world.page + "/roll/move",
        data=world.form(registration_id=world.ids["ana"], direction="down"),
    )
    assert down.status_code == 303
    assert roll_names(world) == ["Helen Marsh", "Ana Álvarez", "José Núñez"]

    up = world.browser("registration").post(
        world.page + "/roll/move",
        data=world.form(registration_id=world.ids["jose"], direction="up"),
        headers={"HX-Request": "true"},
    )
    assert up.status_code == 200 and 'id="roll"' in up.get_data(as_text=True)
    assert roll_names(world) == ["Helen Marsh", "José Núñez", "Ana Álvarez"]


def test_the_move_buttons_are_shown_only_for_the_order_by_hand(world):
    save_course(world)
    page = world.browser("registration").get(world.page).get_data(as_text=True)
    assert "/roll/move" not in page
    before = page.count('<form method="post" action="')

    world.browser("registration").post(world.page + "/roll", data=world.form(order="hand"))

    page = world.browser("registration").get(world.page).get_data(as_text=True)
    assert page.count('<form method="post" action="') - before == 4  # down, up+down, up


def test_choosing_an_order_before_the_course_says_to_save_the_course_first(world):
    answer = world.browser("registration").post(
        world.page + "/roll", data=world.form(order="group")
    )

    assert answer.status_code == 409
    assert "Save the course first" in text_of(answer.get_data(as_text=True))


def test_an_order_not_in_the_list_is_refused_beside_the_chooser(world):
    save_course(world)

    answer = world.browser("registration").post(world.page + "/roll", data=world.form(order="x"))

    assert answer.status_code == 422
    assert error_beside(answer.get_data(as_text=True), "order")


def test_each_graduate_shows_their_certificate_and_the_certificates_page_is_linked(world):
    save_course(world)
    with database(world).transaction() as session:
        session.add(
            GraduateCertificate(
                certificate_id=uuid.uuid4(),
                ceremony_id=uuid.UUID(world.ceremony_id),
                registration_id=uuid.UUID(world.ids["helen"]),
                kind="completion",
                result="completed",
                status="issued",
                issued_at=datetime.now(UTC),
            )
        )

    page = world.browser("registration").get(world.page).get_data(as_text=True)

    cell = re.search(rf'data-roll="{world.ids["helen"]}".*?</tr>', page, re.S).group(0)
    assert 'data-certificate="issued"' in cell and "Issued (completion)" in text_of(cell)
    other = re.search(rf'data-roll="{world.ids["ana"]}".*?</tr>', page, re.S).group(0)
    assert 'data-certificate="none"' in other
    assert f"/console/badges/{world.ceremony_id}/certificates" in page


def test_the_printouts_open_for_the_signed_in_organiser(world):
    save_course(world)
    page = world.browser("registration").get(world.page).get_data(as_text=True)
    links = re.findall(r'href="(http[^"]+\.pdf\?language=en)"', page)
    assert len(links) == 2

    for link in links:
        address = urlsplit(link)
        answer = world.browser("registration").get(f"{address.path}?{address.query}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        document = pypdfium2.PdfDocument(answer.data)
        text = " ".join(p.get_textpage().get_text_range() for p in document)
        document.close()
        assert "Ana Álvarez" in text


# -- who may ---------------------------------------------------------------------------------


def test_a_viewer_reads_the_page_but_cannot_change_it(world):
    account = str(uuid.uuid4())
    world.grant(account, "viewer")
    token = world.signer.issue_session(account, name="Vera Viewer")
    csrf = world.signer.csrf_token(world.signer.verify_token(token))
    viewer = world.browser("registration", token)

    page = viewer.get(world.page)
    refused = viewer.post(world.page + "/course", data={"csrf_token": csrf, **COURSE})

    assert page.status_code == 200
    assert "Your role lets you read the graduation" in text_of(page.get_data(as_text=True))
    assert refused.status_code == 403
    assert stored_course(world) is None


def test_a_form_without_its_csrf_token_is_refused(world):
    answer = world.browser("registration").post(world.page + "/course", data=COURSE)

    assert answer.status_code == 403
    assert stored_course(world) is None
