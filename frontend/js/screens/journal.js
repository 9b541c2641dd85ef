// The private journal: text and feelings, only ever on your own devices.
import { store } from "../store.js";
import { composer, create } from "../entries.js";
import { feelingsPicker } from "../feelings.js";
import { h, clear, field, notice, say, toast, section } from "../ui.js";
import { entryItem, list, live } from "../parts/cards.js";
import { nameIt } from "../parts/nameit.js";
import { t } from "../i18n.js";
import { JOURNAL_TEXT_MAX } from "../limits.js";

export function mount(root) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, t("journal.title")), h("p", {}, t("journal.intro"))));
  const text = h("textarea", {
    name: "text",
    rows: "5",
    maxlength: String(JOURNAL_TEXT_MAX),
    placeholder: t("journal.placeholder"),
  });
  const feelings = feelingsPicker();
  const message = notice();
  const form = h(
    "form",
    { novalidate: true, "aria-label": t("journal.form_label") },
    field(t("journal.write"), text),
    feelings,
    nameIt((word) => feelings.add(word)),
    message,
    h("button", { type: "submit", class: "btn primary wide" }, t("journal.save")),
  );
  composer(form, async (id) => {
    if (!text.value.trim()) {
      say(message, t("journal.write_first"));
      text.focus();
      return false;
    }
    say(message, "");
    await create("journal", { text: text.value.trim(), feelings: feelings.value }, { visibility: "private", id });
    toast(t("journal.saved"));
    form.reset();
    feelings.reset();
  });
  const entries = h("div", {});
  root.append(section(t("journal.new"), form), entries);
  return live(() => {
    const mine = store.mine("journal");
    clear(
      entries,
      section(
        t("journal.yours", { count: mine.length }),
        // "Edit" on each line opens its sheet: edit, share as a disclosure, delete (parts/own-entry.js).
        list(
          mine.map((e) => entryItem(e)),
          t("cards.nothing_yet"),
        ),
      ),
    );
  });
}
