// The 90-second story, written down: "I felt [feeling] when [event]; that taught me [takeaway]".
import { store } from "../store.js";
import { h, field, toast } from "../ui.js";
import { FAMILIES } from "../feelings.js";
import * as R from "../ritual-data.js";
import { STORY_PART_MAX } from "../limits.js";

export function storyComposer(sid) {
  const feeling = h("select", { name: "feeling" }, h("option", { value: "" }, "Pick a feeling"),
    FAMILIES.map(([family, list]) => h("optgroup", { label: family }, list.map((f) => h("option", { value: f }, f)))));
  const event = h("input", { name: "event", maxlength: String(STORY_PART_MAX), placeholder: "what happened" });
  const takeaway = h("input", { name: "takeaway", maxlength: String(STORY_PART_MAX), placeholder: "what you learned" });
  const preview = h("p", { class: "quote story-preview", "aria-live": "polite" });
  const show = () => {
    preview.textContent = `I felt ${feeling.value || "…"} when ${event.value.trim() || "…"}; that taught me ${takeaway.value.trim() || "…"}.`;
  };
  for (const control of [feeling, event, takeaway]) control.addEventListener("input", show);
  show();
  const save = async () => {
    if (!feeling.value || !event.value.trim()) { toast("Pick a feeling and say when it was."); return; }
    await R.patchSession(sid, (b) => ({ answers: [...b.answers.filter((a) => a.prompt !== R.STORY), { prompt: R.STORY, text: preview.textContent }] }));
    toast("Story saved in this session.");
  };
  const saved = store.byId(sid).body.answers.find((a) => a.prompt === R.STORY);
  return h("section", { class: "card story" }, h("h2", {}, "Your story"),
    h("p", { class: "small muted" }, "Optional: write it down so you both keep it."),
    field("I felt", feeling), field("when", event), field("and that taught me", takeaway), preview,
    saved ? h("p", { class: "small muted" }, `Saved earlier: ${saved.text}`) : null,
    h("button", { type: "button", class: "btn ghost", onclick: save }, "Save the story"));
}
