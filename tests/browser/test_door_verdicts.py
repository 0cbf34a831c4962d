"""The door's verdicts as staff see, hear and feel them: each family of verdicts with its own
icon, word and colour (still apart in a red-green colour blindness simulation), sound and
vibration; the guest's seat and needs; the zone and door-hour refusals explained in the
ceremony's time, in each of the door's languages, at phone and desktop sizes, axe-clean.

The verdicts are the API's answers as the door receives them, shown by the page's own view.
"""

from __future__ import annotations

import itertools
import json
import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.by import By

from services.badges.service import SERVICE
from tests.badges.fixtures import at, ceremony_envelope, seating_envelope
from tests.browser.door_harness import Ceremony, DoorPage, LiveBadges
from tests.browser.guest_harness import DESKTOP, PHONE, GuestBrowser
from tests.conftest import SECRET, make_settings, migrated

pytestmark = pytest.mark.browser

#: The ceremony of these verdicts keeps Paris time (UTC+1 in winter, +2 in summer).
ZONE = "Europe/Paris"
LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar")
GUEST = {
    "full_name": "Amina Diallo",
    "honorific": "H.E.",
    "name_latin": None,
    "category": "speaker",
    "organisation": "Ministry of Foreign Affairs",
    "attention": True,
}
SEAT = {
    "id": "A:1:5",
    "section": "A",
    "kind": "rows",
    "row": "1",
    "number": 5,
    "block": "Dignitaries",
    "label": "Section A · Row 1 · Seat 5",
    "usher": "usher to Section A, row 1",
}
#: One answer per result code, shaped as the API gives it.
VERDICTS = {
    "admitted": {"guest": GUEST, "seat": SEAT, "accessible_seat": True},
    "already_admitted": {"guest": GUEST, "seat": SEAT, "accessible_seat": False},
    "not_inside": {"guest": GUEST},
    "revoked": {"guest": GUEST},
    "wrong_ceremony": {},
    "invalid": {"reason": "bad_signature"},
    "too_early": {"guest": GUEST, "seat": None, "accessible_seat": False},
    "too_late": {"guest": GUEST, "seat": None, "accessible_seat": False},
    "not_allowed_here": {
        "guest": GUEST,
        "seat": SEAT,
        "gate": "North",
        "zones": ["Hall", "VIP lounge"],
    },
    "exited": {"guest": GUEST},
    "error": {"message": "The server answered 500."},
}
FAMILIES = {
    "admitted": "admitted",
    "refused": "revoked",
    "attention": "already_admitted",
    "hours": "too_early",
    "zone": "not_allowed_here",
    "exited": "exited",
    "error": "error",
}

# Sound and vibration go to recorders instead of the speaker and the motor.
RECORDERS = """
window.__tones = [];
window.__vibrations = [];
class Param {
  constructor(log) { this.log = log; }
  setValueAtTime(value, at) { this.log.push({value, at}); }
  exponentialRampToValueAtTime(value, at) { this.log.push({value, at}); }
}
window.AudioContext = class {
  constructor() { this.currentTime = 0; this.state = "running"; this.destination = {}; }
  resume() { return Promise.resolve(); }
  createOscillator() {
    const tone = {wave: null, pitch: [], start: null, stop: null};
    window.__tones.push(tone);
    return {
      set type(wave) { tone.wave = wave; },
      frequency: new Param(tone.pitch),
      connect: (node) => node,
      start: (at) => { tone.start = at; },
      stop: (at) => { tone.stop = at; },
    };
  }
  createGain() { return {gain: new Param([]), connect: (node) => node}; }
};
Object.defineProperty(navigator, "vibrate", {
  configurable: true,
  value: (pattern) => { window.__vibrations.push(pattern); return true; },
});
"""
# Shows a verdict through the page's own view, in the ceremony's zone.
SHOW = (
    RECORDERS
    + """
const [verdict, zone, done] = arguments;
Promise.all([import("/scan/assets/verdict.js"), import("/scan/assets/cues.js")])
  .then(([{VerdictView}, {Cues}]) => {
    const config = JSON.parse(document.getElementById("door-config").textContent);
    window.__view = window.__view ||
      new VerdictView(document.getElementById("verdict"), config.categories,
                      {cues: new Cues(), timeZone: zone});
    window.__view.show(verdict, {});
    const element = document.getElementById("verdict");
    const icon = [...element.querySelectorAll(".verdict-icon svg")]
      .filter((svg) => getComputedStyle(svg).display !== "none");
    done({
      family: element.dataset.family,
      background: getComputedStyle(element).backgroundColor,
      icons: icon.map((svg) => ({family: svg.dataset.family, shape: svg.innerHTML})),
      word: document.getElementById("verdict-word").textContent,
      text: element.innerText,
      tones: window.__tones,
      vibrations: window.__vibrations,
    });
  })
  .catch((error) => done({error: String(error)}));
"""
)

