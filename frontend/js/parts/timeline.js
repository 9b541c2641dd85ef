// Our story's data and items, all from the phone's store (docs/story.md). Every list here is one pass
// over the entries, newest first; a page asks a lazy walk for its next items, so the first screen
// never touches more than it shows (plus one pass for the index of what answers what).
import { store } from "../store.js";
import { bdi, h } from "../ui.js";
import { language, t, tp } from "../i18n.js";
import { alwaysPrivate, storyOf } from "../kinds.js";
import { feelingChips } from "../feelings.js";
import { questionText } from "../questions.js";
import { titleOf } from "../ritual-data.js";
import { latest } from "../entries.js";
import { kindName, reactionName, responseName, summary } from "./cards.js";

export const onlyYou = (e) => e.visibility === "private" || alwaysPrivate(e.kind);

// The kind chips, in order: each kind files under one (kinds.js `story`); "all" shows every item,
// "only_you" your private ones, "answers" opens "Our answers" instead of a list (screens/story.js).
export const CHIPS = [
  "all",
  "words",
  "answers",
  "appreciations",
  "checkins",
  "bids",
  "rituals",
  "promises",
  "only_you",
];
const inGroup = (e, group) => group === "all" || (group === "only_you" ? onlyYou(e) : storyOf(e.kind) === group);

// Mechanics never stand alone: reactions, bid answers and reflections show on what they answer; a
// ritual's settings (its sessions carry its title) and a session's shared place are left out.
const attaches = (e) => storyOf(e.kind) === "attached";
const standsAlone = (e) => storyOf(e.kind) !== null && !attaches(e);

/** What the story holds: this couple's entries and your journal; with no couple, only your own. */
export function source() {
  const me = store.user.id;
  return store.couple ? store.entries : (store.all || store.entries).filter((e) => e.author_id === me);
}

/** One pass: what answers what (ref_id → [entries]) and the rituals by id (a session's title). */
export function index(list) {
  const answers = new Map();
  const rituals = new Map(); // the left-out entries by id: a ritual names its sessions
  for (const e of list) {
    if (attaches(e) && e.ref_id) {
      const known = answers.get(e.ref_id);
      if (known) known.push(e);
      else answers.set(e.ref_id, [e]);
    } else if (storyOf(e.kind) === null) rituals.set(e.id, e); // a session's ritual (its title)
  }
  return { answers, rituals };
}

// Search: case, accents and ё/е folded away (NFD, then the combining marks dropped; plain ASCII needs none).
export const fold = (text) =>
  (/[^ -~\s]/.test(text) ? text.normalize("NFD").replace(/\p{M}/gu, "") : text).toLowerCase();
const folded = new WeakMap(); // entry → its folded words, made on the first search that reads it

function words(e) {
  let text = folded.get(e);
  if (text === undefined) {
    const b = e.body || {};
    const parts = [b.text, b.note, b.title, ...Object.values(b.i_feel || {}), ...(b.answers || []).map((a) => a?.text)];
    if (e.kind === "answer") parts.push(questionText(b.question_id));
    text = fold(parts.filter((p) => typeof p === "string").join("\n"));
    folded.set(e, text);
  }
  return text;
}

/** Whether an entry (or a reflection on it) holds the folded query. */
export function holds(e, query, idx) {
  if (!query || words(e).includes(query)) return true;
  return (idx.answers.get(e.id) || []).some((x) => x.kind === "reflection" && words(x).includes(query));
}

/** The story's entries for these filters, lazily, newest first. */
export function* walk(list, idx, { group = "all", who = "both", query = "" }) {
  const me = store.user.id;
  for (const e of list) {
    if (!standsAlone(e) || !inGroup(e, group)) continue;
    if (who !== "both" && (e.author_id === me) !== (who === "me")) continue;
    if (holds(e, query, idx)) yield e;
  }
}

// Dates in the person's language; one Intl formatter per shape (making one costs more than using it).
const formats = new Map();
export function dateText(when, options) {
  const key = language() + JSON.stringify(options);
  if (!formats.has(key)) formats.set(key, new Intl.DateTimeFormat(language(), options));
  return formats.get(key).format(new Date(when));
}

/** A local calendar day as a number, 20261206. */
export const dayOf = (when) => {
  const d = new Date(when);
  return d.getFullYear() * 10000 + (d.getMonth() + 1) * 100 + d.getDate();
};

/** "Today", "Yesterday", "Sun 6 Dec", "Sat 6 Dec 2025" in the person's language. */
export function dayTitle(day, now = new Date()) {
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (day === dayOf(now)) return t("ourstory.today");
  if (day === dayOf(yesterday)) return t("ourstory.yesterday");
  const date = new Date(Math.floor(day / 10000), (Math.floor(day / 100) % 100) - 1, day % 100);
  const year = date.getFullYear() === now.getFullYear() ? {} : { year: "numeric" };
  return dateText(date, { weekday: "short", day: "numeric", month: "short", ...year });
}

/** "On this day": the newest three entries of this calendar day in earlier years; when there are none,
 *  of the same day a month ago. Returns { key, items } (key: the catalogue key of the heading) or null. */
