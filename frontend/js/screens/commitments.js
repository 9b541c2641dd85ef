// Commitments: small next steps, due within a week, from a session or on their own. Done / not done;
// an overdue one is pointed out gently, never scolded.
import { store } from "../store.js";
import { bdi, h, clear, field, notice, say, toast, section } from "../ui.js";
import * as R from "../ritual-data.js";
import { live } from "../parts/cards.js";
import { COMMITMENT_TEXT_MAX } from "../limits.js";

/** Text + due date (default and latest: a week from today). */
export function commitmentForm(sessionId = null) {
  const first = R.today();
  const text = h("input", { name: "text", maxlength: String(COMMITMENT_TEXT_MAX), placeholder: "e.g. Plan Saturday's walk" });
  const due = h("input", { type: "date", name: "due_date", value: R.lastDue(), min: first, max: R.lastDue() });
  const message = notice();
  const added = h("ul", { class: "added small" });
  const form = h("form", { class: "commitment-form", novalidate: true },
    field("Next step", text), field("Due by", due, "Within the next seven days."), message,
    h("button", { type: "submit", class: "btn primary" }, "Add commitment"), added);
  form.onsubmit = async (event) => {
    event.preventDefault();
    const today = R.today();
    const last = R.lastDue();
    if (!text.value.trim()) { say(message, "Say what the step is."); text.focus(); return; }
    if (!due.value || due.value < today || due.value > last) { say(message, "Pick a day in the next seven days."); due.focus(); return; }
    say(message, "");
    await R.addCommitment(text.value.trim(), due.value, sessionId);
    added.append(h("li", {}, `Added: ${text.value.trim()} · due ${label(due.value)}`));
    toast("Commitment added.");
    text.value = "";
    due.value = last;
  };
  return form;
}

export function label(iso) {
  return new Date(`${iso}T12:00:00Z`).toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
}

function dueText(c, today) {
  if (c.body.done_at) return `Done ${new Date(c.body.done_at).toLocaleDateString(undefined, { day: "numeric", month: "short" })}`;
  if (c.body.due_date === today) return "Due today";
  if (c.body.due_date > today) return `Due ${label(c.body.due_date)}`;
  return `Was due ${label(c.body.due_date)} · still worth doing, or let it go`;
}

function item(c, today) {
  const done = !!c.body.done_at;
  const overdue = !done && c.body.due_date < today;
  const box = h("input", { type: "checkbox", id: `done-${c.id}`, checked: done });
  box.addEventListener("change", async () => {
    await R.setDone(store.byId(c.id) || c, box.checked);
    toast(box.checked ? "Nicely done." : "Marked as not done.");
  });
  return h("li", { class: `commitment${overdue ? " overdue" : ""}${done ? " done" : ""}`, "data-id": c.id },
    h("label", { class: "check", for: box.id }, box, h("span", { class: "commitment-text", user: true }, c.body.text)),
    h("p", { class: "small muted due" }, `${dueText(c, today)} · `, bdi(store.nameOf(c.author_id)),
      c.pending ? h("span", { class: "badge amber" }, "Not yet synced") : null));
}

export function mount(root) {
  root.append(h("p", {}, h("a", { href: "/rituals", "data-link": true, class: "back" }, "‹ Rituals")),
    h("div", { class: "page-head" }, h("h1", {}, "Commitments"),
      h("p", {}, "Small next steps, each due within a week.")));
  const lists = h("div", {});
  root.append(lists, section("Add one", commitmentForm()));
  return live(() => {
    const today = R.today();
    const all = R.commitments();
    const open = all.filter((c) => !c.body.done_at);
    const done = all.filter((c) => c.body.done_at).reverse().slice(0, 20);
    clear(lists,
      section(`Open (${open.length})`, open.length ? h("ul", { class: "commitments" }, open.map((c) => item(c, today)))
        : h("p", { class: "empty" }, "Nothing open. Add a next step below, or at the end of a session.")),
      done.length ? section("Done", h("ul", { class: "commitments" }, done.map((c) => item(c, today)))) : null);
  });
}
