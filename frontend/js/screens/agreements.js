// Agreements: a short shared list of conflict rules, boundaries and goals that both partners edit.
import { store } from "../store.js";
import { composer, create, oneTap, refused, update, remove } from "../entries.js";
import { acknowledged } from "../sync.js";
import { bdi, h, clear, field, choice, notice, say, toast, section, confirmDialog } from "../ui.js";
import { t, tp } from "../i18n.js";
import { STARTERS, starterOf } from "../care.js";
import { live, partnerName } from "../parts/cards.js";
import { AGREEMENT_TEXT_MAX } from "../limits.js";
import { agreementConflicts, conflictCard } from "../parts/agreement-conflict.js";
import { refresh as refreshStatus } from "../parts/status.js";

const CATEGORY_IDS = ["conflict_rule", "boundary", "goal"];
const categories = () => CATEGORY_IDS.map((key) => [key, t(`agreements.category.${key}`)]);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The toast after a write: "Saved" only once the server applied it; "Saved on this phone" while it waits
 *  (offline, or slow); nothing when it conflicted (the choice shows in place). */
async function told(mid, saved) {
  const heard = acknowledged(mid);
  let status = await Promise.race([heard, pause(1500)]);
  if (status === undefined) {
    toast(t("agreements.saved_here"));
    status = await heard;
  }
  if (status === "applied") toast(saved);
  else if (status === "conflict") toast(tp("agreements.conflict.toast", { name: bdi(partnerName()) }));
}

export function mount(root) {
  root.append(
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, t("agreements.title")),
      h("p", {}, tp("agreements.intro", { name: bdi(partnerName()) })),
    ),
  );
  const editing = new Map(); // id → its open edit form, kept across re-renders (typing survives a sync)
  const body = h("div", {});
  const add = addForm();
  const adding = section(t("agreements.add_one"), add);
  const lists = h("div", {});
  const suggestions = h("div", {});
  root.append(body, lists, adding, suggestions);
  function render() {
    const all = store.entries.filter((e) => e.kind === "agreement");
    const conflicts = new Map(agreementConflicts().map((f) => [f.attempted.id, f]));
    const resolve = {
      useMine: async (mine) => {
        const now = store.byId(mine.id);
        if (now && mine.removed) told(await remove(now), t("agreements.removed"));
        else if (now)
          told(await update(now, { ...now.body, text: mine.text, category: mine.category }), t("agreements.saved"));
        else told((await create("agreement", { text: mine.text, category: mine.category })).mid, t("agreements.saved"));
      },
      editMine: (mine) => {
        const now = store.byId(mine.id);
        if (now) {
          editing.set(now.id, editForm(now, editing, render, mine));
          render();
        } else add.fill(mine);
      },
    };
    const card = (f) =>
      conflictCard(f, {
        useMine: (b) => resolve.useMine({ ...b, id: f.attempted.id }),
        editMine: (b) => resolve.editMine({ ...b, id: f.attempted.id }),
      });
    const groups = CATEGORY_IDS.map((key) => {
      const items = all.filter((a) => a.body.category === key);
      return items.length
        ? h(
            "div",
            { class: "agree-group" },
            h("h3", {}, t(`agreements.group.${key}`)),
            h(
              "ul",
              { class: "entries" },
              items.map((a) => (conflicts.has(a.id) ? card(conflicts.get(a.id)) : item(a, editing, render))),
            ),
          )
        : null;
    }).filter(Boolean);
    // A suggestion already added (in either wording it was stored in) is not offered again.
    const have = new Set(all.map((a) => starterOf(a.body)).filter(Boolean));
    const starters = STARTERS.filter(([id]) => !have.has(id));
    // Removed by the partner meanwhile: no place on the list to show it in, so above it.
    const gone = [...conflicts.values()].filter((f) => !all.some((a) => a.id === f.attempted.id));
    clear(body, gone.length ? h("ul", { class: "entries" }, gone.map(card)) : null);
    clear(
      lists,
      section(t("agreements.ours"), groups.length ? groups : h("p", { class: "empty" }, t("agreements.none"))),
    );
    clear(
      suggestions,
      starters.length
        ? section(
            t("agreements.suggestions"),
            h("p", { class: "small muted" }, t("agreements.suggestions_hint")),
            h(
              "ul",
              { class: "entries" },
              starters.map(([id, category]) => {
                const text = t(`agreements.starter.${id}`);
                return h(
                  "li",
                  { class: "entry starter", "data-starter": id },
                  h("p", { class: "text" }, text),
                  h(
                    "button",
                    {
                      type: "button",
                      class: "btn small",
                      "aria-label": t("agreements.add_label", { text }),
                      onclick: () =>
                        oneTap(`starter:${id}`, async () => {
                          told((await create("agreement", { text, category, starter: id })).mid, t("agreements.added"));
                        }),
                    },
                    t("agreements.add"),
                  ),
                );
              }),
            ),
          )
        : null,
    );
  }
  const stop = live(render);
  refreshStatus(); // the line leading here goes while this screen shows the choice itself
  return () => {
    stop();
    refreshStatus();
  };
}

