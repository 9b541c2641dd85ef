// The schedule part of the ritual form: how often, which day, what time. .value → a Schedule body.
import { h, field } from "../ui.js";
import { WEEKDAYS } from "../schedule.js";

const select = (name, options, value) => h("select", { name },
  options.map(([v, text]) => h("option", { value: String(v), selected: String(v) === String(value) }, text)));

export function scheduleFields(s) {
  const freq = select("freq", [["daily", "Every day"], ["weekly", "Weekly"], ["monthly", "Monthly"], ["anytime", "Any time (no schedule)"]], s.freq);
  const interval = select("interval", [[1, "Every week"], [2, "Every two weeks"], [3, "Every three weeks"], [4, "Every four weeks"]], s.interval || 1);
  const weekday = select("weekday", WEEKDAYS.map((d, i) => [i, d]), s.weekday ?? 6);
  const mode = select("monthly_mode", [["nth", "On a weekday"], ["day", "On a date"]], s.monthday != null ? "day" : "nth");
  const nth = select("nth", [[1, "First"], [2, "Second"], [3, "Third"], [4, "Fourth"], [-1, "Last"]], s.nth ?? 1);
  const monthday = h("input", { type: "number", name: "monthday", min: "1", max: "31", inputmode: "numeric", value: String(s.monthday ?? 1) });
  const time = h("input", { type: "time", name: "time", value: s.time || "19:00" });
  const parts = {
    interval: field("How often", interval), weekday: field("Day", weekday), mode: field("In the month", mode),
    nth: field("Which one", nth), monthday: field("Day of the month", monthday, "31 means the last day in shorter months."),
    time: field("Time", time, "In your time zone."),
  };
  const node = h("fieldset", { class: "schedule" }, h("legend", {}, "When"), field("Repeats", freq),
    parts.interval, parts.mode, parts.nth, parts.weekday, parts.monthday, parts.time);
  const show = () => {
    const f = freq.value;
    const byDay = mode.value === "day";
    parts.interval.hidden = f !== "weekly";
    parts.weekday.hidden = !(f === "weekly" || (f === "monthly" && !byDay));
    parts.mode.hidden = f !== "monthly";
    parts.nth.hidden = !(f === "monthly" && !byDay);
    parts.monthday.hidden = !(f === "monthly" && byDay);
    parts.time.hidden = f === "anytime";
  };
  freq.addEventListener("change", show);
  mode.addEventListener("change", show);
  show();
  Object.defineProperty(node, "value", { get() {
    const f = freq.value;
    if (f === "anytime") return { freq: "anytime" };
    const out = { freq: f, time: time.value || "19:00" };
    if (f === "weekly") {
      Object.assign(out, { weekday: Number(weekday.value), interval: Number(interval.value) });
      if (s.start_date) out.start_date = s.start_date; // keeps "every other week" on the same weeks
    }
    if (f === "monthly") {
      if (mode.value === "day") out.monthday = Math.min(31, Math.max(1, Number(monthday.value) || 1));
      else Object.assign(out, { nth: Number(nth.value), weekday: Number(weekday.value) });
    }
    return out;
  } });
  return node;
}
