// Commitments: small next steps, due within a week, from a session or on their own. Done / not done;
// an overdue one is pointed out gently, never scolded.
import { store } from "../store.js";
import { composer } from "../entries.js";
import { bdi, h, clear, choice, field, notice, say, toast, section } from "../ui.js";
import * as R from "../ritual-data.js";
import { live, partnerName } from "../parts/cards.js";
import { t, tp, formatDate } from "../i18n.js";
import { dayLabel } from "../time.js";
import { COMMITMENT_DAYS, COMMITMENT_TEXT_MAX } from "../limits.js";

/** Text + due date (default and latest: a week from today). */
export function commitmentForm(sessionId = null) {
  const first = R.today();
  const text = h("input", {
    name: "text",
    maxlength: String(COMMITMENT_TEXT_MAX),
    placeholder: t("commitments.placeholder"),
  });
  const due = h("input", { type: "date", name: "due_date", value: R.lastDue(), min: first, max: R.lastDue() });
  let owner = "me";
  const owners = choice(
    t("commitments.whose"),
    [
      ["me", t("commitments.owner_me")],
      ["partner", tp("commitments.owner_partner", { name: bdi(partnerName()) })],
      ["both", t("commitments.owner_both")],
    ],
    owner,
    (v) => {
      owner = v;
    },
    "wrap",
  );
  const message = notice();
  const added = h("ul", { class: "added small" });
  const form = h(
    "form",
    { class: "commitment-form", novalidate: true },
    field(t("commitments.next_step"), text),
    h("p", { class: "label" }, t("commitments.whose")),
    owners,
    field(t("commitments.due_by"), due, t("commitments.due_hint", { count: COMMITMENT_DAYS })),
    message,
    h("button", { type: "submit", class: "btn primary" }, t("commitments.add")),
    added,
  );
  composer(form, async (id) => {
    const today = R.today();
    const last = R.lastDue();
    if (!text.value.trim()) {
      say(message, t("commitments.need_text"));
      text.focus();
      return false;
    }
    if (!due.value || due.value < today || due.value > last) {
      say(message, t("commitments.pick_day", { count: COMMITMENT_DAYS }));
      due.focus();
      return false;
    }
    say(message, "");
    const [words, day, whose] = [text.value.trim(), due.value, owner];
    await R.addCommitment(words, day, sessionId, whose, id);
    added.append(h("li", {}, tp("commitments.added", { text: h("bdi", { user: true }, words), date: label(day) })));
    toast(t("commitments.added_toast"));
    // Cleared once saved on this phone (a failed save keeps the draft); the next step starts as "mine".
    text.value = "";
    due.value = last;
    owner = "me";
    owners.reset();
    owners.querySelector('[data-value="me"]').setAttribute("aria-checked", "true");
  });
  return form;
}

export const label = (iso) => dayLabel(iso);

function dueText(c, today) {
  if (c.body.done_at)
    return t("commitments.done_on", { date: formatDate(c.body.done_at, { day: "numeric", month: "short" }) });
  if (c.body.due_date === today) return t("commitments.due_today");
  if (c.body.due_date > today) return t("commitments.due", { date: label(c.body.due_date) });
  return t("commitments.was_due", { date: label(c.body.due_date) });
}

/** Whose step it is, for this reader: the owner is stored relative to the author ("me", "partner",
 *  "both"), so the author's "partner" is the reader's "you" on the partner's phone. */
export function ownerOf(c) {
  const owner = c.body.owner || "me";
  if (owner === "both") return t("commitments.who_both");
  const authorOwns = owner === "me";
  if ((c.author_id === store.user.id) === authorOwns) return t("commitments.who_you");
  return bdi(authorOwns ? store.nameOf(c.author_id) : partnerName());
}

function item(c, today, wanted) {
  const done = !!c.body.done_at;
  const overdue = !done && c.body.due_date < today;
  // Its author ticks it, and so does the partner when the step is theirs too (the server's rule).
  const mayTick = c.author_id === store.user.id || (c.body.owner || "me") !== "me";
  const box = h("input", { type: "checkbox", id: `done-${c.id}`, checked: done, disabled: !mayTick });
  box.addEventListener("change", async () => {
    await R.setDone(store.byId(c.id) || c, box.checked);
    toast(box.checked ? t("commitments.nicely") : t("commitments.undone"));
  });
  return h(
    "li",
    {
      class: `commitment${overdue ? " overdue" : ""}${done ? " done" : ""}${c.id === wanted ? " wanted" : ""}`,
      "data-id": c.id,
    },
    h("label", { class: "check", for: box.id }, box, h("span", { class: "commitment-text", user: true }, c.body.text)),
    h(
      "p",
      { class: "small muted due" },
      tp("commitments.by", { due: dueText(c, today), name: ownerOf(c) }),
      c.pending ? h("span", { class: "badge amber" }, t("common.not_synced")) : null,
    ),
  );
}

// A reminder opens /commitments?id=<id>: that one is marked and scrolled to once.
export function mount(root, { params } = {}) {
  const wanted = params?.get("id") || null;
  let found = false;
  root.append(
    h("p", {}, h("a", { href: "/rituals", "data-link": true, class: "back" }, t("common.back_rituals"))),
    h("div", { class: "page-head" }, h("h1", {}, t("route.commitments")), h("p", {}, t("commitments.lead"))),
  );
  const lists = h("div", {});
  root.append(lists, section(t("commitments.add_one"), commitmentForm()));
  return live(() => {
    const today = R.today();
    const all = R.commitments();
    const open = all.filter((c) => !c.body.done_at);
    const done = all
      .filter((c) => c.body.done_at)
      .reverse()
      .slice(0, 20);
    // A re-render rebuilds the boxes: the one that had focus (ticked, or marked by a reminder) keeps it.
    const focused = lists.contains(document.activeElement) ? document.activeElement.id : "";
    clear(
      lists,
      section(
        t("commitments.open", { count: open.length }),
        open.length
          ? h(
              "ul",
              { class: "commitments" },
              open.map((c) => item(c, today, wanted)),
            )
          : h("p", { class: "empty" }, t("commitments.empty")),
      ),
      done.length
        ? section(
            t("commitments.done"),
            h(
              "ul",
              { class: "commitments" },
              done.map((c) => item(c, today, wanted)),
            ),
          )
        : null,
    );
    if (focused) document.getElementById(focused)?.focus({ preventScroll: true });
    const mark = !found && wanted && lists.querySelector(`[data-id="${CSS.escape(wanted)}"]`);
    if (mark) {
      found = true;
      setTimeout(() => {
        mark.scrollIntoView({ block: "center" });
        mark.querySelector("input").focus({ preventScroll: true });
      });
    }
  });
}
