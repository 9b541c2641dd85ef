// The six-week path, walked together: one step a week from the day you paired. Marking a step done is a
// shared `path_step` entry (body.week), so both see each other's ticks; a week that hasn't opened can't be
// ticked (the server refuses it too). Ticks from before (private answers "path.week-N") still count as yours.
import { store } from "../store.js";
import { create, oneTap, remove } from "../entries.js";
import { bdi, h, clear, toast } from "../ui.js";
import { formatDate, t, tp } from "../i18n.js";
import { PATH_STEPS, pathWeek, weekOpens } from "../care.js";
import { live, partnerName } from "../parts/cards.js";

/** The steps in week order: [title, text, [href, link label]] in the person's language (ids in care.js). */
export const steps = () =>
  PATH_STEPS.map(([id, href]) => [
    t(`path.step.${id}.title`),
    t(`path.step.${id}.text`),
    [href, t(`path.step.${id}.link`)],
  ]);

/** Week n → {mine, theirs}: the tick entries of each partner (mine may be an old private answer). */
function ticks() {
  const weeks = new Map();
  const at = (n) => weeks.get(n) || weeks.set(n, {}).get(n);
  for (const e of store.entries) {
    const old = e.kind === "answer" && /^path\.week-\d$/.test(e.body.question_id);
    if (e.kind !== "path_step" && !old) continue;
    const n = old ? Number(e.body.question_id.slice(10)) : e.body.week;
    at(n)[e.author_id === store.user.id ? "mine" : "theirs"] = e;
  }
  return weeks;
}

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
    const week = pathWeek(pairedAt);
    const done = ticks();
    const total = PATH_STEPS.length;
    const walked = [...done.values()].filter((d) => d.mine || d.theirs).length;
    clear(
      body,
      week > total
        ? h(
            "p",
            { class: "notice notice-info", "data-testid": "path-ending" },
            walked ? t("path.walked_some", { n: walked, total }) : t("path.walked_none"),
          )
        : null,
      h(
        "ol",
        { class: "path" },
        steps().map((step, i) => stepCard(step, i + 1, week, done.get(i + 1) || {}, pairedAt)),
      ),
    );
  });
}

function stepCard([title, what, [href, label]], n, week, { mine, theirs }, pairedAt) {
  const future = n > week;
  const state = mine || theirs ? "done" : n === week ? "now" : future ? "later" : "past";
  const opens = formatDate(weekOpens(pairedAt, n), { day: "numeric", month: "short" });
  const badge = future
    ? ["badge amber", t("path.from", { date: opens })]
    : n === week
      ? ["badge", t("path.this_week")]
      : null;
  const who = [mine ? t("path.done_by_you") : null, theirs ? tp("path.done_by", { name: bdi(partnerName()) }) : null];
  const toggle = future
    ? null
    : h(
        "button",
        {
          type: "button",
          class: `btn small ${mine ? "ghost" : "primary"}`,
          "aria-pressed": String(!!mine),
          onclick: () =>
            oneTap(`path.week-${n}`, async () => {
              if (mine) {
                await remove(mine);
                toast(t("path.unmarked"));
                return;
              }
              await create("path_step", { week: n });
              toast(tp("path.marked", { name: bdi(partnerName()) }));
            }),
        },
        mine ? t("path.mark_not_done") : t("path.mark_done"),
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
    mine || theirs
      ? h(
          "p",
          { class: "small path-who", "data-testid": "path-who" },
          who.filter(Boolean).flatMap((part, i) => (i ? [" · ", part] : [part])),
        )
      : null,
    h("div", { class: "actions" }, toggle, h("a", { class: "btn small ghost", href, "data-link": true }, label)),
  );
}
