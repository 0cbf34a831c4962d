// The sign-in of this tab: the staff token, ceremony, gate and direction, in sessionStorage
// (gone when the tab closes; scans waiting for upload stay in IndexedDB).

const SESSION_KEY = "ceremony-door";

/** This tab's sign-in, or null. */
export function readSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

/** Keep this tab's sign-in for its reloads. */
export function writeSession(state) {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(state));
}

/** Forget this tab's sign-in. */
export function clearSession() {
  sessionStorage.removeItem(SESSION_KEY);
}

const NOTICE_KEY = "ceremony-door-notice";

/** Say something on the sign-in screen after the reload that shows it (why it was signed out). */
export function leaveNotice(text) {
  sessionStorage.setItem(NOTICE_KEY, text);
}

/** What the last screen left to say on the sign-in screen, once; or null. */
export function takeNotice() {
  const text = sessionStorage.getItem(NOTICE_KEY);
  sessionStorage.removeItem(NOTICE_KEY);
  return text;
}
