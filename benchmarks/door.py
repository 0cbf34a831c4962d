"""Door page benchmark: scan-to-verdict time in a real headless Chromium, online and offline.

Serves the badges app on a loopback port (SQLite, one thread per request), issues badges
through its own event handlers, signs in on ``/scan`` and enters codes as a USB scanner ends
them, with Enter. The page measures each scan itself: from the Enter key to the verdict painted
(``data-ms`` on the verdict element). Every scan is a badge's first, so every verdict is an
admission. Then the network is cut (DevTools emulation), as many badges are admitted by the page
alone (signature checked with WebCrypto, scan queued in IndexedDB), and the time the queue
takes to upload once the network returns is printed too.

Needs Chromium and chromedriver (Debian: chromium, chromium-driver), as the browser tests do.

    python -m benchmarks.door [--scans 100]
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

from benchmarks.load import machine
from services.badges.service import SERVICE
from tests.browser.door_harness import (
    Ceremony,
    DoorPage,
    LiveBadges,
    chromium,
    missing_browser,
    percentile,
)
from tests.conftest import SECRET, make_settings, migrated

#: The target the door page is built to: a verdict well under a second, ideally under this.
TARGET_MS = 150.0


def figures(label: str, timings: list[float]) -> str:
    """One line: percentiles of the scan-to-verdict times."""
    return (
        f"{label:<30} p50 {percentile(timings, 50):6.1f} ms  p95 {percentile(timings, 95):6.1f} ms"
        f"  max {max(timings):6.1f} ms  ({len(timings)} scans, target < {TARGET_MS:.0f} ms)"
    )


def run(scans: int, workdir: Path) -> list[str]:
    """Scan ``scans`` badges online, then as many offline, and upload them; the figures."""
    settings = migrated(SERVICE, make_settings("badges", workdir / "var", log_level="WARNING"))
    live = LiveBadges(settings)
    ceremony = Ceremony(live, settings, SECRET)
    driver = None
    try:
        codes = [ceremony.code(ceremony.guest(f"Guest Number {n:04d}")) for n in range(2 * scans)]
        driver = chromium(workdir / "profile")
        door = DoorPage(driver, live.url)
        door.sign_in(ceremony.staff_token())
        online = [door.scan_entered(code) for code in codes[:scans]]
        door.set_offline(True)
        door.wait.until(lambda d: door.network.get_attribute("data-state") == "offline")
        offline = [door.scan_entered(code) for code in codes[scans:]]
        started = time.perf_counter()
        door.set_offline(False)
        door.wait.until(lambda d: door.network.get_attribute("data-waiting") == "0")
        upload_seconds = time.perf_counter() - started
        admitted = ceremony.attendance()["admitted"]
    finally:
        if driver is not None:
            driver.quit()
        ceremony.close()
        live.close()
    results = {verdict.result for verdict in online + offline}
    return [
        figures("online (API decides)", [verdict.ms for verdict in online]),
        figures("offline (page decides)", [verdict.ms for verdict in offline]),
        f"{'upload when the network returns':<30} {upload_seconds:6.2f} s for {scans} scans; "
        f"server counts {admitted} admitted of {2 * scans}",
        f"verdicts seen: {', '.join(sorted(results))}",
    ]


def main() -> None:
    """Run the measurements and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scans", type=int, default=100)
    args = parser.parse_args()
    missing = missing_browser()
    if missing:
        raise SystemExit(f"benchmarks.door: {missing} is not installed")
    # One line per request from the development server would bury the figures.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="door-bench-") as workdir:
        lines = run(args.scans, Path(workdir))
    print(f"machine: {machine()}")
    print("door page: scan-to-verdict in headless Chromium (Enter key to painted verdict)")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
