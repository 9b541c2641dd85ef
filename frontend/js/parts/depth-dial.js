// The depth dial: how deep this person lets the daily question go (light, medium, deep). A radio group,
// saved at once with store.savePrefs (offline it waits on the phone and goes later). The couple's
// question follows the lighter of the two choices; the dial says so without naming the partner's.
import { store } from "../store.js";
import * as api from "../api.js";
import { h, id, notice, say } from "../ui.js";
import { t } from "../i18n.js";

export const DEPTHS = ["light", "medium", "deep"];

/** A <fieldset> of three radios, each with its one-line meaning, and a status line under them. */
export function depthDial() {
  const name = id("depth");
  const status = notice("", "info");
  const radios = DEPTHS.map((depth) =>
    h("input", { type: "radio", name: "question_depth", value: depth, id: `${name}-${depth}` }),
  );
  const show = () => {
    const chosen = store.user?.question_depth || "light";
    for (const radio of radios) radio.checked = radio.value === chosen;
  };
  show();
  const group = h(
    "fieldset",
    { class: "depth-dial", "data-testid": "depth-dial" },
    h("legend", {}, t("onboard.depth.legend")),
    radios.map((radio) =>
      h(
        "label",
        { class: "depth-option", for: radio.id },
        radio,
        h(
          "span",
          { class: "depth-words" },
          h("span", { class: "depth-name" }, t(`onboard.depth.${radio.value}.name`)),
          h("span", { class: "depth-means" }, t(`onboard.depth.${radio.value}.means`)),
        ),
      ),
    ),
    h("p", { class: "hint" }, t("onboard.depth.lower_of_two")),
    status,
  );
  group.addEventListener("change", async (event) => {
    const value = event.target.value;
    if (!DEPTHS.includes(value)) return;
    say(status, "");
    try {
      const how = await store.savePrefs({ question_depth: value });
      status.className = "notice notice-info";
      say(status, t(how === "queued" ? "onboard.depth.queued" : "onboard.depth.saved"));
    } catch (err) {
      show();
      status.className = "notice notice-error";
      say(status, api.explain(err));
    }
  });
  return group;
}