function item(entry, editing, rerender) {
  const who =
    entry.author_id === store.user.id
      ? t("agreements.added_by_you")
      : tp("agreements.added_by", { name: bdi(partnerName()) });
  if (!editing.has(entry.id)) {
    return h(
      "li",
      { class: "entry", "data-id": entry.id, "data-kind": "agreement" },
      h("p", { class: "text", user: true }, entry.body.text),
      h(
        "p",
        { class: "small muted" },
        who,
        entry.rev > 1 ? t("agreements.edited") : "",
        entry.pending ? t("agreements.not_synced") : "",
      ),
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            class: "btn small ghost",
            "aria-label": t("agreements.edit_label", { text: entry.body.text }),
            onclick: () => {
              editing.set(entry.id, editForm(entry, editing, rerender));
              rerender();
            },
          },
          t("agreements.edit"),
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn small ghost",
            "aria-label": t("agreements.remove_label", { text: entry.body.text }),
            onclick: async () => {
              if (
                await confirmDialog(
                  t("agreements.remove_title"),
                  tp("agreements.remove_text", { name: bdi(partnerName()) }),
                  t("agreements.remove"),
                  true,
                )
              )
                await remove(entry);
            },
          },
          t("agreements.remove"),
        ),
      ),
    );
  }
  return h("li", { class: "entry", "data-id": entry.id }, editing.get(entry.id));
}

/** The edit form, filled with the stored wording, or with `from` (mine, after a conflict). */
function editForm(entry, editing, rerender, from = entry.body) {
  const text = h("textarea", {
    name: "text",
    rows: "2",
    maxlength: String(AGREEMENT_TEXT_MAX),
    value: from.text,
  });
  let category = from.category;
  const kinds = choice(
    t("agreements.kind"),
    categories(),
    category,
    (v) => {
      category = v;
    },
    "wrap",
  );
  const message = notice();
  const form = h(
    "form",
    { novalidate: true, "aria-label": t("agreements.edit_form") },
    field(t("agreements.agreement"), text),
    kinds,
    message,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "btn primary small" }, t("common.save")),
      h(
        "button",
        {
          type: "button",
          class: "btn small ghost",
          onclick: () => {
            editing.delete(entry.id);
            rerender();
          },
        },
        t("common.cancel"),
      ),
    ),
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!text.value.trim()) {
      say(message, t("agreements.needs_words"));
      return;
    }
    const now = store.byId(entry.id);
    if (!now) {
      editing.delete(entry.id);
      rerender();
      toast(tp("agreements.partner_removed", { name: bdi(partnerName()) }));
      return;
    }
    if (
      (now.rev || 0) !== (entry.rev || 0) &&
      !(await confirmDialog(
        t("agreements.changed_title"),
        tp("agreements.changed_text", { name: bdi(partnerName()), text: bdi(now.body.text) }),
        t("agreements.save_mine"),
      ))
    ) {
      editing.delete(entry.id);
      rerender();
      return;
    }
    editing.delete(entry.id);
    let mid;
    try {
      mid = await update(now, { ...now.body, text: text.value.trim(), category }); // keeps its starter
    } catch (err) {
      editing.set(entry.id, form); // refused before anything changed: the form stays, and says why
      await refused(form, err);
      return;
    }
    told(mid, t("agreements.saved"));
  };
  queueMicrotask(() => text.focus());
  return form;
}

function addForm() {
  let category = "conflict_rule";
  const text = h("textarea", {
    name: "text",
    rows: "2",
    maxlength: String(AGREEMENT_TEXT_MAX),
    placeholder: t("agreements.placeholder"),
  });
  const kinds = choice(
    t("agreements.kind"),
    categories(),
    category,
    (v) => {
      category = v;
    },
    "wrap",
  );
  const message = notice();
  const form = h(
    "form",
    { novalidate: true, "aria-label": t("agreements.new_form") },
    field(t("agreements.agreement"), text),
    h("p", { class: "label" }, t("agreements.kind")),
    kinds,
    message,
    h("button", { type: "submit", class: "btn primary wide" }, t("agreements.submit")),
  );
  composer(form, async (id) => {
    if (!text.value.trim()) {
      say(message, t("agreements.write_it"));
      text.focus();
      return false;
    }
    say(message, "");
    const made = await create("agreement", { text: text.value.trim(), category }, { id });
    form.reset();
    told(made.mid, tp("agreements.added_shared", { name: bdi(partnerName()) }));
  });
  /** Mine, after the partner removed it meanwhile: into the form, to reword and add again. */
  form.fill = (mine) => {
    text.value = mine.text;
    text.focus();
  };
  return form;
}
