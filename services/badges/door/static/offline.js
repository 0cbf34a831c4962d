// The door's own knowledge, from the last scanner bundle and its own scans: enough to give a
// verdict when the network is down. Admissions and exits given offline wait in IndexedDB with
// their nonces and go up when the network returns; the server's answer to them wins.

import { CodeError, Verifier, canVerify } from "./codes.js";
import { t } from "./words.js";

const UPLOAD_BATCH = 200;

/** The server refused an upload as a whole (e.g. the token expired): the scans stay queued. */
export class UploadRefused extends Error {}

/** A name as a search compares it: without accents, in lower case (Fernández ~ fernandez). */
export function folded(text) {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
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
    if (status !== 200) throw new UploadRefused(body?.message || t("The guest list could not be loaded (%(status)s).", { status }));
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

  /** The verdict this door gives on its own, with the same result codes as the API. */
  async decide(text, direction) {
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
    if (direction === "out") return { result: inside ? "exited" : "not_inside", guest, serial };
    if (this.revoked.has(serial)) return { result: "revoked", guest, serial };
    if (inside) {
      const since = { admitted_at: inside.at, admitted_gate: inside.gate };
      return { result: "already_admitted", guest, serial, ...since };
    }
    return { result: "admitted", guest, serial };
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
      if (status !== 200) throw new UploadRefused(body?.message || t("The server answered %(status)s.", { status }));
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
    const words = folded(name).split(/\s+/).filter(Boolean);
    if (words.join("").length < 2) return [];
    const found = [];
    for (const guest of this.guests.values()) {
      const haystack = folded([guest.full_name, guest.name_latin].filter(Boolean).join(" "));
      if (words.every((word) => haystack.includes(word))) {
        found.push({ ...guest, inside: this.inside.has(guest.serial), status: "issued" });
      }
    }
    found.sort((a, b) => folded(a.full_name).localeCompare(folded(b.full_name)));
    return found.slice(0, limit);
  }
}
