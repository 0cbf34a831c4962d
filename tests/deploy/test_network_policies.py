"""deploy/k8s network policies: each path the suite needs is open, and no other.

The rendered policies are asked, with Kubernetes' rules (netpol.py), whether one pod may open a
connection to another; the pods are those of the manifests plus the operators' (RabbitMQ,
CloudNativePG), the Ingress controller, Prometheus, the cluster DNS and hosts outside.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from shared.config import PORTS
from tests.deploy.manifests import BASE, build, find, secret_example
from tests.deploy.netpol import allowed, outside, pod, workload_pods

WEB = [f"{name}-web" for name in PORTS]
WORKERS = [f"{name}-worker" for name in PORTS]
SUITE = [*WEB, *WORKERS]
#: The one place the Ingress controller sends people's requests (router.yaml).
ROUTER = "ceremony-router"
CONTROLLER = pod("ingress-nginx", "ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"})
PROMETHEUS = pod("prometheus", "monitoring", {"app.kubernetes.io/name": "prometheus"})
CNPG_OPERATOR = pod("cnpg", "cnpg-system", {"app.kubernetes.io/name": "cloudnative-pg"})
DNS = pod("kube-dns", "kube-system", {"k8s-app": "kube-dns"}, {"dns": 53})
STRANGER = pod("stranger", "elsewhere", {"app.kubernetes.io/name": "stranger"})
INTERNET = outside("a web server", "203.0.113.10")
SMTP_RELAY = outside("the SMTP relay", "198.51.100.25")


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    return build(BASE)


@pytest.fixture(scope="module")
def policies(docs) -> list[dict]:
    return find(docs, "NetworkPolicy")


@pytest.fixture(scope="module")
def pods(docs) -> dict:
    """Every pod of the namespace, by name; operator-made pods carry the labels they set."""
    found = workload_pods(docs)
    rabbitmq = find(docs, "RabbitmqCluster")[0]["metadata"]["name"]
    found["rabbitmq"] = pod(
        "rabbitmq",
        "ceremony",
        {"app.kubernetes.io/name": rabbitmq, "app.kubernetes.io/component": "rabbitmq"},
        {"amqp": 5672, "management": 15672, "prometheus": 15692, "epmd": 4369},
    )
    postgres = find(docs, "Cluster")[0]["metadata"]["name"]
    found["postgres"] = pod(
        "postgres",
        "ceremony",
        {"cnpg.io/cluster": postgres, "cnpg.io/podRole": "instance", "role": "primary"},
        {"postgresql": 5432, "metrics": 9187, "status": 8000},
    )
    return found


def reach(policies, pods, sources, target, port, protocol="TCP") -> dict[str, bool]:
    return {source: allowed(policies, pods[source], target, port, protocol) for source in sources}


def smtp_port() -> int:
    secrets = next(s for s in secret_example() if s["metadata"]["name"] == "ceremony-secrets")
    return urlsplit(secrets["stringData"]["CEREMONY_SMTP_URL"]).port


def test_the_namespace_denies_by_default(policies):
    defaults = [
        p["metadata"]["name"]
        for p in policies
        if p["spec"]["podSelector"] == {}
        and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
    ]
    assert len(defaults) == 1


def test_the_ingress_controller_reaches_the_router_and_nothing_else(policies, pods):
    found = {
        name: [at for at in target.ports.values() if allowed(policies, CONTROLLER, target, at)]
        for name, target in pods.items()
    }
    found |= {
        f"{name} from elsewhere": [port]
        for name in [ROUTER, *WEB]
        for port in [pods[name].ports["http"]]
        if allowed(policies, STRANGER, pods[name], port)
    }
    assert found == {name: [pods[name].ports["http"]] if name == ROUTER else [] for name in pods}


def test_the_router_reaches_the_web_pods_and_nothing_else(policies, pods):
    found = {
        name: [at for at in target.ports.values() if allowed(policies, pods[ROUTER], target, at)]
        for name, target in pods.items()
        if name != ROUTER
    }
    found["the internet"] = [443] if allowed(policies, pods[ROUTER], INTERNET, 443) else []
    assert found == {name: [pods[name].ports["http"]] if name in WEB else [] for name in found}


def test_web_pods_and_workers_reach_postgres_and_rabbitmq(policies, pods):
    found = {
        "postgres": reach(policies, pods, [*SUITE, "ceremony-migrate"], pods["postgres"], 5432),
        "rabbitmq": reach(policies, pods, [*SUITE, "ceremony-migrate"], pods["rabbitmq"], 5672),
    }
    assert found == {
        "postgres": dict.fromkeys([*SUITE, "ceremony-migrate"], True),
        "rabbitmq": {**dict.fromkeys(SUITE, True), "ceremony-migrate": False},
    }


def test_only_the_web_pods_reach_redis(policies, pods):
    sources = [*SUITE, ROUTER, "ceremony-migrate", "rabbitmq", "postgres"]
    found = reach(policies, pods, sources, pods["ceremony-redis"], 6379)
    found["from elsewhere"] = allowed(policies, STRANGER, pods["ceremony-redis"], 6379)
    assert found == {source: source in WEB for source in found}


def test_only_the_notifications_worker_sends_mail(policies, pods):
    found = reach(policies, pods, [*SUITE, "ceremony-migrate"], SMTP_RELAY, smtp_port())
    assert found == {source: source == "notifications-worker" for source in found}


def test_web_pods_are_reached_from_the_router_and_badges_from_the_notifications_worker(
    policies, pods
):
    found = {
        (source, target): allowed(policies, pods[source], pods[target], pods[target].ports["http"])
        for source in [ROUTER, *SUITE, "ceremony-migrate", "ceremony-redis"]
        for target in WEB
        if source != target
    }
    assert found == {
        pair: pair[0] == ROUTER or pair == ("notifications-worker", "badges-web") for pair in found
    }


def test_no_pod_of_the_suite_reaches_the_internet(policies, pods):
    found = reach(policies, pods, [*SUITE, "ceremony-migrate", "ceremony-redis"], INTERNET, 443)
    assert found == dict.fromkeys(found, False)


def test_every_pod_resolves_names(policies, pods):
    found = {name: allowed(policies, p, DNS, 53, "UDP") for name, p in pods.items()}
    assert found == dict.fromkeys(pods, True)


def test_prometheus_scrapes_the_web_pods_workers_router_rabbitmq_and_postgres(policies, pods):
    targets = {
        **{name: pods[name].ports["http"] for name in WEB},
        **{name: pods[name].ports["metrics"] for name in [*WORKERS, ROUTER]},
        "rabbitmq": 15692,
        "postgres": 9187,
        "ceremony-redis": 6379,
    }
    found = {name: allowed(policies, PROMETHEUS, pods[name], at) for name, at in targets.items()}
    assert found == {name: name != "ceremony-redis" for name in targets}


def test_the_database_and_broker_nodes_reach_each_other_and_the_operator_checks_postgres(
    policies, pods
):
    found = {
        "postgres replication": allowed(policies, pods["postgres"], pods["postgres"], 5432),
        "operator status": allowed(policies, CNPG_OPERATOR, pods["postgres"], 8000),
        "rabbitmq distribution": allowed(policies, pods["rabbitmq"], pods["rabbitmq"], 25672),
        "rabbitmq peer names": allowed(policies, pods["rabbitmq"], pods["rabbitmq"], 4369),
        "rabbitmq to postgres": allowed(policies, pods["rabbitmq"], pods["postgres"], 5432),
        "postgres from elsewhere": allowed(policies, STRANGER, pods["postgres"], 5432),
        "rabbitmq from elsewhere": allowed(policies, STRANGER, pods["rabbitmq"], 5672),
    }
    assert found == {name: "elsewhere" not in name and "to postgres" not in name for name in found}


def _hba_method(lines: list[str], database: str, role: str) -> str:
    """The method of the first pg_hba line for a TCP connection of ``role`` to ``database``."""
    for line in lines:
        kind, databases, roles, _address, method = line.split()
        if (
            kind == "host"
            and (databases in ("all", database) or database in databases.split(","))
            and (roles == "all" or role in roles.split(","))
        ):
            return method
    return "none"


def test_a_service_cannot_open_another_services_database(docs):
    # All three databases live in one PostgreSQL, so no network rule tells them apart: its
    # pg_hba does. CloudNativePG ends it with "host all all all scram-sha-256".
    cluster = find(docs, "Cluster")[0]["spec"]
    lines = [*cluster["postgresql"]["pg_hba"], "host all all all scram-sha-256"]
    found = {(role, db): _hba_method(lines, db, role) for role in PORTS for db in PORTS}
    assert found == {(role, db): "scram-sha-256" if role == db else "reject" for role, db in found}
