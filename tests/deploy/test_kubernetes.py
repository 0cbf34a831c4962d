"""deploy/k8s: kustomize builds it, Kubernetes' schemas accept it, and it matches the code."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from shared.config import PORTS, load_settings
from tests.deploy.caddyfile import sites
from tests.deploy.contract import (
    DEPLOY,
    command_problem,
    definitions,
    gunicorn_settings,
    known_variable,
    migration_variables,
    referenced_variables,
    required_variables,
    served_service,
    worker_service,
)
from tests.deploy.dockerfile import runtime
from tests.deploy.manifests import (
    BASE,
    KUBERNETES_VERSION,
    PRODUCTION,
    build,
    containers,
    find,
    is_builtin,
    secret_example,
)
from tests.deploy.routes import routes

ROLES = ("web", "worker")


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    return build(BASE)


@pytest.fixture(scope="module")
def production() -> list[dict]:
    return build(PRODUCTION)


def deployment_names() -> set[str]:
    return {f"{name}-{role}" for name in PORTS for role in ROLES}


def by_name(docs) -> dict:
    return {c.name: c for c in containers(docs)}


@pytest.mark.parametrize("overlay", ["base", "production"])
def test_builtin_resources_match_the_kubernetes_schemas(request, overlay):
    built = request.getfixturevalue("docs" if overlay == "base" else overlay)
    for doc in [d for d in built if is_builtin(d)]:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_secret_example_matches_the_kubernetes_schemas():
    for doc in secret_example():
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_other_resources_are_those_of_the_rabbitmq_and_cloudnativepg_operators(docs):
    kinds = {(d["apiVersion"], d["kind"]) for d in docs if not is_builtin(d)}
    assert kinds == {
        ("rabbitmq.com/v1beta1", "RabbitmqCluster"),
        ("postgresql.cnpg.io/v1", "Cluster"),
        ("postgresql.cnpg.io/v1", "Database"),
    }


def test_every_service_has_a_web_and_a_worker_deployment(docs):
    suite = {c.name for c in containers(docs) if c.workload["kind"] == "Deployment"}
    assert suite == deployment_names()


def test_the_other_deployments_are_redis_and_the_router_at_pinned_versions(docs):
    others = {d["metadata"]["name"] for d in find(docs, "Deployment")} - deployment_names()
    images = {
        name: [c["image"].partition(":") for c in pod["containers"]]
        for name in others
        for pod in [find(docs, "Deployment", name)[0]["spec"]["template"]["spec"]]
    }
    assert {
        name: [(image, bool(tag) and tag != "latest") for image, _, tag in found]
        for name, found in images.items()
    } == {"ceremony-redis": [("redis", True)], "ceremony-router": [("caddy", True)]}


def test_every_suite_container_runs_a_command_of_the_suite(docs):
    problems = {c.name: command_problem(c.argv) for c in containers(docs)}
    assert {name: problem for name, problem in problems.items() if problem} == {}


def test_each_deployment_runs_its_own_service(docs):
    ran = {
        c.name: served_service(c.argv) or worker_service(c.argv)
        for c in containers(docs)
        if c.workload["kind"] == "Deployment"
    }
    assert ran == {name: name.rsplit("-", 1)[0] for name in deployment_names()}


def test_the_migration_job_upgrades_every_database(docs):
    job = by_name(docs)["ceremony-migrate"]
    assert (job.argv, migration_variables() - set(job.variables(docs))) == (
        ["ceremony", "db", "upgrade"],
        set(),
    )


def test_web_containers_listen_on_the_suite_ports(docs):
    found = {
        name: (int(c.env["PORT"]), c.spec["ports"][0]["containerPort"])
        for name in PORTS
        for c in [by_name(docs)[f"{name}-web"]]
    }
    assert found == {name: (port, port) for name, port in PORTS.items()}


def test_services_route_their_suite_port_to_the_web_pods(docs):
    found = {}
    for name in PORTS:
        service = find(docs, "Service", name)[0]["spec"]
        web = by_name(docs)[f"{name}-web"]
        labels = web.workload["spec"]["template"]["metadata"]["labels"]
        found[name] = (
            service["ports"][0]["port"],
            service["ports"][0]["targetPort"] == web.spec["ports"][0]["name"],
            service["selector"].items() <= labels.items(),
        )
    assert found == {name: (port, True, True) for name, port in PORTS.items()}


def test_liveness_asks_healthz_and_readiness_asks_readyz(docs):
    probes = {
        name: (
            c.spec["livenessProbe"]["httpGet"]["path"],
            c.spec["readinessProbe"]["httpGet"]["path"],
            c.spec["startupProbe"]["httpGet"]["path"],
        )
        for name in PORTS
        for c in [by_name(docs)[f"{name}-web"]]
    }
    assert set(probes.values()) == {("/healthz", "/readyz", "/healthz")}


def test_probes_knock_on_the_containers_port(docs):
    ports = {
        c.spec[probe]["httpGet"]["port"]
        for name in PORTS
        for c in [by_name(docs)[f"{name}-web"]]
        for probe in ("livenessProbe", "readinessProbe", "startupProbe")
    }
    assert ports == {"http"}


def test_suite_containers_set_only_variables_the_code_reads(docs):
    unknown = set()
    for container in containers(docs):
        helpers = {
            ref
            for value in container.env.values()
            if isinstance(value, str)
            for ref in referenced_variables(value)
        }
        names = set(container.variables(docs)) - {
            h for h in helpers if not h.startswith("CEREMONY_")
        }
        unknown |= {name for name in names if not known_variable(name)}
    assert unknown == set()


def test_variables_refer_only_to_variables_defined_before_them(docs):
    late = []
    for container in containers(docs):
        defined = set(container.variables(docs)) - set(container.env)
        for name, value in container.env.items():
            refs = referenced_variables(value) if isinstance(value, str) else []
            late += [(container.name, name, ref) for ref in refs if ref not in defined]
            defined.add(name)
    assert late == []


def test_each_process_gets_the_settings_it_needs(docs):
    missing = {
        c.name: required_variables(*c.name.rsplit("-", 1)) - set(c.variables(docs))
        for c in containers(docs)
        if c.workload["kind"] == "Deployment"
    }
    assert {name: names for name, names in missing.items() if names} == {}


def test_each_process_is_given_only_its_own_database(docs):
    databases = {
        c.name: {key for key in c.variables(docs) if key.endswith("_DATABASE_URL")}
        for c in containers(docs)
        if c.workload["kind"] == "Deployment"
    }
    assert databases == {
        name: {f"CEREMONY_{name.rsplit('-', 1)[0].upper()}_DATABASE_URL"} for name in databases
    }


def _secret_references(docs) -> set[tuple[str, str | None]]:
    """(Secret, key) pairs the manifests use; key None where a whole Secret is used."""
    refs = {
        (value[1], value[2])
        for c in containers(docs)
        for value in c.env.values()
        if isinstance(value, tuple)
    }
    text = json.dumps([d for d in docs if not is_builtin(d)])
    refs |= {(name, None) for name in re.findall(r'"secret": \{"name": "([^"]+)"', text)}
    refs |= {(name, None) for name in re.findall(r'"passwordSecret": \{"name": "([^"]+)"', text)}
    return refs


def test_every_secret_the_manifests_use_is_described_in_the_example(docs):
    example = {s["metadata"]["name"]: set(s["stringData"]) for s in secret_example()}
    missing = {
        (name, key)
        for name, key in _secret_references(docs)
        if name not in example or (key is not None and key not in example[name])
    }
    assert missing == set()


def test_the_secret_example_holds_placeholders_only():
    secrets = []
    for key, value in [item for s in secret_example() for item in s["stringData"].items()]:
        if key == "users.json":
            secrets += [user["password"] for user in json.loads(value)["users"]]
        elif key != "username":
            secrets.append(value)
    assert [secret for secret in secrets if "change-me" not in secret] == []


def test_no_secret_is_part_of_the_build(docs):
    assert find(docs, "Secret") == []


def test_every_container_requests_cpu_and_memory_and_has_a_memory_limit(docs):
    resources = [c.spec["resources"] for c in containers(docs)]
    assert all(
        {"cpu", "memory"} <= set(r["requests"]) and "memory" in r["limits"] for r in resources
    )


def test_pods_run_as_the_images_user_without_privileges(docs):
    image_user = int([rest for step, rest in runtime() if step == "USER"][-1].split(":")[0])
    found = {
        (
            c.pod["securityContext"]["runAsNonRoot"],
            c.pod["securityContext"]["runAsUser"],
            c.spec["securityContext"]["allowPrivilegeEscalation"],
            c.spec["securityContext"]["readOnlyRootFilesystem"],
            tuple(c.spec["securityContext"]["capabilities"]["drop"]),
        )
        for c in containers(docs)
    }
    assert found == {(True, image_user, False, True, ("ALL",))}


def test_every_web_deployment_has_a_disruption_budget(docs):
    budgets = [b["spec"]["selector"]["matchLabels"] for b in find(docs, "PodDisruptionBudget")]
    covered = {
        name
        for name in PORTS
        for labels in [
            by_name(docs)[f"{name}-web"].workload["spec"]["template"]["metadata"]["labels"]
        ]
        if any(budget.items() <= labels.items() for budget in budgets)
    }
    assert covered == set(PORTS)


def test_web_pods_get_time_for_the_pre_stop_pause_and_graceful_timeout(docs):
    graceful = gunicorn_settings({})["graceful_timeout"]
    short = []
    for name in PORTS:
        web = by_name(docs)[f"{name}-web"]
        pause = int(web.spec["lifecycle"]["preStop"]["exec"]["command"][-1])
        if web.pod["terminationGracePeriodSeconds"] <= pause + graceful:
            short.append(name)
    assert short == []


def test_rabbitmq_is_an_odd_cluster_of_at_least_three_nodes(docs):
    replicas = find(docs, "RabbitmqCluster")[0]["spec"]["replicas"]
    assert replicas >= 3 and replicas % 2 == 1


def test_rabbitmq_nodes_import_the_definitions_and_the_users_at_boot(docs):
    cluster = find(docs, "RabbitmqCluster")[0]["spec"]
    folder = re.search(
        r"^load_definitions\s*=\s*(\S+)", cluster["rabbitmq"]["additionalConfig"], re.M
    )[1]
    pod = cluster["override"]["statefulSet"]["spec"]["template"]["spec"]
    mount = next(
        m for c in pod["containers"] for m in c["volumeMounts"] if m["mountPath"] == folder
    )
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    sources = [next(iter(s.items())) for s in volume["projected"]["sources"]]
    config_map = find(
        docs, "ConfigMap", next(ref["name"] for kind, ref in sources if kind == "configMap")
    )
    assert (
        json.loads(config_map[0]["data"]["definitions.json"]),
        [ref["name"] for kind, ref in sources if kind == "secret"],
    ) == (definitions(), ["ceremony-rabbitmq-users"])


def test_the_broker_url_names_the_cluster_and_the_services_own_user_of_its_vhost(docs):
    cluster = find(docs, "RabbitmqCluster")[0]["metadata"]["name"]
    granted = {(p["user"], p["vhost"]) for p in definitions()["permissions"]}
    found = {}
    for c in containers(docs):
        if c.workload["kind"] != "Deployment":
            continue
        url = urlsplit(c.expanded("CEREMONY_BROKER_URL", docs))
        password = c.env[referenced_variables(c.env["CEREMONY_BROKER_URL"])[0]]
        found[c.name] = (
            url.hostname,
            url.username,
            (url.username, url.path.lstrip("/")) in granted,
            password[1:],
        )
    assert found == {
        name: (cluster, service, True, (f"ceremony-rabbitmq-{service}", "password"))
        for name in deployment_names()
        for service in [name.rsplit("-", 1)[0]]
    }


def test_rabbitmq_imports_the_passwords_the_services_log_in_with():
    example = {s["metadata"]["name"]: s["stringData"] for s in secret_example()}
    users = json.loads(example["ceremony-rabbitmq-users"]["users.json"])["users"]
    imported = {u["name"]: u["password"] for u in users}
    logins = {
        example[f"ceremony-rabbitmq-{name}"]["username"]: example[f"ceremony-rabbitmq-{name}"][
            "password"
        ]
        for name in PORTS
    }
    assert (logins, {u["name"]: u["tags"] for u in users}) == (
        {name: imported.get(name) for name in PORTS},
        {u["name"]: u["tags"] for u in definitions()["users"]},
    )


def test_the_passwords_file_is_imported_after_the_definitions(docs):
    # RabbitMQ imports the files of its definitions folder in name order; definitions.json
    # lists the users without a password, which the users' file then sets.
    definitions_map = next(
        c for c in find(docs, "ConfigMap") if c["metadata"]["name"].startswith("ceremony-rabbitmq")
    )
    example = {s["metadata"]["name"]: s["stringData"] for s in secret_example()}
    files = [*definitions_map["data"], *example["ceremony-rabbitmq-users"]]
    assert sorted(files) == ["definitions.json", "users.json"]


def test_database_urls_name_the_roles_and_databases_of_the_postgres_cluster(docs):
    cluster = find(docs, "Cluster")[0]
    roles = {r["name"]: r["passwordSecret"]["name"] for r in cluster["spec"]["managed"]["roles"]}
    owners = {d["spec"]["name"]: d["spec"]["owner"] for d in find(docs, "Database")}
    job = by_name(docs)["ceremony-migrate"]
    found = {}
    for name in PORTS:
        key = f"CEREMONY_{name.upper()}_DATABASE_URL"
        url = urlsplit(job.expanded(key, docs))
        password_var = referenced_variables(job.env[key])[0]
        found[name] = (
            url.hostname,
            owners.get(url.path.lstrip("/")) == url.username,
            job.env[password_var][1] == roles.get(url.username),
        )
    assert found == dict.fromkeys(PORTS, (f"{cluster['metadata']['name']}-rw", True, True))


def test_the_retry_delay_matches_the_retry_queues_of_the_definitions(docs):
    ttls = {
        q["arguments"]["x-message-ttl"]
        for q in definitions()["queues"]
        if q["name"].endswith(".retry")
    }
    config = find(docs, "ConfigMap", "ceremony-config")[0]["data"]
    delay = load_settings("registration", config).retry_delay_seconds
    assert {int(delay * 1000)} == ttls


def test_the_production_overlay_runs_the_image_from_its_registry(production):
    images = {c.spec["image"] for c in containers(production)}
    assert len(images) == 1 and images.pop().startswith("registry.example.org/")


def test_the_production_overlay_keeps_everything_in_the_namespace(production):
    namespaced = [d for d in production if d["kind"] != "Namespace"]
    assert {d["metadata"].get("namespace") for d in namespaced} == {"ceremony"}


def test_web_pods_count_rate_limits_in_the_redis_of_the_manifests_and_trust_two_proxies(docs):
    # The Ingress controller names the client in X-Forwarded-For; the router adds the
    # controller's address (trusted_proxies in router.caddy).
    redis = find(docs, "Service", "ceremony-redis")[0]
    pods = find(docs, "Deployment", "ceremony-redis")[0]["spec"]["template"]["metadata"]
    found = {}
    for name in PORTS:
        web = by_name(docs)[f"{name}-web"]
        plain = {k: v for k, v in web.variables(docs).items() if isinstance(v, str)}
        settings = load_settings(name, plain)
        storage = urlsplit(settings.rate_limit_storage_url)
        found[name] = (settings.trusted_proxies, storage.scheme, storage.hostname, storage.port)
    assert found == dict.fromkeys(
        PORTS, (2, "redis", redis["metadata"]["name"], redis["spec"]["ports"][0]["port"])
    )
    assert redis["spec"]["selector"].items() <= pods["labels"].items()


def test_redis_keeps_nothing_on_disk(docs):
    container = find(docs, "Deployment", "ceremony-redis")[0]["spec"]["template"]["spec"]
    args = container["containers"][0]["args"]
    assert (args[args.index("--save") + 1], args[args.index("--appendonly") + 1]) == ("", "no")


def test_the_notifications_worker_fetches_badges_from_the_badges_service(docs):
    worker = by_name(docs)["notifications-worker"]
    url = urlsplit(worker.expanded("CEREMONY_INTERNAL_URL_BADGES", docs))
    service = find(docs, "Service", "badges")[0]
    assert (url.scheme, url.hostname, url.port) == (
        "http",
        service["metadata"]["name"],
        service["spec"]["ports"][0]["port"],
    )


def _ingress_paths(production) -> dict[str, list[tuple[str, str, str, object]]]:
    """Host → its (pathType, path, backend Service, its port) of the production Ingress."""
    ingress = find(production, "Ingress")[0]["spec"]
    return {
        rule["host"]: [
            (
                p["pathType"],
                p["path"],
                p["backend"]["service"]["name"],
                next(iter(p["backend"]["service"]["port"].values())),
            )
            for p in rule["http"]["paths"]
        ]
        for rule in ingress["rules"]
    }


def _router(docs) -> tuple[dict, dict]:
    """The router's Deployment and its one container."""
    deployment = find(docs, "Deployment", "ceremony-router")[0]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return deployment, container


