// Appreciations: log one in two taps (type, send), a live 15-word guide, the ones given and got.
import { store } from "../store.js";
import { composer, create } from "../entries.js";
import { bdi, h, clear, notice, say, section, words, id } from "../ui.js";
import { entryItem, list, live, partnerName, toastSent } from "../parts/cards.js";
import { t, tp } from "../i18n.js";
import { APPRECIATION_TEXT_MAX, APPRECIATION_WORDS } from "../limits.js";

const GUIDE = APPRECIATION_WORDS;

export function mount(root) {
  root.append(
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, t("appreciate.title")),
      h("p", {}, t("appreciate.intro", { count: GUIDE })),
    ),
  );
  const fieldId = id("appr");
  const text = h("textarea", {
    id: fieldId,
    name: "text",
    rows: "2",
    maxlength: String(APPRECIATION_TEXT_MAX),
    placeholder: t("appreciate.placeholder"),
    "aria-describedby": `${fieldId}-count`,
  });
  const count = h("p", { class: "wordcount", id: `${fieldId}-count`, "aria-live": "polite" });
  const message = notice();
  const showCount = () => {
    const n = words(text.value);
    count.textContent =
      n > GUIDE
        ? t("appreciate.count_over", { count: n, guide: GUIDE })
        : t("appreciate.count", { words: n, count: GUIDE });
    count.classList.toggle("over", n > GUIDE);
  };
  text.addEventListener("input", showCount);
  showCount();
  const form = h(
    "form",
    { novalidate: true },
    h("label", { for: fieldId, class: "label" }, tp("appreciate.label", { name: bdi(partnerName()) })),
    text,
    count,
    message,
    h("button", { type: "submit", class: "btn primary wide" }, t("appreciate.send")),
  );
  composer(form, async (id) => {
    if (!text.value.trim()) {
      say(message, t("appreciate.write_first"));
      text.focus();
      return false;
    }
    say(message, "");
    const sent = await create("appreciation", { text: text.value.trim() }, { id });
    toastSent(sent.id);
    form.reset();
    showCount();
  });
  const lists = h("div", {});
  root.append(section(t("appreciate.say_thanks"), form), lists);
  return live(() => {
    const got = store.theirs("appreciation");
    const gave = store.mine("appreciation");
    clear(
      lists,
      section(
        tp("appreciate.from", { name: bdi(partnerName()), count: got.length }),
        list(
          got.map((e) => entryItem(e)),
          t("appreciate.none_got"),
        ),
      ),
      section(
        t("appreciate.from_you", { count: gave.length }),
        list(
          gave.map((e) => entryItem(e)),
          t("appreciate.none_gave"),
        ),
      ),
    );
  });
}
