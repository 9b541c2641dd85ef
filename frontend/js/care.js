// Rules the conflict-and-care screens share: when a time-out is over, and the kind "not now" line.
import { store } from "./store.js";

const MINUTE = 60 * 1000;
/** After the return time a time-out stays "time to come back" for this long, then it is simply over. */
export const COME_BACK_WINDOW = 12 * 60 * MINUTE;
export const NOT_NOW_LINE = "Not right now. I'm here whenever you want to talk.";

/**
 * A time-out has ended when its author set ended_at, or when the partner (not the author) sent a
 * `thanks` reaction to it: the partner cannot edit the author's entry, so that reaction is their
 * way to end it. Returns {at, by} or null.
 */
export function timeoutEnded(entry) {
  if (entry.body.ended_at) return { at: entry.body.ended_at, by: entry.author_id };
  const closing = store.answersTo(entry.id, "reaction")
    .filter((r) => r.body.value === "thanks" && r.author_id !== entry.author_id)
    .sort((a, b) => (a.created_at < b.created_at ? -1 : 1))[0];
  return closing ? { at: closing.created_at, by: closing.author_id } : null;
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

export const clock = (iso) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });

/** "18:40" today, else "Tue 18:40". */
export function when(iso, now = new Date()) {
  const at = new Date(iso);
  if (at.toDateString() === now.toDateString()) return clock(iso);
  return `${at.toLocaleDateString(undefined, { weekday: "short" })} ${clock(iso)}`;
}

/** "1 h 05 min" / "12 min" / "45 s" until iso (0 when past). */
export function countdown(iso, now = Date.now()) {
  const left = Math.max(0, Math.round((new Date(iso).getTime() - now) / 1000));
  const hours = Math.floor(left / 3600);
  const minutes = Math.floor((left % 3600) / 60);
  if (hours) return `${hours} h ${String(minutes).padStart(2, "0")} min`;
  if (minutes) return `${minutes} min`;
  return `${left} s`;
}

/** The user's own "not now" to an entry, if any. */
export const notNowFrom = (entry, authorId) => store.answersTo(entry.id, "reaction")
  .find((r) => r.body.value === "not_now" && r.author_id === authorId) || null;
