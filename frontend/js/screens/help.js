// Get help: what three well-known couples therapies are, how to find a therapist, and urgent safety.
// The words are in the catalogue under help.*; the ids below only give their order.
import { h, section } from "../ui.js";
import { t } from "../i18n.js";

const THERAPIES = ["eft", "gottman", "imago"];
const LOOK_FOR = ["licensed", "comfortable", "terms"];
const ASK = ["approach", "first_sessions", "alone", "progress"];

export function mount(root) {
  root.append(
    h("div", { class: "page-head" }, h("h1", {}, t("help.title")), h("p", {}, t("help.intro"))),
    h(
      "section",
      { class: "card urgent", "aria-labelledby": "safety-title" },
      h("h2", { id: "safety-title" }, t("help.safety.title")),
      h("p", {}, t("help.safety.danger")),
      h("p", {}, t("help.safety.support")),
      h("p", {}, t("help.safety.plan")),
      h("p", {}, t("help.safety.not_therapy")),
      h("p", { class: "small muted" }, t("help.safety.phone")),
    ),
    section(
      t("help.approaches"),
      h(
        "dl",
        { class: "help-list" },
        THERAPIES.flatMap((id) => [
          h("dt", {}, t(`help.therapy.${id}.name`)),
          h("dd", {}, t(`help.therapy.${id}.text`)),
        ]),
      ),
    ),
    section(
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
    ),
    h("p", { class: "small muted" }, t("help.not_therapy")),
  );
}
