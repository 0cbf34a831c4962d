"""deploy/rabbitmq/definitions.json made throwaway, and imported into the local RabbitMQ.

The file names the vhost "ceremony" and users such as "registration"; users belong to the whole
broker, so a test renames them as well as the vhost, and deletes both afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile

from tests.conftest import rabbitmqctl

#: The sections whose items name a vhost, and those whose items name a user.
_USER_SECTIONS = ("permissions", "topic_permissions")
_VHOST_SECTIONS = ("exchanges", "queues", "bindings", "policies", *_USER_SECTIONS)


def throwaway(document: dict, vhost: str, suffix: str) -> dict:
    """A copy of ``document`` in ``vhost``, each user named ``<name>-<suffix>``."""
    copy = json.loads(json.dumps(document))
    copy["vhosts"] = [{"name": vhost}]
    for section in _VHOST_SECTIONS:
        for item in copy.get(section, []):
            item["vhost"] = vhost
    for user in copy.get("users", []):
        user["name"] = f"{user['name']}-{suffix}"
    for section in _USER_SECTIONS:
        for item in copy.get(section, []):
            item["user"] = f"{item['user']}-{suffix}"
    return copy


def import_definitions(document: dict) -> None:
    """`rabbitmqctl import_definitions` of ``document``; RabbitMQ applies it in the background."""
    # rabbitmqctl reads the file as the broker's user: it must not sit in pytest's private tmp.
    handle, path = tempfile.mkstemp(prefix="ceremony-definitions-", suffix=".json")
    try:
        with os.fdopen(handle, "w") as file:
            json.dump(document, file)
        os.chmod(path, 0o644)
        rabbitmqctl("import_definitions", path)
    finally:
        os.unlink(path)


def listing(vhost: str, what: str, *columns: str) -> list[dict]:
    """`rabbitmqctl list_<what> -p VHOST COLUMNS` as JSON rows."""
    output = rabbitmqctl(f"list_{what}", "-q", "-p", vhost, *columns, "--formatter", "json")
    return json.loads(output or "[]")


def remove(vhost: str, users: list[str]) -> None:
    """Delete the vhost and the users, whichever of them exist."""
    for args in [("delete_vhost", vhost), *(("delete_user", user) for user in users)]:
        subprocess.run(["rabbitmqctl", *args], capture_output=True, timeout=120)
