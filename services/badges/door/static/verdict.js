// The full-screen verdict, readable from two metres, and the time from scan to verdict.
//
// The verdict element carries data-result (the API's result code), data-seq (one more at every
// verdict) and, once the verdict is painted, data-ms: milliseconds from the scan (the Enter key,
// the camera's decode, the Admit button) to the painted verdict.

import { clockTime, t } from "./words.js";

const WORDS = {
  admitted: t("Admitted"),
  already_admitted: t("Already inside"),
  revoked: t("Revoked"),
  wrong_ceremony: t("Wrong ceremony"),
  invalid: t("Invalid badge"),
  exited: t("Exit recorded"),
  not_inside: t("Not inside"),
  error: t("Cannot check"),
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

function clock(iso) {
  return iso ? clockTime(iso) : null;
}

function setText(element, text) {
  element.textContent = text || "";
  element.hidden = !text;
}

/** The verdict element: shows one verdict at a time, and hides it after a while or a tap. */
export class VerdictView {
  constructor(element, categories) {
    this.element = element;
    this.categories = categories;
    this.part = (name) => element.querySelector(`#verdict-${name}`);
    this.timer = null;
    element.addEventListener("click", () => this.hide());
  }

  /** Show a verdict: the API's answer, or the door's own when offline. */
  show(verdict, { startedAt, offline = false }) {
    const { result } = verdict;
    const guest = verdict.guest || null;
    const element = this.element;
    element.dataset.result = result;
    element.dataset.attention = String(Boolean(guest && guest.attention));
    element.dataset.offline = String(offline);
    element.dataset.seq = String(Number(element.dataset.seq || 0) + 1);
    delete element.dataset.ms;

    setText(this.part("word"), verdictWord(result));
    const name = guest ? [guest.honorific, guest.full_name].filter(Boolean).join(" ") : "";
    const unlisted = result === "admitted" && offline ? t("Guest not in the offline list") : "";
    setText(this.part("name"), name || unlisted);
    // A name in a script the staff may not read, in Latin letters under it.
    setText(this.part("latin"), guest ? guest.name_latin : "");
    setText(this.part("organisation"), guest ? guest.organisation : "");
    this.showCategory(guest);
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

  detail(verdict) {
    if (verdict.result === "already_admitted") {
      const at = clock(verdict.admitted_at);
      const gate = verdict.admitted_gate;
      if (at && gate) return t("Came in at %(time)s through %(gate)s.", { time: at, gate });
      if (at) return t("Came in at %(time)s.", { time: at });
      if (gate) return t("Came in through %(gate)s.", { gate });
      return t("Came in before the network dropped.");
    }
    if (verdict.result === "invalid") return REASONS[verdict.reason] || t("Not a valid badge. Do not admit.");
    if (verdict.result === "error") return verdict.message;
    return DETAILS[verdict.result] || "";
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
