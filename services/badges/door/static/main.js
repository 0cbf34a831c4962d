// The door page's entry: sign in with a staff token (or resume this tab's sign-in), then scan.

import { Api } from "./api.js";
import { Door } from "./door.js";
import { readSession, writeSession } from "./session.js";

const config = JSON.parse(document.getElementById("door-config").textContent);
const $ = (id) => document.getElementById(id);

/** Check the token, choose the ceremony (asked only if the token names none), and start. */
async function signIn(event) {
  event.preventDefault();
  const error = $("signin-error");
  const token = $("token").value.trim();
  error.textContent = "";
  if (!/^[\x21-\x7e]+$/.test(token)) {
    error.textContent = "This token is not valid: paste it exactly as it was issued.";
    return;
  }
  let answer;
  try {
    answer = await new Api(token).request("GET", "/api/door/session");
  } catch {
    error.textContent = "The server cannot be reached. Check the network and try again.";
    return;
  }
  if (answer.status !== 200) {
    error.textContent =
      answer.status === 403 ? "This token is not a staff token." : "This token is not valid or has expired.";
    return;
  }
  const { ceremony_id: bound, gate, ceremonies } = answer.body;
  const select = $("ceremony");
  let chosen = null;
  if (bound) chosen = ceremonies.find((ceremony) => ceremony.id === bound);
  else if (ceremonies.length === 1) chosen = ceremonies[0];
  else if (!$("ceremony-choice").hidden) chosen = ceremonies.find((ceremony) => ceremony.id === select.value);
  if (!chosen) {
    if (bound || !ceremonies.length) {
      error.textContent = "The badges service does not know this ceremony yet.";
      return;
    }
    select.replaceChildren(...ceremonies.map((ceremony) => new Option(ceremony.title, ceremony.id)));
    $("ceremony-choice").hidden = false;
    error.textContent = "Choose the ceremony, then sign in.";
    select.focus();
    return;
  }
  const state = {
    token,
    ceremonyId: chosen.id,
    title: chosen.title,
    gate: gate || $("gate").value.trim() || null,
    bound: Boolean(bound),
    direction: "in",
  };
  writeSession(state);
  $("token").value = "";
  await new Door(state, config).start();
}

// Keep the page on the device for reloads without network (browsers allow it over HTTPS only).
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("/scan/sw.js", { scope: "/scan" }).catch(() => {});
}

const saved = readSession();
if (saved && saved.token) {
  new Door(saved, config).start();
} else {
  $("signin-form").addEventListener("submit", signIn);
  $("token").focus();
}
