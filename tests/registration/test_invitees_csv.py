"""Invitee files as spreadsheets write them, and bad ones: each answer, nothing half-imported."""

from __future__ import annotations

import pytest


def upload(client, ceremony, headers, data: bytes):
    return client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations/import",
        data=data,
        content_type="text/csv",
        headers=headers,
    )


def invited(client, ceremony, headers) -> list[str]:
    url = f"/api/ceremonies/{ceremony['id']}/invitations"
    return sorted(i["email"] for i in client.get(url, headers=headers).json)


@pytest.mark.parametrize(
    "data",
    [
        # European Excel: semicolons, a byte-order mark, headers as people type them.
        "\ufeffFull name;E-mail;Precedence\r\n"
        "Amina Diallo;sg@example.org;1\r\nLi Wei;cg@example.org;2\r\n",
        # Old Mac line endings, CR alone.
        "full_name,email,precedence\rAmina Diallo,sg@example.org,1\rLi Wei,cg@example.org,2\r",
        # Tabs, upper-case headers, an empty row.
        "FULL_NAME\tEMAIL\nAmina Diallo\tsg@example.org\n\nLi Wei\tcg@example.org\n",
    ],
    ids=["semicolons-and-bom", "cr-only", "tabs"],
)
def test_spreadsheet_files_import(client, ceremony, organiser_headers, data):
    response = upload(client, ceremony, organiser_headers, data.encode("utf-8"))
    assert response.status_code == 201, response.json
    assert invited(client, ceremony, organiser_headers) == ["cg@example.org", "sg@example.org"]


@pytest.mark.parametrize(
    ("case", "data", "where"),
    [
        ("precedence --1", "full_name,email,precedence\nA,a@example.org,--1\n", ("rows", "2")),
        ("precedence ²", "full_name,email,precedence\nA,a@example.org,²\n", ("rows", "2")),
        (
            "precedence of 5000 digits",
            "full_name,email,precedence\nA,a@example.org," + "9" * 5000 + "\n",
            ("rows", "2"),
        ),
        (
            "a 200,000-character cell",
            "full_name,email\n" + "A" * 200_000 + ",a@example.org\n",
            ("file", None),
        ),
        (
            "a column twice",
            "full_name,email,email\nA,a@example.org,b@example.org\n",
            ("header", None),
        ),
        ("no name column", "email\na@example.org\n", ("header", None)),
        ("only a header", "full_name,email\n", ("file", None)),
        ("more cells than columns", "full_name,email\nA,a@example.org,x\n", ("rows", "2")),
        # The open quote runs to the end of the file: one cell, so the row lacks its email.
        ("a quote left open", 'full_name,email\n"A,a@example.org\n', ("rows", "2")),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None,
)
def test_bad_files_import_nothing_and_say_where(
    client, ceremony, organiser_headers, case, data, where
):
    response = upload(client, ceremony, organiser_headers, data.encode("utf-8"))
    assert (response.status_code, response.json["code"]) == (422, "invalid_csv"), case
    section, row = where
    assert section in response.json["errors"], response.json
    if row:
        assert row in response.json["errors"][section], response.json
    assert invited(client, ceremony, organiser_headers) == []
