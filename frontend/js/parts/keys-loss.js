// "You would lose your words" (issue 15, docs/encryption.md "Recovery"): before logging out (which takes this
// phone's keys with it) and before removing a device, when no recovery phrase is set up and no device of this
// person holding keys would be left, a dialog says so plainly, offers to set up the phrase, and lets them go
// on. Only where the server has end-to-end encryption on; loaded on first use, never by the shell.
import { store } from "../store.js";
import * as api from "../api.js";
import { h } from "../ui.js";
import { moreWords, t } from "../i18n.js";
import { clientId } from "../sync.js";
import { contentKeys } from "../crypto/keystore.js";

/**
 * Whether it would leave no way to read what was written: no recovery phrase on the server, and after
 * `removing` (a device id; this phone's own when logging out) goes, no device of this person that holds keys.
 * This phone holds them when its keystore has any; another device of theirs when it published its personal
 * proof, which it makes only once it holds their personal key (a device that only logged in holds none: no
 * phone hands keys to a device that cannot prove itself, crypto/keyring.js).
 */
export async function wouldLose(removing) {
  const self = await clientId();
  const { devices, recovery } = await api.get("/api/keys");
  if (recovery) return false;
  const mine = devices.filter((d) => d.user_id === store.user.id);
  if (mine.some((d) => d.device_id !== self && d.device_id !== removing && d.personal_proof)) return false;
  const held = Object.keys(await contentKeys()).length > 0;
  return removing === self ? held : !held && mine.some((d) => d.device_id === removing);
}

/**
 * Asks first when `removing` would lose the words ("logout": this phone). Resolves true to go on; false to
 * stay (cancelled, or "Set up my phrase", which opens /keys/phrase); null when nothing is at stake, or it
 * can't tell (offline: the action itself says what went wrong), and nothing was asked.
 */
export async function confirmLoss(what, removing) {
  if (!store.encryption) return null;
  let risk;
  try {
    risk = await wouldLose(removing ?? (await clientId()));
    await moreWords("keys");
  } catch {
    return null;
  }
  if (!risk) return null;
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "dialog loss-dialog", "aria-labelledby": "loss-title" });
    const close = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const phrase = async () => {
      close(false);
      (await import("../router.js")).navigate("/keys/phrase"); // imported here: the router imports More
    };
    dialog.append(
      h("h2", { id: "loss-title" }, t("keys.loss.title")),
      h("p", {}, t(what === "logout" ? "keys.loss.logout" : "keys.loss.remove")),
      h("p", {}, t("keys.loss.phrase")),
      h(
        "div",
        { class: "stack" },
        h("button", { type: "button", class: "btn primary wide", onclick: phrase }, t("keys.loss.set_up")),
        h(
          "button",
          { type: "button", class: "btn danger wide", onclick: () => close(true) },
          t(what === "logout" ? "keys.loss.go_on_logout" : "keys.loss.go_on_remove"),
        ),
        h("button", { type: "button", class: "btn ghost wide", onclick: () => close(false) }, t("common.cancel")),
      ),
    );
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      close(false);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Logging out takes this phone's keys with it: it leaves the key directory first (while the session still
 *  lets it; its couple moves to a new key, as for any removed device). Best effort: offline, it stays listed. */
export async function leaveDirectory() {
  await api.del(`/api/keys/devices/${await clientId()}`).catch(() => {});
}

/** After logging out: this phone's keys are gone (nothing of the account stays on the phone). */
export async function forgetKeys() {
  await (await import("../crypto/keyring.js")).forgetKeys();
}
