// Get help's numbers: the phone's country (time zone, then language region; help-lines.js), a picker for
// another one, and for each line a call link, a text link where it takes texts, and its site. Anywhere we
// have no lines for: the local emergency number and a worldwide directory. The choice is kept on this phone.
import { h, clear } from "../ui.js";
import { language, t } from "../i18n.js";
import { COUNTRIES, DIRECTORY, guessCountry } from "../help-lines.js";

const KEPT = "hearth-help-country"; // localStorage: the country picked by hand
const ELSEWHERE = "other";

function kept() {
  try {
    const value = localStorage.getItem(KEPT) || "";
    return value === ELSEWHERE || COUNTRIES[value] ? value : "";
  } catch (_err) {
    return "";
  }
}

function keep(value) {
  try {
    localStorage.setItem(KEPT, value);
  } catch (_err) {
    /* private mode: the choice lasts this visit */
  }
}

/** Country names in the reader's language, sorted; on a Russian page Russia comes first. */
function countryOptions() {
  let names;
  try {
    names = new Intl.DisplayNames([language()], { type: "region" });
  } catch (_err) {
    names = { of: (code) => code };
  }
  const sorted = Object.keys(COUNTRIES)
    .map((code) => [code, names.of(code)])
    .sort((a, b) => a[1].localeCompare(b[1], language()));
  if (language() === "ru") sorted.sort((a, b) => (b[0] === "RU") - (a[0] === "RU"));
  return sorted;
}

const smsHref = (line) => `sms:${line.sms}${line.smsWord ? `?&body=${encodeURIComponent(line.smsWord)}` : ""}`;

function lineCard(line) {
  return h(
    "li",
    { class: "help-line", "data-line": line.id, "data-for": line.for },
    h("h3", {}, t(`help.line.${line.id}`)),
    h("p", { class: "small muted" }, t(`help.for.${line.for}`), " ", line.always ? t("help.always") : ""),
    h(
      "div",
      { class: "actions" },
      h("a", { class: "btn primary small", href: `tel:${line.tel}` }, t("help.call", { number: line.call })),
      line.sms
        ? h(
            "a",
            { class: "btn small", href: smsHref(line) },
            line.smsWord ? t("help.text_word", { word: line.smsWord, number: line.sms }) : t("help.text"),
          )
        : null,
      line.url ? h("a", { class: "btn ghost small", href: line.url, rel: "noopener" }, t("help.website")) : null,
    ),
  );
}

function emergency(country) {
  const number = COUNTRIES[country]?.emergency;
  return h(
    "p",
    { class: "help-emergency", "data-testid": "emergency" },
    number
      ? h("a", { class: "btn danger small", href: `tel:${number}` }, t("help.emergency_call", { number }))
      : t("help.emergency_local"),
  );
}

function elsewhere() {
  return h(
    "div",
    { class: "help-elsewhere", "data-testid": "help-elsewhere" },
    h("p", {}, t("help.elsewhere")),
    h("a", { class: "btn small", href: DIRECTORY, rel: "noopener" }, t("help.directory_link")),
  );
}

/** The numbers section; returns its root. */
export function helpLines() {
  const guessed = guessCountry();
  let country = kept() || guessed || "";
  const body = h("div", { "aria-live": "polite" });
  const picker = h(
    "select",
    { id: "help-country", name: "country" },
    h("option", { value: "" }, t("help.pick")),
    countryOptions().map(([code, name]) => h("option", { value: code }, name)),
    h("option", { value: ELSEWHERE }, t("help.elsewhere_option")),
  );
  picker.value = country;
  function render() {
    const lines = COUNTRIES[country]?.lines || [];
    clear(
      body,
      emergency(country),
      lines.length ? h("ul", { class: "help-lines", "data-country": country }, lines.map(lineCard)) : elsewhere(),
      lines.length ? h("p", { class: "small muted" }, t("help.travel")) : null,
    );
  }
  picker.addEventListener("change", () => {
    country = picker.value;
    keep(country);
    render();
  });
  render();
  return h(
    "section",
    { class: "card urgent", "aria-labelledby": "lines-title", "data-testid": "help-lines" },
    h("h2", { id: "lines-title" }, t("help.lines_title")),
    h("p", {}, t("help.lines_intro")),
    h("label", { for: "help-country", class: "label" }, guessed ? t("help.country") : t("help.country_unknown")),
    picker,
    body,
  );
}
