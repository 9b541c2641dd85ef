// Time-out: start a pause with a return time and a note; while it runs, both see the calm screen.
import { store } from "../store.js";
import { create, update } from "../entries.js";
import { bdi, h, clear, field, choice, notice, say, toast, section } from "../ui.js";
import { currentTimeout, timeoutState, timeoutEnded, when } from "../care.js";
import { breather } from "../parts/breathe.js";
import { live, partnerName } from "../parts/cards.js";
import { NOTE_MAX, TIMEOUT_MAX_MINUTES, TIMEOUT_MIN_MINUTES } from "../limits.js";

const LENGTHS = [[20, "20 min"], [30, "30 min"], [60, "1 hour"], [120, "2 hours"], [240, "4 hours"], [1440, "This time tomorrow"]];

export function mount(root) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, "Time-out"),
    h("p", {}, "When a talk heats up, pause it and agree when you'll come back. A pause is not a goodbye.")));
  const body = h("div", {});
  root.append(body);
  let shown = null; // the time-out on screen (id + state), so ticking doesn't rebuild the form
  let calm = null;
  const form = startForm();
  function render() {
    const current = currentTimeout();
    const key = current ? `${current.id}:${timeoutState(current)}:${current.rev || 0}:${current.pending || 0}` : "none";
    if (key === shown) return;
    shown = key;
    if (calm) calm.stop();
    calm = current ? breather(current.body.return_at) : null;
    clear(body, current ? calmScreen(current, calm) : [section("Start a time-out", form), recent()]);
  }
  const stopLive = live(render);
  const minute = setInterval(render, 15000);
  return () => { stopLive(); clearInterval(minute); if (calm) calm.stop(); };
}

function calmScreen(entry, timer) {
  const mine = entry.author_id === store.user.id;
  const due = timeoutState(entry) === "due";
  const back = when(entry.body.return_at);
  const headline = due ? "It's time to come back together."
    : mine ? `You asked for a pause. You'll come back at ${back}.`
      : [bdi(partnerName()), ` asked for a pause and will come back at ${back}. It's a pause, not a goodbye.`];
  const end = h("button", { type: "button", class: "btn primary wide", onclick: async () => {
    end.disabled = true;
    if (mine) await update(entry, { ...entry.body, ended_at: new Date().toISOString() });
    else await create("reaction", { value: "thanks" }, { ref_id: entry.id });
    toast("Time-out ended. Go gently.");
  } }, "End the time-out");
  return h("section", { class: "card calm", "aria-labelledby": "calm-title" },
    h("h2", { id: "calm-title" }, due ? "Welcome back" : "Breathe"),
    h("p", { class: "calm-line", "data-testid": "timeout-message" }, headline),
    entry.body.note ? h("p", { class: "quote", user: true }, entry.body.note) : null,
    timer,
    h("p", { class: "small muted center" }, "Breathe in while the circle grows, out while it shrinks. Nothing needs solving right now."),
    end);
}

function startForm() {
  let minutes = TIMEOUT_MIN_MINUTES;
  const lengths = choice("Come back in", LENGTHS, minutes, (v) => { minutes = v; at.value = ""; }, "wrap");
  const at = h("input", { type: "time", name: "at" });
  at.addEventListener("input", () => { if (at.value) lengths.reset(); });
  const note = h("input", { name: "note", maxlength: String(NOTE_MAX), placeholder: "I need a walk; I still want to sort this out." });
  const message = notice();
  const form = h("form", { novalidate: true, "aria-label": "Start a time-out" },
    h("p", { class: "label" }, "Come back in"), lengths,
    field("Or at a set time", at, "Between 20 minutes and 24 hours from now."),
    field("A note for your partner (optional)", note), message,
    h("button", { type: "submit", class: "btn primary wide" }, "Start time-out"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const ahead = at.value ? minutesUntil(at.value) : minutes;
    if (!ahead || ahead < TIMEOUT_MIN_MINUTES || ahead > TIMEOUT_MAX_MINUTES) {
      say(message, "Pick a return time between 20 minutes and 24 hours from now.");
      return;
    }
    say(message, "");
    const returnAt = new Date(Date.now() + ahead * 60000).toISOString();
    await create("timeout", { return_at: returnAt, ended_at: null, note: note.value.trim() });
    toast([bdi(partnerName()), " will see when you'll be back."]);
    form.reset();
    lengths.reset();
    minutes = TIMEOUT_MIN_MINUTES;
  };
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
  return section("Recent time-outs", h("ul", { class: "entries" }, past.map((e) => {
    const ended = timeoutEnded(e);
    return h("li", { class: "entry", "data-kind": "timeout" },
      h("div", { class: "meta" }, h("strong", {}, bdi(store.nameOf(e.author_id))), h("span", {}, when(e.created_at))),
      h("p", { class: "text" }, ended ? [`Ended ${when(ended.at)}`, ended.by === e.author_id ? "" : [" by ", bdi(store.nameOf(ended.by))]]
        : `Return time ${when(e.body.return_at)}`),
      e.body.note ? h("p", { class: "small muted", user: true }, e.body.note) : null);
  })));
}
