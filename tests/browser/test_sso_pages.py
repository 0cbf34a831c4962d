"""Single sign-on in headless Chromium, through a real OpenID provider on loopback: a person
signs in and lands where they asked; the pages that refuse (an unverified address, SSO not set
up) pass axe-core, name their language and fit a phone and a desktop."""

from __future__ import annotations

import pytest

from services.registration.web.sso import WORDS
from tests.browser.guest_harness import DESKTOP, PHONE, GuestBrowser
from tests.registration.oidc_issuer import OidcIssuer, Person
from tests.registration.test_sso import CLIENT_ID, CLIENT_SECRET, serve_registration

pytestmark = pytest.mark.browser

SIZES = {"phone": PHONE, "desktop": DESKTOP}
VIEWS = [
    pytest.param(lang, size, id=f"{lang}-{size}")
    for lang in ("en", "fr", "zh")
    for size in ("phone", "desktop")
]


@pytest.fixture(scope="module")
def issuer():
    provider = OidcIssuer()
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def live(tmp_path_factory, issuer):
    """The registration service with SSO, and the provider knowing it as a client."""
    with serve_registration(
        tmp_path_factory.mktemp("sso"),
        oidc_issuer=issuer.url,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
    ) as served:
        issuer.register_client(CLIENT_ID, CLIENT_SECRET, f"{served.url}/sign-in/sso/callback")
        yield served


@pytest.fixture(scope="module")
def live_without_sso(tmp_path_factory):
    with serve_registration(tmp_path_factory.mktemp("plain")) as served:
        yield served


def person_at(module_chromium, base_url: str, axe_source: str, size: str) -> GuestBrowser:
    person = GuestBrowser(module_chromium, base_url, axe_source)
    person.resize(SIZES[size])
    person.open("/healthz")
    module_chromium.delete_all_cookies()
    return person


def words(lang: str) -> dict[str, str]:
    return {**WORDS["en"], **WORDS[lang]}


@pytest.mark.parametrize(("lang", "size"), VIEWS)
def test_an_unverified_address_is_refused_on_a_clear_page(
    module_chromium, live, issuer, axe_source, lang, size
):
    issuer.person = Person("sub-unverified", "mallory@example.org", email_verified=False)
    person = person_at(module_chromium, live.url, axe_source, size)

    person.open(f"/sign-in/sso?lang={lang}")

    assert module_chromium.current_url.startswith(f"{live.url}/sign-in/sso/callback?")
    assert words(lang)["sso_email_unverified"] in person.text()
    person.check(lang)


@pytest.mark.parametrize(("lang", "size"), VIEWS)
def test_the_page_without_sso_says_so(module_chromium, live_without_sso, axe_source, lang, size):
    person = person_at(module_chromium, live_without_sso.url, axe_source, size)

    person.open(f"/sign-in/sso?lang={lang}")

    assert words(lang)["sso_not_configured"] in person.text()
    person.check(lang)


def test_a_person_signs_in_and_lands_where_they_asked(module_chromium, live, issuer, axe_source):
    issuer.person = Person("sub-amina", "amina.diallo@example.org", name="Amina Diallo")
    person = person_at(module_chromium, live.url, axe_source, "desktop")

    person.open("/sign-in/sso?next=/api/auth/me")

    assert module_chromium.current_url == f"{live.url}/api/auth/me"
    assert "amina.diallo@example.org" in person.text()
