// Your entries: everything you wrote, from every couple you were in and from times alone. Yours to
// read, delete and export, with or without a partner (the server keeps them yours too).
import { store } from "../store.js";
import { h, clear, section, notice } from "../ui.js";
import { kindName, entryItem, list, live } from "../parts/cards.js";
import { exportButton } from "../parts/account.js";
import { t } from "../i18n.js";

export function mount(root) {
  root.append(
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, t("mine.title")),
      h("p", {}, t(store.couple ? "mine.intro_couple" : "mine.intro_alone")),
    ),
  );
  const body = h("div", {});
  const message = notice();
  root.append(
    body,
    section(t("mine.copy"), h("p", { class: "muted" }, t("mine.copy_hint")), exportButton(message), message),
  );
  return live(() => {
    const mine = (store.all || []).filter((e) => e.author_id === store.user.id);
    clear(
      body,
      section(
        t("mine.written", { count: mine.length }),
        list(
          mine.map((e) =>
            entryItem(e, {
              badges: [h("span", { class: "badge" }, kindName(e.kind))],
              actions: [
                h(
                  "button",
                  {
                    type: "button",
                    class: "btn small ghost",
                    "aria-label": t(store.reachesPartner(e) ? "own.unsend_label" : "mine.delete_label", {
                      kind: kindName(e.kind),
                    }),
                    onclick: () => import("../parts/own-entry.js").then((m) => m.unsend(e)),
                  },
                  store.reachesPartner(e) ? t("own.unsend") : t("cards.delete"),
                ),
              ],
            }),
          ),
          t("cards.nothing_yet"),
        ),
      ),
    );
  });
}
