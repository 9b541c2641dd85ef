// Not sent: writes queued for a couple the user is no longer in. The server refused them (they must
// never reach another partner); they stay here, on this phone only, to read, download or discard.
import { store } from "../store.js";
import * as sync from "../sync.js";
import { h, clear, section, toast, confirmDialog } from "../ui.js";
import { kindName, summary, list, live } from "../parts/cards.js";

export function mount(root) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, "Not sent"),
    h("p", {}, "Written for your previous couple, so Hearth didn't send them to anyone. They're only on this phone.")));
  const body = h("div", {});
  root.append(body);
  return live(() => {
    const items = store.notSent;
    clear(body, section(`Not sent: written for your previous couple (${items.length})`,
      list(items.map(item), "Nothing here."),
      items.length ? h("div", { class: "actions" },
        h("button", { type: "button", class: "btn", onclick: () => download(items) }, "Download as a file"),
        h("button", { type: "button", class: "btn ghost", onclick: async () => {
          if (await confirmDialog("Discard all of them?", "They were never sent. They'll be gone from this phone.", "Discard", true)) {
            await sync.discardNotSent();
            toast("Discarded.");
          }
        } }, "Discard all")) : null));
  });
}

function item(queued) {
  const what = queued.op === "delete" ? `Deleting a ${kindName(queued.entry.kind)}`
    : kindName(queued.entry.kind);
  return h("li", { class: "entry", "data-mid": String(queued.mid) },
    h("div", { class: "meta" }, h("strong", {}, what[0].toUpperCase() + what.slice(1)),
      h("span", {}, new Date(queued.queued_at).toLocaleString())),
    h("p", { class: "text" }, queued.op === "delete" ? "" : summary(queued.entry)),
    h("div", { class: "actions" }, h("button", { type: "button", class: "btn small ghost",
      "aria-label": `Discard this ${kindName(queued.entry.kind)}`,
      onclick: () => sync.discardNotSent([queued.mid]) }, "Discard")));
}

function download(items) {
  const data = { exported_at: new Date().toISOString(), note: "Written for a previous couple; never sent.",
    items: items.map(({ mid, op, entry, queued_at, couple_id }) => ({ mid, op, entry, queued_at, couple_id })) };
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const link = h("a", { href: URL.createObjectURL(blob), download: `hearth-not-sent-${new Date().toISOString().slice(0, 10)}.json` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

/** A line for other screens: "3 changes were not sent" with a link here, or null. */
export function notSentNotice() {
  const count = store.notSent.length;
  if (!count) return null;
  return h("p", { class: "card small", role: "status" }, `${count} ${count === 1 ? "change was" : "changes were"} not sent: written for your previous couple. `,
    h("a", { href: "/not-sent", "data-link": true }, "See them"));
}
