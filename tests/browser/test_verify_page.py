"""The certificate verification page and the console's certificates page in headless
Chromium: the page of a genuine and of a revoked certificate at phone and desktop size, in
English and Arabic, with no axe violation; the form that asks for a code; the console page,
releasing only to graduates admitted at the door; and a certificate's PDF whose QR code,
decoded from the rendered page, opens a page that says it is genuine."""

from __future__ import annotations

import uuid

import pypdfium2
import pytest
import zxingcpp
from selenium.webdriver.common.by import By
from sqlalchemy import select

from services.badges.certificates.documents import certificate_document
from services.badges.models import certificates
from services.badges.printing.certificates import render_certificate
from shared.sessions import SESSION_COOKIE
from tests.browser.guest_harness import DESKTOP, PHONE, GuestBrowser
from tests.console.harness import ConsoleWorld
from tests.console.test_certificates_page import GRADUATES, check_in, set_course, set_result

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Three graduates with a result, one of them admitted at the door, every service served
    on loopback; nothing released yet."""
    world = ConsoleWorld(tmp_path_factory.mktemp("certificates"), capacity=100)
    world.ids = {}
    for person in GRADUATES:
        answer = world.api(
            "POST",
            f"/api/ceremonies/{world.ceremony_id}/registrations",
            json={**person, "category": "participant"},
        )
        world.ids[person["email"]] = answer.json["id"]
    set_course(world)
    set_result(world, "amina@example.org", "distinction")
    set_result(world, "li@example.cn", "completed")
    set_result(world, "jean@example.org", "attended")
    check_in(world, "amina@example.org")
    check_in(world, "li@example.cn")
    world.serve()
    yield world
    world.close()


@pytest.fixture(scope="module")
def organiser(module_chromium, world, axe_source) -> GuestBrowser:
    """The ceremony's owner, signed in to the badges service's pages."""
    organiser = GuestBrowser(module_chromium, world.urls["badges"], axe_source)
    organiser.open("/healthz")
    module_chromium.add_cookie({"name": SESSION_COOKIE, "value": world.token, "path": "/"})
    return organiser


@pytest.fixture(scope="module")
def released(world, organiser):
    """The organiser releases the certificates on the console page, only to graduates
    admitted at the door; returns the certificates' rows by holder."""
    organiser.resize(DESKTOP)
    organiser.open(f"/console/badges/{world.ceremony_id}/certificates")
    organiser.check("en")
    box = organiser.find("#f-only_admitted")
    if not box.is_selected():
        box.click()
    organiser.follow(lambda: organiser.find("#release-form button[type=submit]").click())
    database = world.apps["badges"].extensions["ceremony"].database
    with database.transaction() as session:
        rows = session.execute(
            select(certificates).where(certificates.c.ceremony_id == uuid.UUID(world.ceremony_id))
        ).all()
    return {row.name: row for row in rows}


@pytest.fixture(scope="module")
def revoked(world, released):
    """Li Wei's certificate, revoked by the organiser on the console page."""
    li = released["Li Wei"]
    answer = world.browser("badges").post(
        f"/console/badges/{world.ceremony_id}/certificates",
        data=world.form(action="revoke", certificate_id=str(li.id), reason="Issued in error"),
    )
    assert answer.status_code == 200
    return li


def verdict(browser: GuestBrowser) -> str:
    return " ".join(browser.find(".verdict h2").text.split())


def test_the_console_page_releases_only_to_graduates_admitted_at_the_door(organiser, released):
    assert sorted(released) == ["Amina Diallo", "Li Wei"]
    assert "Certificates released: 2 issued, 0 issued before." in organiser.text()
    names = [cell.text for cell in organiser.find_all("tbody tr td:first-child")]
    assert sorted(names) == ["Amina Diallo", "Li Wei"]
    organiser.check("en")


def test_the_console_page_at_phone_size_in_arabic(world, organiser, released):
    organiser.resize(PHONE)
    organiser.open(f"/console/badges/{world.ceremony_id}/certificates?lang=ar")
    organiser.check("ar")


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_genuine_certificates_page(organiser, released, size, lang):
    organiser.resize(size)
    organiser.open(f"/verify/{released['Amina Diallo'].code}?lang={lang}")
    organiser.check(lang)
    assert verdict(organiser).startswith("✓")
    assert organiser.find(".verdict-icon").get_attribute("aria-hidden") == "true"
    assert "Amina Diallo" in organiser.find(".facts").text
    if lang == "en":
        assert verdict(organiser) == "✓ Genuine certificate"


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_revoked_certificates_page(organiser, revoked, size, lang):
    organiser.resize(size)
    organiser.open(f"/verify/{revoked.code}?lang={lang}")
    organiser.check(lang)
    assert verdict(organiser).startswith("⚠")
    assert organiser.find(".verdict").get_attribute("role") == "alert"
    if lang == "en":
        assert verdict(organiser) == "⚠ This certificate was revoked"
        assert "The organiser's reason: Issued in error" in organiser.find(".verdict").text


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_code_that_is_not_genuine(organiser, released, size):
    code = released["Amina Diallo"].code
    tampered = code[:150] + ("A" if code[150] != "A" else "B") + code[151:]
    organiser.resize(size)
    organiser.open(f"/verify/{tampered}?lang=en")
    organiser.check("en")
    assert verdict(organiser) == "✕ This is not a genuine certificate"


def test_the_form_takes_a_pasted_code_to_its_page(organiser, released):
    organiser.resize(PHONE)
    organiser.open("/verify?lang=en")
    organiser.check("en")
    code = released["Amina Diallo"].code
    organiser.find("#f-code").send_keys(f"{code[:96]} {code[96:].lower()}")
    organiser.follow(lambda: organiser.find(".verify-form button").click())
    assert organiser.driver.current_url.endswith(f"/verify/{code}?lang=en")
    assert verdict(organiser) == "✓ Genuine certificate"
    organiser.check("en")


def test_the_qr_code_of_a_rendered_certificate_opens_a_page_that_says_genuine(
    world, organiser, released
):
    database = world.apps["badges"].extensions["ceremony"].database
    with database.transaction() as session:
        document = certificate_document(session, released["Amina Diallo"], world.urls["badges"])
    pdf = pypdfium2.PdfDocument(render_certificate(document))
    try:
        image = pdf[0].render(scale=200 / 72).to_pil()
    finally:
        pdf.close()
    found = [
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]
    assert len(found) == 1 and found[0].startswith(world.urls["badges"] + "/verify/")
    organiser.resize(DESKTOP)
    organiser.driver.get(found[0] + "?lang=en")
    assert verdict(organiser) == "✓ Genuine certificate"
    assert "Amina Diallo" in organiser.driver.find_element(By.CSS_SELECTOR, ".facts").text
