// When a ritual falls: the server's rules (backend/services/schedule.py) mirrored for the list's
// "next". Dates are calendar days as UTC midnights; instants come from wall times in the user's zone.
const DAY = 86400000;
const EPOCH_MONDAY = Date.UTC(1970, 0, 5);
export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

const weekday = (day) => (new Date(day).getUTCDay() + 6) % 7; // 0 = Monday, as on the server
const weekStart = (day) => day - weekday(day) * DAY;
const daysInMonth = (day) => { const d = new Date(day); return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(); };
export const parseDay = (iso) => { const [y, m, d] = iso.split("-").map(Number); return Date.UTC(y, m - 1, d); };
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
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23",
    year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" })
    .formatToParts(new Date(t)).map((p) => [p.type, Number(p.value)]));
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

export const localDay = (t, zone) => new Intl.DateTimeFormat("en-CA", { timeZone: zone,
  year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(t));

const NTH = { 1: "first", 2: "second", 3: "third", 4: "fourth", "-1": "last" };

/** "Every other Wednesday at 19:30" */
export function describe(s) {
  if (!s || s.freq === "anytime") return "Any time you like";
  const at = ` at ${s.time}`;
  if (s.freq === "daily") return `Every day${at}`;
  if (s.freq === "weekly") {
    const n = s.interval || 1;
    const every = n === 1 ? "Every" : n === 2 ? "Every other" : `Every ${n} weeks on`;
    return `${every} ${WEEKDAYS[s.weekday]}${at}`;
  }
  if (s.monthday != null) return `Monthly on day ${s.monthday}${at}`;
  return `The ${NTH[s.nth]} ${WEEKDAYS[s.weekday]} of the month${at}`;
}

/** "Sun 12 Jan, 10:00" in the user's zone, with "today"/"tomorrow" when it is. */
export function when(t, zone, now = Date.now()) {
  const day = localDay(t, zone);
  const time = new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(t));
  if (day === localDay(now, zone)) return `Today, ${time}`;
  if (day === localDay(now + DAY, zone)) return `Tomorrow, ${time}`;
  const date = new Intl.DateTimeFormat(undefined, { timeZone: zone, weekday: "short", day: "numeric", month: "short" }).format(new Date(t));
  return `${date}, ${time}`;
}
