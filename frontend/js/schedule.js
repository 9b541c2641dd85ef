// When a ritual falls: the server's rules (backend/services/schedule.py) mirrored for the list's
// "next". Dates are calendar days as UTC midnights; instants come from wall times in the user's zone.
import { t as say, formatDate, formatter } from "./i18n.js";
import { clockTime } from "./time.js";

const DAY = 86400000;
const EPOCH_MONDAY = Date.UTC(1970, 0, 5);
/** Weekday names, Monday first (0 = Monday, as on the server), in the person's language. */
export const weekdays = () => [0, 1, 2, 3, 4, 5, 6].map((i) => say(`schedule.weekday.${i}`));

const weekday = (day) => (new Date(day).getUTCDay() + 6) % 7; // 0 = Monday, as on the server
const weekStart = (day) => day - weekday(day) * DAY;
const daysInMonth = (day) => {
  const d = new Date(day);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
};
export const parseDay = (iso) => {
  const [y, m, d] = iso.split("-").map(Number);
  return Date.UTC(y, m - 1, d);
};
export const isoDay = (day) => new Date(day).toISOString().slice(0, 10);

/** Whether the schedule falls on this calendar day (anchor: the ritual's first local day). */
export function occursOn(s, day, anchor = null) {
  if (s.freq === "anytime") return false;
  if (s.start_date) anchor = parseDay(s.start_date);
  if (s.freq === "daily") return true;
  if (s.freq === "weekly") {
    if (weekday(day) !== s.weekday) return false;
    const weeks = Math.floor((weekStart(day) - weekStart(anchor ?? EPOCH_MONDAY)) / (7 * DAY));
    return ((weeks % (s.interval || 1)) + (s.interval || 1)) % (s.interval || 1) === 0;
  }
  if (s.freq === "monthly") {
    const date = new Date(day).getUTCDate();
    if (s.monthday != null) return date === Math.min(s.monthday, daysInMonth(day));
    if (s.weekday == null || s.nth == null || weekday(day) !== s.weekday) return false;
    if (s.nth === -1) return date + 7 > daysInMonth(day);
    return Math.floor((date - 1) / 7) + 1 === s.nth;
  }
  return false;
}

/** The wall clock in `zone` at instant t, as a UTC-based millisecond count. */
function wallOf(t, zone) {
  const parts = Object.fromEntries(
    formatter(Intl.DateTimeFormat, "en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    })
      .formatToParts(new Date(t))
      .map((p) => [p.type, Number(p.value)]),
  );
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
}

/** The instant the clock in `zone` shows hh:mm on `day`; a skipped time becomes the next one that exists. */
export function wallTime(day, hhmm, zone) {
  const [hh, mm] = hhmm.split(":").map(Number);
  const want = day + (hh * 60 + mm) * 60000;
  for (let minute = 0; minute < 180; minute++) {
    const target = want + minute * 60000;
    let t = target - (wallOf(target, zone) - target);
    if (wallOf(t, zone) !== target) t = target - (wallOf(t, zone) - t);
    const earlier = t - 3600000; // at fall-back the first of the two
    if (wallOf(earlier, zone) === target) t = earlier;
    if (wallOf(t, zone) === target) return t;
  }
  return want;
}

/** The first instant strictly after `after` when the ritual is due, or null (anytime, off, none in 400 days). */
export function nextOccurrence(s, after, zone, anchor = null) {
  if (!s || s.freq === "anytime" || !s.time) return null;
  const today = parseDay(localDay(after, zone));
  for (let offset = 0; offset < 400; offset++) {
    const day = today + offset * DAY;
    if (!occursOn(s, day, anchor)) continue;
    const due = wallTime(day, s.time, zone);
    if (due > after) return due;
  }
  return null;
}

export const localDay = (t, zone) =>
  formatter(Intl.DateTimeFormat, "en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(t),
  );

/** "Every other Wednesday at 19:30". Whole phrases per weekday in the catalogue: Russian declines the
 *  day and the ordinal agrees with it ("в первую среду", "в первый понедельник"). */
export function describe(s) {
  if (!s || s.freq === "anytime") return say("schedule.anytime");
  const time = clockTime(s.time);
  if (s.freq === "daily") return say("schedule.daily", { time });
  if (s.freq === "weekly") {
    const n = s.interval || 1;
    if (n === 1) return say(`schedule.weekly.${s.weekday}`, { time });
    if (n === 2) return say(`schedule.fortnightly.${s.weekday}`, { time });
    return say(`schedule.every_n.${s.weekday}`, { count: n, time });
  }
  if (s.monthday != null) return say("schedule.monthday", { day: s.monthday, time });
  return say(`schedule.nth.${s.nth === -1 ? "last" : s.nth}.${s.weekday}`, { time });
}

/** "Sun 12 Jan, 10:00" in the user's zone, with "today"/"tomorrow" when it is. */
export function when(t, zone, now = Date.now()) {
  const day = localDay(t, zone);
  const time = formatDate(t, { timeZone: zone, hour: "numeric", minute: "2-digit" });
  if (day === localDay(now, zone)) return say("schedule.today", { time });
  if (day === localDay(now + DAY, zone)) return say("schedule.tomorrow", { time });
  const date = formatDate(t, { timeZone: zone, weekday: "short", day: "numeric", month: "short" });
  return say("schedule.date_time", { date, time });
}
