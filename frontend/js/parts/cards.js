// Pieces several screens share: names for kinds, one-line summaries, entry cards, toggles.
import { store } from "../store.js";
import { bdi, h, id, keepFocus, toast } from "../ui.js";
import { ago } from "../time.js";
import { feelingChips } from "../feelings.js";
import { formatDate, has, t, tp } from "../i18n.js";
import { alwaysPrivate, labelKey, wordsOf } from "../kinds.js";
import { SCALE_MAX } from "../limits.js";
import { delivered } from "../sync.js";

/** A kind's name as a person reads it ("check-in"); kinds.js names its catalogue key. */
export const kindName = (kind) => t(labelKey(kind));
// Stored values (ids) of a disclosure's category, a reaction, a bid's type and a bid's answer; the
// words are the catalogue's cards.category.<id>, cards.reaction.<id>, cards.bid_type.<id>, cards.response.<id>.
export const CATEGORY_IDS = ["worry", "regret", "appreciation", "feeling", "hope", "good_news"];
export const BID_TYPE_IDS = ["question", "touch", "joke", "share", "help", "affection", "other"];
export const RESPONSE_IDS = ["toward", "away", "against"];
/** [id, words] pairs for ui.js choice(). */
export const categories = () => CATEGORY_IDS.map((id) => [id, t(`cards.category.${id}`)]);
export const bidTypes = () => BID_TYPE_IDS.map((id) => [id, t(`cards.bid_type.${id}`)]);
/** Words for a stored value; an unknown value (from a newer app) shows as stored. */
const known = (group, value) => (value && has(`cards.${group}.${value}`) ? t(`cards.${group}.${value}`) : value);
export const reactionName = (value) => known("reaction", value);
export const responseName = (value) => known("response", value);
export const bidTypeName = (value) => known("bid_type", value);
/** A repair phrase's words (repair.phrase.<id>); an id from a newer phone shows as stored. */
export const phraseWords = (id) => (id && has(`repair.phrase.${id}`) ? t(`repair.phrase.${id}`) : id);

export function summary(entry) {
  const b = entry.body || {};
  switch (entry.kind) {
    case "reaction":
      return reactionName(b.value);
    case "bid":
      return [bidTypeName(b.type), b.note].filter(Boolean).join(": ");
    case "bid_response":
      return responseName(b.response);
    case "repair":
      return phraseWords(b.phrase);
    case "timeout":
      return t("cards.timeout_until", { time: formatDate(b.return_at, { hour: "2-digit", minute: "2-digit" }) });
    case "checkin":
      return [
        t("cards.mood", { value: b.mood, max: SCALE_MAX }),
        t("cards.us", { value: b.us, max: SCALE_MAX }),
        b.note,
      ]
        .filter(Boolean)
        .join(" · ");
    case "love_map": // the question's words live on its own screen; here, what was written
      return b.passed ? t("lovemaps.pass") : [b.mine, b.guess].filter(Boolean).join(" · ");
    default:
      return b.text || "";
  }
}

export const partnerName = () => (store.partner ? store.partner.display_name : t("cards.your_partner"));

/** The toast after something for the partner was saved (one helper for every "sent" toast). It says
 *  `sent` ("Sent to Sam.") only once the server has it; before that, that it waits on this phone; with no
 *  partner yet, that they'll see it once they join. `next`: a sentence after it. The name stays a <bdi>. */
export async function toastSent(entryId, { sent = "cards.sent_to", next = "" } = {}) {
  const name = bdi(partnerName());
  const key = !store.partner ? "cards.saved_no_partner" : (await delivered(entryId)) ? sent : "cards.saved_offline";
  const text = tp(key, { name });
  toast(next ? [...text, ` ${next}`] : text);
}

/** "Share with Sam" (checked) or keep it private. .shared tells which. */
export function shareToggle(checked = true) {
  const box = h("input", { type: "checkbox", id: id("share"), name: "shared", checked });
  const label = h(
    "label",
    { class: "check", for: box.id },
    box,
    h(
      "span",
      {},
      tp("cards.share_with", { name: bdi(partnerName()) }),
      h("span", { class: "hint", text: t("cards.share_hint") }),
    ),
  );
  Object.defineProperty(label, "shared", { get: () => box.checked });
  label.reset = () => {
    box.checked = checked;
  };
  return label;
}

