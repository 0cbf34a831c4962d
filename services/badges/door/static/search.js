// Find a guest who forgot the badge by name, and admit them from the result (online only:
// the server admits with the badge it has on file, through the same door rules as a scan).

import { Unreachable } from "./api.js";

const DEBOUNCE_MS = 250;

export class Search {
  constructor(door, elements) {
    this.door = door;
    this.panel = elements.panel;
    this.form = elements.form;
    this.input = elements.input;
    this.status = elements.status;
    this.list = elements.list;
    this.timer = null;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.run();
    });
    this.input.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.run(), DEBOUNCE_MS);
    });
  }

  get open() {
    return !this.panel.hidden;
  }

  show(open) {
    this.panel.hidden = !open;
    if (open) this.input.focus();
  }

  async run() {
    const name = this.input.value.trim();
    if (name.length < 2) {
      this.render([], "Type at least two letters of the name.");
      return;
    }
    if (this.door.online) {
      const query = new URLSearchParams({ name });
      const url = `/api/ceremonies/${this.door.state.ceremonyId}/door-guests?${query}`;
      try {
        const { status, body } = await this.door.api.request("GET", url);
        if (status === 200) {
          this.render(body.guests, body.guests.length ? "" : "No guest of that name.", true);
          return;
        }
        this.render([], body?.message || `Search failed (${status}).`);
        return;
      } catch (error) {
        if (!(error instanceof Unreachable)) throw error;
        this.door.goOffline();
      }
    }
    const found = this.door.local.findGuests(name);
    const note = "Offline: from the guest list on this device. Admitting without a badge needs the network.";
    this.render(found, found.length ? note : `No guest of that name. ${note}`, false);
  }

  render(guests, message, canAdmit = false) {
    this.status.textContent = message;
    this.list.replaceChildren(...guests.map((guest) => this.item(guest, canAdmit)));
  }

  item(guest, canAdmit) {
    const item = document.createElement("li");
    item.className = "found";
    item.dataset.serial = guest.serial;
    const who = document.createElement("p");
    who.className = "found-name";
    who.textContent = [guest.honorific, guest.full_name].filter(Boolean).join(" ");
    const about = document.createElement("p");
    about.className = "found-about";
    let state = guest.inside ? "Inside" : "Not arrived";
    if (guest.status === "revoked") state = "Registration cancelled";
    about.textContent = [guest.organisation, this.door.verdict.label(guest.category), state]
      .filter(Boolean)
      .join(" · ");
    item.append(who, about);
    if (guest.attention) item.classList.add("found-vip");
    if (canAdmit && guest.status === "issued" && !guest.inside) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "primary admit";
      button.textContent = "Admit";
      button.addEventListener("click", async () => {
        button.disabled = true;
        await this.door.admitByName(guest, performance.now());
        this.run();
      });
      item.append(button);
    }
    return item;
  }
}