def _port(container: dict, name: str) -> int:
    return next(p["containerPort"] for p in container["ports"] if p["name"] == name)


@pytest.fixture(scope="module")
def router_caddyfile(docs, tmp_path_factory) -> Path:
    """The router's Caddyfile as its pods read it: the mounted ConfigMap's files, on disk."""
    deployment, container = _router(docs)
    config = Path(container["command"][container["command"].index("--config") + 1])
    mount = next(m for m in container["volumeMounts"] if config.is_relative_to(m["mountPath"]))
    volume = next(
        v for v in deployment["spec"]["template"]["spec"]["volumes"] if v["name"] == mount["name"]
    )
    data = find(docs, "ConfigMap", volume["configMap"]["name"])[0]["data"]
    folder = tmp_path_factory.mktemp("router")
    for key, text in data.items():
        (folder / key).write_text(text, encoding="utf-8")
    return folder / config.relative_to(mount["mountPath"])


def _service_behind(docs, upstream: str) -> str | None:
    """The suite's service whose web pods a router upstream (Service:port) reaches."""
    host, _, port = upstream.partition(":")
    service = find(docs, "Service", host)
    if not service or int(port) not in {p["port"] for p in service[0]["spec"]["ports"]}:
        return None
    pods = [
        c
        for c in containers(docs)
        if service[0]["spec"]["selector"].items()
        <= c.workload["spec"]["template"]["metadata"]["labels"].items()
    ]
    return served_service(pods[0].argv) if pods else None


