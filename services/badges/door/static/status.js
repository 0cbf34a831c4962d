// The door's status line and counters: online or offline, scans waiting for upload, what went
// wrong, and how many guests were admitted and are inside.
//
// The status line carries data-state ("online", "offline"), data-waiting (scans not uploaded)
// and data-ready (whether the door can give verdicts on its own).

import { t } from "./words.js";

/** Shows the Door's `status` (its "change" event) in the page's header. */
export class StatusView {
  /** `elements`: network (the status line), admitted and inside (the counters). */
  constructor({ network, admitted, inside }) {
    this.network = network;
    this.admitted = admitted;
    this.inside = inside;
  }

  /** Show one status of the door. */
  render({ online, ready, unready, waiting, problem, counts }) {
    const network = this.network;
    network.dataset.state = online ? "online" : "offline";
    network.dataset.waiting = String(waiting);
    network.dataset.ready = String(ready);
    const parts = [online ? t("Online") : t("Offline")];
    if (!online && !ready) parts.push(unready);
    if (waiting) parts.push(t("Waiting to upload: %(count)s", { count: waiting }));
    if (problem) parts.push(problem);
    network.textContent = parts.join(" · ");
    if (counts) {
      this.admitted.textContent = String(counts.admitted);
      this.inside.textContent = String(counts.inside);
    }
  }
}
