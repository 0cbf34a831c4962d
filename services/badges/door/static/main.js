// The door page's entry: sign in with a staff token, a door device's credential from the
// address, or this tab's earlier sign-in; then open the door for that session and show it.

import { Door } from "./door.js";
import { DoorScreen } from "./screen.js";
import { clearSession, readSession, takeNotice } from "./session.js";
import { showSignIn } from "./signin.js";

const config = JSON.parse(document.getElementById("door-config").textContent);

/** Open the door of a signed-in session, show it, and keep it in step with the network. */
async function startDoor(session) {
  const door = await Door.open(session, { online: navigator.onLine });
  new DoorScreen(door, config).show();
  window.addEventListener("offline", () => door.goOffline());
  window.addEventListener("online", () => door.sync());
  await door.start();
}

/**
 * The credential an enrolment sent this device here with (`/scan#device=…`), taken out of the
 * address bar at once, so that it is in no history entry, bookmark or shared link.
 */
function takeDeviceCredential() {
  const credential = new URLSearchParams(window.location.hash.slice(1)).get("device");
  if (credential === null) return null;
  history.replaceState(null, "", window.location.pathname + window.location.search);
  return credential.trim() || null;
}

// Keep the page on the device for reloads without network (browsers allow it over HTTPS only).
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("/scan/sw.js", { scope: "/scan" }).catch(() => {});
}

const credential = takeDeviceCredential();
// A new enrolment replaces whatever this tab was signed in as.
if (credential) clearSession();
const saved = readSession();
if (saved && saved.token) startDoor(saved);
else showSignIn(startDoor, { config, notice: takeNotice(), credential });
