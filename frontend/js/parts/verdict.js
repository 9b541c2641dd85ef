// Reflective listening's verdict on a reflection: "That's right" closes it; "Not quite" asks the one who
// shared what was missed (the reaction's note), and the partner may reflect again. One verdict per
// reflection, edited when changed, and the latest across a disclosure's reflections is the one that
// counts and shows, on both phones. The server checks who may give one (backend/services/talk.py).
import { store } from "../store.js";
import { create, latest, refused, update } from "../entries.js";
import { h, id, toast } from "../ui.js";
import { t } from "../i18n.js";
import { reactionName } from "./cards.js";
import { NOTE_MAX } from "../limits.js";

const VERDICTS = ["right", "not_quite"];
const drafts = new Map(); // reflection id → its open "what did I miss?" form: one draft, one entry id

const newest = (list) => list.reduce((best, e) => (!best || e.updated_at > best.updated_at ? e : best), null);
export const isVerdict = (e) => e.kind === "reaction" && VERDICTS.includes(e.body.value);

/** The verdict on one reflection, given by the one it reflects. */
export const verdictOn = (reflection) =>
  newest(
    store.answersTo(reflection.id, "reaction").filter((r) => isVerdict(r) && r.author_id !== reflection.author_id),
  );

/** The verdict that counts for a disclosure: the latest on any of its reflections. */
export const verdictFor = (disclosure) =>
  newest(store.answersTo(disclosure.id, "reflection").map(verdictOn).filter(Boolean));

/** Reflecting again supersedes the earlier reflection on the same disclosure. */
export const isLatestReflection = (reflection) =>
  latest(store.answersTo(reflection.ref_id, "reflection")) === reflection;

/** What was missed, as the partner reads it under a "Not quite". */
export const missedLine = (verdict) =>
  verdict?.body.note
    ? h(
        "p",
        { class: "small" },
        h("strong", {}, t("verdict.missed")),
        " ",
        h("span", { user: true }, verdict.body.note),
      )
    : null;

async function give(button, reflection, body, draftId) {
  if (button.disabled) return;
  button.disabled = true;
  const draft = drafts.get(reflection.id);
  drafts.delete(reflection.id); // before the write's re-render, which then shows the verdict given
  try {
    const given = verdictOn(reflection);
    if (given) await update(given, body);
    else await create("reaction", body, { ref_id: reflection.id, id: draftId });
    // The item re-rendered: focus moves to the verdict now pressed, not back to the top of the page.
    document.querySelector(`li[data-id="${reflection.id}"] button[aria-pressed="true"]`)?.focus();
    toast(t("feed.sent"));
  } catch (err) {
    if (!draft) throw err;
    drafts.set(reflection.id, draft);
    await refused(draft.node, err);
  } finally {
    button.disabled = false;
  }
}

/** For the one who shared: the two verdict buttons (the given one pressed), then the form "Not quite" opens. */
export function verdictButtons(reflection, rerender) {
  const value = verdictOn(reflection)?.body.value;
  const right = h("button", {
    type: "button",
    class: "btn small ghost",
    "aria-pressed": String(value === "right"),
    "data-key": `${reflection.id}:right`,
  });
  right.append(reactionName("right"));
  right.onclick = () => value !== "right" && give(right, reflection, { value: "right" }, crypto.randomUUID());
  const notQuite = h("button", {
    type: "button",
    class: "btn small ghost",
    "aria-pressed": String(value === "not_quite"),
    "aria-expanded": String(drafts.has(reflection.id)),
    "data-key": `${reflection.id}:not_quite`,
  });
  notQuite.append(reactionName("not_quite"));
  notQuite.onclick = () => {
    drafts.has(reflection.id) ? drafts.delete(reflection.id) : drafts.set(reflection.id, missedForm(reflection));
    rerender();
    drafts.get(reflection.id)?.text.focus();
  };
  return [right, notQuite];
}

/** The open "what did I miss?" form of a reflection, if any (kept across re-renders). */
export const missedDraft = (reflection) => drafts.get(reflection.id)?.node || null;

function missedForm(reflection) {
  const draft = { id: crypto.randomUUID() };
  const given = verdictOn(reflection);
  draft.text = h("textarea", {
    id: id("missed"),
    rows: "2",
    maxlength: String(NOTE_MAX),
    value: given?.body.note || "",
  });
  const send = h("button", { type: "submit", class: "btn primary small" }, t("verdict.send"));
  draft.node = h(
    "form",
    { class: "reflect-form", novalidate: true },
    h("label", { for: draft.text.id }, t("verdict.ask")),
    draft.text,
    h("div", { class: "actions" }, send),
  );
  draft.node.onsubmit = (event) => {
    event.preventDefault();
    const note = draft.text.value.trim();
    give(send, reflection, note ? { value: "not_quite", note } : { value: "not_quite" }, draft.id);
  };
  return draft;
}
