// Agreements: a short shared list of conflict rules, boundaries and goals that both partners edit.
import { store } from "../store.js";
import { create, update, remove } from "../entries.js";
import { bdi, h, clear, field, choice, notice, say, toast, section, confirmDialog } from "../ui.js";
import { live, partnerName } from "../parts/cards.js";
import { AGREEMENT_TEXT_MAX } from "../limits.js";

const CATEGORIES = [["conflict_rule", "Conflict rule"], ["boundary", "Boundary"], ["goal", "Goal"]];
const PLURALS = { conflict_rule: "Conflict rules", boundary: "Boundaries", goal: "Goals" };
const STARTERS = [
  ["conflict_rule", "If a fight escalates, either of us can call a time-out, and that's respected."],
  ["conflict_rule", "No name-calling, even when we're angry."],
  ["conflict_rule", "We stick to the issue at hand and leave old mistakes out of it."],
  ["conflict_rule", "After a time-out we come back to the talk once we're calm."],
];

export function mount(root) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, "Agreements"),
    h("p", {}, "A short list you and ", bdi(partnerName()), " keep together. Either of you can change it.")));
  const editing = new Map(); // id → its open edit form, kept across re-renders (typing survives a sync)
  const body = h("div", {});
  const adding = section("Add one", addForm());
  const lists = h("div", {});
  const suggestions = h("div", {});
  root.append(body, lists, adding, suggestions);
  function render() {
    const all = store.entries.filter((e) => e.kind === "agreement");
    const conflicts = store.failures.filter((f) => f.status === "conflict" && f.attempted && f.attempted.kind === "agreement");
    const groups = CATEGORIES.map(([key]) => {
      const items = all.filter((a) => a.body.category === key);
      return items.length ? h("div", { class: "agree-group" }, h("h3", {}, PLURALS[key]),
        h("ul", { class: "entries" }, items.map((a) => item(a, editing, render)))) : null;
    }).filter(Boolean);
    const have = new Set(all.map((a) => a.body.text));
    const starters = STARTERS.filter(([, text]) => !have.has(text));
    clear(body, conflicts.map((f) => h("div", { class: "notice notice-warn", role: "status" },
        bdi(partnerName()), " changed an agreement while you were editing it. What it says now: ",
        h("q", { user: !!f.current }, f.current ? f.current.body.text : "it was removed"))));
    clear(lists, section("Our agreements", groups.length ? groups : h("p", { class: "empty" }, "None yet. Add your own or start from a suggestion.")));
    clear(suggestions, starters.length ? section("Suggestions", h("p", { class: "small muted" }, "One tap adds it; you can reword it after."),
        h("ul", { class: "entries" }, starters.map(([category, text]) => h("li", { class: "entry starter" },
          h("p", { class: "text" }, text),
          h("button", { type: "button", class: "btn small", "aria-label": `Add: ${text}`, onclick: async () => {
            await create("agreement", { text, category });
            toast("Added to your agreements.");
          } }, "Add"))))) : null);
  }
  return live(render);
}

function item(entry, editing, rerender) {
  const who = entry.author_id === store.user.id ? "you" : bdi(partnerName());
  if (!editing.has(entry.id)) {
    return h("li", { class: "entry", "data-id": entry.id, "data-kind": "agreement" },
      h("p", { class: "text", user: true }, entry.body.text),
      h("p", { class: "small muted" }, "Added by ", who, `${entry.rev > 1 ? " · edited" : ""}${entry.pending ? " · not yet synced" : ""}`),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "btn small ghost", "aria-label": `Edit: ${entry.body.text}`,
          onclick: () => { editing.set(entry.id, editForm(entry, editing, rerender)); rerender(); } }, "Edit"),
        h("button", { type: "button", class: "btn small ghost", "aria-label": `Remove: ${entry.body.text}`, onclick: async () => {
          if (await confirmDialog("Remove this agreement?", ["It goes from ", bdi(partnerName()), "'s list too."], "Remove", true)) await remove(entry);
        } }, "Remove")));
  }
  return h("li", { class: "entry", "data-id": entry.id }, editing.get(entry.id));
}

function editForm(entry, editing, rerender) {
  const text = h("textarea", { name: "text", rows: "2", maxlength: String(AGREEMENT_TEXT_MAX), value: entry.body.text });
  let category = entry.body.category;
  const kinds = choice("Kind", CATEGORIES, category, (v) => { category = v; }, "wrap");
  const message = notice();
  const form = h("form", { novalidate: true, "aria-label": "Edit agreement" }, field("Agreement", text), kinds, message,
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "btn primary small" }, "Save"),
      h("button", { type: "button", class: "btn small ghost", onclick: () => { editing.delete(entry.id); rerender(); } }, "Cancel")));
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!text.value.trim()) { say(message, "An agreement needs a few words."); return; }
    const now = store.byId(entry.id);
    if (!now) { editing.delete(entry.id); rerender(); toast([bdi(partnerName()), " removed this agreement."]); return; }
    if ((now.rev || 0) !== (entry.rev || 0) && !(await confirmDialog("It changed meanwhile",
      [bdi(partnerName()), " changed this agreement while you were editing. It now says: “", bdi(now.body.text), "”. Save your wording instead?"],
      "Save mine"))) { editing.delete(entry.id); rerender(); return; }
    editing.delete(entry.id);
    await update(now, { text: text.value.trim(), category });
    toast("Saved. You'll both see the new wording.");
  };
  queueMicrotask(() => text.focus());
  return form;
}

function addForm() {
  let category = "conflict_rule";
  const text = h("textarea", { name: "text", rows: "2", maxlength: String(AGREEMENT_TEXT_MAX), placeholder: "We don't make big decisions when one of us is exhausted." });
  const kinds = choice("Kind", CATEGORIES, category, (v) => { category = v; }, "wrap");
  const message = notice();
  const form = h("form", { novalidate: true, "aria-label": "New agreement" }, field("Agreement", text),
    h("p", { class: "label" }, "Kind"), kinds, message, h("button", { type: "submit", class: "btn primary wide" }, "Add agreement"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!text.value.trim()) { say(message, "Write the agreement in a few words."); text.focus(); return; }
    say(message, "");
    await create("agreement", { text: text.value.trim(), category });
    toast(["Added. ", bdi(partnerName()), " will see it too."]);
    form.reset();
  };
  return form;
}
