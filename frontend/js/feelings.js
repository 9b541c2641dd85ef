// The feelings vocabulary, grouped in families, and the picker every composer uses.
// A feeling's id is its English word ("left out"): entries store it in body.feelings, so it never
// changes. What a person reads is the catalogue's feelings.word.<key> (feelingName), in their language.
import { h, id } from "./ui.js";
import { has, list as listOf, t } from "./i18n.js";
import { FEELINGS_MAX } from "./limits.js";

export const FAMILIES = [
  ["glad", ["happy", "grateful", "hopeful", "excited", "proud", "playful", "relieved", "content"]],
  ["calm", ["peaceful", "relaxed", "safe", "settled", "rested"]],
  ["loving", ["warm", "close", "tender", "affectionate", "connected"]],
  ["sad", ["sad", "disappointed", "hurt", "low", "heavy", "tired"]],
  ["scared", ["anxious", "worried", "nervous", "overwhelmed", "insecure", "unsure"]],
  ["angry", ["annoyed", "frustrated", "resentful", "irritated", "impatient"]],
  ["ashamed", ["embarrassed", "guilty", "ashamed", "exposed", "self-conscious"]],
  ["lonely", ["lonely", "left out", "unseen", "distant", "homesick"]],
];

export const ALL = FAMILIES.flatMap(([, list]) => list);
export const MAX = FEELINGS_MAX;

/** The catalogue key of a stored feeling id: "left out" → "left_out", "self-conscious" → "self_conscious". */
export const feelingKey = (feeling) =>
  String(feeling)
    .toLowerCase()
    .replace(/[^a-z]+/g, "_");

/** A feeling in the person's language; a word we don't know (an older app's) shows as stored. */
export function feelingName(feeling) {
  const key = `feelings.word.${feelingKey(feeling)}`;
  return has(key) ? t(key) : feeling;
}

/** A family's name ("glad") in the person's language. */
export const familyName = (family) => t(`feelings.family.${family}`);

/**
 * A picker: an "Add feeling words" toggle (aria-expanded) with the chosen feelings named under it, and,
 * folded until asked for, every family's words as chips. Returns a node with .value (array) and .reset().
 */
export function feelingsPicker(label = t("feelings.add"), onChange = () => {}) {
  let chosen = [];
  const summary = h("span", { class: "feelings-summary" });
  const panel = h("div", { class: "feelings-panel", id: id("feelings"), hidden: true });
  const opener = h(
    "button",
    { type: "button", class: "feelings-toggle", "aria-expanded": "false", "aria-controls": panel.id },
    h("span", {}, label),
    summary,
  );
  const buttons = [];
  const show = (open) => {
    if (open && !buttons.length) fill(); // the 45 words are made when first asked for, not with the screen
    panel.hidden = !open;
    opener.setAttribute("aria-expanded", String(open));
  };
  opener.onclick = () => show(panel.hidden);
  const picker = h("div", { class: "feelings" }, opener, panel);
  function fill() {
    for (const [family, list] of FAMILIES) {
      const row = h("div", { class: "chips", role: "group", "aria-label": familyName(family) });
      for (const feeling of list) {
        const button = h(
          "button",
          {
            type: "button",
            class: `chip fam-${family}`,
            "aria-pressed": "false",
            "data-feeling": feeling,
            onclick: () => toggle(feeling),
          },
          feelingName(feeling),
        );
        buttons.push(button);
        row.append(button);
      }
      panel.append(h("p", { class: "family" }, familyName(family)), row);
    }
    render();
  }
  function toggle(feeling) {
    chosen = chosen.includes(feeling)
      ? chosen.filter((f) => f !== feeling)
      : chosen.length < MAX
        ? [...chosen, feeling]
        : chosen;
    render();
    onChange(chosen);
  }
  function render() {
    for (const b of buttons) b.setAttribute("aria-pressed", String(chosen.includes(b.dataset.feeling)));
    summary.textContent = chosen.length ? listOf(chosen.map(feelingName), "unit") : "";
  }
  render();
  Object.defineProperty(picker, "value", { get: () => [...chosen] });
  picker.reset = () => {
    chosen = [];
    show(false);
    render();
  };
  picker.add = (feeling) => {
    if (!chosen.includes(feeling) && chosen.length < MAX) {
      chosen = [...chosen, feeling];
      render();
      onChange(chosen);
    }
  };
  return picker;
}

/** Feelings shown on an entry, read-only. */
export function feelingChips(list) {
  if (!list?.length) return null;
  return h(
    "ul",
    { class: "chips small", "aria-label": t("feelings.group_label") },
    list.map((feeling) => h("li", { class: `chip static fam-${familyOf(feeling)}` }, feelingName(feeling))),
  );
}

export function familyOf(feeling) {
  const found = FAMILIES.find(([, list]) => list.includes(feeling));
  return found ? found[0] : "other";
}
