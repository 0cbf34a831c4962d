// Offline scans the server answered otherwise once they were uploaded (e.g. a guest admitted
// here offline had come in through another gate meanwhile): the server's answer wins, and
// staff see what it was.

import { verdictWord } from "./verdict.js";
import { clockTime, t } from "./words.js";

/** The list of upload conflicts, newest first; each item carries the server's data-result. */
export class ConflictList {
  /** `elements`: section (hidden until the first conflict) and list. */
  constructor({ section, list }) {
    this.section = section;
    this.list = list;
  }

  /** Add conflicts, [{scan, answer}]: the scan as queued here, the server's answer to it. */
  show(conflicts) {
    if (!conflicts.length) return;
    for (const { scan, answer } of conflicts) {
      const item = document.createElement("li");
      const values = {
        name: (answer.guest && answer.guest.full_name) || scan.full_name || t("Unknown guest"),
        here: verdictWord(scan.local_result),
        time: clockTime(scan.scanned_at),
        server: verdictWord(answer.result),
        gate: answer.admitted_gate,
      };
      item.textContent = answer.admitted_gate
        ? t("%(name)s: %(here)s here offline at %(time)s; the server says %(server)s (came in through %(gate)s).", values)
        : t("%(name)s: %(here)s here offline at %(time)s; the server says %(server)s.", values);
      item.dataset.result = answer.result;
      this.list.prepend(item);
    }
    this.section.hidden = false;
  }
}
