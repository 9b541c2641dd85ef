// An agreement both partners changed at once, shown in its place on the list: theirs and mine side by
// side, and the three ways out. The failure record (sync.js) holds mine (attempted) and theirs
// (current, null when they removed it); choosing clears it.
import { store } from "../store.js";
import * as db from "../db.js";
import { bdi, h } from "../ui.js";
import { t, tp } from "../i18n.js";
import { partnerName } from "./cards.js";

export const agreementConflicts = () =>
  store.failures.filter((f) => f.status === "conflict" && f.attempted?.kind === "agreement");

export async function settle(failure) {
  await db.del("failures", failure.mid);
  await store.reload();
}

/** The card: `keep()`, `useMine(body)`, `editMine(body)` act; each settles the failure first. */
export function conflictCard(failure, { useMine, editMine }) {
  const removed = !!failure.attempted.deleted; // I removed it while they changed it
  const mine = { ...failure.attempted.body, removed };
  const theirs = failure.current && !failure.current.deleted ? failure.current.body : null;
  const act = (fn) => async () => {
    await settle(failure);
    if (fn) await fn(mine);
  };
  const button = (label, fn, primary = false) =>
    h("button", { type: "button", class: `btn small ${primary ? "primary" : "ghost"}`, onclick: act(fn) }, label);
  return h(
    "li",
    { class: "entry conflict", "data-id": failure.attempted.id, "data-conflict": String(failure.mid) },
    h(
      "p",
      { class: "small", role: "status" },
      tp(theirs ? "agreements.conflict.changed" : "agreements.conflict.removed", { name: bdi(partnerName()) }),
    ),
    h("p", { class: "label" }, tp("agreements.conflict.theirs", { name: bdi(partnerName()) })),
    theirs
      ? h("p", { class: "quote theirs", user: true }, theirs.text)
      : h("p", { class: "small muted" }, t("agreements.was_removed")),
    h("p", { class: "label" }, t("agreements.conflict.mine")),
    removed
      ? h("p", { class: "small muted mine" }, t("agreements.conflict.you_removed"))
      : h("p", { class: "quote mine", user: true }, mine.text),
    h(
      "div",
      { class: "actions" },
      button(t("agreements.conflict.keep"), null),
      button(t("agreements.conflict.use"), useMine, true),
      removed ? null : button(t("agreements.conflict.edit"), editMine),
    ),
  );
}
