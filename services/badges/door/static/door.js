// The door at work, apart from its page: online, the badges API decides every scan; when it
// cannot be reached, the door decides on its own from the scanner bundle and queues what it
// admitted for upload. It never touches the page, so that what the door decides does not
// depend on how it is shown: views call its methods and listen to its events,
//   "change"    detail: the door's `status` (network line and counters),
//   "verdict"   detail: {verdict, startedAt, offline}, a verdict to show,
//   "conflicts" detail: uploaded scans the server answered otherwise, [{scan, answer}],
//   "signedout" detail: {code}, the server refuses this credential for good (revoked, signed
//               out, disabled, expired); everything the door kept on the device is gone.

import { Api, Unreachable, newNonce } from "./api.js";
import { parseCode, serialOf } from "./codes.js";
import { LocalDoor, UploadRefused } from "./offline.js";
import { clearSession, writeSession } from "./session.js";
import { Store } from "./store.js";
import { serverRefusal, t } from "./words.js";

const CHECKIN_TIMEOUT_MS = 2500;
// How long after its ceremony ended a guest list may stay on the device.
const KEEP_AFTER_END_MS = 24 * 3600 * 1000;
// How often the door refreshes its bundle and counters online, and probes the server offline.
const SYNC_ONLINE_MS = 20000;
const SYNC_OFFLINE_MS = 5000;
// A count made here at once gives way to the server's figures this long after.
const RECOUNT_MS = 800;
// The verdicts that move the counters.
const COUNTED = new Set(["admitted", "exited"]);

/** One signed-in door: its session, network state, counters and offline knowledge. */
export class Door extends EventTarget {
  #session;
  #api;
  #local;
  #online;
  #counts = null;
  #problem = null;
  #syncTimer = null;
  #countTimer = null;
  // The code the server refused the credential with, once it has.
  #refusedWith = null;

  /** `session`: the signed-in session; `api`: an Api; `local`: a loaded LocalDoor. */
  constructor(session, { api, local, online }) {
    super();
    this.#session = { ...session, direction: session.direction || "in" };
    this.#api = api;
    this.#local = local;
    this.#online = online;
    api.onSignedOut = (code) => this.#signedOutByServer(code);
  }

  /** The door of a signed-in session, with what this device kept for its ceremony. */
  static async open(session, { online }) {
    const store = await Store.open();
    // A ceremony's guest list is of no use a day after it ended: it does not stay.
    await store.forgetEndedBundles(Date.now(), KEEP_AFTER_END_MS);
    const local = new LocalDoor(store, session.ceremonyId);
    await local.load();
    return new Door(session, { api: new Api(session.token), local, online });
  }

  /** The ceremony's title, for the screen's header. */
  get title() {
    return this.#session.title;
  }

  /** The gate this door scans at, or null when neither token nor staff named one. */
  get gate() {
    return this.#session.gate;
  }

  /** "in" or "out": what the next scan records. */
  get direction() {
    return this.#session.direction;
  }

  /** How many scans made offline wait for upload. */
  get waiting() {
    return this.#local.waiting.length;
  }

