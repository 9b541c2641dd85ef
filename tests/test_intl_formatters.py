"""Intl formatters are made once per kind, locale and options (frontend/js/i18n.js `formatter`): making one costs
far more than using it, and the schedule's wall-clock arithmetic asks for one per minute it tries. Run in node on
the phone's own modules; fixed instants and zones only."""

from phone_modules import phone


def test_one_formatter_per_kind_locale_and_options():
    seen = phone(
        """const { formatter } = await import("./frontend/js/i18n.js");
const a = formatter(Intl.DateTimeFormat, "en-GB", { day: "numeric", month: "short" });
const b = formatter(Intl.DateTimeFormat, "en-GB", { day: "numeric", month: "short" });
const other = formatter(Intl.DateTimeFormat, "en-GB", { day: "numeric", month: "long" });
const ru = formatter(Intl.DateTimeFormat, "ru", { day: "numeric", month: "short" });
const number = formatter(Intl.NumberFormat, "en-GB", { day: "numeric", month: "short" });
let threw = 0;
for (let i = 0; i < 2; i++) {
  try { formatter(Intl.DateTimeFormat, "en-GB", { timeZone: "Not/AZone" }); }
  catch (err) { threw += err instanceof RangeError; }
}
const day = new Date(Date.UTC(2026, 11, 6, 12));
console.log(JSON.stringify({ same: a === b, other: a === other, ru: a === ru, kind: number === a, threw,
  text: [a.format(day), other.format(day), ru.format(day)] }));"""
    )
    assert seen["same"] is True
    assert (seen["other"], seen["ru"], seen["kind"]) == (False, False, False)
    assert seen["threw"] == 2  # a bad option throws each time: nothing is kept for it
    assert seen["text"][:2] == ["6 Dec", "6 December"]
    assert seen["text"][2].startswith("6 дек")


def test_dates_and_wall_clock_times_read_as_before_with_kept_formatters():
    seen = phone(
        """const i18n = await import("./frontend/js/i18n.js");
const { wallTime, localDay } = await import("./frontend/js/schedule.js");
i18n.useCatalogue("en", {});
const berlin = "Europe/Berlin";
const spring = Date.UTC(2026, 2, 29);  // clocks go 02:00 -> 03:00 in Berlin that night
const autumn = Date.UTC(2026, 9, 25);  // and 03:00 -> 02:00
const june = new Date(Date.UTC(2026, 5, 10, 8));
const fallback = [i18n.formatDate(june, { day: "numeric", month: "short", timeZone: "Not/AZone" }),
  i18n.formatDate(june, { day: "numeric", month: "short" })];
console.log(JSON.stringify({
  skipped: new Date(wallTime(spring, "02:30", berlin)).toISOString(),
  doubled: new Date(wallTime(autumn, "02:30", berlin)).toISOString(),
  summer: new Date(wallTime(Date.UTC(2026, 5, 10), "19:30", berlin)).toISOString(),
  days: [localDay(Date.UTC(2026, 5, 10, 22, 30), berlin), localDay(Date.UTC(2026, 5, 10, 21, 30), berlin)],
  fallback,
}));"""
    )
    assert seen["skipped"] == "2026-03-29T01:00:00.000Z"  # 02:30 does not exist: 03:00 CEST, the next that does
    assert seen["doubled"] == "2026-10-25T00:30:00.000Z"  # 02:30 happens twice: the first, still CEST
    assert seen["summer"] == "2026-06-10T17:30:00.000Z"
    assert seen["days"] == ["2026-06-11", "2026-06-10"]
    assert seen["fallback"][0] == seen["fallback"][1]  # an unknown zone: the same date without it
    assert "10" in seen["fallback"][0]
