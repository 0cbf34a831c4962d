"""deploy/Dockerfile, read as text (no container engine here): stages, user, packages, command."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import tomllib
from pathlib import Path, PurePosixPath

from services.badges.door.page import DEFAULT_DECODER
from shared.config import PORTS, load_settings
from shared.console.assets import HTMX
from shared.fonts import FONT_FILES
from tests.deploy.contract import DEPLOY, IMAGE_WORKDIR, REPO, command_problem
from tests.deploy.dockerfile import copies, environment, runtime, stages, workdir

DOCKERIGNORE = DEPLOY / "Dockerfile.dockerignore"


def test_the_image_is_built_in_stages_from_python_3_11_slim_and_a_node_stage():
    assert {name: steps[0][1] for name, steps in stages().items()} == {
        "decoder": "node:22-bookworm-slim",
        "build": "python:3.11-slim",
        "runtime": "python:3.11-slim",
    }


def test_the_runtime_installs_the_suite_from_the_wheels_of_the_build_stage():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["name"]
    runs = [rest for instruction, rest in runtime() if instruction == "RUN"]
    assert any(
        "from=build" in run and "--no-index" in run and shlex.split(run)[-1] == project
        for run in runs
    )


def test_the_build_stage_builds_the_wheels_with_the_constraints_file():
    build = stages()["build"]
    copied = [rest.split() for instruction, rest in build if instruction == "COPY"]
    wheels = [
        shlex.split(rest) for instruction, rest in build if instruction == "RUN" and "wheel" in rest
    ]
    assert ["deploy/constraints.txt", "deploy/constraints.txt"] in copied
    assert [argv[argv.index("-c") + 1] for argv in wheels if "-c" in argv] == [
        "deploy/constraints.txt"
    ]
    assert len(wheels) == 1


def test_the_image_runs_as_a_non_root_user():
    user = [rest for instruction, rest in runtime() if instruction == "USER"][-1]
    assert user.split(":")[0] not in ("0", "root")


def test_the_image_has_the_packages_of_the_badge_fonts_and_text_shaping():
    runs = " ".join(rest for instruction, rest in runtime() if instruction == "RUN")
    installed = set(runs.split("apt-get install", 1)[1].split("&&", 1)[0].split())
    needed = {package for _, package in FONT_FILES.values()} | {"libfribidi0", "libraqm0"}
    assert needed <= installed


def test_the_default_command_is_a_command_of_the_suite():
    command = json.loads([rest for instruction, rest in runtime() if instruction == "CMD"][-1])
    assert command_problem(command) is None


def test_the_gunicorn_settings_are_where_the_commands_name_them():
    workdir = [rest for instruction, rest in runtime() if instruction == "WORKDIR"][-1]
    copies = [rest.split() for instruction, rest in runtime() if instruction == "COPY"]
    assert (workdir, ["deploy/gunicorn.conf.py", "deploy/gunicorn.conf.py"] in copies) == (
        IMAGE_WORKDIR,
        True,
    )


def _ignored(path: str) -> bool:
    """Whether BuildKit leaves ``path`` out of the context, by Dockerfile.dockerignore."""
    ignored = False
    for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        candidates = [path]
        if pattern.startswith("**/"):
            pattern = pattern[3:]
            parts = path.split("/")
            candidates = ["/".join(parts[i:]) for i in range(len(parts))]
        if any(fnmatch.fnmatch(c, pattern) or c.startswith(pattern + "/") for c in candidates):
            ignored = not negated
    return ignored


def test_the_build_context_holds_the_sources_and_not_local_state():
    sent = ["pyproject.toml", "README.md", "shared/config.py", "services/badges/app.py"]
    sent += ["deploy/gunicorn.conf.py", "deploy/constraints.txt"]
    sent += ["package.json", "package-lock.json"]
    kept_out = [".venv/bin/python", "var/registration.db", ".git/HEAD", "deploy/.env"]
    kept_out.append("shared/__pycache__/config.cpython-311.pyc")
    kept_out.append("node_modules/jsqr/dist/jsQR.js")
    assert ([p for p in sent if _ignored(p)], [p for p in kept_out if not _ignored(p)]) == ([], [])


def test_the_node_stage_installs_the_production_dependencies_of_the_lockfile():
    decoder = stages()["decoder"]
    copied = {source for copy in copies(decoder) for source in copy.sources}
    installs = [
        shlex.split(rest) for instruction, rest in decoder if instruction == "RUN" and "npm" in rest
    ]
    lock = json.loads((REPO / "package-lock.json").read_text())["packages"]
    assert (copied, installs[0][:2], "--omit=dev" in installs[0], len(installs)) == (
        {"package.json", "package-lock.json"},
        ["npm", "ci"],
        True,
        1,
    )
    assert not lock["node_modules/jsqr"].get("dev", False)


def test_the_decoder_lands_where_the_setting_points():
    # The file a checkout's `npm ci` puts beside the sources, which the door page looks for.
    origin = f"{workdir(stages()['decoder'])}/{DEFAULT_DECODER.relative_to(REPO)}"
    placed = [c.destination for c in copies(runtime()) if origin in c.sources]
    settings = load_settings("badges", environment(runtime()))
    assert [Path(path) for path in placed] == [settings.door_decoder_path]


def test_htmx_lands_where_the_setting_points():
    # The file a checkout's `npm ci` puts beside the sources, which every service's console
    # serves at <its prefix>/assets/htmx.min.js.
    origin = f"{workdir(stages()['decoder'])}/{HTMX.relative_to(REPO)}"
    placed = [c.destination for c in copies(runtime()) if origin in c.sources]
    settings = {name: load_settings(name, environment(runtime())).htmx_path for name in PORTS}
    assert (len(placed), settings) == (1, dict.fromkeys(PORTS, Path(placed[0])))


def test_htmx_is_a_production_dependency_of_the_lockfile_with_its_licence_beside_it():
    # `npm ci --omit=dev` in the node stage would leave out a development dependency.
    package = json.loads((REPO / "package.json").read_text())
    lock = json.loads((REPO / "package-lock.json").read_text())["packages"]
    licence = f"{workdir(stages()['decoder'])}/node_modules/htmx.org/LICENSE"
    placed = {c.destination for c in copies(runtime()) if licence in c.sources}
    settings = load_settings("registration", environment(runtime()))
    assert (
        "htmx.org" in package["dependencies"],
        lock["node_modules/htmx.org"].get("dev", False),
        {PurePosixPath(path).parent for path in placed},
    ) == (True, False, {PurePosixPath(settings.htmx_path).parent})


def test_no_node_runtime_ends_up_in_the_image():
    taken = [source for c in copies(runtime()) if c.stage == "decoder" for source in c.sources]
    runs = " ".join(rest for instruction, rest in runtime() if instruction == "RUN")
    assert (
        runtime()[0][1],
        sorted(PurePosixPath(source).name for source in taken),
        {"node", "nodejs", "npm"} & set(re.split(r"[\s=]+", runs)),
    ) == ("python:3.11-slim", ["LICENSE", "LICENSE", "htmx.min.js", "jsQR.js"], set())
