// Who invited me: before joining, the code alone (no login needed) shows the inviter's name and their
// optional note (POST /api/couple/invite/lookup). A code that would not work shows nothing here: the
// join form says why when it is tried.
import * as api from "../api.js";
import { bdi, h } from "../ui.js";
import { t, tp } from "../i18n.js";

/** An element that fills itself once the code is looked up; empty (hidden) until then or for a bad code. */
export function inviteFrom(code) {
  const node = h("div", { class: "invite-from", "data-testid": "invite-from", hidden: true });
  if (!code) return node;
  api
    .post("/api/couple/invite/lookup", { code })
    .then(({ invite }) => {
      node.append(h("p", { class: "invite-from-name" }, ...tp("onboard.invite.from", { name: bdi(invite.name) })));
      if (invite.note) {
        node.append(
          h("p", { class: "muted" }, t("onboard.invite.their_note")),
          h("p", { class: "quote", user: true }, invite.note),
        );
      }
      node.hidden = false;
    })
    .catch(() => {});
  return node;
}
