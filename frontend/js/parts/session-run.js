// The prompts, one at a time: answer (a few words to remember, or nothing) or pass, no reason asked.
// In the connection check a visible three-second pause follows each answer. Shared notes; End.
import { store } from "../store.js";
import { h, clear, id, toast } from "../ui.js";
import { t } from "../i18n.js";
import * as R from "../ritual-data.js";
import { storyComposer } from "./story.js";
import { SESSION_TEXT_MAX } from "../limits.js";

const PAUSE = 3;

export function runner(session, ritual, finished) {
  const sid = session.id;
  const own = R.promptsOf(ritual.body);
  const prompts = own.length ? own : [t("session.open_prompt")];
  const step = h("section", { class: "card prompt-card", "aria-live": "polite" });
  let pausing = null;

  const render = () => {
    const body = store.byId(sid).body;
    const done = R.handled(body);
    const index = prompts.findIndex((p) => !done.has(p));
    if (index === -1) {
      clear(step, h("h2", {}, t("session.all_prompts_done")), h("p", {}, t("session.all_prompts_hint")));
      return;
    }
    const prompt = prompts[index];
    const answerId = id("answer");
    const answer = h("textarea", {
      id: answerId,
      rows: "3",
      maxlength: String(SESSION_TEXT_MAX),
      placeholder: t("session.answer_placeholder"),
    });
    const record = async (pass) => {
      const text = answer.value.trim();
      await R.patchSession(sid, (b) =>
        pass ? { passed: [...b.passed, prompt] } : { answers: [...b.answers, { prompt, text }] },
      );
      if (!pass && ritual.body.type === "connection_check") pause();
      else render();
    };
    clear(
      step,
      h("p", { class: "prompt-count" }, t("session.prompt_of", { n: index + 1, count: prompts.length })),
      h("h2", { class: "prompt-text" }, prompt),
      h("label", { for: answerId, class: "label" }, t("session.your_answer")),
      answer,
      h(
        "div",
        { class: "actions prompt-actions" },
        h("button", { type: "button", class: "btn primary", onclick: () => record(false) }, t("session.next")),
        h("button", { type: "button", class: "btn ghost", onclick: () => record(true) }, t("session.pass")),
      ),
      h("p", { class: "small muted" }, t("session.pass_hint")),
    );
  };

  const pause = () => {
    let left = PAUSE;
    const count = h("p", { class: "pause-count", "aria-hidden": "true" }, String(left));
    clear(
      step,
      h(
        "div",
        { class: "pause", role: "status" },
        h("h2", {}, t("session.pause")),
        h("p", {}, t("session.pause_hint")),
        count,
      ),
    );
    step.classList.add("pausing");
    pausing = setInterval(() => {
      left -= 1;
      if (left > 0) {
        count.textContent = String(left);
        return;
      }
      clearInterval(pausing);
      pausing = null;
      step.classList.remove("pausing");
      render();
    }, 1000);
  };

  const noteId = id("note");
  const note = h("textarea", {
    id: noteId,
    rows: "3",
    maxlength: String(SESSION_TEXT_MAX),
    placeholder: t("session.note_placeholder"),
  });
  note.value = session.body.note || "";
  const saveNote = () => {
    const current = store.byId(sid).body.note || "";
    if (note.value !== current) R.patchSession(sid, () => ({ note: note.value }));
  };
  note.addEventListener("change", saveNote);
  const end = async () => {
    saveNote();
    if (pausing) clearInterval(pausing);
    await R.patchSession(sid, () => ({ ended_at: new Date().toISOString() }));
    toast(t("session.saved"));
    finished();
  };
  render();
  return h(
    "div",
    { class: "runner" },
    ritual.body.type === "story" ? storyComposer(sid) : null,
    step,
    h("section", { class: "card" }, h("label", { for: noteId, class: "label" }, t("session.notes_label")), note),
    h("button", { type: "button", class: "btn primary wide end-session", onclick: end }, t("session.end")),
  );
}
