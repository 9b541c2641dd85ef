// Appreciations: log one in two taps (type, send), a live 15-word guide, the ones given and got.
import { store } from "../store.js";
import { create } from "../entries.js";
import { bdi, h, clear, notice, say, toast, section, words, id } from "../ui.js";
import { entryItem, list, live, partnerName, sentTo } from "../parts/cards.js";
import { APPRECIATION_TEXT_MAX, APPRECIATION_WORDS } from "../limits.js";

const GUIDE = APPRECIATION_WORDS;

export function mount(root) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, "Appreciate"),
    h("p", {}, "One specific thing, in 15 words or fewer, lands best.")));
  const fieldId = id("appr");
  const text = h("textarea", { id: fieldId, name: "text", rows: "2", maxlength: String(APPRECIATION_TEXT_MAX),
    placeholder: `Thank you for…`, "aria-describedby": `${fieldId}-count` });
  const count = h("p", { class: "wordcount", id: `${fieldId}-count`, "aria-live": "polite" });
  const message = notice();
  const showCount = () => {
    const n = words(text.value);
    count.textContent = n > GUIDE ? `${n} words · a shorter one often lands better (guide: ${GUIDE})` : `${n} of ${GUIDE} words`;
    count.classList.toggle("over", n > GUIDE);
  };
  text.addEventListener("input", showCount);
  showCount();
  const form = h("form", { novalidate: true },
    h("label", { for: fieldId, class: "label" }, "Something you appreciate about ", bdi(partnerName())), text, count, message,
    h("button", { type: "submit", class: "btn primary wide" }, "Send appreciation"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!text.value.trim()) { say(message, "Write a few words first."); text.focus(); return; }
    say(message, "");
    await create("appreciation", { text: text.value.trim() });
    toast(sentTo());
    form.reset();
    showCount();
  };
  const lists = h("div", {});
  root.append(section("Say thank you", form), lists);
  return live(() => {
    const got = store.theirs("appreciation");
    const gave = store.mine("appreciation");
    clear(lists,
      section(["From ", bdi(partnerName()), ` (${got.length})`], list(got.map((e) => entryItem(e)), "None yet. They'll show up here.")),
      section(`From you (${gave.length})`, list(gave.map((e) => entryItem(e)), "Your appreciations will show up here.")));
  });
}
