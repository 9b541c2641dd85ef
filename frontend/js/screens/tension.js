// Tension script: one issue at a time, said as "I felt … when …", ending with one agreed next step.
import { store } from "../store.js";
import { bdi, h, clear, section } from "../ui.js";
import { entryItem, list, live, partnerName } from "../parts/cards.js";
import { composer, loadDraft, stepForm } from "../parts/tension-form.js";

const stepsFor = (issue) => store.answersTo(issue.id, "commitment");
const issues = () => store.entries.filter((e) => e.kind === "disclosure" && e.body.category === "tension");

export function mount(root) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, "Talk about a tension"),
    h("p", {}, "One issue at a time. Say how you felt and what happened, then agree one next step together.")));
  const body = h("div", {});
  root.append(body);
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
      top.push(section("Your open issue",
        list([entryItem(open, { title: "You raised" })]),
        h("p", { class: "small muted" }, "Talk it through with ", bdi(partnerName()),
          ", then write down the one step you agree on. A new issue can wait until this one has its step."),
        stepFor(open)));
    } else {
      form = form || composer(draft);
      top.push(section("I felt … when …", form));
    }
    for (const issue of waiting) {
      top.push(section([bdi(partnerName()), " raised an issue"], list([entryItem(issue, { title: partnerName() })]),
        h("p", { class: "small muted" }, "When you've talked, either of you can write down the step you agreed."), stepFor(issue)));
    }
    clear(body, top, history());
  }
  let alive = true;
  loadDraft().then((kept) => { draft = kept; if (alive) render(); });
  const stop = live(render);
  return () => { alive = false; stop(); };
}

function history() {
  const done = issues().filter((e) => stepsFor(e).length).slice(0, 10);
  return section("Issues and their next steps", list(done.map((issue) => {
    const step = stepsFor(issue)[0];
    return entryItem(issue, {
      title: issue.author_id === store.user.id ? "You raised" : [bdi(partnerName()), " raised"],
      extra: h("p", { class: "step", "data-testid": "next-step" }, h("strong", {}, "Next step: "), bdi(step.body.text),
        h("span", { class: "muted" }, step.body.done_at ? " · done" : ` · by ${dayName(step.body.due_date)}`)),
    });
  }), "Nothing here yet. When an issue has its agreed step, it shows up here."));
}

const dayName = (date) => new Date(`${date}T12:00:00`).toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
