// Dates as the person lives them: in their time zone (the account's, else the phone's).
import { formatDate, formatter, relative, t } from "./i18n.js";

export const phoneZone = () => formatter(Intl.DateTimeFormat, undefined).resolvedOptions().timeZone || "UTC";

export function localDate(zone, when = new Date()) {
  try {
    return formatter(Intl.DateTimeFormat, "en-CA", {
      timeZone: zone || phoneZone(),
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(when);
  } catch (_err) {
    return formatter(Intl.DateTimeFormat, "en-CA").format(when);
  }
}

/** How long ago, in the person's language: "just now", "5 minutes ago", "yesterday", then a date. */
export function ago(iso, now = Date.now()) {
  const seconds = Math.max(0, (now - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return t("time.just_now");
  if (seconds < 3600) return relative(-Math.floor(seconds / 60), "minute", "short");
  if (seconds < 86400) return relative(-Math.floor(seconds / 3600), "hour", "short");
  const days = Math.floor(seconds / 86400);
  if (days < 7) return relative(-days, "day");
  return formatDate(iso, { day: "numeric", month: "short" });
}

/** A calendar day ("2026-12-06", a due date or a local_date) as the person reads it: "Sun 6 Dec". It is
 *  a day, not an instant: formatted at its own noon in UTC, so no time zone moves it. */
export function dayLabel(iso, weekday = "short") {
  return formatDate(`${iso}T12:00:00Z`, { weekday, day: "numeric", month: "short", timeZone: "UTC" });
}

/** A wall-clock time ("19:30", a schedule's or the nudge's) in the person's locale: "19:30" or "7:30 PM". */
export function clockTime(hhmm) {
  const [hours, minutes] = String(hhmm || "")
    .split(":")
    .map(Number);
  if (!Number.isInteger(hours) || !Number.isInteger(minutes)) return hhmm || "";
  return formatDate(Date.UTC(2000, 0, 1, hours, minutes), { hour: "numeric", minute: "2-digit", timeZone: "UTC" });
}

export const daysAgo = (iso, now = Date.now()) => (now - new Date(iso).getTime()) / 86400000;

export function greeting(now = new Date()) {
  const hour = now.getHours();
  if (hour < 5) return t("time.greeting.night");
  if (hour < 12) return t("time.greeting.morning");
  if (hour < 18) return t("time.greeting.afternoon");
  return t("time.greeting.evening");
}
