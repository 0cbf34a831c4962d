"""deploy/Dockerfile read as text: its instructions, stage by stage (no engine is needed)."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from tests.deploy.contract import DEPLOY

DOCKERFILE = DEPLOY / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    joined, current = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        joined.append(current + line)
        current = ""
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1].strip()) for text in joined]


def stages() -> dict[str, list[tuple[str, str]]]:
    """Each stage's name → its instructions, with the FROM argument resolved."""
    args = {}
    named: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for instruction, rest in instructions():
        if instruction == "ARG" and current is None and "=" in rest:
            name, _, default = rest.partition("=")
            args[name] = default
        elif instruction == "FROM":
            image, _, name = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], rest).partition(
                " AS "
            )
            current = named.setdefault(name.strip(), [])
            current.append(("FROM", image.strip()))
        elif current is not None:
            current.append((instruction, rest))
    return named


def runtime() -> list[tuple[str, str]]:
    """The instructions of the last stage: what the image is."""
    return list(stages().values())[-1]


@dataclass(frozen=True)
class Copy:
    """One COPY: the stage it copies from (None: the build context), sources and destination."""

    stage: str | None
    sources: list[str]
    destination: str


def copies(steps: list[tuple[str, str]]) -> list[Copy]:
    """The COPY instructions of a stage."""
    found = []
    for instruction, rest in steps:
        if instruction != "COPY":
            continue
        words = shlex.split(rest)
        options = dict(w[2:].partition("=")[::2] for w in words if w.startswith("--"))
        paths = [w for w in words if not w.startswith("--")]
        found.append(Copy(options.get("from"), paths[:-1], paths[-1]))
    return found


def environment(steps: list[tuple[str, str]]) -> dict[str, str]:
    """The variables a stage's ENV instructions set (KEY=VALUE form)."""
    variables = {}
    for instruction, rest in steps:
        if instruction == "ENV":
            variables.update(word.split("=", 1) for word in shlex.split(rest))
    return variables


def workdir(steps: list[tuple[str, str]]) -> str:
    """The stage's last WORKDIR."""
    return [rest for instruction, rest in steps if instruction == "WORKDIR"][-1]
