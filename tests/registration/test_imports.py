"""Reading invitee files: encodings, separators, workbooks, headers in English and French,
the checks of every row, the limits; and the API import of a workbook."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from services.registration.imports import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    Table,
    check_rows,
    mapping_problems,
    propose_mapping,
    read_table,
)
from services.registration.web.schemas import InviteeSchema
from shared.errors import DomainError

LOAD = InviteeSchema().load


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "encoding", "delimiter"),
    [
        ("name,email\nJosé,j@example.org\n".encode(), "utf-8", ","),
        ("\ufeffname;email\nJosé;j@example.org\n".encode(), "utf-8-sig", ";"),
        ("name\temail\nJosé\tj@example.org\n".encode("utf-16"), "utf-16", "\t"),
        ("Nom;Courriel\r\nJosé Müller;j@example.org\r\n".encode("cp1252"), "cp1252", ";"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "windows-1252"],
)
def test_encodings_and_separators_are_detected(content, encoding, delimiter):
    table = read_table(content)
    assert (table.kind, table.encoding, table.delimiter) == ("csv", encoding, delimiter)
    assert table.rows[0][1][0].startswith("José")


def test_a_semicolon_file_with_commas_in_its_cells_keeps_them():
    table = read_table(b"name;organisation;email\nAda;Ministry, Finance;a@example.org\n")
    assert table.delimiter == ";"
    assert table.rows == [(2, ["Ada", "Ministry, Finance", "a@example.org"])]


def test_a_workbook_is_read_from_its_first_sheet_with_numbers_as_text():
    table = read_table(
        workbook([["Name", "Email", "Precedence"], ["王小明", "w@example.cn", 3], [None, None]])
    )
    assert (table.kind, table.header) == ("xlsx", ["Name", "Email", "Precedence"])
    assert table.rows == [(2, ["王小明", "w@example.cn", "3"])]


def test_a_title_above_the_header_is_skipped():
    table = read_table(b"Guest list for the closing ceremony\n\nname,email\nAda,a@example.org\n")
    assert table.header == ["name", "email"]


def test_headers_are_mapped_in_english_and_french():
    header = ["Titre", "Prénom", "Nom", "Courriel", "Organisation", "Fonction", "Langue", "Rang"]
    assert propose_mapping(header) == [
        "honorific",
        "given_name",
        "family_name",
        "email",
        "organisation",
        "job_title",
        "language",
        "precedence",
    ]
    assert propose_mapping(["Full name", "E-mail", "Catégorie", "Préséance", "Notes"]) == [
        "full_name",
        "email",
        "category",
        "precedence",
        "",
    ]


def test_a_mapping_needs_a_name_and_an_email_each_once():
    assert set(mapping_problems(["email", ""])) == {"full_name"}
    assert set(mapping_problems(["full_name", "email", "email"])) == {"mapping"}
    assert mapping_problems(["given_name", "family_name", "email"]) == {}


def test_every_row_is_checked_by_the_invitee_schema_and_against_invitations():
    table = Table(
        "csv",
        ["name", "email", "precedence"],
        [
            (2, ["Ada One", "a@example.org", "1"]),
            (3, ["Bad Row", "not-an-email", "first"]),
            (4, ["Ada Twice", "A@example.org"]),
            (5, ["Known", "known@example.org"]),
            (6, ['=HYPERLINK("http://x")', "f@example.org"]),
        ],
    )
    checked = check_rows(table, ["full_name", "email", "precedence"], LOAD, {"known@example.org"})
    errors = {row.number: row.errors for row in checked.bad}
    assert set(errors) == {3, 4, 5}
    assert set(errors[3]) == {"email", "precedence"}
    assert errors[4] == {"email": "Same email as row 2."}
    assert errors[5] == {"email": "Already invited to this ceremony."}
    # A cell that looks like a formula is only text.
    assert checked.rows[-1].values["full_name"] == '=HYPERLINK("http://x")'
    assert checked.rows[0].values["precedence"] == 1


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (b"", "invalid_file", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "invalid_file", ".xls"),
        (b"PK\x03\x04broken", "invalid_file", "Not a spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "invalid_file", "Not a spreadsheet"),
        (b"name,email\n\x81\x8d,a@example.org\n", "invalid_file", "UTF-8"),
        (b"x" * (MAX_FILE_BYTES + 1), "file_too_large", "larger"),
        (
            b"name,email\n" + b"".join(b"G,g%d@example.org\n" % n for n in range(MAX_ROWS + 1)),
            "invalid_file",
            "5,000",
        ),
    ],
    ids=["empty", "old-xls", "broken-xlsx", "binary", "no-encoding", "too-big", "too-many-rows"],
)
def test_files_that_cannot_be_read_say_why(content, code, words):
    with pytest.raises(DomainError) as raised:
        read_table(content)
    assert raised.value.code == code and words in raised.value.errors["file"][0]


def test_the_api_imports_a_workbook_as_drafts(client, ceremony, organiser_headers):
    content = workbook([["Nom", "Courriel"], ["عبد الله", "a@example.org"]])
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations/import",
        query_string={"send": "false"},
        data={"file": (io.BytesIO(content), "invitees.xlsx")},
        content_type="multipart/form-data",
        headers=organiser_headers,
    )
    assert response.status_code == 201, response.json
    assert [(i["full_name"], i["status"]) for i in response.json] == [("عبد الله", "draft")]


def test_the_api_import_reads_windows_1252(client, ceremony, organiser_headers):
    content = "Nom;Courriel\r\nHans Müller;hm@example.org\r\n".encode("cp1252")
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations/import",
        data=content,
        content_type="text/csv",
        headers=organiser_headers,
    )
    assert response.status_code == 201, response.json
    assert response.json[0]["full_name"] == "Hans Müller"
