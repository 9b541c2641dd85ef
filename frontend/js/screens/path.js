// The six-week path: one step a week from the day you paired. Marking a step done is a private
// `answer` (question_id "path.week-N"), so it syncs to your own devices only. It never blocks anything.
import { store } from "../store.js";
import { create, remove } from "../entries.js";
import { bdi, h, clear, toast, section } from "../ui.js";
import { localDate } from "../time.js";
import { live, partnerName } from "../parts/cards.js";

const WEEK = 7 * 86400000;
export const STEPS = [
  ["Notice your patterns", "Just watch, privately. When you feel close or far this week, jot down what was happening in your journal: the time of day, the topic, what you did next. No fixing yet.",
    ["/journal", "Open the journal"]],
  ["Share something light", "Tell your partner one small true thing each day: a worry, a tiny regret, something you liked. Keep it light; the point is the habit, not the depth.",
    ["/", "Share on Today"]],
  ["Make a safe space", "Pick one calm time this week for a check-in with phones away. Take turns; either of you can pass on any question.",
    ["/rituals", "See your rituals"]],
  ["Name what you avoid", "Choose one thing you tend to step around. Bring it up gently with the tension script: one feeling, one event, one next step.",
    ["/tension", "Open the tension script"]],
  ["Set one goal together", "Agree on a single way you want to talk with each other from now on, and write it down as a goal in your agreements.",
    ["/agreements", "Open agreements"]],
  ["Look back", "Read back over the last five weeks. What felt easier than before? Tell your partner one thing you'd like to keep doing.",
    ["/us", "See your Us page"]],
];

export const weekOf = (pairedAt, now = Date.now()) => Math.max(1, Math.floor((now - new Date(pairedAt).getTime()) / WEEK) + 1);
const marks = () => store.mine("answer").filter((e) => /^path\.week-\d$/.test(e.body.question_id));

export function mount(root) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, "Six-week path"),
    h("p", {}, "One small step a week, starting the week you paired. Go at your own pace; nothing here locks anything.")));
  const body = h("div", {});
  root.append(body);
  return live(() => {
    const pairedAt = store.couple && store.couple.paired_at;
    if (!pairedAt) { clear(body, h("p", { class: "card soft" }, "The path starts once ", bdi(partnerName()), " has joined.")); return; }
    const week = weekOf(pairedAt);
    const done = new Map(marks().map((e) => [e.body.question_id, e]));
    clear(body, week > STEPS.length ? h("p", { class: "notice notice-info" }, "You've walked the whole path. Any step is still here to repeat.") : null,
      h("ol", { class: "path" }, STEPS.map((step, i) => stepCard(step, i + 1, week, done.get(`path.week-${i + 1}`), pairedAt))));
  });
}

function stepCard([title, what, [href, label]], n, week, mark, pairedAt) {
  const opens = new Date(new Date(pairedAt).getTime() + (n - 1) * WEEK);
  const future = n > week;
  const state = mark ? "done" : n === week ? "now" : future ? "later" : "past";
  const badge = { done: ["badge sage", "Done"], now: ["badge", "This week"], later: ["badge amber", `From ${opens.toLocaleDateString(undefined, { day: "numeric", month: "short" })}`], past: null }[state];
  const toggle = h("button", { type: "button", class: `btn small ${mark || future ? "ghost" : "primary"}`, "aria-pressed": String(!!mark),
    onclick: async () => {
      if (mark) { await remove(mark); toast("Unmarked."); return; }
      await create("answer", { question_id: `path.week-${n}`, text: "done", local_date: localDate(store.user.timezone) }, { visibility: "private" });
      toast("Marked done. Nicely walked.");
    } }, mark ? "Mark not done" : "Mark done");
  return h("li", { class: `card path-step ${state}`, "data-week": String(n) },
    h("div", { class: "meta row spread" }, h("span", { class: "small muted" }, `Week ${n}`), badge ? h("span", { class: badge[0] }, badge[1]) : null),
    h("h2", {}, title), h("p", {}, what),
    h("div", { class: "actions" }, toggle, h("a", { class: "btn small ghost", href, "data-link": true }, label)));
}
