// What the door keeps in IndexedDB, so that a reload or a dropped network loses nothing:
//   bundles: the last scanner bundle of each ceremony (public keys, revoked serials, guests)
//   scans:   scans given a verdict offline, waiting for upload, keyed by their nonce
// Signing out forgets the bundles; a credential the server refuses for good forgets both.

const DB_NAME = "ceremony-door";
const DB_VERSION = 1;

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function committed(transaction) {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

/** The door's IndexedDB database. */
export class Store {
  constructor(db) {
    this.db = db;
  }

  /** Open the database, creating its object stores on first use. */
  static async open() {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("bundles", { keyPath: "ceremony_id" });
      const scans = db.createObjectStore("scans", { keyPath: "nonce" });
      scans.createIndex("ceremony_id", "ceremony_id");
    };
    return new Store(await done(request));
  }

  /** The last bundle kept for a ceremony, or null. */
  async bundle(ceremonyId) {
    const store = this.db.transaction("bundles").objectStore("bundles");
    return (await done(store.get(ceremonyId))) || null;
  }

  /** Keep a bundle in place of the ceremony's previous one. */
  async saveBundle(bundle) {
    const transaction = this.db.transaction("bundles", "readwrite");
    transaction.objectStore("bundles").put(bundle);
    await committed(transaction);
  }

  /** Forget every guest list: nothing about guests stays on a device no one is signed in to. */
  async forgetBundles() {
    const transaction = this.db.transaction("bundles", "readwrite");
    transaction.objectStore("bundles").clear();
    await committed(transaction);
  }

  /** Forget everything kept here, guest lists and waiting scans: the device was signed out by
   * the server (revoked, or its account disabled), so nothing it holds may stay on it. */
  async forgetEverything() {
    const transaction = this.db.transaction(["bundles", "scans"], "readwrite");
    transaction.objectStore("bundles").clear();
    transaction.objectStore("scans").clear();
    await committed(transaction);
  }

  /** Forget the guest lists of ceremonies that ended more than `afterMs` before `now`. */
  async forgetEndedBundles(now, afterMs) {
    const transaction = this.db.transaction("bundles", "readwrite");
    const store = transaction.objectStore("bundles");
    for (const bundle of await done(store.getAll())) {
      const ended = Date.parse(bundle.ends_at);
      if (!Number.isNaN(ended) && ended + afterMs < now) store.delete(bundle.ceremony_id);
    }
    await committed(transaction);
  }

  /** Keep a scan for upload; it is stored before its verdict is shown. */
  async addScan(scan) {
    const transaction = this.db.transaction("scans", "readwrite");
    transaction.objectStore("scans").put(scan);
    await committed(transaction);
  }

  /** The ceremony's waiting scans, in the order they were made. */
  async waitingScans(ceremonyId) {
    const index = this.db.transaction("scans").objectStore("scans").index("ceremony_id");
    const scans = await done(index.getAll(ceremonyId));
    return scans.sort((a, b) => a.scanned_at.localeCompare(b.scanned_at));
  }

  /** Forget uploaded scans, by nonce. */
  async removeScans(nonces) {
    const transaction = this.db.transaction("scans", "readwrite");
    const store = transaction.objectStore("scans");
    for (const nonce of nonces) store.delete(nonce);
    await committed(transaction);
  }
}
