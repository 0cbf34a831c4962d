// The badges API as the door calls it: bearer token, a time limit, and the server's clock.

/** The server could not be reached, did not answer in time, or failed: the door goes offline. */
export class Unreachable extends Error {}

/** The 401 codes that say this credential will never be accepted again: the device is signed out. */
export const SIGNED_OUT_CODES = new Set(["credential_revoked", "signed_out", "account_disabled", "expired"]);

/** A nonce for one scan: a retried or uploaded scan with it gets its first answer again. */
export function newNonce() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The badges API with one staff token; it follows the server's clock from its answers.
 * `onSignedOut(code)` runs when the server says the token is revoked, signed out or expired.
 */
export class Api {
  constructor(token, { onSignedOut = null } = {}) {
    this.token = token;
    this.onSignedOut = onSignedOut;
    // How far the server's clock is ahead of ours: offline scan times are told in its time.
    this.clockOffsetMs = 0;
  }

  /** The server's time now, as an ISO string. */
  serverNow() {
    return new Date(Date.now() + this.clockOffsetMs).toISOString();
  }

  /** Send a request; resolves to {status, body} for any answer below 500. */
  async request(method, path, body = undefined, timeoutMs = 4000) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response;
    try {
      response = await fetch(path, {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        signal: controller.signal,
      });
    } catch (error) {
      throw new Unreachable(error.name === "AbortError" ? "timeout" : "network");
    } finally {
      clearTimeout(timer);
    }
    this.noteClock(response.headers.get("Date"));
    if (response.status >= 500) throw new Unreachable(`status ${response.status}`);
    let parsed;
    try {
      parsed = await response.json();
    } catch {
      parsed = null;
    }
    if (response.status === 401 && this.onSignedOut && SIGNED_OUT_CODES.has(parsed?.code)) {
      this.onSignedOut(parsed.code);
    }
    return { status: response.status, body: parsed };
  }

  noteClock(header) {
    const server = header ? Date.parse(header) : NaN;
    if (Number.isNaN(server)) return;
    const offset = server - Date.now();
    // The header counts whole seconds: only a clock that is really off is corrected.
    this.clockOffsetMs = Math.abs(offset) > 5000 ? offset : 0;
  }
}
