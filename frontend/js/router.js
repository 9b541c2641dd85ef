// Paths to views. Signed out → log in / sign up; no couple → pairing, plus what is one's own (your
// entries, journal, not sent, settings and account, help); else the tabs and screens.
import { store } from "./store.js";
import { h } from "./ui.js";
import { moreWords, t } from "./i18n.js";
import * as auth from "./screens/auth.js";
import * as pair from "./screens/pair.js";
import * as today from "./screens/today.js";
import * as firstRun from "./first-run.js";

// The tab bar: path → [tab, module or loader, title].
// Titles are catalogue keys, read when the screen opens (so a language change retitles it).
// Today is in the shell; the other tabs load on first use (asked for once Today is up: warmTabs), which
// keeps ~9 KB of modules off the first screen's path on a slow network.
const TABS = {
  "/": ["today", today, "tab.today"],
  "/appreciate": ["appreciate", () => import("./screens/appreciate.js"), "tab.appreciate"],
  "/bids": ["bids", () => import("./screens/bids.js"), "tab.bids"],
  "/more": ["more", () => import("./screens/settings.js"), "tab.more"],
};
const TAB_WARM_MS = 2000;

/** Fetches the other tabs' modules in the background, so a first tap on one draws at once. */
function warmTabs() {
  for (const [, screen] of Object.values(TABS)) {
    if (typeof screen === "function") screen().catch(() => {}); // offline and never kept: loads on the tap
  }
}

// Every other screen, one line each: pattern → [tab to highlight, loader, title].
// ":name" matches one path segment and reaches the view as ctx.args.name.
// Modules load on first use (the worker precaches them all, so this works offline).
// A screen whose long words live outside the shell (frontend/content/<name>.<lang>.json, precached): it
// loads together with them, so it never shows a key. Get help's words are there even offline.
const withWords = (name, load) => () => Promise.all([load(), moreWords(name)]).then(([module]) => module);

export const ROUTES = {
  "/rituals": ["rituals", () => import("./screens/rituals.js"), "route.rituals"],
  "/rituals/:id": ["rituals", () => import("./screens/ritual-edit.js"), "route.ritual"],
  "/session/:id": ["rituals", withWords("practice", () => import("./screens/session.js")), "route.session"],
  "/commitments": ["rituals", () => import("./screens/commitments.js"), "route.commitments"],
  "/prepare/:id": ["today", withWords("practice", () => import("./screens/prepare.js")), "route.prepare"],
  "/reassess": ["rituals", () => import("./screens/reassess.js"), "route.reassess"],
  "/journal": ["more", () => import("./screens/journal.js"), "route.journal"],
  "/us": ["more", () => import("./screens/us.js"), "route.us"],
  "/timeout": ["today", () => import("./screens/timeout.js"), "route.timeout"],
  "/tension": ["more", () => import("./screens/tension.js"), "route.tension"],
  "/agreements": ["more", () => import("./screens/agreements.js"), "route.agreements"],
  "/path": ["more", () => import("./screens/path.js"), "route.path"],
  "/love-maps": ["more", withWords("lovemaps", () => import("./screens/love-maps.js")), "route.love-maps"],
  "/help": ["more", withWords("help", () => import("./screens/help.js")), "route.help"],
  "/mine": ["more", () => import("./screens/mine.js"), "route.mine"],
  "/not-sent": ["more", () => import("./screens/not-sent.js"), "route.not_sent"],
  "/story": ["today", () => import("./screens/story.js"), "route.story"],
  "/leave": [null, () => import("./screens/leave.js"), "route.leave"], // no tab bar: one decision on the page
  // The keys (issue 15): one module, its words in frontend/content/keys.<lang>.json.
  "/keys": ["more", withWords("keys", () => import("./screens/keys.js")), "route.keys"],
  "/keys/phrase": ["more", withWords("keys", () => import("./screens/keys.js")), "route.keys_phrase"],
  "/keys/unlock": ["more", withWords("keys", () => import("./screens/keys.js")), "route.keys_unlock"],
  "/keys/add": ["more", withWords("keys", () => import("./screens/keys.js")), "route.keys_add"],
  "/keys/safety": ["more", withWords("keys", () => import("./screens/keys.js")), "route.keys_safety"],
  "/keys/devices": ["more", withWords("keys", () => import("./screens/keys.js")), "route.keys_devices"],
};

// News about the couple itself (the partner stepped away or came back; your own undo while it lasts),
// shown in place of the home screen until read (store.unseenNews).
const NEWS = { tab: null, load: () => import("./screens/parting.js"), title: "route.parting" };

// Paired, but this phone has no couple key yet (or refused the invite link's): in place of Today until it has.
const KEY_WAIT = {
  tab: "today",
  load: withWords("keys", () => import("./screens/key-wait.js")),
  title: "route.key_wait",
};

// The first run after a signup on this phone (first-run.js), in place of every screen until done or skipped.
const FIRST_RUN = { tab: null, load: () => import("./screens/first-run.js"), title: "onboard.first_run.route" };

// What someone without a couple still reaches: their own things (issue 10, item 17).
const ALONE = new Set([
  "/more",
  "/journal",
  "/mine",
  "/not-sent",
  "/help",
  "/story",
  "/keys",
  "/keys/phrase",
  "/keys/unlock",
  "/keys/add",
  "/keys/devices",
]);

