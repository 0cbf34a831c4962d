// The console's few behaviours beyond htmx: the CSRF header on htmx's requests, "select all"
// boxes, and live updates from Server-Sent Events. Pages work without this file.
"use strict";

const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";

document.addEventListener("htmx:configRequest", (event) => {
  if (csrf) event.detail.headers["X-CSRF-Token"] = csrf;
});

// <input type="checkbox" data-select-all="registration_id"> ticks every box of that name.
document.addEventListener("change", (event) => {
  const box = event.target.closest("[data-select-all]");
  if (!box) return;
  const name = box.dataset.selectAll;
  for (const other of document.querySelectorAll(`input[type="checkbox"][name="${CSS.escape(name)}"]`)) {
    other.checked = box.checked;
  }
});

// <section data-live="URL">: each event's data is JSON {target, html, mode}; "mode" is
// "replace" (the target's content) or "prepend" (a new first child, e.g. an arrival).
function listen(element) {
  const source = new EventSource(element.dataset.live, { withCredentials: true });
  source.addEventListener("message", (message) => {
    let update;
    try {
      update = JSON.parse(message.data);
    } catch {
      return;
    }
    const target = document.getElementById(update.target);
    if (!target) return;
    const template = document.createElement("template");
    template.innerHTML = update.html;
    if (update.mode === "prepend") {
      target.prepend(template.content);
      const limit = Number(target.dataset.keep || 0);
      while (limit && target.children.length > limit) target.lastElementChild.remove();
    } else {
      target.replaceChildren(template.content);
    }
  });
  element.dataset.listening = "true";
}

// <div data-include="URL">…a link…</div>: replaced by the HTML fragment at URL, fetched with
// the session cookie as a simple request (another service of the suite may serve it; see
// shared.console.pages.cross_origin). Without JavaScript the link stays.
async function include(element) {
  try {
    const response = await fetch(element.dataset.include, { credentials: "include" });
    if (!response.ok) return;
    element.innerHTML = await response.text();
    element.dataset.included = "true";
  } catch {
    // The link that was there stays.
  }
}

function start() {
  for (const element of document.querySelectorAll("[data-live]")) listen(element);
  for (const element of document.querySelectorAll("[data-include]")) include(element);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
