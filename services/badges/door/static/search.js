// Find a guest who forgot the badge by name, and admit them from the result (online only:
// the server admits with the badge it has on file, through the same door rules as a scan).
// The panel reaches the door only through the functions it is given.

import { isolated, t } from "./words.js";

const DEBOUNCE_MS = 250;
const OFFLINE_NOTE = t("Offline: from the guest list on this device. Admitting without a badge needs the network.");

/** The search panel: a name field, the guests found and an Admit button on each who may enter. */
export class Search {
  /**
   * `elements`: panel, form, input, status, list. The second argument is how the panel reaches
   * the door: `findGuests(name)` resolves to {guests, offline, error}, `admit(guest, startedAt)`
   * admits one, and `categoryLabel(category)` names a category as the badge does.
   */
  constructor(elements, { findGuests, admit, categoryLabel }) {
    this.panel = elements.panel;
    this.form = elements.form;
    this.input = elements.input;
    this.status = elements.status;
    this.list = elements.list;
    this.findGuests = findGuests;
    this.admit = admit;
    this.categoryLabel = categoryLabel;
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

  /** Whether the panel is shown (the scan field then leaves it the focus). */
  get open() {
    return !this.panel.hidden;
  }

  /** Show or hide the panel; shown, its name field takes the focus. */
  show(open) {
    this.panel.hidden = !open;
    if (open) this.input.focus();
  }

  /** Search for the name typed, and show what was found. */
  async run() {
    const name = this.input.value.trim();
    if (name.length < 2) {
      this.render([], t("Type at least two letters of the name."));
      return;
    }
    const { guests, offline, error } = await this.findGuests(name);
    if (error) this.render([], error);
    else if (offline) this.render(guests, guests.length ? OFFLINE_NOTE : `${t("No guest of that name.")} ${OFFLINE_NOTE}`);
    else this.render(guests, guests.length ? "" : t("No guest of that name."), true);
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
    who.dir = "auto";
    who.textContent = [guest.honorific, guest.full_name].filter(Boolean).join(" ");
    const about = document.createElement("p");
    about.className = "found-about";
    let state = guest.inside ? t("Inside") : t("Not arrived");
    if (guest.status === "revoked") state = t("Registration cancelled");
    // Each part in its own direction: an organisation in Latin letters in an Arabic line.
    about.textContent = [guest.organisation, this.categoryLabel(guest.category), state]
      .filter(Boolean)
      .map(isolated)
      .join(" · ");
    item.append(who);
    if (guest.name_latin) {
      // A name in a script the staff may not read, in Latin letters under it.
      const latin = document.createElement("p");
      latin.className = "found-latin";
      latin.dir = "ltr";
      latin.textContent = guest.name_latin;
      item.append(latin);
    }
    item.append(about);
    if (guest.attention) item.classList.add("found-vip");
    if (canAdmit && guest.status === "issued" && !guest.inside) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "primary admit";
      button.textContent = t("Admit");
      button.addEventListener("click", async () => {
        button.disabled = true;
        await this.admit(guest, performance.now());
        this.run();
      });
      item.append(button);
    }
    return item;
  }
}
