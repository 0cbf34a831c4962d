"""Kubernetes NetworkPolicy semantics, to ask the rendered policies who may reach whom.

A connection is allowed when the source may send it (no policy of its own selects it for
Egress, or one of those that do lets it out) and the destination may receive it (likewise for
Ingress; a peer outside the cluster has no policies). Pods are endpoints with a namespace,
labels and named ports, as the Deployments, the Job and the operators make them.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from tests.deploy.manifests import find

NAMESPACE = "ceremony"


@dataclass(frozen=True)
class Endpoint:
    """A pod (namespace and labels) or a host outside the cluster (an IP address)."""

    name: str
    namespace: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    #: Container port name → number.
    ports: dict[str, int] = field(default_factory=dict)
    ip: str | None = None

    @property
    def is_pod(self) -> bool:
        return self.namespace is not None


def pod(name: str, namespace: str, labels: dict[str, str], ports: dict[str, int] | None = None):
    return Endpoint(name, namespace, labels, ports or {})


def outside(name: str, ip: str) -> Endpoint:
    return Endpoint(name, ip=ip)


def workload_pods(docs: list[dict]) -> dict[str, Endpoint]:
    """A pod of each Deployment and Job of the namespace, by workload name."""
    pods = {}
    for workload in [*find(docs, "Deployment"), *find(docs, "Job")]:
        template = workload["spec"]["template"]
        ports = {
            port["name"]: port["containerPort"]
            for container in template["spec"]["containers"]
            for port in container.get("ports", [])
            if "name" in port
        }
        name = workload["metadata"]["name"]
        pods[name] = pod(name, NAMESPACE, template["metadata"]["labels"], ports)
    return pods


def _selects(selector: dict | None, labels: dict[str, str]) -> bool:
    if selector is None:
        return True
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values")
        present = key in labels
        if not {
            "In": present and labels.get(key) in (values or []),
            "NotIn": not present or labels.get(key) not in (values or []),
            "Exists": present,
            "DoesNotExist": not present,
        }[operator]:
            return False
    return True


def _namespace_labels(namespace: str) -> dict[str, str]:
    return {"kubernetes.io/metadata.name": namespace}


def _peer_matches(peer: dict, policy_namespace: str, other: Endpoint) -> bool:
    if "ipBlock" in peer:
        if other.is_pod:
            return False
        address = ipaddress.ip_address(other.ip)
        block = peer["ipBlock"]
        return address in ipaddress.ip_network(block["cidr"]) and not any(
            address in ipaddress.ip_network(cidr) for cidr in block.get("except", [])
        )
    if not other.is_pod:
        return False
    if "namespaceSelector" in peer:
        if not _selects(peer["namespaceSelector"], _namespace_labels(other.namespace)):
            return False
    elif other.namespace != policy_namespace:
        return False
    return _selects(peer.get("podSelector"), other.labels)


def _port_matches(ports: list[dict] | None, target: Endpoint, port: int, protocol: str) -> bool:
    if not ports:
        return True
    for entry in ports:
        if entry.get("protocol", "TCP") != protocol:
            continue
        wanted = entry.get("port")
        if wanted is None:
            return True
        if isinstance(wanted, str):
            wanted = target.ports.get(wanted)
        if wanted is not None and wanted <= port <= entry.get("endPort", wanted):
            return True
    return False


def _types(policy: dict) -> set[str]:
    spec = policy["spec"]
    return set(spec.get("policyTypes") or ["Ingress", *(["Egress"] if "egress" in spec else [])])


def _policies_of(policies: list[dict], endpoint: Endpoint, kind: str) -> list[dict]:
    return [
        p
        for p in policies
        if endpoint.is_pod
        and p["metadata"].get("namespace", NAMESPACE) == endpoint.namespace
        and kind in _types(p)
        and _selects(p["spec"]["podSelector"], endpoint.labels)
    ]


def allowed(
    policies: list[dict], source: Endpoint, target: Endpoint, port: int, protocol: str = "TCP"
) -> bool:
    """Whether the policies let ``source`` open a connection to ``target`` on ``port``."""
    own = _policies_of(policies, source, "Egress")
    leaves = not own or any(
        (
            "to" not in rule
            or any(_peer_matches(peer, p["metadata"].get("namespace", NAMESPACE), target)
                   for peer in rule["to"])
        )
        and _port_matches(rule.get("ports"), target, port, protocol)
        for p in own
        for rule in p["spec"].get("egress", [])
    )  # fmt: skip
    theirs = _policies_of(policies, target, "Ingress")
    arrives = not theirs or any(
        (
            "from" not in rule
            or any(_peer_matches(peer, p["metadata"].get("namespace", NAMESPACE), source)
                   for peer in rule["from"])
        )
        and _port_matches(rule.get("ports"), target, port, protocol)
        for p in theirs
        for rule in p["spec"].get("ingress", [])
    )  # fmt: skip
    return leaves and arrives
