// Edit one ritual: name, schedule, length, prompts, on/off. Edits go out with the rev they were made
// from; when the partner's change got there first, their version shows here and yours can be re-applied.
import { store } from "../store.js";
import * as db from "../db.js";
import { refused, update } from "../entries.js";
import { bdi, h, clear, field, notice, say, toast, section } from "../ui.js";
import { describe } from "../schedule.js";
import { scheduleFields } from "../parts/schedule-fields.js";
import { awaitEntry } from "../parts/arriving.js";
import { t, tp } from "../i18n.js";
import * as R from "../ritual-data.js";
import { PROMPTS_MAX, PROMPT_MAX, RITUAL_MINUTES_MAX, RITUAL_MINUTES_MIN, RITUAL_TITLE_MAX } from "../limits.js";

export function mount(root, { args, navigate }) {
  const ritual = store.byId(args.id);
  if (ritual?.kind !== "ritual") {
    return awaitEntry(root, {
      found: () => store.byId(args.id)?.kind === "ritual",
      open: () => navigate(`/rituals/${args.id}`, { replace: true }),
      missing: () => [
        h("div", { class: "page-head" }, h("h1", {}, t("rituals.edit.not_found"))),
        h("a", { class: "btn ghost", href: "/rituals", "data-link": true }, t("rituals.edit.back")),
      ],
    });
  }
  root.append(
    h("p", {}, h("a", { href: "/rituals", "data-link": true, class: "back" }, t("common.back_rituals"))),
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, tp("rituals.edit.title", { title: bdi(R.titleOf(ritual.body)) })),
      h("p", {}, t("rituals.edit.lead")),
    ),
  );
  const conflicts = h("div", { class: "conflicts" });
  root.append(conflicts, form(ritual, navigate));
  const render = () => {
    const mine = store.failures.filter((f) => f.status === "conflict" && f.attempted && f.attempted.id === ritual.id);
    clear(
      conflicts,
      mine.map((f) => conflictCard(f, navigate)),
    );
  };
  const handler = () => render();
  store.addEventListener("change", handler);
  render();
  return () => store.removeEventListener("change", handler);
}

function form(ritual, navigate) {
  const b = ritual.body;
  const title = h("input", { name: "title", value: R.titleOf(b), maxlength: String(RITUAL_TITLE_MAX), required: true });
  const duration = h("input", {
    type: "number",
    name: "duration_min",
    min: String(RITUAL_MINUTES_MIN),
    max: String(RITUAL_MINUTES_MAX),
    inputmode: "numeric",
    value: String(b.duration_min),
  });
  const prompts = h("textarea", { name: "prompts", rows: "7", value: R.promptsOf(b).join("\n") });
  const enabled = h("input", { type: "checkbox", id: "ritual-enabled", name: "enabled", checked: b.enabled });
  const schedule = scheduleFields(b.schedule);
  const message = notice();
  const node = h(
    "form",
    { class: "card ritual-form", novalidate: true },
    field(t("rituals.edit.name"), title),
    schedule,
    field(t("rituals.edit.minutes"), duration),
    field(t("rituals.edit.prompts"), prompts, t("rituals.edit.prompts_hint", { count: PROMPTS_MAX })),
    h("label", { class: "check", for: enabled.id }, enabled, h("span", {}, t("rituals.edit.on"))),
    message,
    h("button", { type: "submit", class: "btn primary wide" }, t("rituals.edit.save")),
  );
  node.onsubmit = async (event) => {
    event.preventDefault();
    const lines = prompts.value
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    const minutes = Number(duration.value);
    if (!title.value.trim()) {
      say(message, t("rituals.edit.need_name"));
      return;
    }
    if (!(minutes >= RITUAL_MINUTES_MIN && minutes <= RITUAL_MINUTES_MAX)) {
      say(message, t("rituals.edit.minutes_range", { min: RITUAL_MINUTES_MIN, max: RITUAL_MINUTES_MAX }));
      return;
    }
    if (lines.length > PROMPTS_MAX || lines.some((l) => l.length > PROMPT_MAX)) {
      say(
        message,
        t("rituals.edit.prompts_limit", {
          count: PROMPTS_MAX,
          each: t("rituals.edit.prompt_length", { count: PROMPT_MAX }),
        }),
      );
      return;
    }
    say(message, "");
    // Made from the copy the form was filled from: when the partner's change arrived meanwhile, the server
    // refuses it as a conflict (sync.js queue) and theirs shows here, rather than this form's older fields
    // going out over it.
    const current = ritual;
    const next = {
      ...current.body,
      title: title.value.trim(),
      duration_min: minutes,
      prompts: lines,
      enabled: enabled.checked,
      schedule: schedule.value,
    };
    // Rewritten words are the couple's own: a default ritual stops following its template (and so
    // stops showing each reader the template's words). Kept words keep it.
    if (next.title !== R.titleOf(current.body) || next.prompts.join("\n") !== R.promptsOf(current.body).join("\n"))
      delete next.template;
    await db.setMeta(`ritual-edit:${ritual.id}`, { from: current.body, to: next }); // what a re-apply replays
    try {
      await update(current, next);
    } catch (err) {
      await refused(node, err); // the form stays, with what was typed
      return;
    }
    toast(t("rituals.edit.saved"));
    navigate("/rituals");
  };
  return node;
}

