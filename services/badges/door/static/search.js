// Find a guest who forgot the badge by name, and admit them from the result (online only:
// the server admits with the badge it has on file, through the same door rules as a scan)
// once the steward has checked an identity document. The panel reaches the door only through
// the functions it is given. The rule of what a name matches is here too, for the offline
// search of the guest list kept on the device.

import { isolated, t } from "./words.js";

const DEBOUNCE_MS = 250;
const OFFLINE_NOTE = t("Offline: from the guest list on this device. Admitting without a badge needs the network.");
// Fewer characters than this match too many guests to be worth showing...
const MIN_QUERY_CHARS = 2;
// ...except in scripts where one character is a syllable, and often a whole surname (王, 李, 김).
const WHOLE_SYLLABLE = /[\p{Script=Han}\p{Script=Hangul}]/u;

/** A name as a search compares it: without accents, in lower case (Fernández ~ fernandez). */
export function folded(text) {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Whether `name` is worth searching for: two characters, or one Chinese or Korean one. */
export function longEnough(name) {
  const letters = name.replace(/\s+/g, "");
  return letters.length >= MIN_QUERY_CHARS || WHOLE_SYLLABLE.test(letters);
}

/**
 * Whether a guest's name, or its Latin transliteration, holds every word of `name` (folding
 * splits a Hangul syllable into its letters, on both sides alike: 김 still finds 김민준).
 */
export function nameMatches(guest, name) {
  if (!longEnough(name)) return false;
  const words = folded(name).split(/\s+/).filter(Boolean);
  const haystack = folded([guest.full_name, guest.name_latin].filter(Boolean).join(" "));
  return words.every((word) => haystack.includes(word));
}

/** The search panel: a name field, the guests found and an Admit button on each who may enter. */
export class Search {
  /**
   * `elements`: panel, form, input, status, list, and check (an IdentityCheck). The second
   * argument is how the panel reaches the door: `findGuests(name)` resolves to {guests,
   * offline, error}, `admit(guest, startedAt)` admits one, and `categoryLabel(category)` names
   * a category as the badge does.
   */
  constructor(elements, { findGuests, admit, categoryLabel }) {
    this.panel = elements.panel;
    this.check = elements.check;
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
    if (!longEnough(name)) {
      this.render([], t("Type at least two letters of the name (one in Chinese or Korean)."));
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
        // Without a badge, only a document says it is them: the steward confirms first.
        if (!(await this.check.confirm(guest))) return;
        button.disabled = true;
        await this.admit(guest, performance.now());
        this.run();
      });
      item.append(button);
    }
    return item;
  }
}

/** The identity check before admitting by name: a modal dialog the steward must confirm. */
export class IdentityCheck {
  /** `elements`: dialog, guest (the name's line) and latin (its transliteration's). */
  constructor(elements) {
    this.dialog = elements.dialog;
    this.guest = elements.guest;
    this.latin = elements.latin;
  }

  /** Ask the steward to check the document of `guest`; resolves to whether they confirmed. */
  confirm(guest) {
    this.guest.textContent = [guest.honorific, guest.full_name].filter(Boolean).join(" ");
    this.latin.textContent = guest.name_latin || "";
    this.latin.hidden = !guest.name_latin;
    this.dialog.returnValue = "";
    return new Promise((resolve) => {
      // Closed by a button, or by Escape (a cancel, with no value).
      this.dialog.addEventListener("close", () => resolve(this.dialog.returnValue === "admit"), { once: true });
      // A modal dialog keeps the keyboard inside it, and screen readers read its name and text.
      this.dialog.showModal();
    });
  }
}
