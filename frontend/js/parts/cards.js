// Pieces several screens share: names for kinds, one-line summaries, entry cards, toggles.
import { store } from "../store.js";
import { bdi, h, id, keepFocus } from "../ui.js";
import { ago } from "../time.js";
import { feelingChips } from "../feelings.js";
import { t } from "../i18n.js";
import { alwaysPrivate, labelKey } from "../kinds.js";

/** A kind's name as a person reads it ("check-in"); kinds.js names its catalogue key. */
export const kindName = (kind) => t(labelKey(kind));
export const CATEGORIES = [["worry", "A worry"], ["regret", "Small regret"], ["appreciation", "Appreciation"],
  ["feeling", "A feeling"], ["hope", "A hope"]];
export const REACTIONS = { heart: "♥ Heart", thanks: "Thank you", not_now: "Not now", right: "That's right", not_quite: "Not quite" };
export const BID_TYPES = [["question", "Question"], ["touch", "Touch"], ["joke", "Joke"], ["share", "Share"],
  ["help", "Help"], ["affection", "Affection"], ["other", "Other"]];
export const RESPONSES = { toward: "Turned toward", away: "Turned away", against: "Turned against" };

export function summary(entry) {
  const b = entry.body || {};
  switch (entry.kind) {
    case "reaction": return REACTIONS[b.value] || b.value;
    case "bid": return [BID_TYPES.find(([k]) => k === b.type)?.[1] || b.type, b.note].filter(Boolean).join(": ");
    case "bid_response": return RESPONSES[b.response] || b.response;
    case "timeout": return `Time-out until ${new Date(b.return_at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}`;
    case "checkin": return [`Mood ${b.mood}/5`, `Us ${b.us}/5`, b.note].filter(Boolean).join(" · ");
    default: return b.text || "";
  }
}

export const partnerName = () => (store.partner ? store.partner.display_name : "your partner");

/** The toast after sending something to the partner: sent, or (offline) saved and waiting to go.
 *  Pieces, so the name stays an isolated <bdi> inside the sentence. */
export function sentTo(next = "") {
  const name = bdi(partnerName());
  const text = navigator.onLine ? ["Sent to ", name, "."] : ["Saved. It goes to ", name, " when you're back online."];
  return next ? [...text, ` ${next}`] : text;
}

/** "Share with Sam" (checked) or keep it private. .shared tells which. */
export function shareToggle(checked = true) {
  const box = h("input", { type: "checkbox", id: id("share"), name: "shared", checked });
  const label = h("label", { class: "check", for: box.id }, box,
    h("span", {}, "Share with ", bdi(partnerName()), h("span", { class: "hint", text: " — untick to keep it just for you" })));
  Object.defineProperty(label, "shared", { get: () => box.checked });
  label.reset = () => { box.checked = checked; };
  return label;
}

/** One entry as a list item: who, when, badges, the text, then any actions. title: a name (shown
 *  isolated) or pieces of a sentence with the name already a bdi, e.g. [bdi(name), " reached out"]. */
export function entryItem(entry, { title = null, quote = null, badges = [], actions = [], extra = null } = {}) {
  const mine = entry.author_id === store.user.id;
  return h("li", { class: "entry", "data-id": entry.id, "data-kind": entry.kind },
    h("div", { class: "meta" },
      h("strong", {}, Array.isArray(title) ? title : title ? bdi(title) : mine ? "You" : bdi(store.nameOf(entry.author_id))),
      h("span", {}, ago(entry.created_at)),
      entry.visibility === "private" && !alwaysPrivate(entry.kind) ? h("span", { class: "badge sage" }, "Private") : null,
      entry.pending ? h("span", { class: "badge amber", title: "Saved on this phone; it will sync" }, "Not yet synced") : null,
      badges),
    quote ? h("p", { class: "quote", user: true }, quote) : null,
    h("p", { class: "text", user: true }, summary(entry)),
    entry.body && entry.body.i_feel ? h("p", { class: "small muted", user: true },
      `I feel ${entry.body.i_feel.feel} when ${entry.body.i_feel.when} and I need ${entry.body.i_feel.need}.`) : null,
    feelingChips(entry.body && entry.body.feelings),
    extra,
    actions.length ? h("div", { class: "actions" }, actions) : null);
}

export function list(items, empty) {
  return items.length ? h("ul", { class: "entries" }, items) : h("p", { class: "empty" }, empty);
}

/** Re-render a container whenever entries or the couple change; returns the unsubscribe. */
export function live(render) {
  const handler = (event) => { if (["entries", "couple", "me"].includes(event.detail)) keepFocus(render); };
  store.addEventListener("change", handler);
  render();
  return () => store.removeEventListener("change", handler);
}
