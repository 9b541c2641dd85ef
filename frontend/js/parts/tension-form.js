// The tension script's two forms: "I felt … when …" (a kept draft) and the one agreed next step.
import { store } from "../store.js";
import * as db from "../db.js";
import { composer as oneDraft, create } from "../entries.js";
import { feelingName, feelingSelect } from "../feelings.js";
import { bdi, h, field, notice, say, toast } from "../ui.js";
import { t, tp } from "../i18n.js";
import { dayLabel, localDate } from "../time.js";
import { partnerName, toastSent } from "./cards.js";
import { COMMITMENT_DAYS, COMMITMENT_TEXT_MAX, I_FEEL_WHEN_MAX } from "../limits.js";

const DRAFT = "tension_draft";
const STEP_DAYS = COMMITMENT_DAYS - 1; // the server counts from its own (UTC) date; a day less is always inside

/** The message sent, in the sender's language: it is their own words from then on (stored as text). */
export const scriptText = (feeling, behavior) =>
  t("tension.script", { feeling: feeling || "___", behavior: (behavior || "___").replace(/[.!?\s]+$/, "") });

export const loadDraft = async () => (await db.getMeta(DRAFT)) || { feeling: "", behavior: "" };

/** The composer, filled from a draft read beforehand (so building it never waits). */
export function composer(draft) {
  const feeling = feelingSelect("feeling", t("tension.pick_word"), draft.feeling);
  const behavior = h("textarea", {
    name: "behavior",
    rows: "2",
    maxlength: String(I_FEEL_WHEN_MAX),
    value: draft.behavior,
    placeholder: t("tension.when_placeholder"),
  });
  const preview = h("p", { class: "quote", "aria-live": "polite", "data-testid": "tension-preview" });
  const saved = h("p", { class: "hint", "aria-live": "polite" });
  const message = notice();
  // The sentence in the sender's words: the feeling by its name (feelings.js); the entry keeps its id.
  const said = () => scriptText(feeling.value && feelingName(feeling.value), behavior.value.trim());
  const form = h(
    "form",
    { novalidate: true, "aria-label": t("tension.form") },
    field(t("tension.felt"), feeling, t("tension.felt_hint")),
    feeling.about,
    field(t("tension.when"), behavior, t("tension.when_hint")),
    h("p", { class: "label" }, t("tension.preview")),
    preview,
    saved,
    message,
    h("button", { type: "submit", class: "btn primary wide" }, tp("tension.send_to", { name: bdi(partnerName()) })),
  );
  const keep = () => {
    preview.textContent = said();
    draft.feeling = feeling.value;
    draft.behavior = behavior.value;
    db.setMeta(DRAFT, { feeling: feeling.value, behavior: behavior.value }).then(() => {
      saved.textContent = feeling.value || behavior.value ? t("tension.draft_kept") : "";
    });
  };
  feeling.addEventListener("change", keep);
  behavior.addEventListener("input", keep);
  preview.textContent = said();
  oneDraft(form, async (id) => {
    if (!feeling.value) {
      say(message, t("tension.pick_feeling"));
      feeling.focus();
      return false;
    }
    if (!behavior.value.trim()) {
      say(message, t("tension.say_what"));
      behavior.focus();
      return false;
    }
    say(message, "");
    const body = {
      text: said(),
      category: "tension",
      feelings: [feeling.value],
      local_date: localDate(store.user.timezone),
    };
    await create("disclosure", body, { id });
    await db.del("meta", DRAFT);
    draft.feeling = "";
    draft.behavior = "";
    toastSent(id, { next: t("tension.next_hint") });
  });
  return form;
}

function dueChoices() {
  const out = [];
  for (let days = 1; days <= STEP_DAYS; days++) {
    const value = localDate(store.user.timezone, new Date(Date.now() + days * 86400000));
    const label = days === 1 ? t("tension.step.tomorrow") : dayLabel(value, "long");
    out.push(h("option", { value, selected: days === 3 }, label));
  }
  return out;
}

const typedSteps = new Map(); // issue id → what was typed so far, kept while the app is open

/** "Our next step": a commitment pointing at the issue, due within the week. */
export function stepForm(issue) {
  const text = h("input", {
    name: "step",
    maxlength: String(COMMITMENT_TEXT_MAX),
    placeholder: t("tension.step.placeholder"),
    value: typedSteps.get(issue.id) || "",
  });
  text.addEventListener("input", () => typedSteps.set(issue.id, text.value));
  const due = h("select", { name: "due" }, dueChoices());
  const message = notice();
  const form = h(
    "form",
    { novalidate: true, "aria-label": t("tension.step.form") },
    field(t("tension.step.label"), text, t("tension.step.hint")),
    field(t("tension.step.due"), due),
    message,
    h("button", { type: "submit", class: "btn primary wide" }, t("tension.step.save")),
  );
  oneDraft(
    form,
    async (id) => {
      if (!text.value.trim()) {
        say(message, t("tension.step.empty"));
        text.focus();
        return false;
      }
      say(message, "");
      // One step agreed together: it is both partners' (reminded to both, either may tick it).
      const body = { text: text.value.trim(), due_date: due.value, owner: "both", done_at: null };
      await create("commitment", body, { ref_id: issue.id, id });
      typedSteps.delete(issue.id);
      toast(t("tension.step.saved"));
    },
    `step:${issue.id}`, // the form is drawn again as entries change: one hold across its copies
  );
  return form;
}
