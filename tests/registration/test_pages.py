"""The guests' HTML pages: the registration form and "manage my registration"."""

from __future__ import annotations

import re


def form_url(ceremony: dict, lang: str = "en") -> str:
    return f"/ceremonies/{ceremony['id']}/register?lang={lang}"


def test_the_form_is_offered_in_the_ceremony_languages(client, ceremony):
    page = client.get(form_url(ceremony, "fr")).get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Nom complet" in page
    assert 'name="full_name"' in page
    assert "中文" in page  # the language switch offers Chinese


def test_a_language_the_ceremony_does_not_offer_falls_back_to_its_default(client, ceremony):
    page = client.get(form_url(ceremony, "de")).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_field_errors_are_shown_next_to_the_field(client, ceremony):
    response = client.post(
        form_url(ceremony, "zh"), data={"full_name": "", "email": "not-an-email", "lang": "zh"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="full_name-error">此项为必填项。<', page)
    assert 'id="email-error"' in page
    assert 'value="not-an-email"' in page  # what the guest typed is kept


def test_registering_through_the_form_leads_to_the_guests_own_page(client, ceremony):
    response = client.post(
        form_url(ceremony),
        data={"full_name": "Ada Guest", "email": "ada@example.org", "category": "press"},
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-status="confirmed"' in page
    assert "Ada Guest" in page


def test_the_guest_cancels_from_their_own_page(client, ceremony):
    created = client.post(
        form_url(ceremony), data={"full_name": "Ada Guest", "email": "ada@example.org"}
    )
    manage = created.headers["Location"].split("?")[0]
    cancelled = client.post(f"{manage}/cancel", data={"lang": "en"})
    assert cancelled.status_code == 303
    assert 'data-status="cancelled"' in client.get(cancelled.headers["Location"]).get_data(
        as_text=True
    )


def test_registering_twice_shows_a_clear_message(client, ceremony):
    data = {"full_name": "Ada Guest", "email": "ada@example.org"}
    client.post(form_url(ceremony), data=data)
    again = client.post(form_url(ceremony), data=data)
    assert again.status_code == 409
    assert "already registered" in again.get_data(as_text=True)


def test_html_in_a_name_is_escaped_on_the_page(client, ceremony):
    created = client.post(
        form_url(ceremony), data={"full_name": "<script>x()</script>", "email": "x@example.org"}
    )
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "<script>x()" not in page
    assert "&lt;script&gt;" in page


def test_a_forged_manage_link_gets_a_clear_page(client):
    response = client.get("/manage/forged-capability")
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)


def test_an_unknown_ceremony_gets_a_page_not_a_traceback(client):
    response = client.get("/ceremonies/00000000-0000-0000-0000-000000000000/register")
    assert response.status_code == 404
    assert "does not exist" in response.get_data(as_text=True)


def test_every_page_keeps_to_its_own_origin_and_out_of_frames(client, ceremony):
    for path in ("/", form_url(ceremony), f"/api/ceremonies/{ceremony['id']}", "/nowhere"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "unsafe-inline" not in policy, path
        assert (headers["X-Frame-Options"], headers["Referrer-Policy"]) == ("DENY", "no-referrer")
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_pages_stylesheet_is_served_by_the_service(client, ceremony):
    page = client.get(form_url(ceremony)).get_data(as_text=True)
    [href] = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
    response = client.get(href)
    assert (response.status_code, response.mimetype) == (200, "text/css")
    response.close()
    assert "<style" not in page and "style=" not in page


def test_the_api_documentation_may_run_its_own_inline_script(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "script-src 'self' 'unsafe-inline'" in response.headers["Content-Security-Policy"]