export function onThisDay(list, now = new Date()) {
  const today = dayOf(now);
  const month = new Date(now);
  month.setMonth(now.getMonth() - 1);
  const tries = [
    ["ourstory.years_ago", around(now), (day) => day % 10000 === today % 10000 && day < today],
    ["ourstory.month_ago", around(month), (day) => day === dayOf(month)],
  ];
  for (const [key, days, wanted] of tries) {
    const items = [];
    for (const e of list) {
      // The stored UTC month and day first (a string slice): only a few entries are parsed as dates.
      if (days.has(e.created_at.slice(5, 10)) && standsAlone(e) && wanted(dayOf(e.created_at))) items.push(e);
      if (items.length === 3) break;
    }
    if (items.length) return { key, items };
  }
  return null;
}

// The UTC month-days ("12-06") within a day of a local date: where its entries' stored times can fall.
const around = (when) =>
  new Set([-1, 0, 1].map((n) => new Date(when.getTime() + n * 86400000).toISOString().slice(5, 10)));

/** "Our answers": each daily question both answered (yours shared), side by side, newest first. The
 *  partner's answer is only here when the server sent it, which it does once yours exists. */
export function ourAnswers(list, query = "") {
  const me = store.user.id;
  const key = (qid, date) => `${qid} ${date}`;
  const theirs = new Map(); // "question date" → the partner's answer
  for (const e of list) {
    if (e.kind === "answer" && e.author_id !== me) theirs.set(key(e.body.question_id, e.body.local_date), e);
  }
  const pairs = [];
  for (const mine of list) {
    if (mine.kind !== "answer" || mine.author_id !== me || mine.visibility !== "shared") continue;
    // The same question comes back every few weeks: pair the answers given within a day of each other
    // (two time zones may call it different dates).
    const at = Date.parse(mine.body.local_date);
    const other = [0, -1, 1]
      .map((n) => theirs.get(key(mine.body.question_id, isoDate(at + n * 86400000))))
      .find((x) => x);
    if (!other) continue;
    theirs.delete(key(other.body.question_id, other.body.local_date));
    if (!query || words(mine).includes(query) || words(other).includes(query)) pairs.push([mine, other]);
  }
  return pairs;
}

const isoDate = (ms) => (Number.isNaN(ms) ? "" : new Date(ms).toISOString().slice(0, 10));

const who = (e) => (e.author_id === store.user.id ? t("cards.you") : bdi(store.nameOf(e.author_id)));
const clock = (iso) => dateText(iso, { hour: "2-digit", minute: "2-digit" });

/** One entry of the story: who, when, what kind, "Only you", its words, and what answered it. */
export function storyItem(e, idx, when = clock(e.created_at)) {
  const b = e.body || {};
  return h(
    "li",
    { class: "entry", "data-id": e.id, "data-kind": e.kind },
    h(
      "div",
      { class: "meta" },
      h("strong", {}, who(e)),
      h("span", {}, when),
      h("span", { class: "badge" }, kindName(e.kind)),
      onlyYou(e) ? h("span", { class: "badge sage" }, t("ourstory.only_you")) : null,
    ),
    heading(e, idx),
    text(e) ? h("p", { class: "text", user: true }, text(e)) : null,
    b.i_feel ? h("p", { class: "small muted", user: true }, t("cards.i_feel", b.i_feel)) : null,
    feelingChips(b.feelings),
    attached(e, idx),
  );
}

function heading(e, idx) {
  const b = e.body || {};
  if (e.kind === "answer") return h("p", { class: "quote" }, questionText(b.question_id));
  const ritual = e.kind === "ritual_session" && idx.rituals.get(e.ref_id);
  if (ritual) return h("p", { class: "quote", user: true }, titleOf(ritual.body));
  if (e.kind === "commitment" && b.done_at) return h("p", { class: "quote" }, t("common.done"));
  return null;
}

function text(e) {
  const b = e.body || {};
  if (e.kind !== "ritual_session") return summary(e);
  return [...(b.answers || []).map((a) => a?.text), b.note].filter(Boolean).join(" · ");
}

/** What answers an entry, under it: words oldest first (a reflection, with its latest verdict; any other
 *  attached kind with a `text`, such as a reply, as "Sam: …"), the latest answer to a bid, reactions as chips. */
export function attached(e, idx) {
  const all = idx.answers.get(e.id);
  if (!all) return null;
  const lines = all
    .filter((x) => typeof x.body?.text === "string")
    .reverse()
    .map((x) => {
      const verdict = latest(
        (idx.answers.get(x.id) || []).filter(
          (r) => r.kind === "reaction" && ["right", "not_quite"].includes(r.body.value),
        ),
      );
      const mine = x.author_id === store.user.id;
      const by =
        x.kind !== "reflection"
          ? [who(x), ":"]
          : mine
            ? t("ourstory.you_reflected")
            : tp("ourstory.reflected", { name: who(x) });
      return h(
        "p",
        { class: "small", "data-kind": x.kind },
        h("strong", {}, by),
        " ",
        h("span", { user: true }, x.body.text),
        verdict ? h("span", { class: "badge sage" }, reactionName(verdict.body.value)) : null,
      );
    });
  const answer = latest(all.filter((x) => x.kind === "bid_response"));
  const marks = all
    .filter((x) => x.kind === "reaction")
    .map((x) => h("li", { class: "chip static" }, who(x), ": ", reactionName(x.body.value)));
  return [
    ...lines,
    answer ? h("p", { class: "small" }, h("span", { class: "badge sage" }, responseName(answer.body.response))) : null,
    marks.length ? h("ul", { class: "chips small", "aria-label": t("ourstory.reactions") }, marks) : null,
  ];
}
