"""What every service's fuzz stage shares: who calls, which checks hold, how a run is reported.

Each service's OpenAPI document is loaded from its app (SQLite, seeded through its own API or
its bus handlers) and fuzzed in-process over WSGI by schemathesis' engine, as its command line
does: examples, boundary and negative cases, then random ones, with a fixed seed and a bounded
number of examples per operation. It runs once anonymously and once with each role's bearer
token. Path ids are drawn from the generated values and the seeded rows alike, so requests
reach real ceremonies and guests too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import schemathesis
from hypothesis import strategies as st
from schemathesis.engine import Status, events, from_schema

from shared.auth import Signer
from shared.config import Settings
from tests.conftest import SECRET, make_settings

#: Who calls: nobody, a suite admin (every endpoint open to it), and a door API key.
CALLERS = ("anonymous", "admin", "door")

#: What must hold for every answer: no server error, and nothing outside the documented
#: statuses, content types, headers and bodies; a method the document does not list gets 405
#: with the methods that are allowed.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "unsupported_method",
)

SEED = 20261201
#: Examples per operation in the random phase; with the boundary and negative cases this
#: keeps the three services' stage within about three minutes on two cores.
MAX_EXAMPLES = 40


def fuzz_settings(service: str, var_dir: Path) -> Settings:
    """A service's test settings, with rate limits out of the fuzzer's way."""
    return make_settings(
        service,
        var_dir,
        rate_limit_per_address="1000000/minute",
        rate_limit_per_ceremony="1000000/minute",
    )


def caller_headers(caller: str) -> dict[str, str]:
    """The Authorization header of ``caller`` (none for ``anonymous``)."""
    if caller == "anonymous":
        return {}
    return {"Authorization": f"Bearer {Signer(SECRET).issue_token(caller)}"}


def fuzzed_schema(app, caller: str, real_ids: Mapping[str, Sequence[str]]):
    """The app's OpenAPI document, set up to be fuzzed as ``caller`` with ``real_ids`` mixed
    into the path parameters of the same name."""
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "workers": 1,
            # What earlier runs learnt would make this one depend on them: each run starts anew.
            "cache": {"enabled": False},
            "headers": caller_headers(caller),
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
            # Each operation on its own: the stateful phase would chain calls through links
            # the documents do not declare.
            "phases": {"stateful": {"enabled": False}},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=config)

    @schema.hook("flatmap_path_parameters")
    def with_real_ids(context, path_parameters):
        if not path_parameters:
            return st.just(path_parameters)
        return st.fixed_dictionaries(
            {
                name: st.sampled_from([value, *real_ids.get(name, ())])
                for name, value in path_parameters.items()
            }
        )

    return schema


def fuzz(app, caller: str, real_ids: Mapping[str, Sequence[str]]) -> list[str]:
    """Fuzz every operation of ``app`` as ``caller``; each failure found, with how to
    reproduce it (an empty list when every check held)."""
    found: list[str] = []
    requests = 0
    for event in from_schema(fuzzed_schema(app, caller, real_ids)).execute():
        if isinstance(event, events.ScenarioFinished):
            requests += len(event.recorder.interactions)
            found.extend(_failures(event))
        elif isinstance(event, events.NonFatalError):
            found.append(f"{event.label}: {event.info.title}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            found.append(f"fuzzing stopped: {event.exception!r}")
    # A run that sent (almost) nothing proves nothing; one that failed stops each operation
    # at its first failure, and the failures say more.
    if not found:
        assert requests > 100, f"only {requests} requests were sent"
    return found


def _failures(event: events.ScenarioFinished) -> list[str]:
    failures = []
    for checks in event.recorder.checks.values():
        for check in checks:
            if check.status == Status.FAILURE and check.failure_info is not None:
                failure = check.failure_info.failure
                failures.append(
                    f"{event.label}: {check.name}: {failure.title}\n"
                    f"{failure.message}\n{check.failure_info.code_sample}"
                )
    return failures
