// The schedule part of the ritual form: how often, which day, what time. .value → a Schedule body.
import { h, field } from "../ui.js";
import { weekdays } from "../schedule.js";
import { t } from "../i18n.js";

const select = (name, options, value) =>
  h(
    "select",
    { name },
    options.map(([v, text]) => h("option", { value: String(v), selected: String(v) === String(value) }, text)),
  );
const words = (pairs) => pairs.map(([value, key]) => [value, t(`schedule.field.${key}`)]);

export function scheduleFields(s) {
  const freq = select(
    "freq",
    words([
      ["daily", "every_day"],
      ["weekly", "weekly"],
      ["monthly", "monthly"],
      ["anytime", "anytime"],
    ]),
    s.freq,
  );
  const interval = select(
    "interval",
    words([
      [1, "every_week"],
      [2, "every_two"],
      [3, "every_three"],
      [4, "every_four"],
    ]),
    s.interval || 1,
  );
  const weekday = select(
    "weekday",
    weekdays().map((d, i) => [i, d]),
    s.weekday ?? 6,
  );
  const mode = select(
    "monthly_mode",
    words([
      ["nth", "on_weekday"],
      ["day", "on_date"],
    ]),
    s.monthday != null ? "day" : "nth",
  );
  const nth = select(
    "nth",
    words([
      [1, "first"],
      [2, "second"],
      [3, "third"],
      [4, "fourth"],
      [-1, "last"],
    ]),
    s.nth ?? 1,
  );
  const monthday = h("input", {
    type: "number",
    name: "monthday",
    min: "1",
    max: "31",
    inputmode: "numeric",
    value: String(s.monthday ?? 1),
  });
  const time = h("input", { type: "time", name: "time", value: s.time || "19:00" });
  const parts = {
    interval: field(t("schedule.field.how_often"), interval),
    weekday: field(t("schedule.field.day"), weekday),
    mode: field(t("schedule.field.in_month"), mode),
    nth: field(t("schedule.field.which"), nth),
    monthday: field(t("schedule.field.monthday"), monthday, t("schedule.field.monthday_hint")),
    time: field(t("schedule.field.time"), time, t("schedule.field.time_hint")),
  };
  const node = h(
    "fieldset",
    { class: "schedule" },
    h("legend", {}, t("schedule.field.when")),
    field(t("schedule.field.repeats"), freq),
    parts.interval,
    parts.mode,
    parts.nth,
    parts.weekday,
    parts.monthday,
    parts.time,
  );
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
  Object.defineProperty(node, "value", {
    get() {
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
    },
  });
  return node;
}
