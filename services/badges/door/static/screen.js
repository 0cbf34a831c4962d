// The signed-in door screen: the scan field, the tools beside it (camera, search by name,
// direction, sign out) and the views of what the door says. It looks up the page's elements,
// forwards what staff do to the door and shows the door's events; it decides nothing.

import { Camera } from "./camera.js";
import { ConflictList } from "./conflicts.js";
import { Cues } from "./cues.js";
import { IdentityCheck, Search } from "./search.js";
import { leaveNotice, readSession } from "./session.js";
import { StatusView } from "./status.js";
import { VerdictView } from "./verdict.js";
import { t } from "./words.js";

const $ = (id) => document.getElementById(id);

// What the sign-in screen says when the server signed this device out, by the 401's code.
const SIGNED_OUT = {
  credential_revoked: t("This device was signed out: its credential was revoked."),
  signed_out: t("This device was signed out: its session was ended."),
  account_disabled: t("This device was signed out: its account is disabled."),
  expired: t("This device was signed out: its credential has expired."),
};

/** `zone` if the browser knows it as a time zone, else undefined (the device's zone then). */
function knownTimeZone(zone) {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/** The door's screen for one signed-in session, wired to its Door. */
export class DoorScreen {
  /** `door`: a Door; `config`: the page's (category colours, whether the decoder is served). */
  constructor(door, config) {
    this.door = door;
    this.code = $("code");
    // When Enter was pressed: the scan's start, for the scan-to-verdict time.
    this.enterAt = null;
    this.cues = new Cues();
    // The door's hours are told in the ceremony's time, whatever the device's clock says.
    const timeZone = knownTimeZone(readSession()?.timezone);
    this.verdict = new VerdictView($("verdict"), config.categories, { cues: this.cues, timeZone });
    this.status = new StatusView({
      network: $("network"),
      admitted: $("count-admitted"),
      inside: $("count-inside"),
    });
    this.conflicts = new ConflictList({ section: $("conflicts"), list: $("conflict-list") });
    const onCode = (text, at) => door.scan(text, at);
    this.camera = new Camera($("camera-video"), $("camera-status"), onCode, config.decoder);
    this.search = new Search(
      {
        panel: $("search"),
        form: $("search-form"),
        input: $("search-name"),
        status: $("search-status"),
        list: $("search-results"),
        check: new IdentityCheck({
          dialog: $("identity-check"),
          guest: $("identity-guest"),
          latin: $("identity-latin"),
        }),
      },
      {
        findGuests: (name) => door.findGuests(name),
        admit: (guest, startedAt) => door.admitByName(guest, startedAt),
        categoryLabel: (category) => this.verdict.label(category),
      },
    );
    door.addEventListener("verdict", ({ detail }) => this.verdict.show(detail.verdict, detail));
    door.addEventListener("change", ({ detail }) => this.status.render(detail));
    door.addEventListener("conflicts", ({ detail }) => this.conflicts.show(detail));
    door.addEventListener("signedout", ({ detail }) => this.signedOut(detail.code));
  }

  /** Replace the sign-in with the door, and give the scan field the focus. */
  show() {
    $("signin").hidden = true;
    $("door").hidden = false;
    $("ceremony-title").textContent = this.door.title;
    $("gate-name").textContent = this.door.gate || t("not named");
    this.wire();
    this.showDirection();
    this.showMuted();
    this.focusCode();
  }

  wire() {
    this.code.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.enterAt = event.timeStamp;
    });
    $("scan-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.code.value;
      this.code.value = "";
      const startedAt = this.enterAt ?? performance.now();
      this.enterAt = null;
      if (text.trim()) this.door.scan(text, startedAt);
    });
    // The code field keeps the focus, so that a USB scanner's typing always lands in it.
    document.addEventListener("focusout", () =>
      setTimeout(() => {
        if (!document.activeElement || document.activeElement === document.body) this.focusCode();
      }, 0),
    );
    $("verdict").addEventListener("click", () => this.focusCode());
    $("camera-toggle").addEventListener("click", () => this.toggleCamera());
    $("search-toggle").addEventListener("click", () => this.toggleSearch());
    $("direction").addEventListener("click", () => {
      this.door.setDirection(this.door.direction === "in" ? "out" : "in");
      this.showDirection();
      this.focusCode();
    });
    $("mute").addEventListener("click", () => {
      this.cues.setMuted(!this.cues.muted);
      this.showMuted();
      this.focusCode();
    });
    $("signout").addEventListener("click", () => this.signOut());
  }

  focusCode() {
    if (!this.search.open) this.code.focus({ preventScroll: true });
  }

  showDirection() {
    const direction = this.door.direction;
    const button = $("direction");
    button.dataset.direction = direction;
    button.setAttribute("aria-pressed", String(direction === "out"));
    button.textContent = direction === "in" ? t("Entering") : t("Leaving");
    $("door").dataset.direction = direction;
  }

  showMuted() {
    $("mute").setAttribute("aria-pressed", String(this.cues.muted));
  }

  async toggleCamera() {
    const button = $("camera-toggle");
    if (this.camera.running) {
      this.camera.stop();
    } else {
      $("camera").hidden = false;
      await this.camera.start();
    }
    button.setAttribute("aria-pressed", String(this.camera.running));
    $("camera-video").hidden = !this.camera.running;
    $("camera").hidden = !this.camera.running && !$("camera-status").textContent;
    // No on-screen keyboard over the video on a phone; a USB scanner still types.
    this.code.inputMode = this.camera.running ? "none" : "text";
    this.focusCode();
  }

  toggleSearch() {
    const open = !this.search.open;
    this.search.show(open);
    $("search-toggle").setAttribute("aria-pressed", String(open));
    if (!open) this.focusCode();
  }

  /** The server signed the door out, and it forgot what it kept: show the sign-in, saying so. */
  signedOut(code) {
    this.camera.stop();
    const why = SIGNED_OUT[code] || t("This device was signed out.");
    leaveNotice(`${why} ${t("The guest list and the scans kept on it have been wiped.")}`);
    window.location.reload();
  }

  async signOut() {
    const waiting = this.door.waiting;
    const question = t("Scans waiting to upload: %(count)s. They stay on this device. Sign out?", {
      count: waiting,
    });
    if (waiting && !window.confirm(question)) return;
    await this.door.signOut();
    window.location.reload();
  }
}
