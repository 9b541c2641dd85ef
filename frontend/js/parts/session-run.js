// The prompts, one at a time: answer (a few words to remember, or nothing) or pass, no reason asked.
// The guided practices (connection check, five minutes each, the 90-second story) run as steps instead
// (parts/practice-steps.js): presence, questions with a pause before each answer, turns. Shared notes; End.
// Together mode: the prompt on screen is the session's shared place (a session_step entry), so Next or
// Pass on either phone moves both; the phone that started the session keeps the answers and notes.
import { store } from "../store.js";
import { h, clear, id, toast } from "../ui.js";
import { t, tp } from "../i18n.js";
import * as R from "../ritual-data.js";
import { storyComposer } from "./story.js";
import * as P from "./practice-steps.js";
import * as cues from "../cues.js";
import { SESSION_TEXT_MAX } from "../limits.js";
import { refused } from "../entries.js";

const clock = P.clock;

export function runner(session, ritual, finished) {
  const sid = session.id;
  const mine = session.author_id === store.user.id;
  const place = R.stepOf(sid); // null: a session from before together mode, run on this phone alone
  const own = R.promptsOf(ritual.body);
  const prompts = own.length ? own : [t("session.open_prompt")];
  const flow = place ? P.flowOf(ritual) : null; // a guided practice, run as shared steps
  const total = flow ? flow.length : prompts.length;
  const step = h("section", { class: "card prompt-card", "aria-live": "polite" });
  let shown = null; // the shared step on screen
  let since = null; // the instant it came up
  let live = null; // what the guided step on screen redraws each second (its countdown, its pause)

  const current = () => {
    if (place) return Math.min(store.byId(place.id)?.body.step ?? 0, total);
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
    live = null;
    if (flow && index < total) return guided(index, refocus);
    if (index >= total) {
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
        const saved = await R.patchSession(sid, (b) =>
          pass ? { passed: [...b.passed, prompt] } : { answers: [...b.answers, { prompt, text }] },
        ).then(
          () => true,
          (err) => refused(step, err).then(() => false),
        );
        if (!saved) return answer.focus(); // this prompt stays, with the answer as typed, and says why
      }
      if (place) await R.moveStep(place.id, index, pass);
      render();
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

  // One step of a guided practice (parts/practice-steps.js), as this phone sees it.
  const guided = (index, refocus) => {
    const here = flow[index];
    const shared = store.byId(place.id);
    const name = P.partnerLabel();
    const move = async (pass = false, more = {}) => {
      if (current() !== index) return render(); // the partner moved it first: show where it is
      await R.moveStep(place.id, index, pass, more);
      render();
    };
    const buttons = (nextText = t("session.next"), passToo = true, more = {}) =>
      h(
        "div",
        { class: "actions prompt-actions" },
        h("button", { type: "button", class: "btn primary", onclick: () => move(false, more) }, nextText),
        passToo
          ? h("button", { type: "button", class: "btn ghost", onclick: () => move(true, more) }, t("session.pass"))
          : null,
      );
    const counted = (text) => h("p", { class: "prompt-count" }, text);
    let heading;
    let parts;
    if (here.type === "presence") {
      const left = P.countdown(shared, P.PRESENCE, t("practice.check.presence_up"));
      live = () => left.update();
      heading = h("h2", { class: "prompt-text", tabindex: "-1" }, t("practice.check.presence_title"));
      parts = [
        heading,
        h("p", {}, t("practice.check.presence")),
        left,
        h("p", { class: "small muted" }, t("practice.check.held_back")),
        buttons(t("practice.check.to_questions"), false),
      ];
    } else if (here.type === "ask" || here.type === "answer") {
      const askerRole = here.asker || "starter";
      const asking = here.asker ? askerRole === P.roleOf(mine) : null;
      const askerId = askerRole === "starter" ? session.author_id : mine ? store.partner?.id : store.user.id;
      const sealed = asking ? R.sealedQuestions(ritual.id)[here.n] || null : null;
      const revealed = here.asker ? R.revealedQuestion(sid, askerId, here.n) : null;
      const question = here.text || revealed?.body.text || null;
      const count = counted(t("practice.check.question_of", { n: here.q + 1, count: here.of }));
      if (here.type === "ask") {
        heading = h(
          "h2",
          { class: "prompt-text", tabindex: "-1" },
          here.text ||
            (asking ? sealed?.body.text || t("practice.check.ask_your_own") : tp("practice.check.they_ask", { name })),
        );
        const reveal = async () => {
          if (current() !== index) return render();
          if (sealed) await R.revealQuestion(sealed, sid);
          await move(false);
        };
        parts = [
          count,
          h(
            "p",
            { class: "turn", "data-who": asking === false ? "listener" : "speaker" },
            t(asking === false ? "practice.check.listen" : "practice.check.ask"),
          ),
          heading,
          sealed ? h("p", { class: "small muted" }, tp("practice.check.sealed_hint", { name })) : null,
          h(
            "div",
            { class: "actions prompt-actions" },
            h("button", { type: "button", class: "btn primary", onclick: reveal }, t("practice.check.asked")),
            h(
              "button",
              { type: "button", class: "btn ghost", onclick: () => move(true, { by: 2 }) },
              t("session.pass"),
            ),
          ),
          h("p", { class: "small muted" }, t("session.pass_hint")),
        ];
      } else {
        const pause = P.pauseView(shared);
        if (!pause.update()) {
          step.classList.add("pausing");
          clear(step, pause);
          focusOn(pause.heading, refocus);
          live = () => pause.update() && render();
          return;
        }
        step.classList.remove("pausing");
        const answerId = id("answer");
        const answer = mine
          ? h("textarea", {
              id: answerId,
              rows: "3",
              maxlength: String(SESSION_TEXT_MAX),
              placeholder: t("session.answer_placeholder"),
            })
          : null;
        const label = question || t("practice.check.unnamed", { n: here.q + 1 });
        const save = async (pass) => {
          if (current() !== index) return render();
          if (mine) {
            const text = answer.value.trim();
            const saved = await R.patchSession(sid, (b) =>
              pass ? { passed: [...b.passed, label] } : { answers: [...b.answers, { prompt: label, text }] },
            ).then(
              () => true,
              (err) => refused(step, err).then(() => false),
            );
            if (!saved) return answer.focus(); // this question stays, as typed, and says why
          }
          await move(pass);
        };
        heading = h("h2", { class: "prompt-text", tabindex: "-1" }, question || t("practice.check.answer_title"));
        parts = [
          count,
          h(
            "p",
            { class: "turn", "data-who": asking ? "listener" : "speaker" },
            asking === null
              ? t("practice.check.answer_now")
              : asking
                ? tp("practice.check.they_answer", { name })
                : t("practice.check.you_answer"),
          ),
          heading,
          mine ? h("label", { for: answerId, class: "label" }, t("session.your_answer")) : null,
          answer,
          h(
            "div",
            { class: "actions prompt-actions" },
            h("button", { type: "button", class: "btn primary", onclick: () => save(false) }, t("session.next")),
            h("button", { type: "button", class: "btn ghost", onclick: () => save(true) }, t("session.pass")),
          ),
          mine ? null : h("p", { class: "small muted" }, t("together.notes_there")),
        ];
      }
    } else if (here.type === "choose") {
      const pick = (me) => move(false, { first: me ? P.roleOf(mine) : P.roleOf(!mine) });
      heading = h("h2", { class: "prompt-text", tabindex: "-1" }, t("practice.vuln.who_first"));
      parts = [
        heading,
        h("p", {}, t("practice.vuln.about")),
        h(
          "div",
          { class: "actions prompt-actions" },
          h("button", { type: "button", class: "btn primary", onclick: () => pick(true) }, t("practice.vuln.me_first")),
          h(
            "button",
            { type: "button", class: "btn ghost", onclick: () => pick(false) },
            tp("practice.vuln.them_first", { name }),
          ),
        ),
      ];
    } else if (ritual.body.type === "vulnerability") {
      const [who, title, line] = P.vulnerabilityText(here, shared, mine);
      heading = h("h2", { class: "prompt-text", tabindex: "-1" }, title);
      let left = null;
      if (here.type === "speak") {
        left = P.countdown(shared, P.TURN, t("practice.vuln.time_up"));
        let was = left.update();
        live = () => {
          const up = left.update();
          if (up && !was) cues.cue();
          was = up;
        };
      }
      const last = here.type === "validate";
      parts = [
        counted(t("practice.vuln.turn_of", { n: here.turn })),
        heading,
        P.turnLine(who, line),
        left,
        here.type === "speak" && who === "speaker" ? P.fearStarters() : null,
        buttons(last ? t(here.turn === 1 ? "practice.vuln.swap" : "practice.vuln.finish") : t("session.next")),
      ];
    } else {
      const [who, title, line] = P.storyText(here, mine);
      heading = h("h2", { class: "prompt-text", tabindex: "-1" }, title);
      let left = null;
      if (here.type === "tell") {
        left = P.countdown(shared, P.STORY, t("practice.story.time_up"));
        let was = left.update();
        live = () => {
          const up = left.update();
          if (up && !was) cues.cue();
          was = up;
        };
      }
      parts = [
        heading,
        P.turnLine(who, line),
        left,
        here.type === "compose" && who === "speaker" ? storyComposer(sid, mine) : null,
        here.type === "compose"
          ? buttons(t("practice.story.ready"), false)
          : buttons(here.type === "tell" ? t("practice.story.told") : t("session.next")),
      ];
    }
    step.classList.remove("pausing");
    clear(step, ...parts, place ? stepClock : null);
    showStepClock();
    focusOn(heading, refocus);
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
    if (note.value !== current)
      R.patchSession(sid, () => ({ note: note.value })).catch((err) => refused(note.parentElement, err));
  };
  note.addEventListener("change", saveNote);
  const end = async () => {
    saveNote();
    // (A guided practice's steps are not prompts: what it passed is already in the session's record.)
    const passedThere = place && !flow ? store.byId(place.id)?.body.passed || [] : [];
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
    if (event.detail === "entries" && place && current() !== shown) render();
  };
  if (place) store.addEventListener("change", onChange);
  const every = place
    ? setInterval(() => {
        showStepClock();
        if (live) live();
      }, 500)
    : null;
  render();
  const node = h(
    "div",
    { class: "runner" },
    mine && ritual.body.type === "story" && !flow ? storyComposer(sid) : null,
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
  };
  return node;
}
