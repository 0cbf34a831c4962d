"""The console's shared part: sign-in redirect, role and CSRF checks, the layout's menu, form
errors beside their fields, local times, pagination, assets and cross-origin tiles."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Blueprint, render_template_string, request
from marshmallow import Schema, ValidationError, fields, validate

from shared.access import MANAGE, READ
from shared.console.formatting import local_date, local_time
from shared.console.pages import Pagination, console_page, field_errors, render_page
from shared.errors import DomainError
from tests.console.harness import ConsoleWorld, error_beside, text_of

PAGE = """{% extends "console/layout.html" %}{% set title = "Probe" %}
{% block content %}{% from "console/forms.html" import field, csrf, form_errors with context %}
<form method="post">{{ csrf() }}{{ form_errors(errors) }}
{{ field("title", "Title", form, errors, required=true) }}</form>
<p id="when">{{ when | local_time("Asia/Shanghai") }}</p>{% endblock %}"""


class TitleSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=3))


def _probe_blueprint() -> Blueprint:
    bp = Blueprint("probe", __name__, url_prefix="/console/probe")

    @bp.route("/<uuid:ceremony_id>", methods=["GET", "POST"])
    @console_page(MANAGE)
    def probe(ceremony_id):
        errors, form = {}, {}
        if request.method == "POST":
            form = request.form
            try:
                TitleSchema().load({"title": form.get("title", "")})
            except ValidationError as error:
                errors = field_errors(error)
        when = datetime(2026, 12, 16, 9, 30, 45, tzinfo=UTC)
        return render_template_string(
            PAGE,
            ceremony={"id": ceremony_id, "title": "Closing Ceremony"},
            active="guests",
            errors=errors,
            form=form,
            when=when,
        ), (422 if errors else 200)

    @bp.route("/read/<uuid:ceremony_id>")
    @console_page(READ)
    def readable(ceremony_id):
        return render_page("console/refused.html", message="readable")

    return bp


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    world = ConsoleWorld(
        tmp_path_factory.mktemp("core"), blueprints={"registration": [_probe_blueprint()]}
    )
    yield world
    world.close()


def test_without_a_session_the_page_sends_to_sign_in_and_back(world):
    response = world.client("registration").get(f"/console/probe/{world.ceremony_id}")
    location = urlsplit(response.headers["Location"])
    assert (response.status_code, location.path) == (303, "/sign-in")
    assert parse_qs(location.query)["next"] == [
        f"http://localhost/console/probe/{world.ceremony_id}"
    ]


def test_htmx_without_a_session_is_told_where_to_sign_in(world):
    response = world.client("registration").get(
        f"/console/probe/{world.ceremony_id}", headers={"HX-Request": "true"}
    )
    assert response.status_code == 401 and "/sign-in?next=" in response.headers["HX-Redirect"]


def test_a_role_without_the_permission_gets_a_refusal_page(world):
    account = str(uuid.uuid4())
    world.grant(account, "viewer")
    viewer = world.signer.issue_session(account, name="Vera Viewer")
    refused = world.browser("registration", viewer).get(f"/console/probe/{world.ceremony_id}")
    allowed = world.browser("registration", viewer).get(f"/console/probe/read/{world.ceremony_id}")
    assert refused.status_code == 403 and "does not allow this page" in text_of(refused.text)
    assert allowed.status_code == 200


def test_a_form_without_its_csrf_token_is_refused(world):
    browser = world.browser("registration")
    response = browser.post(f"/console/probe/{world.ceremony_id}", data={"title": "Long enough"})
    assert response.status_code == 403 and "form has expired" in text_of(response.text)


def test_an_error_sits_beside_its_field_and_what_was_typed_stays(world):
    browser = world.browser("registration")
    response = browser.post(f"/console/probe/{world.ceremony_id}", data=world.form(title="ab"))
    assert response.status_code == 422
    assert error_beside(response.text, "title") == "Shorter than minimum length 3."
    assert 'value="ab"' in response.text and 'aria-invalid="true"' in response.text
    assert 'aria-describedby="error-title"' in response.text


def test_the_layout_shows_the_menu_for_the_role_and_marks_the_page(world):
    page = world.browser("registration").get(f"/console/probe/{world.ceremony_id}").text
    assert 'aria-current="page">Guests</a>' in page
    # The owner's menu links to the pages of all three services, by their public URLs.
    assert f"http://127.0.0.1:8002/console/badges/{world.ceremony_id}/attendance" in page
    assert f"http://127.0.0.1:8003/console/emails/{world.ceremony_id}/announcements" in page
    assert f"http://127.0.0.1:8001/console/ceremonies/{world.ceremony_id}/programme" in page
    assert 'name="csrf-token" content="' + world.csrf in page


def test_the_viewers_menu_leaves_out_what_the_role_cannot_open(world):
    account = str(uuid.uuid4())
    world.grant(account, "viewer")
    viewer = world.signer.issue_session(account)
    page = world.browser("registration", viewer).get(f"/console/probe/read/{world.ceremony_id}")
    # A refusal page has no ceremony menu; the menu itself is checked through the links object.
    links = world.apps["registration"].extensions["console_links"]
    with world.apps["registration"].test_request_context(
        headers={"Cookie": f"ceremony_session={viewer}"}
    ):
        keys = [item["key"] for item in links.menu(world.ceremony_id)]
    assert page.status_code == 200
    assert "guests" in keys and "team" not in keys and "devices" not in keys
    assert "programme" not in keys  # the programme editor is for those who manage


def test_times_are_local_to_the_ceremony_without_seconds(world):
    page = world.browser("registration").get(f"/console/probe/{world.ceremony_id}").text
    assert '<p id="when">Dec 16, 2026 17:30</p>' in page  # 09:30:45 UTC in Shanghai
    when = datetime(2026, 7, 1, 22, 15, tzinfo=UTC)
    with world.apps["registration"].test_request_context():
        assert local_time(when, "Europe/Paris") == "Jul 2, 2026 00:15"
        assert local_date(when, "America/New_York") == "Jul 1, 2026"
        assert local_time(None, "Europe/Paris") == ""


def test_domain_errors_and_nested_messages_become_one_message_per_field():
    nested = ValidationError({"venue": {"name": ["Missing data."]}, "_schema": ["Bad."]})
    refusal = DomainError("too_late", "Registration has closed.")
    named = DomainError("bad", "x", kind="invalid", errors={"gate": ["Unknown gate."]})
    assert field_errors(nested) == {"venue.name": "Missing data.", "_form": "Bad."}
    assert field_errors(refusal) == {"_form": "Registration has closed."}
    assert field_errors(named) == {"gate": "Unknown gate."}


def test_pagination_counts_pages_and_keeps_the_filters(world):
    with world.apps["registration"].test_request_context("/console/x?status=confirmed&page=2"):
        pagination = Pagination(page=2, per_page=50, total=101)
        assert (pagination.pages, pagination.offset) == (3, 50)
        assert pagination.url(3) == "/console/x?status=confirmed&page=3"


@pytest.mark.parametrize(
    ("service", "prefix"),
    [
        ("registration", "/console"),
        ("badges", "/console/badges"),
        ("notifications", "/console/emails"),
    ],
)
def test_each_service_serves_the_stylesheet_script_and_htmx_under_its_prefix(
    world, service, prefix
):
    client = world.client(service)
    for name in ("console.css", "console.js", "htmx.min.js"):
        response = client.get(f"{prefix}/assets/{name}")
        assert response.status_code == 200, (service, name)
        response.close()


def test_a_tile_is_shared_only_with_the_suites_own_origins(world):
    from flask import Response

    from shared.console.pages import cross_origin

    app = world.apps["badges"]
    with app.test_request_context(headers={"Origin": "http://127.0.0.1:8001"}):
        allowed = cross_origin(Response("tile"))
    with app.test_request_context(headers={"Origin": "https://evil.example"}):
        refused = cross_origin(Response("tile"))
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8001"
    assert allowed.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_without_htmx_installed_its_script_is_404_and_the_pages_are_plain_forms(tmp_path):
    from flask import Flask

    from shared.console.assets import install_assets
    from tests.conftest import make_settings

    app = Flask(__name__)
    install_assets(
        app, make_settings("badges", tmp_path, htmx_path=tmp_path / "missing.js"), "/console"
    )
    missing = app.test_client().get("/console/assets/htmx.min.js")
    assert missing.status_code == 404 and "npm ci" in missing.text


def test_a_search_form_sends_itself_without_javascript(world):
    page = world.browser("registration").get(f"/console/ceremonies/{world.ceremony_id}/guests")
    form = page.text.split('<form class="filters"', 1)[-1].split("</form>", 1)[0]
    assert form.startswith(' method="get"')
    assert '<button type="submit">' in form