# Machado, Oliveira and Fernandes (2009), severity 1, on linear RGB.
PROTANOPIA = (
    (0.152286, 1.052583, -0.204868),
    (0.114503, 0.786281, 0.099216),
    (-0.003882, -0.048116, 1.051998),
)
DEUTERANOPIA = (
    (0.367322, 0.860646, -0.227968),
    (0.280085, 0.672501, 0.047413),
    (-0.011820, 0.042940, 0.968881),
)


def linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def seen_with(matrix, css: str) -> tuple[float, float, float]:
    """The CIELAB colour of a CSS ``rgb(…)`` as a person with that colour blindness sees it."""
    red, green, blue = (linear(int(part)) for part in css[css.index("(") + 1 : -1].split(","))
    r, g, b = (min(1.0, max(0.0, m[0] * red + m[1] * green + m[2] * blue)) for m in matrix)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return migrated(SERVICE, make_settings("badges", tmp_path_factory.mktemp("var")))


@pytest.fixture(scope="module")
def live(settings):
    live = LiveBadges(settings)
    yield live
    live.close()


@pytest.fixture(scope="module")
def ceremony(live, settings):
    ceremony = Ceremony(live, settings, SECRET)
    yield ceremony
    ceremony.close()


@pytest.fixture
def person(module_chromium, live, axe_source) -> GuestBrowser:
    person = GuestBrowser(module_chromium, live.url, axe_source)
    person.resize(DESKTOP)
    return person


def show(person: GuestBrowser, result: str, **fields) -> dict:
    """Show the verdict ``result`` with ``fields`` on the open page; what it shows, plays and
    vibrates."""
    shown = person.driver.execute_async_script(SHOW, {"result": result, **fields}, ZONE)
    assert "error" not in shown, shown
    return shown


def plain(text: str) -> str:
    """Text without the isolates that keep each value in its own direction."""
    return text.replace("\u2068", "").replace("\u2069", "")


def test_each_family_has_its_own_icon_word_and_a_colour_apart_without_red_and_green(person):
    person.open("/scan?lang=en")
    shown = {result: show(person, result, **fields) for result, fields in VERDICTS.items()}

    assert len({verdict["word"] for verdict in shown.values()}) == len(VERDICTS)
    for verdict in shown.values():
        assert [icon["family"] for icon in verdict["icons"]] == [verdict["family"]]
    by_family = {verdict["family"]: verdict for verdict in shown.values()}
    assert set(by_family) == set(FAMILIES)
    assert len({verdict["icons"][0]["shape"] for verdict in by_family.values()}) == len(FAMILIES)
    for result, verdict in shown.items():
        assert verdict["background"] == by_family[verdict["family"]]["background"], result
    for matrix in (PROTANOPIA, DEUTERANOPIA):
        seen = {family: seen_with(matrix, v["background"]) for family, v in by_family.items()}
        for one, other in itertools.combinations(seen, 2):
            assert math.dist(seen[one], seen[other]) > 20, (one, other)
        # Today's olive for both: now far apart.
        assert math.dist(seen["admitted"], seen["refused"]) > 40


