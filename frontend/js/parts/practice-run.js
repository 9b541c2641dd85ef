// The guided practices with turns (practices.js: the stress-reducing conversation, the aftermath of a
// fight), one step at a time: whose turn it is, what the step asks of each, the listener's guide, the
// short lists (feelings, "my part" starters) and, in a timed turn, its clock from the step's stored start.
// Together mode as in session-run.js: the step on screen is the session's shared place, Next or Pass on
// either phone moves both, and the phone that started the session keeps the answers and the notes.
import { store } from "../store.js";
import { bdi, clear, h, id, toast } from "../ui.js";
import { list, t, tp } from "../i18n.js";
import * as cues from "../cues.js";
import * as R from "../ritual-data.js";
import { practiceOf, whoseTurn } from "../practices.js";
import { SESSION_TEXT_MAX } from "../limits.js";
import { refused } from "../entries.js";

const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

/** The runner of a practice session, or null when the ritual is no practice (or the session has no
 *  shared place): session-run.js runs it then. */
export function practiceRunner(session, ritual, finished) {
  const practice = practiceOf(ritual.body);
  const place = R.stepOf(session.id);
  if (!practice || !place) return null;
  const sid = session.id;
  const mine = session.author_id === store.user.id;
  const steps = practice.steps;
  const agenda = R.promptsOf(ritual.body);
  const words = (key) => `practice.${practice.words}.${key}`;
  const name = () => bdi(store.partner ? store.partner.display_name : t("common.your_partner"));
  const card = h("section", { class: "card prompt-card practice", "aria-live": "polite" });
  let shown = null;
  let chosen = new Set(); // feelings tapped on this step (this phone's own aid; the author's are saved)
  let turnClock = null; // [node, since, cued thresholds] of a timed turn on screen

  const current = () => Math.min(store.byId(place.id)?.body.step ?? 0, steps.length);
  const focusLost = () => card.contains(document.activeElement) || document.activeElement === document.body;

  const whoLine = (whose) =>
    h(
      "p",
      { class: "turn", "data-who": whose === "they" ? "listener" : whose === "you" ? "speaker" : "both" },
      whose === "you"
        ? t("practice.your_turn")
        : whose === "they"
          ? tp("practice.their_turn", { name: name() })
          : t("practice.together"),
    );

  const asks = (step, whose, index) => {
    if (whose === "you") return tp(words(`you.${step.id}`), { name: name() });
    if (whose === "they") return tp(words(`they.${step.id}`), { name: name() });
    return step.line ? t(words(step.line)) : agenda[index];
  };

  const about = () => {
    if (!practice.turn) return [h("p", {}, t(words("about")))];
    const { min, max } = practice.turn;
    return [
      h("p", {}, t(words("about"), { min, max, total_min: 2 * min, total_max: 2 * max })),
      h("p", { class: "order" }, tp(words(mine ? "order_you" : "order_them"), { name: name() })),
    ];
  };

  const guide = (whose) => {
    const items = h(
      "ul",
      { class: "guide-list" },
      practice.guide.map((key) => h("li", { "data-key": key }, t(words(`guide.${key}`)))),
    );
    // The listener reads it; the speaker may look at what the listener is asked to do.
    if (whose === "they") return h("section", { class: "listener-guide" }, h("h3", {}, t(words("guide_title"))), items);
    return h("details", { class: "listener-guide" }, h("summary", {}, t(words("guide_title"))), items);
  };

  const chips = (label, keys, key, onPick) =>
    h(
      "div",
      { class: "practice-list" },
      h("p", { class: "label", id: `${sid}-${key}` }, label),
      h(
        "div",
        { class: "chips", role: "group", "aria-labelledby": `${sid}-${key}` },
        keys.map((k) =>
          h(
            "button",
            {
              type: "button",
              class: "chip",
              "aria-pressed": "false",
              "data-key": k,
              onclick: (event) => onPick(k, event.currentTarget),
            },
            t(words(`${key}.${k}`)),
          ),
        ),
      ),
    );

  const timed = () => {
    const since = store.byId(place.id)?.body.at;
    const node = h("p", { class: "step-time turn-time small muted", "aria-live": "off" });
    const note = h("p", { class: "turn-note", role: "status" });
    const elapsed = () => Math.max(0, (Date.now() - Date.parse(since)) / 1000);
    // A threshold already behind when the step is drawn (a reload) shows without a cue.
    const passed = new Set(["min", "max"].filter((k) => elapsed() >= practice.turn[k] * 60));
    turnClock = { node, note, since, passed };
    showTurnClock(false);
    return [node, note];
  };

  const showTurnClock = (cue = true) => {
    if (!turnClock) return;
    const { node, note, since, passed } = turnClock;
    const seconds = Math.max(0, (Date.now() - Date.parse(since)) / 1000);
    const { min, max } = practice.turn;
    node.textContent = t("practice.turn_time", { time: clock(seconds), min, max });
    node.dataset.elapsed = String(Math.floor(seconds));
    const reached = seconds >= max * 60 ? "max" : seconds >= min * 60 ? "min" : null;
    if (reached && !passed.has(reached)) {
      passed.add(reached);
      if (cue) cues.cue();
    }
    note.dataset.reached = reached || "";
    note.textContent =
      reached === "max" ? t("practice.turn_over", { max }) : reached ? t("practice.turn_soon", { min }) : "";
  };

  const render = () => {
    const refocus = focusLost();
    const index = current();
    shown = index;
    chosen = new Set();
    turnClock = null;
    card.dataset.step = String(index);
    if (index >= steps.length) {
      const done = h("h2", { tabindex: "-1" }, t("session.all_prompts_done"));
      clear(card, done, h("p", {}, mine ? t("session.all_prompts_hint") : t("together.end_there")));
      if (refocus) done.focus();
      return;
    }
    const step = steps[index];
    const whose = whoseTurn(step, mine);
    card.dataset.who = whose;
    const writes = mine && whose !== "they" && !step.about; // the author's own words, on the author's phone
    const answerId = id("answer");
    const answer = writes
      ? h("textarea", {
          id: answerId,
          rows: "3",
          maxlength: String(SESSION_TEXT_MAX),
          placeholder: t("session.answer_placeholder"),
        })
      : null;
    const feelings =
      practice.feelings && step.id === "feelings" && whose === "you"
        ? chips(t(words("feelings_label")), practice.feelings, "feeling", (k, button) => {
            if (chosen.has(k)) chosen.delete(k);
            else chosen.add(k);
            button.setAttribute("aria-pressed", String(chosen.has(k)));
          })
        : null;
    const starters =
      practice.starters && step.id === "part" && whose === "you"
        ? chips(t(words("starters_label")), practice.starters, "starter", (k, button) => {
            button.setAttribute("aria-pressed", "true");
            if (answer) answer.value = [answer.value.trim(), t(words(`starter.${k}`))].filter(Boolean).join(" ");
          })
        : null;
    const record = async (pass) => {
      if (current() !== index) return render(); // the partner moved it first: show where it is
      if (mine) {
        const named = [...chosen].map((k) => t(words(`feeling.${k}`)));
        const text = [named.length ? list(named) : "", answer ? answer.value.trim() : ""].filter(Boolean).join(". ");
        const prompt = agenda[index];
        const saved = await R.patchSession(sid, (b) =>
          pass ? { passed: [...b.passed, prompt] } : { answers: [...b.answers, { prompt, text }] },
        ).then(
          () => true,
          (err) => refused(card, err).then(() => false),
        );
        if (!saved) return answer?.focus(); // this step stays, as typed, and says why
      }
      await R.moveStep(place.id, index, pass);
      render();
    };
    const heading = h("h2", { class: "prompt-text", tabindex: "-1" }, asks(step, whose, index));
    clear(
      card,
      h("p", { class: "prompt-count" }, t("practice.step_of", { n: index + 1, count: steps.length })),
      whoLine(whose),
      heading,
      step.about ? about() : null,
      step.timed ? timed() : null,
      step.guide ? guide(whose) : null,
      feelings,
      starters,
      writes ? h("label", { for: answerId, class: "label" }, t("session.your_answer")) : null,
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
    if (refocus) heading.focus();
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
    if (note.value !== (store.byId(sid).body.note || ""))
      R.patchSession(sid, () => ({ note: note.value })).catch((err) => refused(note.parentElement, err));
  };
  note.addEventListener("change", saveNote);
  const end = async () => {
    saveNote();
    const passedThere = store.byId(place.id)?.body.passed || [];
    await R.patchSession(sid, (b) => {
      // Steps passed on the partner's phone join the session's own record of passes.
      const done = R.handled(b);
      const more = passedThere.map((i) => agenda[i]).filter((p) => p && !done.has(p));
      return { ended_at: new Date().toISOString(), passed: [...b.passed, ...more] };
    });
    toast(t("session.saved"));
    finished();
  };
  // The partner's move arrives by sync: show the new step (a step left alone keeps what is typed).
  const onChange = (event) => {
    if (event.detail === "entries" && current() !== shown) render();
  };
  store.addEventListener("change", onChange);
  const every = setInterval(() => showTurnClock(), 1000);
  render();
  const node = h(
    "div",
    { class: "runner" },
    card,
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
