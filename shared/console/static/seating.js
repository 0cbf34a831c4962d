// The seating chart's hands: drag a guest (from the list or a seat) onto a seat, or pick one
// with a click or the keyboard and then pick the seat. Either way the page's own "move" form is
// filled in and sent, so the server decides and answers with the chart as it now stands. Without
// this file the form still works.
"use strict";

const MOVABLE = "[data-person]";
const SEAT = "[data-seat]";
// A press that moves less than this is a click, not a drag.
const DRAG_THRESHOLD = 5;

let picked = null;
let drag = null;
let dropped = false;

function chart() {
  return document.getElementById("seating");
}

function say(message) {
  const status = document.getElementById("chart-status");
  if (status) status.textContent = message;
}

function nameOf(element) {
  return element.dataset.name || element.getAttribute("aria-label") || "";
}

function unpick() {
  if (picked) picked.setAttribute("aria-pressed", "false");
  picked = null;
  chart()?.classList.remove("picking");
}

function pick(element) {
  unpick();
  picked = element;
  element.setAttribute("aria-pressed", "true");
  chart()?.classList.add("picking");
  const words = chart()?.dataset;
  say(`${words?.picked || "Picked"}: ${nameOf(element)}. ${words?.choose || ""}`);
}

// Fill the plain form in and send it (htmx, when loaded, swaps the chart in place).
function move(person, seat) {
  const form = document.getElementById("move-form");
  if (!form) return;
  form.elements.registration_id.value = person;
  form.elements.seat.value = seat;
  unpick();
  // A click, not requestSubmit(): htmx sends the value of the button that was clicked.
  form.querySelector('button[value="move"]').click();
}

function movable(target) {
  const seat = target.closest(SEAT);
  if (seat) return seat.dataset.person ? seat : null;
  return target.closest(`#seating ${MOVABLE}`);
}

document.addEventListener("pointerdown", (event) => {
  dropped = false;
  if (event.button !== 0 || !event.target.closest("#seating")) return;
  const source = movable(event.target);
  if (!source) return;
  drag = { source, x: event.clientX, y: event.clientY, ghost: null };
});

document.addEventListener("pointermove", (event) => {
  if (!drag) return;
  if (!drag.ghost) {
    if (Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < DRAG_THRESHOLD) return;
    drag.ghost = document.createElement("div");
    drag.ghost.className = "drag-ghost";
    drag.ghost.setAttribute("aria-hidden", "true");
    drag.ghost.textContent = drag.source.dataset.name || drag.source.textContent.trim();
    document.body.append(drag.ghost);
    drag.source.classList.add("dragging");
  }
  drag.ghost.style.left = `${event.clientX + 8}px`;
  drag.ghost.style.top = `${event.clientY + 8}px`;
  event.preventDefault();
});

document.addEventListener("pointerup", (event) => {
  if (!drag) return;
  const { source, ghost } = drag;
  drag = null;
  if (!ghost) return;
  ghost.remove();
  source.classList.remove("dragging");
  dropped = true;
  const target = document.elementFromPoint(event.clientX, event.clientY)?.closest(SEAT);
  if (target && target !== source) move(source.dataset.person, target.dataset.seat);
});

document.addEventListener("pointercancel", () => {
  if (drag?.ghost) drag.ghost.remove();
  drag?.source.classList.remove("dragging");
  drag = null;
});

// A click (or Enter/Space) picks a guest, then puts the picked guest in the seat chosen.
function choose(element) {
  const seat = element.closest(SEAT);
  if (picked && seat && seat !== picked) {
    move(picked.dataset.person, seat.dataset.seat);
  } else if (picked === element) {
    unpick();
    say("");
  } else if (movable(element)) {
    pick(movable(element));
  }
}

document.addEventListener("click", (event) => {
  if (!event.target.closest("#seating")) return;
  const element = event.target.closest(`${SEAT}, ${MOVABLE}`);
  if (!element) return;
  event.preventDefault();
  if (dropped) {
    dropped = false;
    return;
  }
  choose(element);
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && picked) {
    unpick();
    say("");
    return;
  }
  const element = event.target.closest?.(SEAT);
  if (!element || !event.target.closest("#seating")) return;
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    choose(element);
  }
});

// A new chart replaces the old one: what was picked is gone with it.
document.addEventListener("htmx:afterSwap", () => {
  picked = null;
});

// A refused move (409, 422) comes back as the chart with the reason beside the form's field:
// show it, as a plain form would.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if ((status === 409 || status === 422) && event.detail.target?.id === "seating") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
