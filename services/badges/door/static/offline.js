// The door's own knowledge, from the last scanner bundle and its own scans: enough to give a
// verdict when the network is down. Admissions and exits given offline wait in IndexedDB with
// their nonces and go up when the network returns; the server's answer to them wins.

import { CodeError, Verifier, canVerify } from "./codes.js";
import { folded, nameMatches } from "./search.js";
import { serverRefusal, t } from "./words.js";

const UPLOAD_BATCH = 200;

/** An ISO time from the bundle as a Date; null stays null. */
function instant(text) {
  return text ? new Date(text) : null;
}

/** The server refused an upload as a whole (e.g. the token expired): the scans stay queued. */
export class UploadRefused extends Error {}

/** A gate's name as rules match it: spaces collapsed, in lower case (as the server does). */
export function gateKey(gate) {
  return gate.trim().split(/\s+/).join(" ").toLowerCase();
}

/** What one ceremony's door knows on this device, and the verdicts it gives from that alone. */
export class LocalDoor {
  constructor(store, ceremonyId) {
    this.store = store;
    this.ceremonyId = ceremonyId;
    this.verifier = null;
    // Why offline verdicts cannot be given, if they cannot.
    this.problem = t("No offline list yet: it loads from the server after sign-in.");
    this.guests = new Map();
    this.revoked = new Set();
    this.inside = new Map();
    // The ceremony's zones, and its gates' rules by gateKey (times as Dates).
    this.zones = [];
    this.gateRules = new Map();
    this.waiting = [];
    this.uploading = null;
  }

  /** Whether the door can give verdicts on its own. */
  get ready() {
    return this.verifier !== null;
  }

  /** Admissions and exits made offline, not uploaded yet: for the counters. */
  get pendingChange() {
    const admitted = this.waiting.filter((scan) => scan.direction === "in").length;
    return { admitted, inside: admitted - (this.waiting.length - admitted) };
  }

  /** Take up what this device kept: the last bundle and the scans waiting for upload. */
  async load() {
    const bundle = await this.store.bundle(this.ceremonyId);
    if (bundle) await this.adopt(bundle);
    else this.waiting = await this.store.waitingScans(this.ceremonyId);
  }

  /** Fetch a fresh bundle and keep it. */
  async refresh(api) {
    const { status, body } = await api.request("GET", `/api/ceremonies/${this.ceremonyId}/scanner-bundle`);
    if (status !== 200) throw new UploadRefused(serverRefusal(status, body, t("The guest list could not be loaded (%(status)s).", { status })));
    await this.store.saveBundle(body);
    await this.adopt(body);
  }

  /** Take a bundle as what the door knows, with the scans still waiting here laid on top. */
  async adopt(bundle) {
    if (!canVerify()) {
      this.problem = t("Offline checks need the page over HTTPS (WebCrypto).");
    } else {
      try {
        this.verifier = await Verifier.fromBundle(bundle);
      } catch {
        this.problem = t("This browser cannot verify Ed25519 signatures: no offline checks.");
      }
    }
    this.guests = new Map(bundle.guests.map((guest) => [guest.serial, guest]));
    this.revoked = new Set(bundle.revoked);
    this.zones = bundle.zones || [];
    this.gateRules = new Map(
      (bundle.gate_rules || []).map((rule) => [
        gateKey(rule.gate),
        { ...rule, opens: instant(rule.opens_at), closes: instant(rule.closes_at) },
      ]),
    );
    this.inside = new Map();
    for (const guest of bundle.guests) {
      if (guest.inside) this.inside.set(guest.serial, { at: null, gate: null });
    }
    // The bundle does not know the scans still waiting here: lay them on top, in order.
    this.waiting = await this.store.waitingScans(this.ceremonyId);
    for (const scan of this.waiting) this.note(scan.serial, scan.local_result, scan.scanned_at, scan.gate);
  }

  /** Keep the local picture in step with a verdict, given here or by the server. */
  note(serial, result, at, gate) {
    if (!serial) return;
    if (result === "admitted") this.inside.set(serial, { at, gate });
    else if (result === "already_admitted" && !this.inside.has(serial)) this.inside.set(serial, { at, gate });
    else if (result === "exited" || result === "not_inside") this.inside.delete(serial);
    else if (result === "revoked") this.revoked.add(serial);
  }