let cleanup = null;
let first = true;
let turn = 0;
let shown = null; // [path and query, screen module] drawn last: a redraw of that same screen keeps what was typed

// Text a person typed, kept through a redraw of the same screen (the couple changed under it, say the
// partner joined while a journal entry was half written): each named text field's value, by name and place.
const TYPED = "textarea[name], input[name]:not([type]), input[name][type=text], input[name][type=search]";

/** [control, "name#n"] for each named text field in `view`, n counting the fields of that name before it. */
function fields(view) {
  const counts = new Map();
  return [...view.querySelectorAll(TYPED)].map((control) => {
    const n = counts.get(control.name) ?? 0;
    counts.set(control.name, n + 1);
    return [control, `${control.name}#${n}`];
  });
}

function typedIn(view) {
  const typed = new Map();
  for (const [control, key] of fields(view)) {
    if (control.value && control.value !== control.defaultValue) typed.set(key, control.value);
  }
  return typed;
}

function putBack(view, typed, focused) {
  for (const [control, key] of fields(view)) {
    const value = typed.get(key);
    if (value && (!control.value || control.value === control.defaultValue)) {
      control.value = value;
      control.dispatchEvent(new Event("input", { bubbles: true })); // word counts and the like follow
    }
    if (key === focused) control.focus({ preventScroll: true });
  }
}

function match(path) {
  const parts = path.split("/").filter(Boolean);
  for (const [pattern, route] of Object.entries(ROUTES)) {
    const want = pattern.split("/").filter(Boolean);
    if (want.length !== parts.length) continue;
    const args = {};
    const fits = want.every((w, i) => {
      if (!w.startsWith(":")) return w === parts[i];
      args[w.slice(1)] = decodeURIComponent(parts[i]);
      return true;
    });
    if (fits) return { tab: route[0], load: route[1], title: route[2], args };
  }
  return null;
}

function pick(path) {
  // A password-reset link works signed in or out (the reset ends every session anyway).
  if (path === "/reset") return { tab: null, load: () => import("./screens/reset.js"), title: "route.reset" };
  if (!store.user) return { tab: null, module: auth };
  // One who signed up from an invite joins first (they see who invited them), then walks the first run.
  const joining = !store.couple && (path === "/join" || sessionStorage.getItem("hearth-join-code"));
  if (firstRun.due(store.user.id) && !joining) return FIRST_RUN;
  if (path === "/join" || path === "/pair") return { tab: null, module: pair };
  if (!store.couple && !ALONE.has(path)) return store.unseenNews() ? NEWS : { tab: null, module: pair };
  if (path === "/" && store.unseenNews()) return NEWS;
  if (path === "/" && store.keyWait()) return KEY_WAIT;
  const tab = TABS[path];
  if (tab)
    return typeof tab[1] === "function"
      ? { tab: tab[0], load: tab[1], title: tab[2] }
      : { tab: tab[0], module: tab[1], title: tab[2] };
  const route = match(path);
  if (route) return route;
  const home = TABS["/"];
  return { tab: home[0], module: home[1], title: home[2] };
}

export async function render() {
  const mine = ++turn;
  const view = document.getElementById("view");
  const url = new URL(location.href);
  const route = pick(url.pathname);
  let module = route.module;
  if (!module) {
    try {
      module = await route.load();
    } catch (_err) {
      if (mine !== turn) return;
      view.textContent = t("app.screen_failed");
      return;
    }
    if (mine !== turn) return; // another navigation won
  }
  const here = url.pathname + url.search;
  const typed = shown?.[0] === here && shown[1] === module ? typedIn(view) : null;
  const active = document.activeElement;
  const focused =
    typed && view.contains(active) && active.matches(TYPED)
      ? fields(view).find(([control]) => control === active)?.[1]
      : null;
  if (cleanup) cleanup();
  cleanup = null;
  view.replaceChildren();
  view.className = route.tab ? "view" : "view bare";
  if (!store.couple && store.user && module !== pair && route !== NEWS) {
    view.append(h("a", { class: "btn link back", href: "/", "data-link": true }, t("app.back_to_pairing")));
  }
  cleanup =
    module.mount(view, { path: url.pathname, params: url.searchParams, args: route.args || {}, navigate }) || null;
  shown = [here, module];
  const bar = document.getElementById("tabbar");
  bar.hidden = !route.tab || !store.couple;
  for (const link of bar.querySelectorAll("a")) {
    if (link.dataset.tab === route.tab) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = route.title ? t("app.title", { title: t(route.title) }) : t("app.name");
  if (!first) view.focus({ preventScroll: true });
  first = false;
  if (typed) putBack(view, typed, focused);
}

export function navigate(path, { replace = false } = {}) {
  if (path !== location.pathname + location.search) {
    history[replace ? "replaceState" : "pushState"](null, "", path);
  }
  window.scrollTo(0, 0);
  render();
}

export function start() {
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-link]");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(link.getAttribute("href"));
  });
  window.addEventListener("popstate", render);
  setTimeout(warmTabs, TAB_WARM_MS);
  navigator.serviceWorker?.addEventListener("message", (event) => {
    if (event.data && event.data.type === "NAVIGATE") navigate(event.data.url);
  });
  render();
}
