// The prompts, one at a time: answer (a few words to remember, or nothing) or pass, no reason asked.
// In the connection check a visible three-second pause follows each answer. Shared notes; End.
// Together mode: the prompt on screen is the session's shared place (a session_step entry), so Next or
// Pass on either phone moves both; the phone that started the session keeps the answers and notes.
import { store } from "../store.js";
import { h, clear, id, toast } from "../ui.js";
import { t } from "../i18n.js";
import * as R from "../ritual-data.js";
import { storyComposer } from "./story.js";
import { SESSION_TEXT_MAX } from "../limits.js";

const PAUSE = 3;

const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

export function runner(session, ritual, finished) {
  const sid = session.id;
  const mine = session.author_id === store.user.id;
  const place = R.stepOf(sid); // null: a session from before together mode, run on this phone alone
  const own = R.promptsOf(ritual.body);
  const prompts = own.length ? own : [t("session.open_prompt")];
  const step = h("section", { class: "card prompt-card", "aria-live": "polite" });
  let pausing = null;
  let shown = null; // the shared step on screen
  let since = null; // the instant it came up

  const current = () => {
    if (place) return Math.min(store.byId(place.id)?.body.step ?? 0, prompts.length);
    const done = R.handled(store.byId(sid).body);
    const index = prompts.findIndex((p) => !done.has(p));
    return index === -1 ? prompts.length : index;
  };
  const stepClock = h("p", { class: "step-time small muted", "aria-live": "off" });
  const showStepClock = () => {
    if (!since) return;
    const seconds = Math.max(0, (Date.now() - Date.parse(since)) / 1000);
    stepClock.textContent = t("together.step_time", { time: clock(seconds) });
    stepClock.dataset.elapsed = String(Math.floor(seconds));
  };

  // After Next or Pass the buttons are gone: focus goes to the new prompt (or the pause), not the page top.
  // Only when it was in the card (or already lost): someone typing a note keeps their place.
  const focusLost = () => step.contains(document.activeElement) || document.activeElement === document.body;
  const focusOn = (heading, wanted) => wanted && heading.focus();

  const render = () => {
    const refocus = focusLost();
    const index = current();
    shown = index;
    since = place ? store.byId(place.id)?.body.at : null;
    step.dataset.step = String(index);
    if (index >= prompts.length) {
      const done = h("h2", { tabindex: "-1" }, t("session.all_prompts_done"));
      clear(step, done, h("p", {}, mine ? t("session.all_prompts_hint") : t("together.end_there")));
      focusOn(done, refocus);
      return;
    }
    const prompt = prompts[index];
    const answerId = id("answer");
    const answer = mine
      ? h("textarea", {
          id: answerId,
          rows: "3",
          maxlength: String(SESSION_TEXT_MAX),
          placeholder: t("session.answer_placeholder"),
        })
      : null;
    const record = async (pass) => {
      if (place && current() !== index) return render(); // the partner moved it first: show where it is
      if (mine) {
        const text = answer.value.trim();
        await R.patchSession(sid, (b) =>
          pass ? { passed: [...b.passed, prompt] } : { answers: [...b.answers, { prompt, text }] },
        );
      }
      if (place) await R.moveStep(place.id, index, pass);
      if (!pass && ritual.body.type === "connection_check") pause();
      else render();
    };
    const heading = h("h2", { class: "prompt-text", tabindex: "-1" }, prompt);
    clear(
      step,
      h("p", { class: "prompt-count" }, t("session.prompt_of", { n: index + 1, count: prompts.length })),
      heading,
      place ? stepClock : null,
      mine ? h("label", { for: answerId, class: "label" }, t("session.your_answer")) : null,
      answer,
      h(
        "div",
        { class: "actions prompt-actions" },
        h("button", { type: "button", class: "btn primary", onclick: () => record(false) }, t("session.next")),
        h("button", { type: "button", class: "btn ghost", onclick: () => record(true) }, t("session.pass")),
      ),
      h("p", { class: "small muted" }, t("session.pass_hint")),
      mine ? null : h("p", { class: "small muted" }, t("together.notes_there")),
    );
    showStepClock();
    focusOn(heading, refocus);
  };

  const pause = () => {
    let left = PAUSE;
    const refocus = focusLost();
    const count = h("p", { class: "pause-count", "aria-hidden": "true" }, String(left));
    const heading = h("h2", { tabindex: "-1" }, t("session.pause"));
    clear(step, h("div", { class: "pause", role: "status" }, heading, h("p", {}, t("session.pause_hint")), count));
    focusOn(heading, refocus);
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
    const passedThere = place ? store.byId(place.id)?.body.passed || [] : [];
    await R.patchSession(sid, (b) => {
      // Prompts passed on the partner's phone join the session's own record of passes.
      const done = R.handled(b);
      const more = passedThere.map((i) => prompts[i]).filter((p) => p && !done.has(p));
      return { ended_at: new Date().toISOString(), passed: [...b.passed, ...more] };
    });
    toast(t("session.saved"));
    finished();
  };
  // The partner's move arrives by sync: show the new step (a step left alone keeps what is typed).
  const onChange = (event) => {
    if (event.detail === "entries" && place && !pausing && current() !== shown) render();
  };
  if (place) store.addEventListener("change", onChange);
  const every = place ? setInterval(showStepClock, 1000) : null;
  render();
  const node = h(
    "div",
    { class: "runner" },
    mine && ritual.body.type === "story" ? storyComposer(sid) : null,
    step,
    mine
      ? h("section", { class: "card" }, h("label", { for: noteId, class: "label" }, t("session.notes_label")), note)
      : null,
    mine
      ? h("button", { type: "button", class: "btn primary wide end-session", onclick: end }, t("session.end"))
      : null,
  );
  node.cleanup = () => {
    store.removeEventListener("change", onChange);
    clearInterval(every);
    if (pausing) clearInterval(pausing);
  };
  return node;
}