  /** What the network line and the counters show; `counts` include the scans not uploaded. */
  get status() {
    const local = this.#local;
    let counts = null;
    if (this.#counts) {
      const change = local.pendingChange;
      counts = {
        admitted: this.#counts.admitted + change.admitted,
        inside: Math.max(0, this.#counts.inside + change.inside),
      };
    }
    return {
      online: this.#online,
      ready: local.ready,
      // Why the door cannot give verdicts on its own, if it cannot.
      unready: local.problem,
      waiting: local.waiting.length,
      problem: this.#problem,
      counts,
    };
  }

  /** Sync now, then every little while. */
  async start() {
    await this.sync();
  }

  /** Record scans as entering ("in") or leaving ("out"); kept for this tab's reloads. */
  setDirection(direction) {
    this.#session.direction = direction;
    writeSession(this.#session);
  }

  /** Forget this tab's sign-in; scans waiting for upload stay on the device. */
  /** End this tab's session and forget the guest lists kept here (waiting scans stay). */
  async signOut() {
    clearSession();
    await this.#local.store.forgetBundles();
  }

  /** Give a verdict on a scanned text; `startedAt` is when it was scanned (performance.now()). */
  async scan(text, startedAt) {
    const { direction, gate } = this.#session;
    const nonce = newNonce();
    if (!this.#session.bound && this.#otherCeremony(text)) {
      // An unbound token's check-in is not tied to a ceremony: this door is.
      this.#show({ result: "wrong_ceremony" }, { startedAt });
      return;
    }
    if (this.#online) {
      const body = { code: text, direction, nonce, ...(gate ? { gate } : {}) };
      try {
        const answer = await this.#api.request("POST", "/api/checkins", body, CHECKIN_TIMEOUT_MS);
        this.#answered(answer, serialOf(text), startedAt);
        return;
      } catch (error) {
        if (!(error instanceof Unreachable)) throw error;
        this.goOffline();
      }
    }
    await this.#decideOffline(text, direction, nonce, startedAt);
  }

  /** Admit a guest found by name (online): the server uses the badge it has on file. */
  async admitByName(guest, startedAt) {
    const url = `/api/ceremonies/${this.#session.ceremonyId}/door-admissions`;
    const body = { registration_id: guest.registration_id, nonce: newNonce() };
    if (this.#session.gate) body.gate = this.#session.gate;
    try {
      const answer = await this.#api.request("POST", url, body, CHECKIN_TIMEOUT_MS);
      this.#answered(answer, guest.serial, startedAt);
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
      this.goOffline();
      const message = t("The network dropped: admit by name later.");
      this.#show({ result: "error", message }, { startedAt });
    }
  }

  /**
   * Guests whose name holds every word of `name`: the server's list online, else this device's.
   * Resolves to {guests, offline, error}; only guests found online can be admitted by name.
   */
  async findGuests(name) {
    if (this.#online) {
      const query = new URLSearchParams({ name });
      const url = `/api/ceremonies/${this.#session.ceremonyId}/door-guests?${query}`;
      try {
        const { status, body } = await this.#api.request("GET", url);
        if (status === 200) return { guests: body.guests, offline: false, error: null };
        return { guests: [], offline: false, error: serverRefusal(status, body, t("Search failed (%(status)s).", { status })) };
      } catch (error) {
        if (!(error instanceof Unreachable)) throw error;
        this.goOffline();
      }
    }
    return { guests: this.#local.findGuests(name), offline: true, error: null };
  }

  /** The network is gone (the browser says so, or a request failed): probe it more often. */
  goOffline() {
    this.#online = false;
    this.#changed();
    this.#scheduleSync();
  }

  /** Upload waiting scans, then refresh the bundle and counters; doubles as the offline probe. */
  async sync() {
    clearTimeout(this.#syncTimer);
    this.#problem = null;
    try {
      if (this.#local.waiting.length) await this.#uploadWaiting();
      await this.#local.refresh(this.#api);
      await this.#refreshCounts();
      this.#online = true;
    } catch (error) {
      if (error instanceof Unreachable) this.#online = false;
      else if (error instanceof UploadRefused) this.#problem = error.message;
      else throw error;
    } finally {
      this.#changed();
      this.#scheduleSync();
    }
  }

  #otherCeremony(text) {
    try {
      return parseCode(text).ceremonyId !== this.#session.ceremonyId;
    } catch {
      return false;
    }
  }

  /** The server refuses this credential for good: stop, and forget all the door kept here. */
  async #signedOutByServer(code) {
    if (this.#refusedWith) return;
    this.#refusedWith = code;
    clearTimeout(this.#syncTimer);
    clearTimeout(this.#countTimer);
    clearSession();
    try {
      await this.#local.store.forgetEverything();
    } finally {
      this.#emit("signedout", { code });
    }
  }

  /** Show the server's verdict and keep the local picture in step with it. */
  #answered({ status, body }, serial, startedAt) {
    // Signed out by the server: the screen is about to say so instead.
    if (this.#refusedWith) return;
    if (body && body.result) {
      this.#show(body, { startedAt });
      this.#local.note(serial, body.result, body.admitted_at || body.at, body.admitted_gate || body.gate);
      if (COUNTED.has(body.result)) this.#countChanged(body.result);
      return;
    }
    const message =
      status === 401 || status === 403
        ? t("The staff token was refused: sign out and sign in again.")
        : serverRefusal(status, body, t("The server answered %(status)s.", { status }));
    this.#show({ result: "error", message }, { startedAt });
  }

  async #decideOffline(text, direction, nonce, startedAt) {
    // Decided at the server's time as this device knows it: door hours are the server's.
    const at = this.#api.serverNow();
    const gate = this.#session.gate || null;
    const verdict = await this.#local.decide(text, direction, { gate, at });
    if (COUNTED.has(verdict.result)) {
      verdict.at = at;
      // Kept before the verdict shows: a reload or a crash right after it loses nothing.
      await this.#local.queue({
        nonce,
        code: text.trim().toUpperCase(),
        direction,
        gate,
        scanned_at: verdict.at,
        serial: verdict.serial,
        local_result: verdict.result,
        full_name: verdict.guest ? verdict.guest.full_name : null,
      });
    }
    this.#show(verdict, { startedAt, offline: true });
    this.#changed();
  }

  /** Upload the scans made offline; a refused upload keeps them and is tried again later. */
  async #uploadWaiting() {
    try {
      const conflicts = await this.#local.upload(this.#api);
      if (conflicts.length) this.#emit("conflicts", conflicts);
    } catch (error) {
      if (!(error instanceof UploadRefused)) throw error;
      this.#problem = t("Upload refused: %(reason)s", { reason: error.message });
    }
  }

  #scheduleSync() {
    clearTimeout(this.#syncTimer);
    if (this.#refusedWith) return;
    this.#syncTimer = setTimeout(() => this.sync(), this.#online ? SYNC_ONLINE_MS : SYNC_OFFLINE_MS);
  }

  async #refreshCounts() {
    const url = `/api/ceremonies/${this.#session.ceremonyId}/attendance`;
    const { status, body } = await this.#api.request("GET", url);
    if (status === 200) this.#counts = { admitted: body.admitted, inside: body.inside };
  }

  /** Count an admission or exit at once; the server's figures follow shortly. */
  #countChanged(result) {
    if (this.#counts) {
      const { admitted, inside } = this.#counts;
      if (result === "admitted") this.#counts = { admitted: admitted + 1, inside: inside + 1 };
      else this.#counts = { admitted, inside: Math.max(0, inside - 1) };
      this.#changed();
    }
    clearTimeout(this.#countTimer);
    this.#countTimer = setTimeout(
      () => this.#refreshCounts().then(() => this.#changed(), () => {}),
      RECOUNT_MS,
    );
  }

  #show(verdict, { startedAt, offline = false }) {
    this.#emit("verdict", { verdict, startedAt, offline });
  }

  #changed() {
    this.#emit("change", this.status);
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
