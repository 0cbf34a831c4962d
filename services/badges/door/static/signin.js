// The sign-in form: a staff token, checked with the server, and a gate when the token names
// none; the ceremony is asked only when the token names none and the service knows several.

import { Api } from "./api.js";
import { writeSession } from "./session.js";

const $ = (id) => document.getElementById(id);

/** Take sign-ins from the form; `onSignedIn(session)` runs once a token is accepted. */
export function showSignIn(onSignedIn) {
  $("signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn(onSignedIn);
  });
  $("token").focus();
}

/** Check the token, choose the ceremony (asked only if the token names none), and go on. */
async function signIn(onSignedIn) {
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
  const session = {
    token,
    ceremonyId: chosen.id,
    title: chosen.title,
    gate: gate || $("gate").value.trim() || null,
    bound: Boolean(bound),
    direction: "in",
  };
  writeSession(session);
  $("token").value = "";
  await onSignedIn(session);
}