def test_the_ingress_serves_the_one_hostname_of_the_public_urls_all_to_the_router(production):
    config = find(production, "ConfigMap", "ceremony-config")[0]["data"]
    urls = {config[f"CEREMONY_PUBLIC_URL_{name.upper()}"] for name in PORTS}
    ingress = find(production, "Ingress")[0]["spec"]
    router = find(production, "Service", "ceremony-router")[0]["spec"]
    (host,) = _ingress_paths(production)
    assert (
        urls,
        [rule["host"] for rule in ingress["rules"]],
        [h for tls in ingress["tls"] for h in tls["hosts"]],
        _ingress_paths(production)[host],
    ) == (
        {f"https://{host}"},
        [host],
        [host],
        [("Prefix", "/", "ceremony-router", router["ports"][0]["name"])],
    )


def test_the_router_sends_every_public_route_to_its_service(docs, router_caddyfile):
    _, container = _router(docs)
    router = sites(router_caddyfile)[f":{_port(container, 'http')}"]
    public = [route for route in routes() if route.public]
    found = {
        (route.service, route.rule): [
            _service_behind(docs, router.upstream(m)) for m in router.matching(route.sample)
        ]
        for route in public
    }
    assert found == {(route.service, route.rule): [route.service] for route in public}


def test_the_router_answers_health_readiness_metrics_and_docs_with_404(docs, router_caddyfile):
    _, container = _router(docs)
    router = sites(router_caddyfile)[f":{_port(container, 'http')}"]
    internal = [route for route in routes() if not route.public]
    found = {(r.service, r.rule): router.handled_by(r.sample) for r in internal}
    assert found == {(r.service, r.rule): [["respond", "404"]] for r in internal}


