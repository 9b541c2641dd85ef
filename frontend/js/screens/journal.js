// The private journal: text and feelings, only ever on your own devices.
import { store } from "../store.js";
import { create, remove } from "../entries.js";
import { feelingsPicker } from "../feelings.js";
import { h, clear, field, notice, say, toast, section, confirmDialog } from "../ui.js";
import { entryItem, list, live } from "../parts/cards.js";
import { nameIt } from "../parts/nameit.js";
import { JOURNAL_TEXT_MAX } from "../limits.js";

export function mount(root) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, "Journal"),
    h("p", {}, "Private. Never shared with your partner.")));
  const text = h("textarea", { name: "text", rows: "5", maxlength: String(JOURNAL_TEXT_MAX), placeholder: "What's here for you right now?" });
  const feelings = feelingsPicker("Feelings");
  const message = notice();
  const form = h("form", { novalidate: true, "aria-label": "New journal entry" },
    field("Write freely", text), feelings, nameIt((word) => feelings.add(word)), message,
    h("button", { type: "submit", class: "btn primary wide" }, "Save to journal"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!text.value.trim()) { say(message, "Write something first."); text.focus(); return; }
    say(message, "");
    await create("journal", { text: text.value.trim(), feelings: feelings.value }, { visibility: "private" });
    toast("Saved, just for you.");
    form.reset();
    feelings.reset();
  };
  const entries = h("div", {});
  root.append(section("New entry", form), entries);
  return live(() => {
    const mine = store.mine("journal");
    clear(entries, section(`Your entries (${mine.length})`, list(mine.map((e) => entryItem(e, {
      actions: [h("button", { type: "button", class: "btn small ghost", "aria-label": "Delete this journal entry",
        onclick: async () => {
          if (await confirmDialog("Delete this entry?", "It will be removed from all your devices.", "Delete", true)) await remove(e);
        } }, "Delete")],
    })), "Nothing here yet.")));
  });
}
