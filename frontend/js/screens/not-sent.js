// Not sent: writes queued for a couple the user is no longer in. The server refused them (they must
// never reach another partner); they stay here, on this phone only, to read, download or discard.
import { store } from "../store.js";
import * as sync from "../sync.js";
import { h, clear, section, toast, confirmDialog } from "../ui.js";
import { kindName, summary, list, live } from "../parts/cards.js";
import { t, formatDate } from "../i18n.js";

export function mount(root) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, t("notsent.title")), h("p", {}, t("notsent.lead"))));
  const body = h("div", {});
  root.append(body);
  return live(() => {
    const items = store.notSent;
    clear(
      body,
      section(
        t("notsent.section", { count: items.length }),
        list(items.map(item), t("notsent.empty")),
        items.length
          ? h(
              "div",
              { class: "actions" },
              h("button", { type: "button", class: "btn", onclick: () => download(items) }, t("notsent.download")),
              h(
                "button",
                {
                  type: "button",
                  class: "btn ghost",
                  onclick: async () => {
                    if (
                      await confirmDialog(
                        t("notsent.discard_title"),
                        t("notsent.discard_text"),
                        t("common.discard"),
                        true,
                      )
                    ) {
                      await sync.discardNotSent();
                      toast(t("notsent.discarded"));
                    }
                  },
                },
                t("notsent.discard_all"),
              ),
            )
          : null,
      ),
    );
  });
}

function item(queued) {
  const kind = kindName(queued.entry.kind);
  const what = queued.op === "delete" ? t("notsent.deleting", { what: kind }) : kind;
  return h(
    "li",
    { class: "entry", "data-mid": String(queued.mid) },
    h(
      "div",
      { class: "meta" },
      h("strong", {}, what[0].toUpperCase() + what.slice(1)),
      h("span", {}, formatDate(queued.queued_at, { dateStyle: "medium", timeStyle: "short" })),
    ),
    h("p", { class: "text" }, queued.op === "delete" ? "" : summary(queued.entry)),
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        {
          type: "button",
          class: "btn small ghost",
          "aria-label": t("notsent.discard_this", { what: kindName(queued.entry.kind) }),
          onclick: () => sync.discardNotSent([queued.mid]),
        },
        t("common.discard"),
      ),
    ),
  );
}

function download(items) {
  const data = {
    exported_at: new Date().toISOString(),
    note: t("notsent.file_note"),
    items: items.map(({ mid, op, entry, queued_at, couple_id }) => ({ mid, op, entry, queued_at, couple_id })),
  };
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const link = h("a", {
    href: URL.createObjectURL(blob),
    download: `hearth-not-sent-${new Date().toISOString().slice(0, 10)}.json`,
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

/** A line for other screens: "3 changes were not sent" with a link here, or null. */
export function notSentNotice() {
  const count = store.notSent.length;
  if (!count) return null;
  return h(
    "p",
    { class: "card small", role: "status" },
    t("notsent.notice", { count }),
    h("a", { href: "/not-sent", "data-link": true }, t("notsent.see")),
  );
}
