// In place of Today while this phone is paired but holds no couple key (issue 15, docs/encryption.md "Pairing"):
// "Waiting for ‹name›'s phone" until the partner's phone hands the key over (the sync's keyring asks again by
// itself; the router shows Today once store.keyWait() is clear), or a plain warning when the invite link and the
// server disagree about the partner's phone ("mismatch": the link's key is not used). Words in
// frontend/content/keys.<lang>.json; loaded on first use.
import { store } from "../store.js";
import { bdi, h, notice } from "../ui.js";
import { t, tp } from "../i18n.js";
import * as sync from "../sync.js";

const partner = () => bdi(store.partner ? store.partner.display_name : t("common.your_partner"));

export function mount(root) {
  if (store.keyWait() === "mismatch") {
    root.append(
      h(
        "div",
        { class: "page-head" },
        h("h1", {}, t("keys.wait.mismatch_title")),
        h("p", {}, tp("keys.wait.mismatch_lead", { name: partner() })),
      ),
      notice(t("keys.wait.mismatch_between")),
      h("p", {}, t("keys.wait.mismatch_what")),
      h("a", { class: "btn primary wide", href: "/keys/safety", "data-link": true }, t("route.keys_safety")),
    );
    return null;
  }
  root.append(
    h(
      "div",
      { class: "page-head key-wait", role: "status" },
      h("h1", {}, tp("keys.wait.title", { name: partner() })),
      h("p", {}, tp("keys.wait.lead", { name: partner() })),
    ),
    h("p", { class: "muted" }, t("keys.wait.by_itself")),
    h("p", { class: "hint" }, t("keys.wait.meanwhile")),
  );
  sync.schedule(0); // ask now: the key may be there already
  return null;
}
