// The talk after the reveal: short replies on an answer, a few turns each (the server caps a thread,
// backend/services/talk.py), then a kind word to go on in person.
import { store } from "../store.js";
import { create, latest, refused } from "../entries.js";
import { bdi, h } from "../ui.js";
import { t, tp } from "../i18n.js";
import { partnerName, toastSent } from "./cards.js";
import { REPLIES_PER_PERSON, REPLY_TEXT_MAX } from "../limits.js";

const REPLY = "reply";
const drafts = new Map(); // root id → its open composer: one draft, one entry id, kept across re-renders

/** The answer a chain of replies starts from (null when a link is not on this phone). */
export function rootOf(entry) {
  let at = entry;
  for (let step = 0; at && at.kind === REPLY && step <= 2 * REPLIES_PER_PERSON; step++) at = store.byId(at.ref_id);
  return at && at.kind !== REPLY ? at : null;
}

/** The replies of one thread, oldest first. */
export function threadOf(root) {
  const found = [];
  let frontier = [root.id];
  while (frontier.length) {
    const next = frontier.flatMap((id) => store.answersTo(id, REPLY)).filter((r) => !found.includes(r));
    found.push(...next);
    frontier = next.map((r) => r.id);
  }
  return found.sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
}

/** Replies under an answer (or good news), and a way to add one: to the partner's latest word in the thread.
 *  after: show only the replies made after this instant (under a reply, what came after it).
 *  starters: words offered as the start of a reply (good news: active, constructive questions); a tap
 *  opens the composer with them, the cursor at the end, to be finished in one's own words. */
export function talk(root, after = "", starters = []) {
  const me = store.user.id;
  const replies = threadOf(root);
  const target = latest([root, ...replies].filter((e) => e.author_id !== me));
  const lines = replies
    .filter((r) => r.created_at > after)
    .map((r) =>
      h(
        "p",
        { class: "talk-line small", "data-testid": "reply" },
        tp("talk.line", { name: bdi(r.author_id === me ? t("cards.you") : partnerName()) }),
        " ",
        h("span", { user: true }, r.body.text),
      ),
    );
  let more = null;
  if (replies.filter((r) => r.author_id === me).length >= REPLIES_PER_PERSON) {
    drafts.delete(root.id);
    more = h("p", { class: "kind-line", "data-testid": "talk-full" }, t("talk.full"));
  } else if (target) more = composer(root, target, replies.length ? [] : starters);
  return lines.length || more ? h("div", { class: "talk" }, lines, more) : null;
}

function composer(root, target, starters) {
  let draft = drafts.get(root.id);
  if (!draft) {
    const open = h("button", { type: "button", class: "btn small ghost", "aria-expanded": "false" }, t("talk.reply"));
    const text = h("textarea", { name: "reply", rows: "2", maxlength: String(REPLY_TEXT_MAX) });
    const send = h("button", { type: "submit", class: "btn primary small" }, t("talk.send"));
    const label = h("label", {}, t("talk.label"), text);
    const form = h("form", { class: "reply-form", novalidate: true, hidden: true }, label, send);
    const show = (shown) => {
      form.hidden = !shown;
      open.setAttribute("aria-expanded", String(shown));
      if (shown) text.focus();
    };
    const chips = starters.length
      ? h(
          "div",
          { class: "starters", role: "group", "aria-label": t("goodnews.starters") },
          starters.map((words) =>
            h(
              "button",
              {
                type: "button",
                class: "chip",
                onclick: () => {
                  // "Tell me more about…" becomes "Tell me more about ", to be finished; a whole question stays.
                  text.value = words.endsWith("…") ? `${words.slice(0, -1).trimEnd()} ` : words;
                  show(true);
                  text.setSelectionRange(text.value.length, text.value.length);
                },
              },
              words,
            ),
          ),
        )
      : null;
    draft = { id: crypto.randomUUID(), node: h("div", {}, chips, open, form), open, target };
    open.onclick = () => show(form.hidden);
    form.onsubmit = async (event) => {
      event.preventDefault();
      const value = text.value.trim();
      if (!value) return text.focus();
      if (send.disabled) return;
      send.disabled = true;
      drafts.delete(root.id); // before the write's re-render: once saved, the next reply is a new draft
      try {
        const sent = await create(REPLY, { text: value }, { ref_id: draft.target.id, id: draft.id });
        drafts.get(root.id)?.open.focus(); // the thread re-rendered: focus stays in it (a new draft's Reply)
        toastSent(sent.id);
      } catch (err) {
        drafts.set(root.id, draft); // not saved: the draft stays, with its id
        await refused(form, err);
        text.focus();
      } finally {
        send.disabled = false;
      }
    };
    drafts.set(root.id, draft);
  }
  draft.target = target; // the partner may have replied meanwhile: answer their latest word
  return draft.node;
}
