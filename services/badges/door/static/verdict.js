// The full-screen verdict, readable from two metres, and the time from scan to verdict.
//
// The verdict element carries data-result (the API's result code), data-family (the kind of
// verdict: its colour, icon, sound and vibration), data-seq (one more at every verdict) and,
// once the verdict is painted, data-ms: milliseconds from the scan (the Enter key, the camera's
// decode, the Admit button) to the painted verdict.

import { clockTime, pageLanguage, shortDay, t } from "./words.js";

const WORDS = {
  admitted: t("Admitted"),
  already_admitted: t("Already inside"),
  revoked: t("Revoked"),
  wrong_ceremony: t("Wrong ceremony"),
  invalid: t("Invalid badge"),
  exited: t("Exit recorded"),
  not_inside: t("Not inside"),
  not_allowed_here: t("Not this gate"),
  too_early: t("Too early"),
  too_late: t("Too late"),
  error: t("Cannot check"),
};
// Told apart by more than colour, for staff who do not see red and green apart: each family
// has its own colour, icon, sound and vibration.
const FAMILIES = {
  admitted: "admitted",
  already_admitted: "attention",
  not_inside: "attention",
  revoked: "refused",
  wrong_ceremony: "refused",
  invalid: "refused",
  too_early: "hours",
  too_late: "hours",
  not_allowed_here: "zone",
  exited: "exited",
  error: "error",
};
const DETAILS = {
  revoked: t("This registration was cancelled. Do not admit."),
  wrong_ceremony: t("This badge is for another ceremony. Do not admit."),
  not_inside: t("This guest was not inside."),
};
const REASONS = {
  bad_signature: t("The signature is wrong: a forged or damaged badge."),
  unknown_key: t("Not signed by this ceremony's key."),
  unknown_badge: t("No such badge was issued."),
  wrong_length: t("Not a badge code (wrong length)."),
  bad_base32: t("Not a badge code."),
  empty: t("Nothing was scanned."),
  nonce_reused: t("This scan was already used for another badge."),
};
// How long a verdict stays before the door shows the scan screen again.
const HOLD_MS = { admitted: 3000, exited: 3000 };
const HOLD_REFUSAL_MS = 8000;
const QUEUED = new Set(["admitted", "exited"]);

/** A result code's word, in the page's language (the code itself when it has none). */
export function verdictWord(result) {
  return WORDS[result] || result;
}

/** The family of a result code: what its colour, icon, sound and vibration say. */
export function verdictFamily(result) {
  return FAMILIES[result] || "error";
}

/** A seat's name in the page's language: "Section A · Row 1 · Seat 5", "Table 3 · Seat 2". */
export function seatLabel(seat) {
  if (seat.kind === "tables") return t("Table %(table)s · Seat %(number)s", { table: seat.row, number: seat.number });
  return t("Section %(section)s · Row %(row)s · Seat %(number)s", seat);
}

/** Where the steward sends the guest: "Usher to section A, row 1". */
export function usherHint(seat) {
  if (seat.kind === "tables") return t("Usher to table %(table)s", { table: seat.row });
  return t("Usher to section %(section)s, row %(row)s", seat);
}

function setText(element, text) {
  element.textContent = text || "";
  element.hidden = !text;
}

/** The verdict element: shows one verdict at a time, and hides it after a while or a tap. */
export class VerdictView {
  /**
   * `categories`: the badge's category names and colours; `cues`: what sounds and vibrates
   * (a Cues); `timeZone`: the ceremony's, for the door's hours (the device's when unknown).
   */
  constructor(element, categories, { cues = null, timeZone = undefined } = {}) {
    this.element = element;
    this.categories = categories;
    this.cues = cues;
    this.timeZone = timeZone;
    this.part = (name) => element.querySelector(`#verdict-${name}`);
    this.timer = null;
    element.addEventListener("click", () => this.hide());
  }

