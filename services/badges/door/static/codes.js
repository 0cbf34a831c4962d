// Badge codes as the badges service signs them (services/badges/signing/codes.py), checked in
// the browser so that the door still gives verdicts without the network. A scanned text is
// read exactly as the server reads it, so that both refuse it for the same reason.
//
// A code is 95 bytes written as 152 upper-case base32 characters without padding:
//   version (1) | key id (4) | ceremony id (16) | serial (10) | Ed25519 signature (64)
// and the signature covers the first 31 bytes.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const VERSION = 1;
const CODE_CHARS = 152;
const SIGNED_BYTES = 31;
// Room for what a scanner wraps around a code, as the server allows.
const MAX_INPUT_CHARS = CODE_CHARS + 64;
// What the server's str.strip() takes for whitespace. JavaScript's trim() differs: it keeps
// the separators U+001C to U+001F (a scanner may send a GS after the data) and U+0085, and
// drops U+FEFF, which the server keeps (and so refuses as not ASCII).
const SPACE = new Set(
  "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006" +
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000",
);

/** A scanned text that is not a valid code; `reason` is the server's word for it. */
export class CodeError extends Error {
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function uuidOf(bytes) {
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function base32Decode(text) {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of text) {
    buffer = (buffer << 5) | ALPHABET.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

function base64UrlDecode(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** The text without the whitespace around it, as the server's str.strip() leaves it. */
function stripped(text) {
  let start = 0;
  let end = text.length;
  while (start < end && SPACE.has(text[start])) start++;
  while (end > start && SPACE.has(text[end - 1])) end--;
  return text.slice(start, end);
}

/** Whether the text has more than `limit` characters, counted as the server counts them. */
function longerThan(text, limit) {
  if (text.length <= limit) return false;
  // A character outside the BMP is two UTF-16 units here, one character to the server.
  const pairs = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g);
  return text.length - (pairs ? pairs.length : 0) > limit;
}

/** The fields of a well-formed code, before its signature is checked; throws CodeError. */
export function parseCode(input) {
  if (longerThan(input, MAX_INPUT_CHARS)) throw new CodeError("too_long");
  const trimmed = stripped(input);
  if (!trimmed) throw new CodeError("empty");
  if (!/^\p{ASCII}*$/u.test(trimmed)) throw new CodeError("not_ascii");
  // Some USB scanners type with the wrong case; base32 has one case.
  const text = trimmed.toUpperCase();
  if (!/^[A-Z2-7]*$/.test(text)) throw new CodeError("bad_base32");
  if (text.length !== CODE_CHARS) throw new CodeError("wrong_length");
  const raw = base32Decode(text);
  if (raw[0] !== VERSION) throw new CodeError("unknown_version");
  return {
    kid: hex(raw.subarray(1, 5)),
    ceremonyId: uuidOf(raw.subarray(5, 21)),
    serial: hex(raw.subarray(21, SIGNED_BYTES)),
    signed: raw.slice(0, SIGNED_BYTES),
    signature: raw.slice(SIGNED_BYTES),
  };
}

/** The serial of a well-formed code, or null: what the door's local state is keyed by. */
export function serialOf(input) {
  try {
    return parseCode(input).serial;
  } catch {
    return null;
  }
}

/** Whether this browser verifies Ed25519 signatures (WebCrypto, in a secure context). */
export function canVerify() {
  return Boolean(globalThis.isSecureContext && globalThis.crypto && crypto.subtle);
}

/** Checks codes against one ceremony's public keys, from its scanner bundle. */
export class Verifier {
  constructor(ceremonyId, keys) {
    this.ceremonyId = ceremonyId;
    this.keys = keys;
  }

  /** A verifier for the Ed25519 keys of a scanner bundle (WebCrypto imports them). */
  static async fromBundle(bundle) {
    const keys = new Map();
    for (const key of bundle.keys) {
      if (key.algorithm !== "Ed25519") continue;
      const raw = base64UrlDecode(key.public_key);
      keys.set(key.kid, await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]));
    }
    return new Verifier(bundle.ceremony_id, keys);
  }

  /** The parsed code if it is genuine and for this ceremony; throws CodeError otherwise. */
  async verify(input) {
    const parsed = parseCode(input);
    if (parsed.ceremonyId !== this.ceremonyId) throw new CodeError("wrong_ceremony");
    const key = this.keys.get(parsed.kid);
    if (!key) throw new CodeError("unknown_key");
    const valid = await crypto.subtle.verify({ name: "Ed25519" }, key, parsed.signature, parsed.signed);
    if (!valid) throw new CodeError("bad_signature");
    return parsed;
  }
}
