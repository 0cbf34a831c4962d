// The words the scripts show, in the page's language. The page writes them into its
// "door-words" data island, each keyed by its English; a word missing there is shown in English.

const island = document.getElementById("door-words");
const WORDS = island ? JSON.parse(island.textContent) : {};
// Unicode's first-strong isolate and its end: a value keeps its own direction in a sentence.
const ISOLATE = "\u2068";
const END_ISOLATE = "\u2069";

/** The page's language (its `<html lang>`), for times. */
export const pageLanguage = document.documentElement.lang || "en";

/**
 * `english` in the page's language, each `%(name)s` in it replaced by `values[name]`, isolated
 * so that a name, gate or time written the other way does not scramble the sentence.
 */
export function t(english, values = {}) {
  const text = Object.hasOwn(WORDS, english) ? WORDS[english] : english;
  return text.replace(/%\((\w+)\)s/g, (placeholder, name) =>
    Object.hasOwn(values, name) ? isolated(values[name]) : placeholder,
  );
}

/**
 * What a request the server refused (a 4xx without a verdict) means, in the page's language.
 * The server's own message is English: it is shown on an English page, where it says most;
 * elsewhere `fallback`, the caller's sentence in the page's language with the status.
 */
export function serverRefusal(status, body, fallback) {
  if (status === 429) return t("Too many requests from this device: wait a moment and try again.");
  if (status === 413) return t("What this device sent is too large for the server.");
  if (pageLanguage === "en" && typeof body?.message === "string" && body.message) return body.message;
  return fallback;
}

/** `text` kept in its own direction within a line written either way. */
export function isolated(text) {
  return `${ISOLATE}${text}${END_ISOLATE}`;
}

/**
 * A time of day as "15:30", in the page's language with Western digits, like the counters; in
 * `timeZone` (the ceremony's) when given, else the device's.
 */
export function clockTime(iso, timeZone) {
  return new Date(iso).toLocaleTimeString(pageLanguage, {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    numberingSystem: "latn",
    ...(timeZone ? { timeZone } : {}),
  });
}

/** The day of `iso` as "3 Dec", in the page's language, in `timeZone` when given. */
export function shortDay(iso, timeZone) {
  return new Date(iso).toLocaleDateString(pageLanguage, {
    day: "numeric",
    month: "short",
    numberingSystem: "latn",
    ...(timeZone ? { timeZone } : {}),
  });
}