/** "Edit" on an entry of your own with words in it: a sheet to edit, share or unsend (parts/own-entry.js,
 *  loaded on the first tap). */
export function editButton(entry) {
  return h(
    "button",
    {
      type: "button",
      class: "btn small ghost",
      "aria-haspopup": "dialog",
      "data-key": `edit:${entry.id}`, // ui.keepFocus: focus stays on it as the list is drawn again
      "aria-label": t("own.edit_label", { kind: kindName(entry.kind) }),
      onclick: () => import("./own-entry.js").then((m) => m.openSheet(store.byId(entry.id) || entry)),
    },
    t("own.edit"),
  );
}

/** One entry as a list item: who, when, badges, the text, then any actions (and "Edit" on your own words,
 *  unless own: false). title: a name (shown isolated) or pieces of a sentence with the name already a bdi,
 *  e.g. tp("feed.reached_out", { name: bdi(name) }). */
export function entryItem(
  entry,
  { title = null, quote = null, badges = [], actions = [], extra = null, own = true } = {},
) {
  const mine = entry.author_id === store.user.id;
  if (mine && own && wordsOf(entry.kind)) actions = [...actions, editButton(entry)];
  return h(
    "li",
    { class: "entry", "data-id": entry.id, "data-kind": entry.kind },
    h(
      "div",
      { class: "meta" },
      h(
        "strong",
        {},
        Array.isArray(title) ? title : title ? bdi(title) : mine ? t("cards.you") : bdi(store.nameOf(entry.author_id)),
      ),
      h("span", {}, ago(entry.created_at)),
      entry.visibility === "private" && !alwaysPrivate(entry.kind)
        ? h("span", { class: "badge sage" }, t("cards.private"))
        : null,
      entry.pending ? h("span", { class: "badge amber", title: t("cards.pending_title") }, t("cards.pending")) : null,
      badges,
    ),
    quote ? h("p", { class: "quote", user: true }, quote) : null,
    h("p", { class: "text", user: true }, summary(entry)),
    entry.body?.i_feel ? h("p", { class: "small muted", user: true }, t("cards.i_feel", entry.body.i_feel)) : null,
    feelingChips(entry.body?.feelings),
    extra,
    actions.length ? h("div", { class: "actions" }, actions) : null,
  );
}

export function list(items, empty) {
  return items.length ? h("ul", { class: "entries" }, items) : h("p", { class: "empty" }, empty);
}

/** Re-render a container whenever entries or the couple change; returns the unsubscribe. */
export function live(render) {
  const handler = (event) => {
    if (["entries", "couple", "me", "questions"].includes(event.detail)) keepFocus(render);
  };
  store.addEventListener("change", handler);
  render();
  return () => store.removeEventListener("change", handler);
}

/** Folds a section() card to one line: its heading becomes a button (aria-expanded) showing the
 *  title and a short peek (card.peek(text) sets it); opening one card of a `group` (a Set) closes
 *  the others, so Today keeps one practice open at a time and stays short. */
export function fold(card, group) {
  const heading = card.querySelector("h2");
  const body = [...card.children].filter((node) => node !== heading);
  const peek = h("span", { class: "peek" });
  body[0].id ||= id("fold");
  const button = h("button", { type: "button", class: "fold", "aria-expanded": "false", "aria-controls": body[0].id });
  button.append(h("span", { class: "fold-title" }, ...heading.childNodes), peek);
  heading.append(button);
  card.classList.add("folded");
  card.peek = (text) => {
    peek.textContent = text || "";
  };
  card.unfold = (open = true) => {
    if (open) for (const other of group) if (other !== card) other.unfold(false);
    button.setAttribute("aria-expanded", String(open));
    card.classList.toggle("folded", !open);
    for (const node of body) node.hidden = !open;
  };
  button.onclick = () => card.unfold(button.getAttribute("aria-expanded") !== "true");
  group.add(card);
  card.unfold(false);
  return card;
}
