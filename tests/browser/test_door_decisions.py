"""The door page's offline verdicts against the server's decision table (``checkin_cases``).

The same badge states are built on the server, the page fetches its scanner bundle as it does
after sign-in, and its own ``LocalDoor.decide`` (Ed25519 checked with WebCrypto) decides every
case; it must answer what the table says the offline door answers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.badges.service import SERVICE
from tests.badges.checkin_cases import (
    DECISION_CASES,
    SCANNED_TEXTS,
    Scanned,
    give_door_access,
    signing_key,
)
from tests.browser.door_harness import Ceremony, LiveBadges
from tests.conftest import SECRET, make_settings, migrated

pytestmark = pytest.mark.browser

# Runs in the page: a LocalDoor for the ceremony, with the bundle from the server (kept in
# memory, not in the page's IndexedDB), decides each scan; resolves to {name: verdict}.
DECIDE_EACH = """
const [ceremonyId, token, scans, done] = arguments;
Promise.all([import("/scan/assets/offline.js"), import("/scan/assets/api.js")])
  .then(async ([{ LocalDoor }, { Api }]) => {
    const store = { saveBundle: async () => {}, waitingScans: async () => [] };
    const local = new LocalDoor(store, ceremonyId);
    await local.refresh(new Api(token));
    if (!local.ready) throw new Error(local.problem);
    const verdicts = {};
    for (const [name, text, direction, gate, at] of scans) {
      const { result, reason = null } = await local.decide(text, direction, { gate, at });
      verdicts[name] = { result, reason };
    }
    return verdicts;
  })
  .then(done, (error) => done({ error: String(error) }));
"""


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return migrated(SERVICE, make_settings("badges", tmp_path_factory.mktemp("var")))


@pytest.fixture(scope="module")
def live(settings):
    live = LiveBadges(settings)
    yield live
    live.close()


@pytest.fixture(scope="module")
def now():
    """The time the table's door hours are set around; each case is decided at it (or ago)."""
    return datetime.now(UTC)


@pytest.fixture(scope="module")
def ceremonies(live, settings, now):
    """This door's ceremony, with the table's zones and door hours, and another one."""
    ceremony = Ceremony(live, settings, SECRET)
    give_door_access(ceremony.feed, ceremony.id, now)
    other = Ceremony(live, settings, SECRET)
    yield ceremony, other
    other.close()
    ceremony.close()


def scanned_text(ceremony: Ceremony, other_code: str, case) -> str:
    """Put a new badge of the ceremony in the case's state; the text the case scans from it."""
    registration_id = ceremony.guest(
        f"Table Guest {DECISION_CASES.index(case):02d}", category=case.category
    )
    code = ceremony.code(registration_id)
    if case.inside:
        assert ceremony.check_in(code, gate="North") == "admitted"
    if case.badge == "revoked":
        ceremony.cancel(registration_id)
    scanned = Scanned(
        code=code,
        ceremony_id=ceremony.id,
        other_ceremony_code=other_code,
        signing_key=signing_key(ceremony.live.database, SECRET, ceremony.id),
    )
    return SCANNED_TEXTS[case.text](scanned)


@pytest.fixture(scope="module")
def offline_verdicts(module_chromium, live, ceremonies, now):
    """Every case's verdict by the page's offline door, by case name."""
    ceremony, other = ceremonies
    other_code = other.code(other.guest("Other Guest"))
    scans = [
        [
            case.name,
            scanned_text(ceremony, other_code, case),
            case.direction,
            case.gate,
            (now - (case.ago or timedelta())).isoformat(),
        ]
        for case in DECISION_CASES
    ]
    module_chromium.get(f"{live.url}/scan")
    module_chromium.set_script_timeout(30)
    token = ceremony.staff_token()
    verdicts = module_chromium.execute_async_script(DECIDE_EACH, str(ceremony.id), token, scans)
    assert "error" not in verdicts, verdicts.get("error")
    return verdicts


@pytest.mark.parametrize("case", DECISION_CASES, ids=lambda case: case.name)
def test_the_offline_door_decides_each_case_of_the_table(offline_verdicts, case):
    verdict = offline_verdicts[case.name]
    assert (verdict["result"], verdict["reason"]) == case.offline_verdict
