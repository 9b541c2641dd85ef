// The six-week path: one step a week from the day you paired. Marking a step done is a private
// `answer` (question_id "path.week-N"), so it syncs to your own devices only. It never blocks anything.
import { store } from "../store.js";
import { create, oneTap, remove } from "../entries.js";
import { bdi, h, clear, toast } from "../ui.js";
import { localDate } from "../time.js";
import { formatDate, t, tp } from "../i18n.js";
import { PATH_STEPS } from "../care.js";
import { live, partnerName } from "../parts/cards.js";

const WEEK = 7 * 86400000;
/** The steps in week order: [title, text, [href, link label]] in the person's language (ids in care.js). */
export const steps = () =>
  PATH_STEPS.map(([id, href]) => [
    t(`path.step.${id}.title`),
    t(`path.step.${id}.text`),
    [href, t(`path.step.${id}.link`)],
  ]);

export const weekOf = (pairedAt, now = Date.now()) =>
  Math.max(1, Math.floor((now - new Date(pairedAt).getTime()) / WEEK) + 1);
const marks = () => store.mine("answer").filter((e) => /^path\.week-\d$/.test(e.body.question_id));

export function mount(root) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, t("path.title")), h("p", {}, t("path.intro"))));
  const body = h("div", {});
  root.append(body);
  return live(() => {
    const pairedAt = store.couple?.paired_at;
    if (!pairedAt) {
      clear(body, h("p", { class: "card soft" }, tp("path.not_paired", { name: bdi(partnerName()) })));
      return;
    }
    const week = weekOf(pairedAt);
    const done = new Map(marks().map((e) => [e.body.question_id, e]));
    clear(
      body,
      week > PATH_STEPS.length ? h("p", { class: "notice notice-info" }, t("path.walked")) : null,
      h(
        "ol",
        { class: "path" },
        steps().map((step, i) => stepCard(step, i + 1, week, done.get(`path.week-${i + 1}`), pairedAt)),
      ),
    );
  });
}

function stepCard([title, what, [href, label]], n, week, mark, pairedAt) {
  const opens = new Date(new Date(pairedAt).getTime() + (n - 1) * WEEK);
  const future = n > week;
  const state = mark ? "done" : n === week ? "now" : future ? "later" : "past";
  const badge = {
    done: ["badge sage", t("path.done")],
    now: ["badge", t("path.this_week")],
    later: ["badge amber", t("path.from", { date: formatDate(opens, { day: "numeric", month: "short" }) })],
    past: null,
  }[state];
  const toggle = h(
    "button",
    {
      type: "button",
      class: `btn small ${mark || future ? "ghost" : "primary"}`,
      "aria-pressed": String(!!mark),
      onclick: () =>
        oneTap(`path.week-${n}`, async () => {
          if (mark) {
            await remove(mark);
            toast(t("path.unmarked"));
            return;
          }
          await create(
            "answer",
            { question_id: `path.week-${n}`, text: "done", local_date: localDate(store.user.timezone) },
            { visibility: "private" },
          );
          toast(t("path.marked"));
        }),
    },
    mark ? t("path.mark_not_done") : t("path.mark_done"),
  );
  return h(
    "li",
    { class: `card path-step ${state}`, "data-week": String(n) },
    h(
      "div",
      { class: "meta row spread" },
      h("span", { class: "small muted" }, t("path.week", { n })),
      badge ? h("span", { class: badge[0] }, badge[1]) : null,
    ),
    h("h2", {}, title),
    h("p", {}, what),
    h("div", { class: "actions" }, toggle, h("a", { class: "btn small ghost", href, "data-link": true }, label)),
  );
}
