// The twelve-week review: is the rhythm right (change a weekly ritual's cadence in one tap), are the
// questions deep enough, what to change. Finishing records a session of the `reassessment` ritual,
// which restarts the twelve weeks.
import { store } from "../store.js";
import { create, update } from "../entries.js";
import { bdi, h, section, choice, id, toast } from "../ui.js";
import { describe } from "../schedule.js";
import * as R from "../ritual-data.js";
import { SESSION_TEXT_MAX } from "../limits.js";

const QUESTIONS = ["Is the rhythm right, or too much or too little?", "Are the questions deep enough?", "What do we want to change?"];

function cadence(ritual) {
  const s = ritual.body.schedule;
  const desc = h("p", { class: "small muted" }, describe(s));
  const change = async (interval) => {
    const current = store.byId(ritual.id) || ritual;
    const schedule = { ...current.body.schedule, interval };
    if (interval > 1 && !schedule.start_date) schedule.start_date = R.today();
    await update(current, { ...current.body, schedule });
    desc.textContent = describe(schedule);
    toast([bdi(current.body.title), `: ${describe(schedule)}.`]);
  };
  return h("li", { class: "cadence" }, h("h3", {}, ritual.body.title), desc,
    choice(`How often: ${ritual.body.title}`, [[1, "Every week"], [2, "Every two weeks"], [4, "Every four weeks"]], s.interval || 1, change));
}

export function mount(root, { navigate }) {
  const ritual = R.ofType("reassessment");
  const started = new Date().toISOString();
  root.append(h("p", {}, h("a", { href: "/rituals", "data-link": true, class: "back" }, "‹ Rituals")),
    h("div", { class: "page-head" }, h("h1", {}, "Twelve weeks on"),
      h("p", {}, "A short look back together. Change what isn't working; keep what is.")));
  const weekly = R.rituals().filter((r) => r.body.enabled && r.body.schedule.freq === "weekly");
  const others = R.rituals().filter((r) => r.body.enabled && ["daily", "monthly"].includes(r.body.schedule.freq));
  root.append(section("The rhythm",
    h("p", { class: "small muted" }, "One tap changes it for both of you."),
    weekly.length ? h("ul", { class: "cadences" }, weekly.map(cadence)) : null,
    others.length ? h("ul", { class: "plain" }, others.map((r) => h("li", {}, h("a", { href: `/rituals/${r.id}`, "data-link": true },
      bdi(r.body.title), `: ${describe(r.body.schedule)}`)))) : null));
  const fields = QUESTIONS.map((q) => {
    const area = h("textarea", { id: id("review"), rows: "3", maxlength: String(SESSION_TEXT_MAX) });
    return [q, area, h("div", { class: "field" }, h("label", { for: area.id }, q), area)];
  });
  root.append(section("Talk it through", ...(ritual ? ritual.body.prompts.map((p) => h("p", { class: "small muted" }, p)) : []),
    ...fields.map(([, , node]) => node)));
  const finish = async () => {
    if (!ritual) { toast("The review ritual hasn't synced yet."); return; }
    const answers = fields.filter(([, area]) => area.value.trim()).map(([q, area]) => ({ prompt: q, text: area.value.trim() }));
    const passed = fields.filter(([, area]) => !area.value.trim()).map(([q]) => q);
    await create("ritual_session", { started_at: started, ended_at: new Date().toISOString(), answers, passed, note: "" }, { ref_id: ritual.id });
    toast("Review saved. The next one is in twelve weeks.");
    navigate("/rituals");
  };
  root.append(h("button", { type: "button", class: "btn primary wide", onclick: finish }, "Finish the review"));
}
