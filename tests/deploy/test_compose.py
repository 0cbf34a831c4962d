"""deploy/compose.yaml, checked against the code (there is no compose engine here).

The file is interpolated with deploy/.env.example (empty values filled in) as `docker compose`
would, then every ceremony container's command, port and variable is checked against the code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from shared.config import PORTS, load_settings
from tests.deploy.caddyfile import CADDYFILE, ENV_PLACEHOLDER, ROUTES
from tests.deploy.caddyfile import site as caddy_site
from tests.deploy.contract import (
    DEFINITIONS,
    DEPLOY,
    REPO,
    command_problem,
    definitions,
    gunicorn_settings,
    known_variable,
    migration_variables,
    required_variables,
    served_service,
    split_command,
    worker_service,
)

COMPOSE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / ".env.example"
INIT_SQL = DEPLOY / "postgres" / "init.sql"
RABBITMQ_CONF = DEPLOY / "rabbitmq" / "rabbitmq.conf"

_VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?P<op>:?[-?])?(?P<arg>[^}]*)\}")


class MissingVariable(Exception):
    """A ${NAME:?message} whose variable is empty: compose refuses to start."""


def env_example() -> dict[str, str]:
    """deploy/.env.example as a mapping (empty values stay empty)."""
    pairs = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def filled_env() -> dict[str, str]:
    """.env.example with each empty value replaced by a distinct test value."""
    return {
        key: value or f"test{key.lower().replace('_', '')}" for key, value in env_example().items()
    }


def interpolate(text: str, environ: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?message} substitution."""

    def substitute(match: re.Match) -> str:
        value = environ.get(match["name"], "")
        if not value and match["op"] in (":?", "?"):
            raise MissingVariable(match["name"])
        if not value and match["op"] in (":-", "-"):
            return match["arg"]
        return value

    return _VARIABLE.sub(substitute, text.replace("$$", "\0")).replace("\0", "$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(interpolate(COMPOSE.read_text(encoding="utf-8"), filled_env()))


@pytest.fixture(scope="module")
def services(compose) -> dict[str, dict]:
    return compose["services"]


@pytest.fixture(scope="module")
def ceremony(services) -> dict[str, dict]:
    """The containers that run the suite's image (built from deploy/Dockerfile)."""
    return {name: service for name, service in services.items() if "build" in service}


def web_and_workers() -> list[str]:
    return [f"{name}-{role}" for name in PORTS for role in ("web", "worker")]


def container_port(mapping: str) -> int:
    return int(str(mapping).rsplit(":", 1)[-1])


def test_the_suite_and_its_infrastructure_are_services(services):
    expected = {"caddy", "rabbitmq", "postgres", "redis", "mailpit", "migrate", *web_and_workers()}
    assert set(services) == expected


def test_every_secret_is_required_where_compose_uses_it():
    secrets = {key for key, value in env_example().items() if not value}
    uses = [m for m in _VARIABLE.finditer(COMPOSE.read_text()) if m["name"] in secrets]
    assert {m.group(0) for m in uses if m["op"] != ":?"} == set()


def test_every_variable_compose_reads_is_in_env_example():
    names = {m["name"] for m in _VARIABLE.finditer(COMPOSE.read_text())}
    assert names - set(env_example()) == set()


def test_compose_refuses_to_start_while_a_secret_is_empty():
    with pytest.raises(MissingVariable):
        interpolate(COMPOSE.read_text(), env_example())


def test_the_suite_runs_one_image_built_from_the_dockerfile(ceremony):
    builds = {
        (
            service["image"],
            (DEPLOY / service["build"]["context"]).resolve(),
            service["build"]["dockerfile"],
        )
        for service in ceremony.values()
    }
    assert builds == {("ceremony-suite:local", REPO, "deploy/Dockerfile")}


def test_every_suite_container_runs_a_command_of_the_suite(ceremony):
    problems = {name: command_problem(split_command(s["command"])) for name, s in ceremony.items()}
    assert {name: problem for name, problem in problems.items() if problem} == {}


def test_each_web_and_worker_container_runs_its_own_service(ceremony):
    ran = {
        name: served_service(argv) or worker_service(argv)
        for name in web_and_workers()
        for argv in [split_command(ceremony[name]["command"])]
    }
    assert ran == {name: name.rsplit("-", 1)[0] for name in web_and_workers()}


def test_the_migration_container_upgrades_the_databases(ceremony):
    assert split_command(ceremony["migrate"]["command"]) == ["ceremony", "db", "upgrade"]


def test_web_containers_listen_on_the_suite_ports_and_publish_none(ceremony):
    found = {
        name: (
            int(ceremony[f"{name}-web"]["environment"]["PORT"]),
            *(container_port(p) for p in ceremony[f"{name}-web"].get("ports", [])),
        )
        for name in PORTS
    }
    assert found == {name: (port,) for name, port in PORTS.items()}


def test_only_caddy_publishes_to_the_network_and_the_consoles_to_this_machine_only(services):
    published = {
        name: sorted(str(port) for port in service["ports"])
        for name, service in services.items()
        if service.get("ports")
    }
    assert published == {
        "caddy": ["443:443", "443:443/udp", "80:80"],
        "rabbitmq": ["127.0.0.1:15672:15672"],
        "mailpit": ["127.0.0.1:8025:8025"],
    }


def test_web_health_checks_ask_the_service_for_readiness(ceremony):
    checks = {name: " ".join(ceremony[f"{name}-web"]["healthcheck"]["test"]) for name in PORTS}
    assert all(f"http://127.0.0.1:{PORTS[name]}/readyz" in check for name, check in checks.items())


def test_suite_containers_set_only_variables_the_code_reads(ceremony):
    names = {key for service in ceremony.values() for key in service.get("environment", {})}
    assert {name for name in names if not known_variable(name)} == set()


def test_each_process_gets_the_settings_it_needs(ceremony):
    missing = {
        name: required_variables(name.rsplit("-", 1)[0], name.rsplit("-", 1)[1])
        - set(ceremony[name]["environment"])
        for name in web_and_workers()
    }
    missing["migrate"] = migration_variables() - set(ceremony["migrate"]["environment"])
    assert {name: names for name, names in missing.items() if names} == {}


def test_each_process_is_given_only_its_own_database(ceremony):
    databases = {
        name: {key for key in ceremony[name]["environment"] if key.endswith("_DATABASE_URL")}
        for name in web_and_workers()
    }
    assert databases == {
        name: {f"CEREMONY_{name.rsplit('-', 1)[0].upper()}_DATABASE_URL"} for name in databases
    }


def test_migrations_run_once_postgres_is_healthy_and_before_every_process(services):
    waits = {name: services[name]["depends_on"].get("migrate", {}) for name in web_and_workers()}
    assert (
        services["migrate"]["depends_on"]["postgres"]["condition"],
        {name: wait.get("condition") for name, wait in waits.items()},
    ) == ("service_healthy", dict.fromkeys(web_and_workers(), "service_completed_successfully"))


def test_processes_start_once_the_broker_is_healthy(services):
    conditions = {
        name: services[name]["depends_on"]["rabbitmq"]["condition"] for name in web_and_workers()
    }
    assert set(conditions.values()) == {"service_healthy"}


def test_every_awaited_health_has_a_health_check(services):
    awaited = {
        target
        for service in services.values()
        for target, wait in (service.get("depends_on") or {}).items()
        if wait.get("condition") == "service_healthy"
    }
    assert {name for name in awaited if "healthcheck" not in services[name]} == set()


def test_third_party_images_are_pinned_to_a_version(services):
    images = [s["image"] for s in services.values() if "build" not in s]
    assert [image for image in images if ":" not in image or image.endswith(":latest")] == []


def test_web_containers_stop_after_gunicorn_graceful_timeout(ceremony):
    graceful = gunicorn_settings({})["graceful_timeout"]
    periods = {
        name: int(ceremony[f"{name}-web"]["stop_grace_period"].rstrip("s")) for name in PORTS
    }
    assert all(period > graceful for period in periods.values())


def test_rabbitmq_loads_the_definitions_and_the_users_at_boot(services):
    rabbitmq = services["rabbitmq"]
    mounts = dict(volume.split(":")[:2] for volume in rabbitmq["volumes"])
    folder = re.search(r"^load_definitions\s*=\s*(\S+)", RABBITMQ_CONF.read_text(), re.M)[1]
    loaded = {
        (DEPLOY / source).resolve()
        for source, target in mounts.items()
        if str(Path(target).parent) == folder
    }
    users = [c["target"] for c in rabbitmq["configs"] if Path(c["target"]).parent == Path(folder)]
    config_mounted = any(t.startswith("/etc/rabbitmq/conf.d/") for t in mounts.values())
    assert (loaded, len(users), config_mounted) == ({DEFINITIONS}, 1, True)


def test_each_process_logs_in_to_rabbitmq_as_its_own_service(compose, ceremony):
    passwords = {
        u["name"]: u["password"]
        for u in json.loads(compose["configs"]["rabbitmq-users"]["content"])["users"]
    }
    granted = {(p["user"], p["vhost"]) for p in definitions()["permissions"]}
    found = {}
    for name in web_and_workers():
        url = urlsplit(ceremony[name]["environment"]["CEREMONY_BROKER_URL"])
        found[name] = (
            url.hostname,
            url.username,
            passwords.get(url.username) == url.password,
            (url.username, url.path.lstrip("/")) in granted,
        )
    assert found == {name: ("rabbitmq", name.rsplit("-", 1)[0], True, True) for name in found}


def test_the_passwords_are_for_the_users_of_the_definitions_and_imported_after_them(
    compose, services
):
    users = json.loads(compose["configs"]["rabbitmq-users"]["content"])["users"]
    target = next(c["target"] for c in services["rabbitmq"]["configs"])
    assert (
        {u["name"]: u["tags"] for u in users},
        Path(target).name > DEFINITIONS.name,
        all(u["password"] for u in users),
    ) == ({u["name"]: u["tags"] for u in definitions()["users"]}, True, True)


def test_postgres_runs_init_sql_with_the_passwords_it_reads(services):
    postgres = services["postgres"]
    mounts = dict(volume.split(":")[:2] for volume in postgres["volumes"])
    read = set(re.findall(r"^\\getenv\s+\w+\s+(\w+)", INIT_SQL.read_text(), re.M))
    assert (
        mounts.get("./postgres/init.sql", "").startswith("/docker-entrypoint-initdb.d/"),
        read - set(postgres["environment"]),
    ) == (True, set())


def test_database_urls_use_the_role_and_database_init_sql_creates(services, ceremony):
    sql = INIT_SQL.read_text()
    postgres_env = services["postgres"]["environment"]
    passwords = dict(re.findall(r"^\\getenv\s+(\w+)\s+(\w+)", sql, re.M))
    roles = dict(re.findall(r"^CREATE ROLE (\w+) LOGIN PASSWORD :'(\w+)';", sql, re.M))
    databases = dict(re.findall(r"^CREATE DATABASE (\w+) OWNER (\w+);", sql, re.M))
    found = {}
    for name in PORTS:
        url = urlsplit(ceremony["migrate"]["environment"][f"CEREMONY_{name.upper()}_DATABASE_URL"])
        database = url.path.lstrip("/")
        found[name] = (
            url.hostname,
            databases.get(database) == url.username,
            postgres_env[passwords[roles[url.username]]] == url.password,
        )
    assert found == dict.fromkeys(PORTS, ("postgres", True, True))


def test_the_retry_delay_matches_the_retry_queues_of_the_definitions(ceremony):
    ttls = {
        q["arguments"]["x-message-ttl"]
        for q in definitions()["queues"]
        if q["name"].endswith(".retry")
    }
    delays = {
        load_settings(name.rsplit("-", 1)[0], ceremony[name]["environment"]).retry_delay_seconds
        for name in web_and_workers()
    }
    assert {int(delay * 1000) for delay in delays} == ttls


def test_links_point_at_the_https_hostname_caddy_serves(services, ceremony):
    hostname = services["caddy"]["environment"]["CEREMONY_HOSTNAME"]
    served = ENV_PLACEHOLDER.sub(
        lambda m: services["caddy"]["environment"][m["name"]], caddy_site().address
    )
    urls = {
        value
        for service in ceremony.values()
        for key, value in service["environment"].items()
        if key.startswith("CEREMONY_PUBLIC_URL_")
    }
    assert (served, urls) == (hostname, {f"https://{hostname}"})


def test_every_process_finds_the_three_services_on_the_one_site(services, ceremony):
    # One origin for all three: the console's menu links stay on one site, and the sign-in
    # cookie (path /, no Domain) goes with every request.
    hostname = services["caddy"]["environment"]["CEREMONY_HOSTNAME"]
    found = {
        name: load_settings(name.rsplit("-", 1)[0], ceremony[name]["environment"]).public_urls
        for name in web_and_workers()
    }
    assert found == {name: dict.fromkeys(PORTS, f"https://{hostname}") for name in found}


def test_caddy_mounts_the_routes_where_its_caddyfile_imports_them(services):
    mounts = dict(volume.split(":")[:2] for volume in services["caddy"]["volumes"])
    words = [line.split("#", 1)[0].split() for line in CADDYFILE.read_text().splitlines()]
    imported = [f"/etc/caddy/{w[1]}" for w in words if w and w[0] == "import"]
    mounted = {target: (DEPLOY / source).resolve() for source, target in mounts.items()}
    assert [mounted.get(target) for target in imported] == [ROUTES]


def test_caddy_is_given_every_variable_its_caddyfile_reads(services):
    text = CADDYFILE.read_text() + ROUTES.read_text()
    read = {m["name"] for m in ENV_PLACEHOLDER.finditer(text)}
    assert read - set(services["caddy"]["environment"]) == set()


def test_caddy_mounts_its_caddyfile_and_keeps_its_certificates(services):
    mounts = dict(volume.split(":")[:2] for volume in services["caddy"]["volumes"])
    assert (
        (DEPLOY / next(s for s, t in mounts.items() if t == "/etc/caddy/Caddyfile")).resolve(),
        mounts.get("caddy-data"),
    ) == (CADDYFILE, "/data")


def test_caddy_proxies_to_the_web_containers_on_their_ports(ceremony):
    caddy = caddy_site()
    upstreams = {caddy.upstream(name) for name in caddy.matchers}
    assert upstreams == {
        f"{name}-web:{ceremony[f'{name}-web']['environment']['PORT']}" for name in PORTS
    }


def test_web_containers_trust_caddy_alone_and_count_rate_limits_in_redis(services, ceremony):
    found = {}
    for name in PORTS:
        settings = load_settings(name, ceremony[f"{name}-web"]["environment"])
        storage = urlsplit(settings.rate_limit_storage_url)
        found[name] = (
            settings.trusted_proxies,
            storage.scheme,
            services[storage.hostname]["image"].split(":")[0],
        )
    assert found == dict.fromkeys(PORTS, (1, "redis", "redis"))


def test_the_notifications_worker_fetches_badges_on_the_compose_network(ceremony):
    url = urlsplit(ceremony["notifications-worker"]["environment"]["CEREMONY_INTERNAL_URL_BADGES"])
    badges = ceremony["badges-web"]["environment"]["PORT"]
    assert (url.scheme, url.hostname, url.port) == ("http", "badges-web", int(badges))
