// Agreements: a short shared list of conflict rules, boundaries and goals that both partners edit.
import { store } from "../store.js";
import { composer, create, oneTap, update, remove } from "../entries.js";
import { bdi, h, clear, field, choice, notice, say, toast, section, confirmDialog } from "../ui.js";
import { t, tp } from "../i18n.js";
import { STARTERS, starterOf } from "../care.js";
import { live, partnerName } from "../parts/cards.js";
import { AGREEMENT_TEXT_MAX } from "../limits.js";

const CATEGORY_IDS = ["conflict_rule", "boundary", "goal"];
const categories = () => CATEGORY_IDS.map((key) => [key, t(`agreements.category.${key}`)]);

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
  const adding = section(t("agreements.add_one"), addForm());
  const lists = h("div", {});
  const suggestions = h("div", {});
  root.append(body, lists, adding, suggestions);
  function render() {
    const all = store.entries.filter((e) => e.kind === "agreement");
    const conflicts = store.failures.filter(
      (f) => f.status === "conflict" && f.attempted && f.attempted.kind === "agreement",
    );
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
              items.map((a) => item(a, editing, render)),
            ),
          )
        : null;
    }).filter(Boolean);
    // A suggestion already added (in either wording it was stored in) is not offered again.
    const have = new Set(all.map((a) => starterOf(a.body)).filter(Boolean));
    const starters = STARTERS.filter(([id]) => !have.has(id));
    clear(
      body,
      conflicts.map((f) =>
        h(
          "div",
          { class: "notice notice-warn", role: "status" },
          tp("agreements.changed_notice", { name: bdi(partnerName()) }),
          h("q", { user: !!f.current }, f.current ? f.current.body.text : t("agreements.was_removed")),
        ),
      ),
    );
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
                          await create("agreement", { text, category, starter: id });
                          toast(t("agreements.added"));
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
  return live(render);
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

function editForm(entry, editing, rerender) {
  const text = h("textarea", {
    name: "text",
    rows: "2",
    maxlength: String(AGREEMENT_TEXT_MAX),
    value: entry.body.text,
  });
  let category = entry.body.category;
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
    await update(now, { ...now.body, text: text.value.trim(), category }); // keeps the starter it came from
    toast(t("agreements.saved"));
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
    await create("agreement", { text: text.value.trim(), category }, { id });
    toast(tp("agreements.added_shared", { name: bdi(partnerName()) }));
    form.reset();
  });
  return form;
}
