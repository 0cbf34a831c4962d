// Offline scans the server answered otherwise once they were uploaded (e.g. a guest admitted
// here offline had come in through another gate meanwhile): the server's answer wins, and
// staff see what it was.

const CLOCK = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

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
      const who = (answer.guest && answer.guest.full_name) || scan.full_name || "Unknown guest";
      const when = new Date(scan.scanned_at).toLocaleTimeString([], CLOCK);
      const since = answer.admitted_gate ? ` (came in through ${answer.admitted_gate})` : "";
      item.textContent =
        `${who}: ${scan.local_result} here offline at ${when}; ` +
        `the server says ${answer.result}${since}.`;
      item.dataset.result = answer.result;
      this.list.prepend(item);
    }
    this.section.hidden = false;
  }
}
