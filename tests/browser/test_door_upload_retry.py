"""An uploaded scan the server failed to record stays queued on the device, to be sent again."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

UPLOAD_WITH_ONE_NOT_RECORDED = """
const done = arguments[arguments.length - 1];
import("/scan/assets/offline.js").then(async ({ LocalDoor }) => {
  const scans = ["a", "b", "c"].map((nonce, n) => ({
    nonce, code: "X", direction: "in", scanned_at: `2030-01-01T10:0${n}:00Z`,
    local_result: "admitted", serial: nonce,
  }));
  let kept = scans.slice();
  const store = {
    waitingScans: async () => kept.slice(),
    removeScans: async (nonces) => { kept = kept.filter((s) => !nonces.includes(s.nonce)); },
  };
  // The server's answer: b could not be recorded (503), a and c were.
  const api = {
    request: async () => ({ status: 200, body: { results: [
      { nonce: "a", result: "admitted", status: 201 },
      { nonce: "b", result: "not_recorded", status: 503 },
      { nonce: "c", result: "admitted", status: 201 },
    ] } }),
  };
  const local = new LocalDoor(store, "ceremony");
  local.waiting = scans.slice();
  const conflicts = await local.upload(api);
  done({ kept: kept.map((s) => s.nonce), waiting: local.waiting.map((s) => s.nonce),
         conflicts: conflicts.length });
}).catch((error) => done({ error: String(error) }));
"""


def test_a_scan_not_recorded_stays_queued_and_the_others_go(door, live):
    door.driver.get(f"{live.url}/scan")
    outcome = door.driver.execute_async_script(UPLOAD_WITH_ONE_NOT_RECORDED)
    assert outcome == {"kept": ["b"], "waiting": ["b"], "conflicts": 0}
