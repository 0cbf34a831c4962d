"""deploy/Caddyfile: every route people use reaches its own service, and nothing else is routed.

The routes come from the apps themselves (their url_map), so a route added to a service without
its line in the Caddyfile fails here; the Caddyfile is read as Caddy reads it (caddyfile.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.config import PORTS
from tests.deploy.caddyfile import CADDYFILE, path_matches, site, with_defaults
from tests.deploy.routes import apps, routes


@pytest.fixture(scope="module")
def caddy():
    return site()


def upstream_of(name: str) -> str:
    return f"{name}-web:{PORTS[name]}"


def test_every_public_route_of_every_app_is_routed_to_its_own_service(caddy):
    public = [route for route in routes() if route.public]
    routed = {
        (route.service, route.rule): [caddy.upstream(m) for m in caddy.matching(route.sample)]
        for route in public
    }
    assert routed == {(route.service, route.rule): [upstream_of(route.service)] for route in public}


def test_health_metrics_and_docs_are_not_routed(caddy):
    internal = [route for route in routes() if not route.public]
    assert {(r.service, r.rule): caddy.matching(r.sample) for r in internal} == {
        (r.service, r.rule): [] for r in internal
    }


def test_what_no_matcher_takes_gets_404(caddy):
    assert (caddy.upstream(None), caddy.responses(None)) == (None, [["respond", "404"]])


def test_no_app_has_a_static_folder_to_route():
    folders = {name: Path(app.static_folder).is_dir() for name, app in apps().items()}
    assert folders == dict.fromkeys(PORTS, False)


def test_each_service_is_proxied_on_its_port(caddy):
    upstreams = {caddy.upstream(name) for name in caddy.matchers}
    assert upstreams == {upstream_of(name) for name in PORTS}


def test_the_site_is_https_on_the_hostname_with_caddys_own_ca_by_default(caddy):
    assert (with_defaults(caddy.address), [with_defaults(word) for word in caddy.tls]) == (
        "ceremony.local",
        ["internal"],
    )


def test_caddy_keeps_no_access_log():
    # Guests' links carry their capability in the path; the services' own logs redact it.
    lines = [line.split() for line in CADDYFILE.read_text().splitlines()]
    assert [words for words in lines if words and words[0] == "log"] == []


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("/scan", "/scan", True),
        ("/scan", "/scan/sw.js", False),
        ("/scan/*", "/scan/assets/door.js", True),
        ("/api/ceremonies/*/attendance", "/api/ceremonies/A1/attendance", True),
        ("/api/ceremonies/*/attendance", "/api/ceremonies/a/b/attendance", False),
        ("/API/Checkins", "/api/checkins", True),
        ("*.pdf", "/api/ceremonies/x/badges.pdf", True),
    ],
)
def test_path_patterns_match_as_caddy_matches_them(pattern, path, matches):
    assert path_matches(pattern, path) is matches