  /**
   * The verdict this door gives on its own, with the same result codes as the API: a scan of
   * `text` going `direction` at `gate` (null: none) at `at` (ISO text; now if not given).
   */
  async decide(text, direction, { gate = null, at = null } = {}) {
    if (!this.verifier) return { result: "error", message: this.problem };
    let parsed;
    try {
      parsed = await this.verifier.verify(text);
    } catch (error) {
      if (!(error instanceof CodeError)) throw error;
      if (error.reason === "wrong_ceremony") return { result: "wrong_ceremony" };
      return { result: "invalid", reason: error.reason };
    }
    const serial = parsed.serial;
    const guest = this.guests.get(serial) || null;
    const inside = this.inside.get(serial);
    const seat = guest?.seat ?? null;
    const known = { guest, serial, seat, accessible_seat: Boolean(guest?.accessible_seat) };
    // Leaving is never refused by zones or hours.
    if (direction === "out") return { result: inside ? "exited" : "not_inside", ...known };
    if (this.revoked.has(serial)) return { result: "revoked", ...known };
    const refused = this.refusal(gate, guest?.category ?? null, at ? new Date(at) : new Date());
    if (refused) return { ...refused, ...known };
    if (inside) {
      const since = { admitted_at: inside.at, admitted_gate: inside.gate };
      return { result: "already_admitted", ...known, ...since };
    }
    return { result: "admitted", ...known };
  }

  /** The hours a scan at `gate` may admit in, [opens, closes] (null: no limit that side). */
  hours(gate) {
    if (gate) {
      const rule = this.gateRules.get(gateKey(gate));
      return rule ? [rule.opens, rule.closes] : [null, null];
    }
    // No gate named: from the earliest opening to the latest closing of all the ruled gates.
    const rules = [...this.gateRules.values()];
    if (!rules.length) return [null, null];
    const opens = rules.map((rule) => rule.opens);
    const closes = rules.map((rule) => rule.closes);
    return [
      opens.includes(null) ? null : new Date(Math.min(...opens)),
      closes.includes(null) ? null : new Date(Math.max(...closes)),
    ];
  }

  /**
   * Why a holder of `category` may not come in at `gate` at `at`, as the server answers it;
   * null if they may. A guest not in the bundle (category null) is held to the hours only:
   * the server's answer to the upload decides the rest.
   */
  refusal(gate, category, at) {
    const [opens, closes] = this.hours(gate);
    if (opens && at < opens) return { result: "too_early", opens_at: opens.toISOString() };
    if (closes && at >= closes) return { result: "too_late", closes_at: closes.toISOString() };
    const rule = gate ? this.gateRules.get(gateKey(gate)) : null;
    if (!rule || category === null) return null;
    const leadsInto = new Set(rule.zones.map((zone) => zone.toLowerCase()));
    const allowed = this.zones.filter((zone) => zone.categories.includes(category)).map((zone) => zone.name);
    if (allowed.some((zone) => leadsInto.has(zone.toLowerCase()))) return null;
    return { result: "not_allowed_here", zones: allowed };
  }

  /** Keep an offline admission or exit for upload, then count it here. */
  async queue(scan) {
    await this.store.addScan({ ...scan, ceremony_id: this.ceremonyId });
    this.waiting.push(scan);
    this.note(scan.serial, scan.local_result, scan.scanned_at, scan.gate);
  }

  /** Upload the waiting scans, once at a time; resolves to the conflicts the server found. */
  upload(api) {
    if (!this.uploading) {
      this.uploading = this.sendWaiting(api).finally(() => {
        this.uploading = null;
      });
    }
    return this.uploading;
  }

  async sendWaiting(api) {
    const scans = await this.store.waitingScans(this.ceremonyId);
    const conflicts = [];
    for (let start = 0; start < scans.length; start += UPLOAD_BATCH) {
      const batch = scans.slice(start, start + UPLOAD_BATCH);
      const payload = batch.map(({ code, direction, nonce, scanned_at, gate }) => ({
        code,
        direction,
        nonce,
        scanned_at,
        ...(gate ? { gate } : {}),
      }));
      const url = `/api/ceremonies/${this.ceremonyId}/offline-scans`;
      const { status, body } = await api.request("POST", url, { scans: payload }, 20000);
      if (status !== 200) throw new UploadRefused(serverRefusal(status, body, t("The server answered %(status)s.", { status })));
      // A scan the server failed to record (5xx) stays queued: its nonce makes sending it
      // again safe. Every other answer is final.
      const recorded = batch.filter((scan, index) => body.results[index].status < 500);
      body.results.forEach((answer, index) => {
        if (answer.status < 500 && answer.result !== batch[index].local_result) {
          conflicts.push({ scan: batch[index], answer });
        }
      });
      await this.store.removeScans(recorded.map((scan) => scan.nonce));
      const sent = new Set(recorded.map((scan) => scan.nonce));
      this.waiting = this.waiting.filter((scan) => !sent.has(scan.nonce));
    }
    return conflicts;
  }

  /**
   * Guests of the bundle whose name, or its Latin transliteration, holds every word of `name`
   * (the offline search).
   */
  findGuests(name, limit = 20) {
    const found = [];
    for (const guest of this.guests.values()) {
      if (nameMatches(guest, name)) {
        found.push({ ...guest, inside: this.inside.has(guest.serial), status: "issued" });
      }
    }
    found.sort((a, b) => folded(a.full_name).localeCompare(folded(b.full_name)));
    return found.slice(0, limit);
  }
}
