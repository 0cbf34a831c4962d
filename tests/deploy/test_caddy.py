"""deploy/Caddyfile: every route people use reaches its own service, and nothing else is routed.

The routes come from the apps themselves (their url_map), so a route added to a service without
its line in deploy/caddy/routes.caddy fails here; the Caddyfiles are read as Caddy reads them
(caddyfile.py). The Kubernetes router imports the same routes (deploy/caddy/router.caddy); how
its upstreams map to the cluster's Services is checked in test_kubernetes.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.config import PORTS
from shared.console import CONSOLE_PREFIXES
from tests.deploy.caddyfile import (
    CADDYFILE,
    ROUTER,
    ROUTES,
    global_options,
    lines_of,
    path_matches,
    site,
    sites,
    with_defaults,
)
from tests.deploy.routes import apps, routes


def lines_of_raw(path: Path) -> list[list[str]]:
    """The token lines of one file, its imports left as they are."""
    lines = [line.split("#", 1)[0].split() for line in path.read_text().splitlines()]
    return [tokens for tokens in lines if tokens]


#: A path of each kind the console's prefixes cover: the prefix, a page below it, its assets.
CONSOLE_SAMPLES = (
    "",
    "/0b5c8f0e-3a7d-4c55-9a5e-2f1d7c9e6b41/a/page/not/written/yet",
    "/assets/x.css",
)


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


def test_each_console_prefix_and_everything_below_it_goes_to_its_service(caddy):
    # Registration's /console takes what the badges' and notifications' prefixes do not, so a
    # console page added later needs no line in the routes.
    found = {
        prefix + rest: [caddy.upstream(m) for m in caddy.matching(prefix + rest)]
        for prefix in CONSOLE_PREFIXES.values()
        for rest in CONSOLE_SAMPLES
    }
    found["/consolex"] = [caddy.upstream(m) for m in caddy.matching("/consolex")]
    assert found == {
        **{
            prefix + rest: [upstream_of(name)]
            for name, prefix in CONSOLE_PREFIXES.items()
            for rest in CONSOLE_SAMPLES
        },
        "/consolex": [],
    }


def test_the_attendance_stream_is_proxied_without_buffering(caddy):
    # reverse_proxy flushes a text/event-stream response after every write, whatever its
    # flush_interval; nothing may hold it back: no positive flush_interval, no compression.
    stream = "/console/badges/0b5c8f0e-3a7d-4c55-9a5e-2f1d7c9e6b41/attendance/stream"
    directives = {line[0] for line in lines_of(CADDYFILE)}
    settings = [line for line in lines_of(CADDYFILE) if line[0] == "flush_interval"]
    assert (caddy.handled_by(stream), directives & {"encode", "buffer_responses"}, settings) == (
        [["reverse_proxy", upstream_of("badges")]],
        set(),
        [],
    )


def test_compose_and_the_kubernetes_router_import_the_same_routes():
    imported = {
        path.name: [
            (path.parent / line[1]).resolve() for line in lines_of_raw(path) if line[0] == "import"
        ]
        for path in (CADDYFILE, ROUTER)
    }
    assert imported == {CADDYFILE.name: [ROUTES], ROUTER.name: [ROUTES]}


def test_the_router_has_the_matchers_and_handles_of_compose(caddy):
    # Which Service each upstream of the router reaches is checked in test_kubernetes.py.
    router = sites(ROUTER)[":8080"]
    assert (router.matchers, [name for name, _ in router.handles], router.responses(None)) == (
        caddy.matchers,
        [name for name, _ in caddy.handles],
        caddy.responses(None),
    )


def test_the_router_listens_in_plain_http_and_answers_its_probes_on_another_port():
    found = sites(ROUTER)
    status = found[":9180"]
    options = global_options(ROUTER)
    assert (
        sorted(found),
        status.handled_by("/healthz"),
        status.handled_by("/metrics"),
        status.handled_by("/"),
        ["auto_https", "off"] in options,
        ["admin", "off"] in options,
    ) == ([":8080", ":9180"], [["respond", "200"]], [["metrics"]], [["respond", "404"]], True, True)


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
    found = {
        path.name: [w for w in lines_of(path) if w[0] == "log"] for path in (CADDYFILE, ROUTER)
    }
    assert found == {CADDYFILE.name: [], ROUTER.name: []}


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
