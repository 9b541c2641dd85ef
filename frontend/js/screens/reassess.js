// The twelve-week review: is the rhythm right (change a weekly ritual's cadence in one tap), are the
// questions deep enough, what to change. Finishing records a session of the `reassessment` ritual,
// which restarts the twelve weeks.
import { store } from "../store.js";
import { create, oneTap, update } from "../entries.js";
import { bdi, h, section, choice, id, toast } from "../ui.js";
import { describe } from "../schedule.js";
import * as R from "../ritual-data.js";
import { t, tp } from "../i18n.js";
import { SESSION_TEXT_MAX } from "../limits.js";

// The review's questions, by id (reassess.question.<id>). A finished review stores each as the person
// read it, in their language, next to their answer: a record of what was asked, never matched on.
const QUESTIONS = ["rhythm", "depth", "change"];

function cadence(ritual) {
  const s = ritual.body.schedule;
  const desc = h("p", { class: "small muted" }, describe(s));
  const change = async (interval) => {
    const current = store.byId(ritual.id) || ritual;
    const schedule = { ...current.body.schedule, interval };
    if (interval > 1 && !schedule.start_date) schedule.start_date = R.today();
    await update(current, { ...current.body, schedule });
    desc.textContent = describe(schedule);
    toast(tp("reassess.changed", { title: bdi(R.titleOf(current.body)), schedule: describe(schedule) }));
  };
  return h(
    "li",
    { class: "cadence" },
    h("h3", {}, R.titleOf(ritual.body)),
    desc,
    choice(
      t("reassess.how_often", { title: R.titleOf(ritual.body) }),
      [
        [1, t("schedule.field.every_week")],
        [2, t("schedule.field.every_two")],
        [4, t("schedule.field.every_four")],
      ],
      s.interval || 1,
      change,
    ),
  );
}

export function mount(root, { navigate }) {
  const ritual = R.ofType("reassessment");
  const started = new Date().toISOString();
  root.append(
    h("p", {}, h("a", { href: "/rituals", "data-link": true, class: "back" }, t("common.back_rituals"))),
    h("div", { class: "page-head" }, h("h1", {}, t("reassess.title")), h("p", {}, t("reassess.lead"))),
  );
  const weekly = R.rituals().filter((r) => r.body.enabled && r.body.schedule.freq === "weekly");
  const others = R.rituals().filter((r) => r.body.enabled && ["daily", "monthly"].includes(r.body.schedule.freq));
  root.append(
    section(
      t("reassess.rhythm"),
      h("p", { class: "small muted" }, t("reassess.one_tap")),
      weekly.length ? h("ul", { class: "cadences" }, weekly.map(cadence)) : null,
      others.length
        ? h(
            "ul",
            { class: "plain" },
            others.map((r) =>
              h(
                "li",
                {},
                h(
                  "a",
                  { href: `/rituals/${r.id}`, "data-link": true },
                  // One span: the link is a flex box, which would split the name and the words into columns.
                  h(
                    "span",
                    {},
                    tp("reassess.ritual_line", { title: bdi(R.titleOf(r.body)), schedule: describe(r.body.schedule) }),
                  ),
                ),
              ),
            ),
          )
        : null,
    ),
  );
  const fields = QUESTIONS.map((key) => t(`reassess.question.${key}`)).map((q) => {
    const area = h("textarea", { id: id("review"), rows: "3", maxlength: String(SESSION_TEXT_MAX) });
    return [q, area, h("div", { class: "field" }, h("label", { for: area.id }, q), area)];
  });
  root.append(
    section(
      t("reassess.talk"),
      ...(ritual ? R.promptsOf(ritual.body).map((p) => h("p", { class: "small muted" }, p)) : []),
      ...fields.map(([, , node]) => node),
    ),
  );
  const sessionId = crypto.randomUUID(); // one session, however often "Finish" is tapped
  const finish = () => oneTap(sessionId, save);
  const save = async () => {
    if (!ritual) {
      toast(t("reassess.not_synced"));
      return;
    }
    const answers = fields
      .filter(([, area]) => area.value.trim())
      .map(([q, area]) => ({ prompt: q, text: area.value.trim() }));
    const passed = fields.filter(([, area]) => !area.value.trim()).map(([q]) => q);
    await create(
      "ritual_session",
      { started_at: started, ended_at: new Date().toISOString(), answers, passed, note: "" },
      { ref_id: ritual.id, id: sessionId },
    );
    toast(t("reassess.saved"));
    navigate("/rituals");
  };
  root.append(h("button", { type: "button", class: "btn primary wide", onclick: finish }, t("reassess.finish")));
}
