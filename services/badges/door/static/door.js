// The door at work: online, the badges API decides every scan; when it cannot be reached, the
// page decides on its own from the scanner bundle and queues what it admitted for upload.

import { Api, Unreachable, newNonce } from "./api.js";
import { Camera } from "./camera.js";
import { parseCode, serialOf } from "./codes.js";
import { LocalDoor, UploadRefused } from "./offline.js";
import { Search } from "./search.js";
import { Store } from "./store.js";
import { clearSession, writeSession } from "./session.js";
import { VerdictView } from "./verdict.js";

const $ = (id) => document.getElementById(id);
const CHECKIN_TIMEOUT_MS = 2500;
// How often the door refreshes its bundle and counters online, and probes the server offline.
const SYNC_ONLINE_MS = 20000;
const SYNC_OFFLINE_MS = 5000;
const CLOCK = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

export class Door {
  /** `state`: the signed-in session; `config`: the page's (category colours, decoder). */
  constructor(state, config) {
    this.state = state;
    this.config = config;
    this.api = new Api(state.token);
    this.online = navigator.onLine;
    this.counts = null;
    this.problem = null;
    this.syncTimer = null;
    this.enterAt = null;
  }

  async start() {
    $("signin").hidden = true;
    $("door").hidden = false;
    $("ceremony-title").textContent = this.state.title;
    $("gate-name").textContent = this.state.gate || "not named";
    this.verdict = new VerdictView($("verdict"), this.config.categories);
    this.local = new LocalDoor(await Store.open(), this.state.ceremonyId);
    await this.local.load();
    const onCode = (text, at) => this.scan(text, at);
    this.camera = new Camera($("camera-video"), $("camera-status"), onCode, this.config.decoder);
    this.search = new Search(this, {
      panel: $("search"),
      form: $("search-form"),
      input: $("search-name"),
      status: $("search-status"),
      list: $("search-results"),
    });
    this.wire();
    this.setDirection(this.state.direction || "in");
    this.focusCode();
    window.addEventListener("offline", () => this.goOffline());
    window.addEventListener("online", () => this.sync());
    await this.sync();
  }