def test_each_family_sounds_and_vibrates_its_own_pattern_unless_muted(person):
    person.open("/scan?lang=en")
    played = {
        family: show(person, result, **VERDICTS[result]) for family, result in FAMILIES.items()
    }
    tunes = {
        family: json.dumps([(t["wave"], t["pitch"], t["stop"] - t["start"]) for t in v["tones"]])
        for family, v in played.items()
    }
    vibrations = {family: json.dumps(v["vibrations"]) for family, v in played.items()}
    assert all(played[family]["tones"] for family in FAMILIES)
    assert len(set(tunes.values())) == len(FAMILIES)
    assert len(set(vibrations.values())) == len(FAMILIES)
    (chirp,) = played["admitted"]["tones"]
    assert chirp["pitch"][-1]["value"] > chirp["pitch"][0]["value"]
    buzzes = played["refused"]["tones"]
    assert len(buzzes) == 2 and all(tone["pitch"][0]["value"] < 300 for tone in buzzes)

    person.driver.execute_script("localStorage.setItem('ceremony-door-muted', 'true')")
    person.open("/scan?lang=en")
    muted = show(person, "admitted", **VERDICTS["admitted"])
    assert (muted["tones"], muted["vibrations"]) == ([], [[80]])
    person.driver.execute_script("localStorage.removeItem('ceremony-door-muted')")


def door_time(at: datetime, today: str, other_day: str) -> str:
    local = at.astimezone(ZoneInfo(ZONE))
    same_day = local.date() == datetime.now(ZoneInfo(ZONE)).date()
    return (today if same_day else other_day).replace("TIME", local.strftime("%H:%M"))


