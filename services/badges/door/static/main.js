// The door page's entry: sign in with a staff token (or resume this tab's sign-in), then open
// the door for that session and show its screen.

import { Door } from "./door.js";
import { DoorScreen } from "./screen.js";
import { readSession } from "./session.js";
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

// Keep the page on the device for reloads without network (browsers allow it over HTTPS only).
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("/scan/sw.js", { scope: "/scan" }).catch(() => {});
}

const saved = readSession();
if (saved && saved.token) startDoor(saved);
else showSignIn(startDoor);
