// The 90-second story, written down: "I felt [feeling] when [event]; that taught me [takeaway]".
import { store } from "../store.js";
import { h, field, toast } from "../ui.js";
import { feelingName, feelingSelect } from "../feelings.js";
import { t, tp } from "../i18n.js";
import * as R from "../ritual-data.js";
import { STORY_PART_MAX } from "../limits.js";
import { refused } from "../entries.js";

// `keeps`: this phone started the session and keeps the story in it; the partner's form only helps them
// get their story ready (their phone cannot write the session).
export function storyComposer(sid, keeps = true) {
  const feeling = feelingSelect("feeling", t("story.pick_feeling"));
  const event = h("input", {
    name: "event",
    maxlength: String(STORY_PART_MAX),
    placeholder: t("story.event_placeholder"),
  });
  const takeaway = h("input", {
    name: "takeaway",
    maxlength: String(STORY_PART_MAX),
    placeholder: t("story.takeaway_placeholder"),
  });
  const preview = h("p", { class: "quote story-preview", "aria-live": "polite" });
  const show = () => {
    preview.textContent = t("story.sentence", {
      feeling: (feeling.value && feelingName(feeling.value)) || "…",
      event: event.value.trim() || "…",
      takeaway: takeaway.value.trim() || "…",
    });
  };
  for (const control of [feeling, event, takeaway]) control.addEventListener("input", show);
  show();
  const save = async () => {
    if (!feeling.value || !event.value.trim()) {
      toast(t("story.incomplete"));
      return;
    }
    try {
      await R.patchSession(sid, (b) => ({
        answers: [...b.answers.filter((a) => R.promptId(a) !== R.STORY), R.ownAnswer(R.STORY, preview.textContent)],
      }));
    } catch (err) {
      return refused(node, err); // the parts stay as typed, and the card says why
    }
    toast(t("story.saved"));
  };
  const saved = R.answerTo(store.byId(sid).body, R.STORY);
  const node = h(
    "section",
    { class: "card story" },
    h("h2", {}, t("story.title")),
    h("p", { class: "small muted" }, keeps ? t("story.optional") : t("practice.story.get_ready")),
    field(t("story.felt"), feeling),
    feeling.about,
    field(t("story.when"), event),
    field(t("story.taught"), takeaway),
    preview,
    keeps && saved ? h("p", { class: "small muted" }, tp("story.saved_earlier", { text: saved.text })) : null,
    keeps
      ? h("button", { type: "button", class: "btn ghost", onclick: save }, t("story.save"))
      : h("p", { class: "small muted" }, t("practice.story.not_kept")),
  );
  return node;
}
