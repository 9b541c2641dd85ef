// Hearth's words. Every sentence a person reads lives in one catalogue per language,
// frontend/locales/<lang>.json (the server reads the same files for pushes and emails).
//
//   t("today.title")                         → "Today"
//   t("feed.count", { count: 3 })            → "3 entries" (a plural: the value is {one, few, many, other})
//   tp("feed.from", { name: bdi(partner) })  → ["From ", <bdi>, ""]: pieces, for ui.js (names stay isolated)
//
// Plurals, numbers, dates, relative times and lists go through Intl in the chosen language.
// The language is the person's setting (More → Language), else the first of navigator.languages we
// speak, else English. Keys are stable identifiers; the text is never one.

export const LANGUAGES = ["en", "ru"];
export const DEFAULT_LANGUAGE = "en";
const SETTING = "hearth-language"; // localStorage: "en", "ru", or absent for "as the phone"

let lang = DEFAULT_LANGUAGE;
let catalogue = {};
let plurals = new Intl.PluralRules(lang);

/** The language in use now ("en" or "ru"). */
export const language = () => lang;

/** The person's own locale for that language (en-GB: "Sun 6 Dec", 18:30; en-US: "Sun, Dec 6", 6:30 PM):
 *  the phone's first language tag of the same language, else the language. Dates and numbers use it. */
export function locale(preferred = typeof navigator === "undefined" ? [] : navigator.languages || []) {
  const tag = (preferred || []).find((one) => String(one).toLowerCase().split("-")[0] === lang);
  try {
    return tag ? Intl.getCanonicalLocales(tag)[0] : lang;
  } catch (_err) {
    return lang;
  }
}

/** The person's choice: "en", "ru", or "" (follow the phone). */
export function chosenLanguage() {
  try {
    const value = localStorage.getItem(SETTING) || "";
    return LANGUAGES.includes(value) ? value : "";
  } catch (_err) {
    return "";
  }
}

