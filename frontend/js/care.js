// Rules the conflict-and-care screens share (when a time-out is over, the kind "not now" line), and
// their content by stable id: the words live in the catalogue (agreements.starter.<id>, path.step.<id>).
import { store } from "./store.js";
import { formatDate, t } from "./i18n.js";

const MINUTE = 60 * 1000;
/** After the return time a time-out stays "time to come back" for this long, then it is simply over. */
export const COME_BACK_WINDOW = 12 * 60 * MINUTE;
/** The kind "not now" line (care.not_now). Read when it is shown, so in the reader's language at that
 *  moment: it becomes text wherever it meets a string or a node list (`${…}`, t/tp values, h children). */
export const NOT_NOW_LINE = Object.freeze({ toString: () => t("care.not_now") });

/** Suggested agreements: id → category; the words are agreements.starter.<id>. An agreement added from
 *  one stores its id (body.starter; the server's list is backend/schemas/bodies.py AGREEMENT_STARTERS). */
export const STARTERS = [
  ["time_out", "conflict_rule"],
  ["no_name_calling", "conflict_rule"],
  ["one_issue", "conflict_rule"],
  ["come_back", "conflict_rule"],
];
/** A starter added before the words moved to the catalogue is stored as its English text, the only
 *  identifier it had; these map that text back to the id, so an old entry still hides its suggestion. */
const STARTER_TEXTS_EN = {
  "If a fight escalates, either of us can call a time-out, and that's respected.": "time_out", // i18n-ok: stored text of old entries, matched not shown
  "No name-calling, even when we're angry.": "no_name_calling", // i18n-ok: stored text of old entries, matched not shown
  "We stick to the issue at hand and leave old mistakes out of it.": "one_issue", // i18n-ok: stored text of old entries, matched not shown
  "After a time-out we come back to the talk once we're calm.": "come_back", // i18n-ok: stored text of old entries, matched not shown
};

/** The starter an agreement came from: its stored id, else its text in the current language or as
 *  stored before ids: id or null. */
export function starterOf(body) {
  if (STARTERS.some(([id]) => id === body.starter)) return body.starter;
  const words = String(body.text || "").trim();
  if (Object.hasOwn(STARTER_TEXTS_EN, words)) return STARTER_TEXTS_EN[words];
  const found = STARTERS.find(([id]) => t(`agreements.starter.${id}`) === words);
  return found ? found[0] : null;
}

/** The six-week path, one step a week: id (path.step.<id>.title/text/link) and where its link goes.
 *  Marking week N done stores question_id "path.week-N", so the order here is part of stored data. */
const WEEK = 7 * 86400000;
/** The week of the path a couple paired at `pairedAt` is in (1 on the day they paired; past the end after six). */
export const pathWeek = (pairedAt, now = Date.now()) =>
  Math.max(1, Math.floor((now - new Date(pairedAt).getTime()) / WEEK) + 1);
/** When week n opens: (n - 1) weeks after pairing, the server's rule too (bodies.week_has_opened). */
export const weekOpens = (pairedAt, n) => new Date(new Date(pairedAt).getTime() + (n - 1) * WEEK);

export const PATH_STEPS = [
  ["patterns", "/journal"],
  ["light", "/"],
  ["safe_space", "/rituals"],
  ["avoid", "/tension"],
  ["goal", "/agreements"],
  ["look_back", "/us"],
];

/** A time-out has ended when its author set ended_at: only the one who asked ends it (the partner's
 *  replies, a reaction or their one note, never do). Returns {at, by} or null. */
export function timeoutEnded(entry) {
  return entry.body.ended_at ? { at: entry.body.ended_at, by: entry.author_id } : null;
}

/** "active" (before the return time), "due" (time to come back), "over" (ended or long past). */
export function timeoutState(entry, now = Date.now()) {
  if (timeoutEnded(entry)) return "over";
  const back = new Date(entry.body.return_at).getTime();
  if (now < back) return "active";
  return now < back + COME_BACK_WINDOW ? "due" : "over";
}

/** The couple's current time-out (either partner's), newest first; null when none is running. */
export function currentTimeout(now = Date.now()) {
  return store.entries.find((e) => e.kind === "timeout" && timeoutState(e, now) !== "over") || null;
}

const TIME = { hour: "2-digit", minute: "2-digit" };
export const clock = (iso) => formatDate(iso, TIME);

/** "18:40" today, else "Tue 18:40", in the person's language. */
export function when(iso, now = new Date()) {
  const at = new Date(iso);
  if (at.toDateString() === now.toDateString()) return clock(iso);
  return formatDate(at, { weekday: "short", ...TIME });
}

/** "1 h 05 min" / "12 min" / "45 s" until iso (0 when past). */
export function countdown(iso, now = Date.now()) {
  const left = Math.max(0, Math.round((new Date(iso).getTime() - now) / 1000));
  const hours = Math.floor(left / 3600);
  const minutes = Math.floor((left % 3600) / 60);
  if (hours) return t("care.countdown.hours", { hours, minutes: String(minutes).padStart(2, "0") });
  if (minutes) return t("care.countdown.minutes", { minutes });
  return t("care.countdown.seconds", { seconds: left });
}

/** The user's own "not now" to an entry, if any. */
export const notNowFrom = (entry, authorId) =>
  store.answersTo(entry.id, "reaction").find((r) => r.body.value === "not_now" && r.author_id === authorId) || null;