  /** Show a verdict: the API's answer, or the door's own when offline. */
  show(verdict, { startedAt, offline = false }) {
    const { result } = verdict;
    const guest = verdict.guest || null;
    const family = verdictFamily(result);
    const element = this.element;
    element.dataset.result = result;
    element.dataset.family = family;
    element.dataset.attention = String(Boolean(guest && guest.attention));
    element.dataset.offline = String(offline);
    element.dataset.seq = String(Number(element.dataset.seq || 0) + 1);
    delete element.dataset.ms;

    for (const icon of element.querySelectorAll(".verdict-icon svg")) {
      icon.toggleAttribute("hidden", icon.dataset.family !== family);
    }
    setText(this.part("word"), verdictWord(result));
    const name = guest ? [guest.honorific, guest.full_name].filter(Boolean).join(" ") : "";
    const unlisted = result === "admitted" && offline ? t("Guest not in the offline list") : "";
    setText(this.part("name"), name || unlisted);
    // A name in a script the staff may not read, in Latin letters under it.
    setText(this.part("latin"), guest ? guest.name_latin : "");
    setText(this.part("organisation"), guest ? guest.organisation : "");
    this.showCategory(guest);
    this.showSeat(verdict, guest);
    setText(this.part("detail"), this.detail(verdict));
    const vip = this.part("vip");
    vip.hidden = !(guest && guest.attention);
    vip.textContent = vip.hidden ? "" : t("VIP · %(category)s · inform protocol", { category: this.label(guest.category) });
    const note = this.part("offline");
    note.hidden = !offline;
    // Only admissions and exits wait for the server; a refusal stands as given.
    note.textContent = QUEUED.has(result)
      ? t("Offline verdict: the server confirms it when the network returns.")
      : t("Offline verdict, checked on this device.");

    element.hidden = false;
    if (this.cues) this.cues.play(family);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.hide(), HOLD_MS[result] || HOLD_REFUSAL_MS);
    this.measure(startedAt, element.dataset.seq);
  }

  /** A category's name as the badge prints it. */
  label(category) {
    return (this.categories[category] || { label: category }).label;
  }

  showCategory(guest) {
    const band = this.part("category");
    const colours = guest && this.categories[guest.category];
    setText(band, guest ? this.label(guest.category) : "");
    band.style.backgroundColor = colours ? colours.fill : "";
    band.style.color = colours ? colours.text : "";
  }

  /** The seat and the usher's way to it, and what the guest needs; for a guest let in. */
  showSeat(verdict, guest) {
    const entering = verdict.result === "admitted" || verdict.result === "already_admitted";
    const seat = entering ? verdict.seat || (guest && guest.seat) || null : null;
    const accessible = Boolean(verdict.accessible_seat ?? (guest && guest.accessible_seat));
    setText(this.part("seat"), seat ? seatLabel(seat) : "");
    setText(this.part("usher"), seat ? usherHint(seat) : "");
    // Shown at any verdict: a guest in a wheelchair turned away still needs the way round.
    const needs = [accessible ? t("Needs an accessible seat") : "", guest && guest.needs].filter(Boolean);
    setText(this.part("needs"), needs.join(" — "));
  }

  detail(verdict) {
    const { result } = verdict;
    if (result === "already_admitted") {
      const at = verdict.admitted_at ? this.clock(verdict.admitted_at) : null;
      const gate = verdict.admitted_gate;
      if (at && gate) return t("Came in at %(time)s through %(gate)s.", { time: at, gate });
      if (at) return t("Came in at %(time)s.", { time: at });
      if (gate) return t("Came in through %(gate)s.", { gate });
      return t("Came in before the network dropped.");
    }
    if (result === "too_early") return this.doorTime(verdict.opens_at, "opens");
    if (result === "too_late") return this.doorTime(verdict.closes_at, "closed");
    if (result === "not_allowed_here") return this.zones(verdict);
    if (result === "invalid") return REASONS[verdict.reason] || t("Not a valid badge. Do not admit.");
    if (result === "error") return verdict.message;
    return DETAILS[result] || "";
  }

  /** "The door opens at 14:00", with the day when it is not today, in the ceremony's time. */
  doorTime(iso, which) {
    if (!iso) return which === "opens" ? t("The door is not open yet.") : t("The door is closed.");
    const time = this.clock(iso);
    const day = shortDay(iso, this.timeZone);
    const today = day === shortDay(new Date().toISOString(), this.timeZone);
    if (which === "opens") {
      return today
        ? t("The door opens at %(time)s.", { time })
        : t("The door opens on %(day)s at %(time)s.", { day, time });
    }
    return today
      ? t("The door closed at %(time)s.", { time })
      : t("The door closed on %(day)s at %(time)s.", { day, time });
  }

  /** Which zones the badge does admit to, for a guest at the wrong gate. */
  zones(verdict) {
    const zones = verdict.zones || [];
    const gate = verdict.gate;
    if (!zones.length) {
      return gate
        ? t("Not allowed through gate %(gate)s: the badge admits to no zone.", { gate })
        : t("Not allowed through this gate: the badge admits to no zone.");
    }
    const list = new Intl.ListFormat(pageLanguage, { type: "conjunction" }).format(zones);
    return gate
      ? t("Not allowed through gate %(gate)s: the badge admits to %(zones)s.", { gate, zones: list })
      : t("Not allowed through this gate: the badge admits to %(zones)s.", { zones: list });
  }

  clock(iso) {
    return clockTime(iso, this.timeZone);
  }

  /** Record data-ms once the verdict is painted (after the next frame). */
  measure(startedAt, seq) {
    if (startedAt === undefined) return;
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (this.element.dataset.seq === seq) {
          this.element.dataset.ms = (performance.now() - startedAt).toFixed(1);
        }
      }, 0),
    );
  }

  /** Back to the scan screen. */
  hide() {
    clearTimeout(this.timer);
    this.element.hidden = true;
  }
}