/** The phone's first language we speak, or English. */
export function phoneLanguage(preferred = navigator.languages || [navigator.language]) {
  for (const tag of preferred || []) {
    const base = String(tag || "")
      .toLowerCase()
      .split("-")[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return DEFAULT_LANGUAGE;
}

/** Loads the catalogue of the chosen (or the phone's) language; the service worker keeps it offline. */
export async function loadLanguage(wanted = chosenLanguage() || phoneLanguage()) {
  const next = LANGUAGES.includes(wanted) ? wanted : DEFAULT_LANGUAGE;
  const response = await fetch(`/frontend/locales/${next}.json`);
  if (!response.ok) throw new Error(`language ${next}: HTTP ${response.status}`);
  useCatalogue(next, await response.json());
  keepOffline(`/frontend/locales/${next}.json`);
  return next;
}

/** Asks the service worker to keep this catalogue (or the question library, questions.js) with the shell:
 *  it precaches the person's language (the one loaded here, and on each update the ones kept before),
 *  not every language there is. */
export function keepOffline(url) {
  navigator.serviceWorker?.ready
    .then((registration) => registration.active?.postMessage({ type: "KEEP_LANGUAGE", url }))
    .catch(() => {});
}

/** Puts a loaded catalogue in use (tests and loadLanguage). */
export function useCatalogue(next, words) {
  lang = next;
  catalogue = words || {};
  plurals = new Intl.PluralRules(lang);
  if (typeof document !== "undefined") {
    document.documentElement.lang = lang;
    translateStatic(document);
  }
}

/** Long content (sentence starters, feeling meanings: frontend/content/<name>.<lang>.json) stays out of the
 *  shell and joins the catalogue when a screen first needs it; the service worker precaches the files, so it
 *  works offline. Resolves once its keys are in the catalogue (t works as for any key); fetched once per language. */
const parts = new Map(); // "<name>.<lang>" → the promise of its words
export function moreWords(name) {
  const wanted = `${name}.${lang}`;
  if (!parts.has(wanted)) {
    const loading = fetch(`/frontend/content/${wanted}.json`)
      .then((response) => {
        if (!response.ok) throw new Error(`words ${wanted}: HTTP ${response.status}`);
        return response.json();
      })
      .then((words) => {
        parts.set(wanted, Promise.resolve(words));
        return words;
      })
      .catch((err) => {
        parts.delete(wanted); // a later call tries again
        throw err;
      });
    parts.set(wanted, loading);
  }
  const forLang = lang;
  return parts.get(wanted).then((words) => {
    if (forLang === lang) merge(catalogue, words); // the catalogue may have been replaced since: merge again
  });
}

function merge(into, words) {
  for (const [key, value] of Object.entries(words)) {
    const plain = value && typeof value === "object" && !Array.isArray(value);
    if (plain && into[key] && typeof into[key] === "object") merge(into[key], value);
    else into[key] = value;
  }
}

/** Saves the person's choice ("" = follow the phone); the caller reloads the screen. */
export async function chooseLanguage(value) {
  try {
    if (value) localStorage.setItem(SETTING, value);
    else localStorage.removeItem(SETTING);
  } catch (_err) {
    /* private mode: the choice lasts this visit */
  }
  return loadLanguage(value || phoneLanguage());
}

function lookup(key) {
  let node = catalogue;
  for (const part of key.split(".")) {
    if (node === null || typeof node !== "object" || !(part in node)) return undefined;
    node = node[part];
  }
  return node;
}

/** The raw entry for a key: a string, a plural object, or undefined. For lists of ids under a key. */
export const entry = (key) => lookup(key);

/** Whether the catalogue has this key (for optional words, such as a hint some items lack). */
export const has = (key) => lookup(key) !== undefined;

function choose(value, vars) {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const count = Number(vars.count ?? 0);
    return value[plurals.select(count)] ?? value.other ?? "";
  }
  return value;
}

function fill(value, vars) {
  if (typeof value !== "string") return undefined;
  return value
    .split(/(\{[a-zA-Z0-9_]+\})/)
    .filter((piece) => piece !== "")
    .map((piece) => {
      const name = piece.startsWith("{") && piece.endsWith("}") ? piece.slice(1, -1) : null;
      if (name === null || !(name in vars)) return piece;
      const given = vars[name];
      return typeof given === "number" ? number(given) : given;
    });
}

/** The text for key, with {name} placeholders filled. A missing key shows itself (tests catch it). */
export function t(key, vars = {}) {
  const pieces = fill(choose(lookup(key), vars), vars);
  if (!pieces) return key;
  return pieces.map((piece) => (typeof piece === "string" ? piece : String(piece?.textContent ?? piece))).join("");
}

/** Like t, but keeps nodes (a <bdi> name) as pieces: for say, toast, notice, section and h children. */
export function tp(key, vars = {}) {
  return fill(choose(lookup(key), vars), vars) || [key];
}

const formatters = new Map();

/** An Intl formatter (Kind: Intl.DateTimeFormat, NumberFormat, …) for a locale and options, made once and
 *  kept: making one costs far more than using it, and Today's first draw asked for hundreds (≈ 80 ms of a
 *  slow phone's main thread before the screen could paint). A bad option (an unknown time zone) throws,
 *  as the constructor does, and nothing is kept. */
export function formatter(Kind, tag, options = {}) {
  const key = `${Kind.name} ${tag} ${JSON.stringify(options)}`;
  let made = formatters.get(key);
  if (!made) {
    made = new Kind(tag, options);
    formatters.set(key, made);
  }
  return made;
}

export const number = (value, options) => formatter(Intl.NumberFormat, locale(), options).format(value);

/** A date or time in the person's language; options as Intl.DateTimeFormat's. */
export function formatDate(when, options = { day: "numeric", month: "short" }) {
  const date = when instanceof Date ? when : new Date(when);
  try {
    return formatter(Intl.DateTimeFormat, locale(), options).format(date);
  } catch (_err) {
    return formatter(Intl.DateTimeFormat, locale(), { ...options, timeZone: undefined }).format(date);
  }
}

/** "3 days ago", "yesterday", "in 2 hours": value and unit as Intl.RelativeTimeFormat's. */
export function relative(value, unit, style = "long") {
  return formatter(Intl.RelativeTimeFormat, locale(), { numeric: "auto", style }).format(value, unit);
}

/** "a, b and c" in the person's language. */
export function list(items, type = "conjunction") {
  return formatter(Intl.ListFormat, locale(), { style: "long", type }).format(items.map(String));
}

/** index.html's own words: data-i18n="key" sets the text, data-i18n-label the aria-label,
 *  data-i18n-content a <meta>'s content. */
export function translateStatic(root) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-label]"))
    node.setAttribute("aria-label", t(node.dataset.i18nLabel));
  for (const node of root.querySelectorAll("[data-i18n-content]"))
    node.setAttribute("content", t(node.dataset.i18nContent));
}
