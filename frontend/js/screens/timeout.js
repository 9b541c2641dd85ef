// Time-out: start a pause with a return time and a note; while it runs, both see the calm screen.
import { store } from "../store.js";
import { composer, create, update } from "../entries.js";
import { bdi, h, clear, field, choice, notice, say, toast, section } from "../ui.js";
import { t, tp } from "../i18n.js";
import { currentTimeout, timeoutState, timeoutEnded, when } from "../care.js";
import { breather } from "../parts/breathe.js";
import { live, partnerName, toastSent } from "../parts/cards.js";
import { repairPanel } from "../parts/repair.js";
import {
  NOTE_MAX,
  TIMEOUT_MAX_MINUTES,
  TIMEOUT_MIN_MINUTES,
  TIMEOUT_MORE_MINUTES,
  TIMEOUT_NOTE_MAX,
} from "../limits.js";

const LENGTHS = [20, 30, 60, 120, 240, 1440]; // minutes

/** A length's button label: "20 min", "2 hours", or (a day) "This time tomorrow". */
function lengthLabel(minutes) {
  if (minutes === 24 * 60) return t("timeout.tomorrow");
  return minutes < 60 ? t("timeout.minutes", { count: minutes }) : t("timeout.hours", { count: minutes / 60 });
}

/** "20 minutes" / "24 hours": the bounds a return time must keep, for the hint and the error. */
function span(minutes) {
  return minutes % 60
    ? t("timeout.span_minutes", { count: minutes })
    : t("timeout.span_hours", { count: minutes / 60 });
}
const bounds = () => ({ min: span(TIMEOUT_MIN_MINUTES), max: span(TIMEOUT_MAX_MINUTES) });

export function mount(root) {
  root.append(
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, t("timeout.title")),
      h("p", {}, t("timeout.intro")),
      // One calm tap to Get help (numbers, safety), there whenever this moment is harder than a talk.
      h("a", { class: "small calm-help", href: "/help", "data-link": true }, t("help.calm_link")),
    ),
  );
  const body = h("div", {});
  const repair = repairPanel({ offerTimeout: false }); // below the time-out: the pause comes first here
  root.append(body, repair);
  let shown = null; // the time-out on screen (id + state), so ticking doesn't rebuild the form
  let calm = null;
  const form = startForm();
  function render() {
    const current = currentTimeout();
    const notes = current ? store.answersTo(current.id, "timeout_note").length : 0;
    const key = current
      ? `${current.id}:${timeoutState(current)}:${current.rev || 0}:${current.pending || 0}:${notes}`
      : "none";
    if (key === shown) return;
    shown = key;
    if (calm) calm.stop();
    calm = current ? breather(current.body.return_at) : null;
    // Starting or ending one replaces what had focus: it goes to the new status, not the page top.
    const refocus = body.contains(document.activeElement) || document.activeElement === document.body;
    clear(body, current ? calmScreen(current, calm) : [section(t("timeout.start"), form), recent()]);
    const status = body.querySelector(current ? ".calm-line" : "h2");
    status?.setAttribute("tabindex", "-1");
    if (refocus) status?.focus();
  }
  const stopLive = live(render);
  const minute = setInterval(render, 15000);
  return () => {
    stopLive();
    repair.cleanup();
    clearInterval(minute);
    if (calm) calm.stop();
  };
}

// Only the one who asked ends or moves a time-out (the server refuses the partner's change); the
// partner says "I'll be here" and may send one short, kind note (a timeout_note; the server keeps it to one).
function calmScreen(entry, timer) {
  const mine = entry.author_id === store.user.id;
  const due = timeoutState(entry) === "due";
  const back = when(entry.body.return_at);
  const note = store.answersTo(entry.id, "timeout_note").find((n) => n.author_id !== entry.author_id);
  let title = t("timeout.breathe");
  let headline = mine
    ? t("timeout.mine", { time: back })
    : tp("timeout.theirs_wait", { name: bdi(partnerName()), time: back });
  if (due)
    [title, headline] = mine
      ? [t("timeout.ready_q"), t("timeout.ready_line")]
      : [t("timeout.welcome"), t("timeout.due")];
  if (!mine && !due) title = t("timeout.here");
  return h(
    "section",
    { class: "card calm", "aria-labelledby": "calm-title" },
    h("h2", { id: "calm-title" }, title),
    h("p", { class: "calm-line", "data-testid": "timeout-message" }, headline),
    entry.body.note ? h("p", { class: "quote", user: true }, entry.body.note) : null,
    mine && due ? ownerActions(entry, due) : null, // "Ready?" answered first, above the circle
    timer,
    h("p", { class: "small muted center" }, t("timeout.breathe_hint")),
    mine ? noteFrom(note) : noteForm(entry, note),
    mine && !due ? ownerActions(entry, due) : null,
  );
}

function busy(label, cls, act) {
  const button = h("button", { type: "button", class: `btn ${cls} wide` }, label);
  button.onclick = async () => {
    button.disabled = true;
    await act();
  };
  return button;
}