def test_the_router_service_reaches_the_port_the_router_serves_people_on(docs, router_caddyfile):
    deployment, container = _router(docs)
    service = find(docs, "Service", "ceremony-router")[0]["spec"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert (
        [p["targetPort"] for p in service["ports"]],
        service["selector"].items() <= labels.items(),
        f":{_port(container, 'http')}" in sites(router_caddyfile),
    ) == (["http"], True, True)


def test_the_router_probes_ask_its_status_port_which_no_service_exposes(docs, router_caddyfile):
    _, container = _router(docs)
    status = sites(router_caddyfile)[f":{_port(container, 'metrics')}"]
    probes = {
        (container[probe]["httpGet"]["port"], container[probe]["httpGet"]["path"])
        for probe in ("startupProbe", "livenessProbe", "readinessProbe")
    }
    exposed = {p["targetPort"] for s in find(docs, "Service") for p in s["spec"]["ports"]}
    assert (probes, status.handled_by("/healthz"), "metrics" in exposed) == (
        {("metrics", "/healthz")},
        [["respond", "200"]],
        False,
    )


def test_the_router_runs_caddy_as_compose_does_unprivileged_with_a_budget(docs):
    deployment, container = _router(docs)
    pod = deployment["spec"]["template"]["spec"]
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]["caddy"]
    budgets = [b["spec"]["selector"]["matchLabels"] for b in find(docs, "PodDisruptionBudget")]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert (
        container["image"],
        pod["securityContext"]["runAsNonRoot"],
        container["securityContext"]["allowPrivilegeEscalation"],
        container["securityContext"]["readOnlyRootFilesystem"],
        container["securityContext"]["capabilities"],
        {"cpu", "memory"} <= set(container["resources"]["requests"]),
        "memory" in container["resources"]["limits"],
        any(budget.items() <= labels.items() for budget in budgets),
        deployment["spec"]["replicas"] >= 2,
    ) == (
        compose["image"],
        True,
        False,
        True,
        # The one capability the image's binary needs to start at all (router.yaml).
        {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]},
        True,
        True,
        True,
        True,
    )