def test_in_english_the_verdict_tells_seat_needs_zones_and_door_hours(person):
    person.open("/scan?lang=en")
    opens = (datetime.now(UTC) + timedelta(hours=1)).replace(second=0, microsecond=0)
    closed = datetime.now(UTC) - timedelta(days=14)
    needs = {**GUEST, "needs": "Wheelchair access"}

    admitted = show(person, "admitted", **{**VERDICTS["admitted"], "guest": needs})
    early = show(person, "too_early", **VERDICTS["too_early"], opens_at=opens.isoformat())
    late = show(person, "too_late", **VERDICTS["too_late"], closes_at=closed.isoformat())
    elsewhere = show(person, "not_allowed_here", **VERDICTS["not_allowed_here"])

    lines = plain(admitted["text"]).splitlines()
    assert "Section A · Row 1 · Seat 5" in lines
    assert "Usher to section A, row 1" in lines
    assert "Needs an accessible seat — Wheelchair access" in lines
    assert early["word"] == "Too early"
    assert door_time(opens, "The door opens at TIME.", "The door opens on") in plain(early["text"])
    assert "The door closed on" in plain(late["text"])
    assert closed.astimezone(ZoneInfo(ZONE)).strftime("%H:%M") in plain(late["text"])
    assert "Not allowed through gate North: the badge admits to Hall and VIP lounge." in plain(
        elsewhere["text"]
    )
    # The way to a seat is for a guest let in.
    assert "Seat" not in elsewhere["text"]


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_family_of_verdicts_passes_axe_and_fits_the_screen(person, size):
    person.resize(size)
    person.open("/scan?lang=en")
    for result in FAMILIES.values():
        show(person, result, **VERDICTS[result])
        person.check("en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_verdicts_speak_the_doors_language(person, language):
    person.resize(PHONE)
    person.open(f"/scan?lang={language}")
    words = json.loads(person.find("#door-words").get_attribute("textContent"))
    opens = (datetime.now(UTC) + timedelta(hours=1)).replace(second=0, microsecond=0)

    admitted = show(person, "admitted", **VERDICTS["admitted"])
    seat = plain(person.driver.find_element(By.ID, "verdict-seat").text)
    person.check(language)
    early = show(person, "too_early", **VERDICTS["too_early"], opens_at=opens.isoformat())
    elsewhere = show(person, "not_allowed_here", **VERDICTS["not_allowed_here"])

    template = words["Section %(section)s · Row %(row)s · Seat %(number)s"]
    assert seat == template % {"section": "A", "row": "1", "number": 5}
    assert words["Needs an accessible seat"] in admitted["text"]
    assert early["word"] == words["Too early"]
    assert opens.astimezone(ZoneInfo(ZONE)).strftime("%H:%M") in plain(early["text"])
    assert elsewhere["word"] == words["Not this gate"]
    assert "Hall" in elsewhere["text"] and "VIP lounge" in elsewhere["text"]


def signed_in(driver, base_url: str, token: str) -> DoorPage:
    """The door page signed in afresh with ``token`` (the tab forgets its earlier sign-in)."""
    door = DoorPage(driver, base_url)
    # In English whatever language an earlier test left the door in.
    driver.get(f"{base_url}/scan?lang=en")
    driver.execute_script("sessionStorage.clear()")
    door.sign_in(token, lang="en")
    return door


def test_the_doors_own_verdicts_name_the_seat_the_needs_and_the_zones(
    module_chromium, live, ceremony
):
    start = datetime.now(UTC).replace(microsecond=0)
    zones = [
        {"name": "Hall", "categories": ["guest"]},
        {"name": "Stage", "categories": ["speaker"]},
    ]
    gates = [
        {"gate": "Stage door", "zones": ["Stage"], "opens_at": None, "closes_at": None},
        {"gate": "Hall door", "zones": ["Hall"], "opens_at": start - timedelta(hours=1)},
    ]
    update = ceremony_envelope(
        ceremony.id, "ceremony.updated", sequence=1, zones=zones, gate_rules=gates
    )
    ceremony.feed.deliver(at(update, start + timedelta(seconds=1)))
    seated = ceremony.guest("Ada Guest", category="guest")
    ceremony.feed.deliver(seating_envelope(seated, ceremony.id, "A:1:5", accessible_seat=True))
    code = ceremony.code(seated)

    stage = signed_in(module_chromium, live.url, ceremony.staff_token(gate="Stage door")).scan(code)
    hall = signed_in(module_chromium, live.url, ceremony.staff_token(gate="Hall door")).scan(code)

    assert stage.result == "not_allowed_here"
    assert "Not allowed through gate Stage door: the badge admits to Hall." in plain(stage.text)
    assert "Seat" not in stage.text
    assert hall.result == "admitted"
    assert "Section A · Row 1 · Seat 5" in plain(hall.text)
    assert "Usher to section A, row 1" in plain(hall.text)
    assert "Needs an accessible seat" in hall.text
    module_chromium.execute_script("sessionStorage.clear()")


def test_the_mute_button_silences_scans_and_is_remembered(module_chromium, live, ceremony):
    code = ceremony.code(ceremony.guest("Jean Dupont"))
    # Before the page's own scripts, at every load.
    module_chromium.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDERS})
    door = signed_in(module_chromium, live.url, ceremony.staff_token())
    mute = module_chromium.find_element(By.ID, "mute")
    assert mute.get_attribute("aria-pressed") == "false"

    mute.click()
    module_chromium.refresh()
    door.wait.until(lambda d: door.network.get_attribute("data-ready") == "true")
    verdict = door.scan(code)

    assert module_chromium.find_element(By.ID, "mute").get_attribute("aria-pressed") == "true"
    assert verdict.result == "admitted"
    recorded = module_chromium.execute_script("return [window.__tones, window.__vibrations]")
    assert recorded == [[], [[80]]]
    module_chromium.execute_script("localStorage.clear(); sessionStorage.clear()")
