// Today's honest thing: a statement, a category, feelings, the optional "I feel … when … and I need …".
import { store } from "../store.js";
import { create } from "../entries.js";
import { feelingsPicker } from "../feelings.js";
import { bdi, h, clear, field, choice, notice, say, toast, section } from "../ui.js";
import { localDate } from "../time.js";
import { CATEGORIES, entryItem, list, live, shareToggle, partnerName } from "./cards.js";
import { DISCLOSURE_TEXT_MAX, I_FEEL_FEEL_MAX, I_FEEL_WHEN_MAX, I_FEEL_NEED_MAX } from "../limits.js";

const PROMPTS = {
  worry: "Something on my mind is…", regret: "I wish I had…", appreciation: "I noticed and loved that…",
  feeling: "Right now I feel…", hope: "I'm hoping that…",
};

export function disclosure() {
  const body = h("div", {});
  const card = section("One honest thing", body);
  let composing = false;
  const composer = buildComposer(() => { composing = false; render(); });
  function render() {
    const today = localDate(store.user.timezone);
    const shared = store.mine("disclosure").filter((e) => e.body.local_date === today);
    if (shared.length && !composing) {
      clear(body,
        h("p", { class: "muted" }, "Today you shared:"),
        list(shared.map((e) => entryItem(e))),
        h("button", { type: "button", class: "btn link", onclick: () => { composing = true; render(); } }, "Share another"));
    } else {
      clear(body, h("p", { class: "muted" }, "A worry, a small regret, something you appreciated. Small is perfect."), composer);
    }
  }
  card.cleanup = live(render);
  return card;
}

function buildComposer(done) {
  let category = "feeling";
  const text = h("textarea", { name: "text", maxlength: String(DISCLOSURE_TEXT_MAX), rows: "3", placeholder: PROMPTS[category] });
  const categories = choice("Kind of statement", CATEGORIES, category, (value) => {
    category = value;
    text.placeholder = PROMPTS[value];
  }, "wrap");
  const feelings = feelingsPicker("Feelings");
  const feel = h("input", { name: "feel", maxlength: String(I_FEEL_FEEL_MAX), placeholder: "hurt" });
  const when = h("input", { name: "when", maxlength: String(I_FEEL_WHEN_MAX), placeholder: "plans change at the last minute" });
  const need = h("input", { name: "need", maxlength: String(I_FEEL_NEED_MAX), placeholder: "a heads-up when you can" });
  const ifeel = h("details", { class: "ifeel" }, h("summary", {}, "Say it as “I feel ___ when ___ and I need ___”"),
    field("I feel", feel), field("when", when), field("and I need", need));
  const share = shareToggle(true);
  const message = notice();
  const form = h("form", { novalidate: true, "aria-label": "Share one honest thing" },
    field("What's true for you today?", text), h("p", { class: "label", id: "cat-label" }, "It's…"), categories,
    feelings, ifeel, share, message,
    h("button", { type: "submit", class: "btn primary wide" }, "Save"));

  form.onsubmit = async (event) => {
    event.preventDefault();
    const parts = [feel.value.trim(), when.value.trim(), need.value.trim()];
    const anyPart = parts.some(Boolean);
    if (anyPart && !parts.every(Boolean)) { say(message, "Fill in all three blanks, or leave them all empty."); return; }
    let statement = text.value.trim();
    if (!statement && anyPart) statement = `I feel ${parts[0]} when ${parts[1]} and I need ${parts[2]}.`;
    if (!statement) { say(message, "Write one sentence, however small."); text.focus(); return; }
    say(message, "");
    const body = { text: statement, category, feelings: feelings.value, local_date: localDate(store.user.timezone) };
    if (anyPart) body.i_feel = { feel: parts[0], when: parts[1], need: parts[2] };
    await create("disclosure", body, { visibility: share.shared ? "shared" : "private" });
    toast(share.shared ? ["Shared with ", bdi(partnerName()), "."] : "Saved just for you.");
    form.reset();
    feelings.reset();
    share.reset();
    ifeel.open = false;
    done();
  };
  return form;
}
