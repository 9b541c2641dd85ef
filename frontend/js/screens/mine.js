// Your entries: everything you wrote, from every couple you were in and from times alone. Yours to
// read, delete and export, with or without a partner (the server keeps them yours too).
import { store } from "../store.js";
import { remove } from "../entries.js";
import { h, clear, section, notice, confirmDialog } from "../ui.js";
import { kindName, entryItem, list, live } from "../parts/cards.js";
import { exportButton } from "../parts/account.js";

export function mount(root) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, "Your entries"),
    h("p", {}, store.couple ? "Everything you wrote, including before this couple." : "Everything you wrote. It stays yours.")));
  const body = h("div", {});
  const message = notice();
  root.append(body, section("Take a copy", h("p", { class: "muted" }, "Download everything you may see, as a file."),
    exportButton(message), message));
  return live(() => {
    const mine = (store.all || []).filter((e) => e.author_id === store.user.id);
    clear(body, section(`Written by you (${mine.length})`, list(mine.map((e) => entryItem(e, {
      badges: [h("span", { class: "badge" }, kindName(e.kind))],
      actions: [h("button", { type: "button", class: "btn small ghost", "aria-label": `Delete this ${kindName(e.kind)}`,
        onclick: async () => {
          if (await confirmDialog("Delete this entry?", "It will be removed from all your devices.", "Delete", true)) await remove(e);
        } }, "Delete")],
    })), "Nothing here yet.")));
  });
}
