// Get help, built for a bad moment: a quick exit first, then numbers for the phone's country, what to do
// if you might hurt yourself, urgent safety, and how to find a couples therapist (EFT, Gottman, Imago).
// The words are in the catalogue under help.*; the ids below only give their order.
import { h, section } from "../ui.js";
import { t } from "../i18n.js";
import { DIRECTORIES } from "../help-lines.js";
import { helpLines } from "../parts/help-lines.js";

// A neutral page to leave for. location.replace swaps this page out of the history, so Back does not
// bring it back (the page before Get help may still be Hearth: the text says so plainly).
export const EXIT_URL = "https://www.bbc.com/weather";
const SELF_HARM = ["call_now", "stay", "means", "ok_to_ask"];
const LOOK_FOR = ["licensed", "comfortable", "terms"];
const ASK = ["approach", "first_sessions", "alone", "progress"];

const leave = () => window.location.replace(EXIT_URL);

function quickExit() {
  return h(
    "div",
    { class: "quick-exit", role: "region", "aria-label": t("help.exit.label") },
    h(
      "button",
      { type: "button", class: "btn danger", "data-testid": "quick-exit", onclick: leave },
      t("help.exit.button"),
    ),
    h("p", { class: "small" }, t("help.exit.hint")),
  );
}

function selfHarm() {
  return h(
    "section",
    { class: "card urgent", "aria-labelledby": "self-harm-title", "data-testid": "self-harm" },
    h("h2", { id: "self-harm-title" }, t("help.self_harm.title")),
    h(
      "ul",
      {},
      SELF_HARM.map((id) => h("li", {}, t(`help.self_harm.${id}`))),
    ),
  );
}

function safety() {
  return h(
    "section",
    { class: "card urgent", "aria-labelledby": "safety-title" },
    h("h2", { id: "safety-title" }, t("help.safety.title")),
    h("p", {}, t("help.safety.danger")),
    h("p", {}, t("help.safety.support")),
    h("p", {}, t("help.safety.plan")),
    h("p", {}, t("help.safety.not_therapy")),
    h("p", { class: "small muted" }, t("help.safety.phone")),
  );
}

function therapies() {
  return section(
    t("help.approaches"),
    h(
      "dl",
      { class: "help-list" },
      DIRECTORIES.flatMap(({ id, url }) => [
        h("dt", {}, t(`help.therapy.${id}.name`)),
        h(
          "dd",
          {},
          t(`help.therapy.${id}.text`),
          h("br"),
          h("a", { href: url, rel: "noopener", "data-directory": id }, t(`help.therapy.${id}.find`)),
        ),
      ]),
    ),
  );
}

function finding() {
  return section(
    t("help.finding"),
    h("p", {}, t("help.find")),
    h("h3", {}, t("help.look_for_title")),
    h(
      "ul",
      {},
      LOOK_FOR.map((id) => h("li", {}, t(`help.look_for.${id}`))),
    ),
    h("h3", {}, t("help.ask_title")),
    h(
      "ul",
      {},
      ASK.map((id) => h("li", {}, t(`help.ask.${id}`))),
    ),
  );
}

export function mount(root) {
  root.append(
    quickExit(),
    h("div", { class: "page-head" }, h("h1", {}, t("help.title")), h("p", {}, t("help.intro"))),
    helpLines(),
    selfHarm(),
    safety(),
    therapies(),
    finding(),
    h("p", { class: "small muted" }, t("help.not_therapy")),
  );
  // The keyboard's way out: Escape leaves at once, from anywhere on this page but a form control (Escape
  // there closes the country picker, and must not take the person away by surprise).
  const onKey = (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    if (event.target instanceof Element && event.target.closest("select, input, textarea")) return;
    leave();
  };
  document.addEventListener("keydown", onKey);
  return () => document.removeEventListener("keydown", onKey);
}
