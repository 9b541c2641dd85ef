// The tension script's two forms: "I felt … when …" (a kept draft) and the one agreed next step.
import { store } from "../store.js";
import * as db from "../db.js";
import { create } from "../entries.js";
import { FAMILIES } from "../feelings.js";
import { bdi, h, field, notice, say, toast } from "../ui.js";
import { localDate } from "../time.js";
import { partnerName, sentTo } from "./cards.js";
import { COMMITMENT_DAYS, COMMITMENT_TEXT_MAX, I_FEEL_WHEN_MAX } from "../limits.js";

const DRAFT = "tension_draft";
const STEP_DAYS = COMMITMENT_DAYS - 1; // the server counts from its own (UTC) date; a day less is always inside

export const scriptText = (feeling, behavior) =>
  `I felt ${feeling || "___"} when ${(behavior || "___").replace(/[.!?\s]+$/, "")}. Can we talk about what happened and agree one next step?`;

export const loadDraft = async () => (await db.getMeta(DRAFT)) || { feeling: "", behavior: "" };

/** The composer, filled from a draft read beforehand (so building it never waits). */
export function composer(draft) {
  const feeling = h("select", { name: "feeling" }, h("option", { value: "" }, "Pick the closest word"),
    FAMILIES.map(([family, list]) => h("optgroup", { label: family },
      list.map((word) => h("option", { value: word, selected: word === draft.feeling }, word)))));
  const behavior = h("textarea", { name: "behavior", rows: "2", maxlength: String(I_FEEL_WHEN_MAX), value: draft.behavior,
    placeholder: "the plans changed without a word to me" });
  const preview = h("p", { class: "quote", "aria-live": "polite", "data-testid": "tension-preview" });
  const saved = h("p", { class: "hint", "aria-live": "polite" });
  const message = notice();
  const form = h("form", { novalidate: true, "aria-label": "Tension script" },
    field("I felt", feeling, "One feeling, one issue. Just this one thing."),
    field("when", behavior, "What happened, as a camera would see it: no blame, no \"always\"."),
    h("p", { class: "label" }, "What you'll send"), preview, saved, message,
    h("button", { type: "submit", class: "btn primary wide" }, "Send to ", bdi(partnerName())));
  const keep = () => {
    preview.textContent = scriptText(feeling.value, behavior.value.trim());
    draft.feeling = feeling.value;
    draft.behavior = behavior.value;
    db.setMeta(DRAFT, { feeling: feeling.value, behavior: behavior.value }).then(() => {
      saved.textContent = feeling.value || behavior.value ? "Draft kept on this phone." : "";
    });
  };
  feeling.addEventListener("change", keep);
  behavior.addEventListener("input", keep);
  preview.textContent = scriptText(feeling.value, behavior.value.trim());
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!feeling.value) { say(message, "Pick the feeling that fits best."); feeling.focus(); return; }
    if (!behavior.value.trim()) { say(message, "Say what happened, in a few words."); behavior.focus(); return; }
    say(message, "");
    await create("disclosure", { text: scriptText(feeling.value, behavior.value.trim()), category: "tension",
      feelings: [feeling.value], local_date: localDate(store.user.timezone) });
    await db.del("meta", DRAFT);
    draft.feeling = "";
    draft.behavior = "";
    toast(sentTo("Next: agree one small step."));
  };
  return form;
}

function dueChoices() {
  const out = [];
  for (let days = 1; days <= STEP_DAYS; days++) {
    const day = new Date(Date.now() + days * 86400000);
    const label = days === 1 ? "Tomorrow" : day.toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "short" });
    out.push(h("option", { value: localDate(store.user.timezone, day), selected: days === 3 }, label));
  }
  return out;
}

const typedSteps = new Map(); // issue id → what was typed so far, kept while the app is open

/** "Our next step": a commitment pointing at the issue, due within the week. */
export function stepForm(issue) {
  const text = h("input", { name: "step", maxlength: String(COMMITMENT_TEXT_MAX), placeholder: "Text each other when plans change",
    value: typedSteps.get(issue.id) || "" });
  text.addEventListener("input", () => typedSteps.set(issue.id, text.value));
  const due = h("select", { name: "due" }, dueChoices());
  const message = notice();
  const form = h("form", { novalidate: true, "aria-label": "Agree one next step" },
    field("The one next step you agreed", text, "Small and doable this week beats big and vague."),
    field("Done by", due), message,
    h("button", { type: "submit", class: "btn primary wide" }, "Save our next step"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!text.value.trim()) { say(message, "Write the step you agreed, in a few words."); text.focus(); return; }
    say(message, "");
    await create("commitment", { text: text.value.trim(), due_date: due.value, done_at: null }, { ref_id: issue.id });
    typedSteps.delete(issue.id);
    toast("Next step saved. One issue, one step: well done.");
  };
  return form;
}