/** The one who asked: end it early; at the return time "Ready?" or "15 more minutes" (within 24 h of its start). */
function ownerActions(entry, due) {
  const end = busy(due ? t("timeout.ready") : t("timeout.end"), "primary", async () => {
    await update(entry, { ...entry.body, ended_at: new Date().toISOString() });
    toast(t("timeout.ended"));
  });
  const later = new Date(Math.max(Date.now(), Date.parse(entry.body.return_at)) + TIMEOUT_MORE_MINUTES * 60000);
  const cap = Date.parse(entry.created_at || new Date().toISOString()) + TIMEOUT_MAX_MINUTES * 60000;
  const more =
    due && later.getTime() <= cap
      ? busy(t("timeout.more", { count: TIMEOUT_MORE_MINUTES }), "ghost", async () => {
          await update(entry, { ...entry.body, return_at: later.toISOString() });
          toast(t("timeout.extended", { time: when(later.toISOString()) }));
        })
      : null;
  return h("div", { class: "actions" }, end, more);
}

function noteFrom(note) {
  if (!note) return null;
  return h(
    "div",
    { class: "their-note", "data-testid": "timeout-note" },
    h("p", { class: "small muted" }, tp("timeout.their_note", { name: bdi(partnerName()) })),
    h("p", { class: "quote", user: true }, note.body.text),
  );
}

function noteForm(entry, note) {
  if (note)
    return h(
      "div",
      { class: "their-note", "data-testid": "timeout-note" },
      h("p", { class: "small muted" }, t("timeout.your_note")),
      h("p", { class: "quote", user: true }, note.body.text),
    );
  const text = h("input", {
    name: "note",
    maxlength: String(TIMEOUT_NOTE_MAX),
    placeholder: t("timeout.note_kind_placeholder"),
  });
  const message = notice();
  const send = h("button", { type: "submit", class: "btn wide" }, t("timeout.note_send"));
  const form = h(
    "form",
    { novalidate: true },
    field(t("timeout.note_to"), text, t("timeout.note_hint", { max: TIMEOUT_NOTE_MAX })),
    message,
    send,
  );
  composer(form, async (id) => {
    if (!text.value.trim()) {
      say(message, t("timeout.note_need"));
      text.focus();
      return false;
    }
    const sent = await create("timeout_note", { text: text.value.trim() }, { ref_id: entry.id, id });
    toastSent(sent.id, { sent: "timeout.note_sent" });
  });
  return form;
}

function startForm() {
  let minutes = TIMEOUT_MIN_MINUTES;
  const lengths = choice(
    t("timeout.come_back_in"),
    LENGTHS.map((m) => [m, lengthLabel(m)]),
    minutes,
    (v) => {
      minutes = v;
      at.value = "";
    },
    "wrap",
  );
  const at = h("input", { type: "time", name: "at" });
  at.addEventListener("input", () => {
    if (at.value) lengths.reset();
  });
  const note = h("input", { name: "note", maxlength: String(NOTE_MAX), placeholder: t("timeout.note_placeholder") });
  const message = notice();
  const form = h(
    "form",
    { novalidate: true, "aria-label": t("timeout.start") },
    h("p", { class: "label" }, t("timeout.come_back_in")),
    lengths,
    field(t("timeout.at"), at, t("timeout.at_hint", bounds())),
    field(t("timeout.note"), note),
    message,
    h("button", { type: "submit", class: "btn primary wide" }, t("timeout.submit")),
  );
  composer(form, async (id) => {
    const ahead = at.value ? minutesUntil(at.value) : minutes;
    if (!ahead || ahead < TIMEOUT_MIN_MINUTES || ahead > TIMEOUT_MAX_MINUTES) {
      say(message, t("timeout.out_of_range", bounds()));
      return false;
    }
    say(message, "");
    const returnAt = new Date(Date.now() + ahead * 60000).toISOString();
    const started = await create("timeout", { return_at: returnAt, ended_at: null, note: note.value.trim() }, { id });
    toastSent(started.id, { sent: "timeout.sent" });
    form.reset();
    lengths.reset();
    minutes = TIMEOUT_MIN_MINUTES;
  });
  return form;
}

/** Minutes from now until the next HH:MM (today, else tomorrow). */
function minutesUntil(hhmm) {
  const [hh, mm] = hhmm.split(":").map(Number);
  const target = new Date();
  target.setHours(hh, mm, 0, 0);
  if (target <= new Date()) target.setDate(target.getDate() + 1);
  return Math.round((target - Date.now()) / 60000);
}

function recent() {
  const past = store.entries.filter((e) => e.kind === "timeout").slice(0, 3);
  if (!past.length) return null;
  return section(
    t("timeout.recent"),
    h(
      "ul",
      { class: "entries" },
      past.map((e) => {
        const ended = timeoutEnded(e);
        return h(
          "li",
          { class: "entry", "data-kind": "timeout" },
          h(
            "div",
            { class: "meta" },
            h("strong", {}, bdi(store.nameOf(e.author_id))),
            h("span", {}, when(e.created_at)),
          ),
          h(
            "p",
            { class: "text" },
            ended
              ? t("timeout.ended_at", { time: when(ended.at) })
              : t("timeout.return_time", { time: when(e.body.return_at) }),
          ),
          e.body.note ? h("p", { class: "small muted", user: true }, e.body.note) : null,
        );
      }),
    ),
  );
}
