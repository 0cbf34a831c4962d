// The sign-in screen: a staff token, checked with the server, and a gate when the token names
// none; the ceremony is asked only when the token names none and the service knows several.
// A door device signs in the same way with the credential its enrolment gave it (in the page's
// address), and can scan its enrolment QR code here to get one.

import { Api } from "./api.js";
import { Camera } from "./camera.js";
import { writeSession } from "./session.js";
import { t } from "./words.js";

const $ = (id) => document.getElementById(id);

// Why the server refused a credential, by the code of its 401 answer.
const REFUSED = {
  credential_revoked: t("This credential has been revoked."),
  signed_out: t("This session was signed out: sign in again."),
  account_disabled: t("This account is disabled."),
  expired: t("This credential has expired."),
};

/**
 * Take sign-ins from the form and from an enrolment code; `onSignedIn(session)` runs once a
 * credential is accepted. `notice`: what to say first (why the door was signed out);
 * `credential`: a door device's credential to sign in with at once.
 */
export function showSignIn(onSignedIn, { config, notice = null, credential = null }) {
  $("signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn($("token").value.trim(), onSignedIn);
  });
  wireEnrolmentCamera(config);
  if (notice) $("signin-notice").textContent = notice;
  if (credential) {
    $("signin-notice").textContent = t("Signing in this device…");
    signIn(credential, onSignedIn).then((signedIn) => {
      if (!signedIn) $("signin-notice").textContent = "";
    });
  } else {
    $("token").focus();
  }
}

/** Whether `text` is a door device's enrolment link of this suite (`…/enrol/<code>`). */
export function isEnrolmentLink(text, enrolmentPrefix) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return false;
  const bases = [new URL("/enrol/", window.location.origin)];
  if (enrolmentPrefix) bases.push(new URL(enrolmentPrefix));
  return bases.some(
    (base) =>
      url.origin === base.origin &&
      url.pathname.startsWith(base.pathname) &&
      /^[A-Za-z0-9._-]+$/.test(url.pathname.slice(base.pathname.length)),
  );
}

/** The "Scan an enrolment code" button: the door's camera, reading for an enrolment link. */
function wireEnrolmentCamera(config) {
  const button = $("enrol-scan");
  const panel = $("enrol-camera");
  const status = $("enrol-status");
  const camera = new Camera(
    $("enrol-video"),
    status,
    (text) => {
      if (!isEnrolmentLink(text, config.enrolment)) {
        status.textContent = t("This is not a door enrolment code: hold up the one the protocol office gave.");
        return;
      }
      camera.stop();
      status.textContent = t("Opening the enrolment page…");
      window.location.assign(text);
    },
    config.decoder,
    t("Hold the door device's enrolment QR code in front of the camera."),
  );
  button.addEventListener("click", async () => {
    if (camera.running) {
      camera.stop();
    } else {
      panel.hidden = false;
      await camera.start();
    }
    button.setAttribute("aria-pressed", String(camera.running));
    $("enrol-video").hidden = !camera.running;
    panel.hidden = !camera.running && !status.textContent;
  });
}

/** Check the credential, choose the ceremony (asked only if it names none), and go on;
 * resolves to whether it signed in. */
async function signIn(token, onSignedIn) {
  const error = $("signin-error");
  error.textContent = "";
  if (!/^[\x21-\x7e]+$/.test(token)) {
    error.textContent = t("This token is not valid: paste it exactly as it was issued.");
    return false;
  }
  let answer;
  try {
    answer = await new Api(token).request("GET", "/api/door/session");
  } catch {
    error.textContent = t("The server cannot be reached. Check the network and try again.");
    return false;
  }
  if (answer.status !== 200) {
    if (answer.status === 403) error.textContent = t("This token is not a staff token.");
    else error.textContent = REFUSED[answer.body?.code] || t("This token is not valid or has expired.");
    return false;
  }
  const { ceremony_id: bound, gate, ceremonies } = answer.body;
  const select = $("ceremony");
  let chosen = null;
  if (bound) chosen = ceremonies.find((ceremony) => ceremony.id === bound);
  else if (ceremonies.length === 1) chosen = ceremonies[0];
  else if (!$("ceremony-choice").hidden) chosen = ceremonies.find((ceremony) => ceremony.id === select.value);
  if (!chosen) {
    if (bound || !ceremonies.length) {
      error.textContent = t("The badges service does not know this ceremony yet.");
      return false;
    }
    select.replaceChildren(...ceremonies.map((ceremony) => new Option(ceremony.title, ceremony.id)));
    $("ceremony-choice").hidden = false;
    error.textContent = t("Choose the ceremony, then sign in.");
    select.focus();
    return false;
  }
  const session = {
    token,
    ceremonyId: chosen.id,
    title: chosen.title,
    timezone: chosen.timezone,
    gate: gate || $("gate").value.trim() || null,
    bound: Boolean(bound),
    direction: "in",
  };
  writeSession(session);
  $("token").value = "";
  await onSignedIn(session);
  return true;
}
