// Edit one ritual: name, schedule, length, prompts, on/off. Edits go out with the rev they were made
// from; when the partner's change got there first, their version shows here and yours can be re-applied.
import { store } from "../store.js";
import * as db from "../db.js";
import { update } from "../entries.js";
import { bdi, h, clear, field, notice, say, toast, section } from "../ui.js";
import { describe } from "../schedule.js";
import { scheduleFields } from "../parts/schedule-fields.js";
import { PROMPTS_MAX, PROMPT_MAX, RITUAL_MINUTES_MAX, RITUAL_MINUTES_MIN, RITUAL_TITLE_MAX } from "../limits.js";

export function mount(root, { args, navigate }) {
  const ritual = store.byId(args.id);
  if (!ritual || ritual.kind !== "ritual") {
    root.append(h("div", { class: "page-head" }, h("h1", {}, "Ritual not found")),
      h("a", { class: "btn ghost", href: "/rituals", "data-link": true }, "Back to rituals"));
    return null;
  }
  root.append(h("p", {}, h("a", { href: "/rituals", "data-link": true, class: "back" }, "‹ Rituals")),
    h("div", { class: "page-head" }, h("h1", {}, "Edit: ", bdi(ritual.body.title)),
      h("p", {}, "Changes reach your partner when you're both online. If you both change it at once, you'll see theirs and can re-apply yours.")));
  const conflicts = h("div", { class: "conflicts" });
  root.append(conflicts, form(ritual, navigate));
  const render = () => {
    const mine = store.failures.filter((f) => f.status === "conflict" && f.attempted && f.attempted.id === ritual.id);
    clear(conflicts, mine.map((f) => conflictCard(f, navigate)));
  };
  const handler = () => render();
  store.addEventListener("change", handler);
  render();
  return () => store.removeEventListener("change", handler);
}

function form(ritual, navigate) {
  const b = ritual.body;
  const title = h("input", { name: "title", value: b.title, maxlength: String(RITUAL_TITLE_MAX), required: true });
  const duration = h("input", { type: "number", name: "duration_min", min: String(RITUAL_MINUTES_MIN), max: String(RITUAL_MINUTES_MAX), inputmode: "numeric", value: String(b.duration_min) });
  const prompts = h("textarea", { name: "prompts", rows: "7", value: b.prompts.join("\n") });
  const enabled = h("input", { type: "checkbox", id: "ritual-enabled", name: "enabled", checked: b.enabled });
  const schedule = scheduleFields(b.schedule);
  const message = notice();
  const node = h("form", { class: "card ritual-form", novalidate: true },
    field("Name", title), schedule, field("Minutes", duration),
    field("Prompts", prompts, "One per line, in the order you'll go through them. Up to 20."),
    h("label", { class: "check", for: enabled.id }, enabled, h("span", {}, "On (untick to turn this ritual off)")),
    message, h("button", { type: "submit", class: "btn primary wide" }, "Save changes"));
  node.onsubmit = async (event) => {
    event.preventDefault();
    const lines = prompts.value.split("\n").map((l) => l.trim()).filter(Boolean);
    const minutes = Number(duration.value);
    if (!title.value.trim()) { say(message, "Give it a name."); return; }
    if (!(minutes >= RITUAL_MINUTES_MIN && minutes <= RITUAL_MINUTES_MAX)) { say(message, "Minutes: between 1 and 240."); return; }
    if (lines.length > PROMPTS_MAX || lines.some((l) => l.length > PROMPT_MAX)) { say(message, "Up to 20 prompts, each under 300 characters."); return; }
    say(message, "");
    const current = store.byId(ritual.id) || ritual;
    const next = { ...current.body, title: title.value.trim(), duration_min: minutes, prompts: lines,
      enabled: enabled.checked, schedule: schedule.value };
    await db.setMeta(`ritual-edit:${ritual.id}`, { from: current.body, to: next }); // what a re-apply replays
    await update(current, next);
    toast("Ritual saved.");
    navigate("/rituals");
  };
  return node;
}

function summaryOf(body) {
  return h("dl", { class: "version" },
    h("dt", {}, "Name"), h("dd", {}, body.title),
    h("dt", {}, "When"), h("dd", {}, describe(body.schedule)),
    h("dt", {}, "Minutes"), h("dd", {}, String(body.duration_min)),
    h("dt", {}, "State"), h("dd", {}, body.enabled ? "On" : "Off"),
    h("dt", {}, "Prompts"), h("dd", {}, `${body.prompts.length}: ${body.prompts[0] || "none"}${body.prompts.length > 1 ? " …" : ""}`));
}

function conflictCard(failure, navigate) {
  const done = async () => { await db.del("failures", failure.mid); await store.reload(); navigate(`/rituals/${failure.attempted.id}`, { replace: true }); };
  const reapply = async () => {
    const current = store.byId(failure.attempted.id);
    if (!current) { await done(); return; }
    // Only the fields this person changed go on top of the partner's version (now the base rev).
    const edit = await db.getMeta(`ritual-edit:${current.id}`);
    const mine = failure.attempted.body;
    const body = { ...current.body };
    for (const key of Object.keys(mine)) {
      if (!edit || JSON.stringify(edit.from[key]) !== JSON.stringify(mine[key])) body[key] = mine[key];
    }
    await update(current, body);
    toast("Your change is re-applied.");
    await done();
  };
  return section("Your partner changed this first",
    h("p", {}, bdi(store.partner ? store.partner.display_name : "Your partner"), "'s change reached the server before yours, so yours wasn't saved."),
    h("h3", {}, "Their version, now current"), failure.current ? summaryOf(failure.current.body) : h("p", {}, "It was removed."),
    h("h3", {}, "Your change"), summaryOf(failure.attempted.body),
    h("div", { class: "actions" },
      failure.current ? h("button", { type: "button", class: "btn primary", onclick: reapply }, "Re-apply my change") : null,
      h("button", { type: "button", class: "btn ghost", onclick: done }, "Keep theirs")));
}