  wire() {
    const code = $("code");
    code.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.enterAt = event.timeStamp;
    });
    $("scan-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = code.value;
      code.value = "";
      const startedAt = this.enterAt ?? performance.now();
      this.enterAt = null;
      if (text.trim()) this.scan(text, startedAt);
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
      this.setDirection(this.state.direction === "in" ? "out" : "in");
      this.focusCode();
    });
    $("signout").addEventListener("click", () => this.signOut());
  }

  focusCode() {
    if (!this.search.open) $("code").focus({ preventScroll: true });
  }

  setDirection(direction) {
    this.state.direction = direction;
    writeSession(this.state);
    const button = $("direction");
    button.dataset.direction = direction;
    button.setAttribute("aria-pressed", String(direction === "out"));
    button.textContent = direction === "in" ? "Entering" : "Leaving";
    $("door").dataset.direction = direction;
  }

  /** Give a verdict on a scanned text; `startedAt` is when it was scanned (performance.now()). */
  async scan(text, startedAt) {
    const direction = this.state.direction;
    const nonce = newNonce();
    if (!this.state.bound && this.otherCeremony(text)) {
      // An unbound token's check-in is not tied to a ceremony: this door is.
      this.verdict.show({ result: "wrong_ceremony" }, { startedAt });
      return;
    }
    if (this.online) {
      const body = { code: text, direction, nonce, ...(this.state.gate ? { gate: this.state.gate } : {}) };
      try {
        const answer = await this.api.request("POST", "/api/checkins", body, CHECKIN_TIMEOUT_MS);
        this.answered(answer, serialOf(text), startedAt);
        return;
      } catch (error) {
        if (!(error instanceof Unreachable)) throw error;
        this.goOffline();
      }
    }
    await this.decideOffline(text, direction, nonce, startedAt);
  }

  otherCeremony(text) {
    try {
      return parseCode(text).ceremonyId !== this.state.ceremonyId;
    } catch {
      return false;
    }
  }

  /** Show the server's verdict and keep the local picture in step with it. */
  answered({ status, body }, serial, startedAt) {
    if (body && body.result) {
      this.verdict.show(body, { startedAt });
      this.local.note(serial, body.result, body.admitted_at || body.at, body.admitted_gate || body.gate);
      if (body.result === "admitted" || body.result === "exited") this.countChanged(body.result);
      return;
    }
    const message =
      status === 401 || status === 403
        ? "The staff token was refused: sign out and sign in again."
        : body?.message || `The server answered ${status}.`;
    this.verdict.show({ result: "error", message }, { startedAt });
  }

  async decideOffline(text, direction, nonce, startedAt) {
    const verdict = await this.local.decide(text, direction);
    if (verdict.result === "admitted" || verdict.result === "exited") {
      verdict.at = this.api.serverNow();
      await this.local.queue({
        nonce,
        code: text.trim().toUpperCase(),
        direction,
        gate: this.state.gate || null,
        scanned_at: verdict.at,
        serial: verdict.serial,
        local_result: verdict.result,
        full_name: verdict.guest ? verdict.guest.full_name : null,
      });
    }
    this.verdict.show(verdict, { startedAt, offline: true });
    this.render();
  }

  /** Admit a guest found by name (online): the server uses the badge it has on file. */
  async admitByName(guest, startedAt) {
    const url = `/api/ceremonies/${this.state.ceremonyId}/door-admissions`;
    const body = { registration_id: guest.registration_id, nonce: newNonce() };
    if (this.state.gate) body.gate = this.state.gate;
    try {
      this.answered(await this.api.request("POST", url, body, CHECKIN_TIMEOUT_MS), guest.serial, startedAt);
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
      this.goOffline();
      const message = "The network dropped: admit by name later.";
      this.verdict.show({ result: "error", message }, { startedAt });
    }
  }

  goOffline() {
    this.online = false;
    this.render();
    this.scheduleSync();
  }

  /** Upload waiting scans, then refresh the bundle and counters; doubles as the offline probe. */
  async sync() {
    clearTimeout(this.syncTimer);
    this.problem = null;
    try {
      if (this.local.waiting.length) await this.uploadWaiting();
      await this.local.refresh(this.api);
      await this.refreshCounts();
      this.online = true;
    } catch (error) {
      if (error instanceof Unreachable) this.online = false;
      else if (error instanceof UploadRefused) this.problem = error.message;
      else throw error;
    } finally {
      this.render();
      this.scheduleSync();
    }
  }

  /** Upload the scans made offline; a refused upload keeps them and is tried again later. */
  async uploadWaiting() {
    try {
      this.showConflicts(await this.local.upload(this.api));
    } catch (error) {
      if (!(error instanceof UploadRefused)) throw error;
      this.problem = `Upload refused: ${error.message}`;
    }
  }

  scheduleSync() {
    clearTimeout(this.syncTimer);
    this.syncTimer = setTimeout(() => this.sync(), this.online ? SYNC_ONLINE_MS : SYNC_OFFLINE_MS);
  }

  async refreshCounts() {
    const url = `/api/ceremonies/${this.state.ceremonyId}/attendance`;
    const { status, body } = await this.api.request("GET", url);
    if (status === 200) this.counts = { admitted: body.admitted, inside: body.inside };
  }

  /** Count an admission or exit at once; the server's figures follow shortly. */
  countChanged(result) {
    if (this.counts) {
      const { admitted, inside } = this.counts;
      if (result === "admitted") this.counts = { admitted: admitted + 1, inside: inside + 1 };
      else this.counts = { admitted, inside: Math.max(0, inside - 1) };
      this.render();
    }
    clearTimeout(this.countTimer);
    this.countTimer = setTimeout(() => this.refreshCounts().then(() => this.render(), () => {}), 800);
  }

  render() {
    const waiting = this.local.waiting.length;
    const network = $("network");
    network.dataset.state = this.online ? "online" : "offline";
    network.dataset.waiting = String(waiting);
    network.dataset.ready = String(this.local.ready);
    const parts = [this.online ? "Online" : "Offline"];
    if (!this.online && !this.local.ready) parts.push(this.local.problem);
    if (waiting) parts.push(`${waiting} scan${waiting === 1 ? "" : "s"} waiting to upload`);
    if (this.problem) parts.push(this.problem);
    network.textContent = parts.join(" · ");
    if (this.counts) {
      const change = this.local.pendingChange;
      $("count-admitted").textContent = String(this.counts.admitted + change.admitted);
      $("count-inside").textContent = String(Math.max(0, this.counts.inside + change.inside));
    }
  }

  showConflicts(conflicts) {
    if (!conflicts.length) return;
    const list = $("conflict-list");
    for (const { scan, answer } of conflicts) {
      const item = document.createElement("li");
      const who = (answer.guest && answer.guest.full_name) || scan.full_name || "Unknown guest";
      const when = new Date(scan.scanned_at).toLocaleTimeString([], CLOCK);
      const since = answer.admitted_gate ? ` (came in through ${answer.admitted_gate})` : "";
      item.textContent =
        `${who}: ${scan.local_result} here offline at ${when}; ` +
        `the server says ${answer.result}${since}.`;
      item.dataset.result = answer.result;
      list.prepend(item);
    }
    $("conflicts").hidden = false;
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
    $("code").inputMode = this.camera.running ? "none" : "text";
    this.focusCode();
  }

  toggleSearch() {
    const open = !this.search.open;
    this.search.show(open);
    $("search-toggle").setAttribute("aria-pressed", String(open));
    if (!open) this.focusCode();
  }

  signOut() {
    const waiting = this.local.waiting.length;
    const question = `${waiting} scans wait for upload; they stay on this device. Sign out?`;
    if (waiting && !window.confirm(question)) return;
    clearSession();
    window.location.reload();
  }
}