function summaryOf(body) {
  return h(
    "dl",
    { class: "version" },
    h("dt", {}, t("rituals.edit.name")),
    h("dd", {}, R.titleOf(body)),
    h("dt", {}, t("schedule.field.when")),
    h("dd", {}, describe(body.schedule)),
    h("dt", {}, t("rituals.edit.minutes")),
    h("dd", {}, String(body.duration_min)),
    h("dt", {}, t("rituals.edit.state")),
    h("dd", {}, body.enabled ? t("common.on") : t("common.off")),
    h("dt", {}, t("rituals.edit.prompts")),
    h(
      "dd",
      {},
      t("rituals.edit.prompts_summary", {
        count: R.promptsOf(body).length,
        first: R.promptsOf(body)[0] || t("rituals.edit.none"),
      }) + (R.promptsOf(body).length > 1 ? t("rituals.edit.more") : ""),
    ),
  );
}

function conflictCard(failure, navigate) {
  const done = async () => {
    await db.del("failures", failure.mid);
    await store.reload();
    navigate(`/rituals/${failure.attempted.id}`, { replace: true });
  };
  const reapply = async () => {
    const current = store.byId(failure.attempted.id);
    if (!current) {
      await done();
      return;
    }
    // Only the fields this person changed go on top of the partner's version (now the base rev).
    const edit = await db.getMeta(`ritual-edit:${current.id}`);
    const mine = failure.attempted.body;
    const body = { ...current.body };
    for (const key of Object.keys(mine)) {
      if (!edit || JSON.stringify(edit.from[key]) !== JSON.stringify(mine[key])) body[key] = mine[key];
    }
    if (edit && "template" in edit.from && !("template" in mine)) delete body.template; // words rewritten
    await update(current, body);
    toast(t("rituals.edit.reapplied"));
    await done();
  };
  return section(
    t("rituals.edit.conflict_title"),
    h(
      "p",
      {},
      tp("rituals.edit.conflict_text", {
        name: bdi(store.partner ? store.partner.display_name : t("common.your_partner")),
      }),
    ),
    h("h3", {}, t("rituals.edit.theirs")),
    failure.current ? summaryOf(failure.current.body) : h("p", {}, t("rituals.edit.removed")),
    h("h3", {}, t("rituals.edit.yours")),
    summaryOf(failure.attempted.body),
    h(
      "div",
      { class: "actions" },
      failure.current
        ? h("button", { type: "button", class: "btn primary", onclick: reapply }, t("rituals.edit.reapply"))
        : null,
      h("button", { type: "button", class: "btn ghost", onclick: done }, t("rituals.edit.keep")),
    ),
  );
}
