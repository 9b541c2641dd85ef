// Tension script: one issue at a time, said as "I felt … when …", ending with one agreed next step.
import { store } from "../store.js";
import { bdi, h, clear, section } from "../ui.js";
import { t, tp } from "../i18n.js";
import { dayLabel } from "../time.js";
import { entryItem, list, live, partnerName } from "../parts/cards.js";
import { composer, loadDraft, stepForm } from "../parts/tension-form.js";
import { repairPanel } from "../parts/repair.js";

const stepsFor = (issue) => store.answersTo(issue.id, "commitment");
const issues = () => store.entries.filter((e) => e.kind === "disclosure" && e.body.category === "tension");

export function mount(root) {
  root.append(
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, t("tension.title")),
      h("p", {}, t("tension.intro")),
      // One calm tap to Get help (numbers, safety), there whenever this moment is harder than a talk.
      h("a", { class: "small calm-help", href: "/help", "data-link": true }, t("help.calm_link")),
    ),
  );
  const repair = repairPanel(); // one tap in the middle of it, above the script
  const body = h("div", {});
  root.append(repair, body);
  let form = null; // the composer (built from the kept draft) stays while no issue is open
  let draft = null;
  const steps = new Map(); // issue id → its step form, kept across re-renders so typing survives a sync
  const stepFor = (issue) => steps.get(issue.id) || steps.set(issue.id, stepForm(issue)).get(issue.id);
  function render() {
    if (!draft) return;
    const open = issues().find((e) => e.author_id === store.user.id && !stepsFor(e).length);
    const waiting = issues().filter((e) => e.author_id !== store.user.id && !stepsFor(e).length);
    const top = [];
    if (open) {
      form = null; // the next issue starts from a fresh composer
      top.push(
        section(
          t("tension.open_issue"),
          list([entryItem(open, { title: t("tension.you_raised") })]),
          h("p", { class: "small muted" }, tp("tension.talk_it_through", { name: bdi(partnerName()) })),
          stepFor(open),
        ),
      );
    } else {
      form = form || composer(draft);
      top.push(section(t("tension.composer"), form));
    }
    for (const issue of waiting) {
      top.push(
        section(
          tp("tension.raised_issue", { name: bdi(partnerName()) }),
          list([entryItem(issue, { title: partnerName() })]),
          h("p", { class: "small muted" }, t("tension.when_talked")),
          stepFor(issue),
        ),
      );
    }
    clear(body, top, history());
  }
  let alive = true;
  loadDraft().then((kept) => {
    draft = kept;
    if (alive) render();
  });
  const stop = live(render);
  return () => {
    alive = false;
    stop();
    repair.cleanup();
  };
}

function history() {
  const done = issues()
    .filter((e) => stepsFor(e).length)
    .slice(0, 10);
  return section(
    t("tension.history"),
    list(
      done.map((issue) => {
        const step = stepsFor(issue)[0];
        return entryItem(issue, {
          title:
            issue.author_id === store.user.id
              ? t("tension.you_raised")
              : tp("tension.they_raised", { name: bdi(partnerName()) }),
          extra: h(
            "p",
            { class: "step", "data-testid": "next-step" },
            h("strong", {}, t("tension.next_step")),
            bdi(step.body.text),
            h(
              "span",
              { class: "muted" },
              step.body.done_at ? t("tension.step_done") : t("tension.step_by", { day: dayName(step.body.due_date) }),
            ),
          ),
        });
      }),
      t("tension.empty"),
    ),
  );
}

const dayName = (date) => dayLabel(date);
