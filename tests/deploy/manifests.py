"""The manifests of deploy/k8s as kustomize builds them, and views of their containers."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field

import yaml

from tests.deploy.contract import DEPLOY, referenced_variables, split_command

K8S = DEPLOY / "k8s"
BASE = K8S / "base"
PRODUCTION = K8S / "overlays" / "production"
SECRET_EXAMPLE = BASE / "secret.example.yaml"
#: The oldest Kubernetes the manifests are checked against.
KUBERNETES_VERSION = "1.29"


def build(directory) -> list[dict]:
    """The documents `kubectl kustomize DIRECTORY` prints."""
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is needed to build the kustomizations (Debian package kubectl)"
    result = subprocess.run(
        [kubectl, "kustomize", str(directory)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def is_builtin(doc: dict) -> bool:
    """Whether the kind is one of Kubernetes' own (core or a *.k8s.io / apps / batch group)."""
    group = doc["apiVersion"].rpartition("/")[0]
    return group in ("", "apps", "batch", "policy", "autoscaling") or group.endswith(".k8s.io")


def find(docs: list[dict], kind: str, name: str | None = None) -> list[dict]:
    """The documents of ``kind`` (and ``name``)."""
    return [
        doc
        for doc in docs
        if doc["kind"] == kind and (name is None or doc["metadata"]["name"] == name)
    ]


@dataclass
class Container:
    """One container of a Deployment or Job, with what the tests look at."""

    workload: dict
    spec: dict
    argv: list[str]
    #: Variables in order: name → value (a string) or ("secret", name, key).
    env: dict[str, object] = field(default_factory=dict)
    config_maps: list[str] = field(default_factory=list)

    @property
    def pod(self) -> dict:
        return self.workload["spec"]["template"]["spec"]

    @property
    def name(self) -> str:
        return self.workload["metadata"]["name"]

    def variables(self, docs: list[dict]) -> dict[str, object]:
        """Every variable the process sees: its ConfigMaps' keys, then its own env."""
        seen: dict[str, object] = {}
        for config_map in self.config_maps:
            seen.update(find(docs, "ConfigMap", config_map)[0]["data"])
        return seen | self.env

    def expanded(self, name: str, docs: list[dict]) -> str:
        """A variable's value with each $(OTHER) replaced by OTHER's value or a stand-in."""
        variables = self.variables(docs)
        value = variables[name]
        for other in referenced_variables(value):
            stand_in = variables[other] if isinstance(variables[other], str) else "password"
            value = value.replace(f"$({other})", stand_in)
        return value


def containers(docs: list[dict], image: str = "ceremony-suite") -> list[Container]:
    """The containers of the suite's image in Deployments and Jobs."""
    found = []
    for workload in [*find(docs, "Deployment"), *find(docs, "Job")]:
        for spec in workload["spec"]["template"]["spec"]["containers"]:
            if spec["image"].rpartition(":")[0].rpartition("/")[2] != image:
                continue
            env = {}
            for item in spec.get("env", []):
                ref = item.get("valueFrom", {}).get("secretKeyRef")
                env[item["name"]] = ("secret", ref["name"], ref["key"]) if ref else item["value"]
            config_maps = [e["configMapRef"]["name"] for e in spec.get("envFrom", [])]
            argv = split_command(spec.get("command", [])) + split_command(spec.get("args", []))
            found.append(Container(workload, spec, argv, env, config_maps))
    return found


def secret_example() -> list[dict]:
    """The documents of secret.example.yaml."""
    return [doc for doc in yaml.safe_load_all(SECRET_EXAMPLE.read_text()) if doc]
