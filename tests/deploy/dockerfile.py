"""deploy/Dockerfile read as text: its instructions, stage by stage (no engine is needed)."""

from __future__ import annotations

import re

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
