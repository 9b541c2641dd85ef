// The feelings vocabulary, grouped in families, and the picker every composer uses.
import { h } from "./ui.js";
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

/**
 * A picker: the chosen feelings as chips, and a disclosure with every family to add more.
 * Returns a node with .value (array) and .reset().
 */
export function feelingsPicker(label = "Feelings", onChange = () => {}) {
  let chosen = [];
  const summary = h("span", { class: "feelings-summary" });
  const details = h("details", { class: "feelings" },
    h("summary", {}, h("span", {}, label), summary));
  const buttons = [];
  for (const [family, list] of FAMILIES) {
    const row = h("div", { class: "chips", role: "group", "aria-label": family });
    for (const feeling of list) {
      const button = h("button", {
        type: "button", class: `chip fam-${family}`, "aria-pressed": "false", "data-feeling": feeling,
        onclick: () => toggle(feeling),
      }, feeling);
      buttons.push(button);
      row.append(button);
    }
    details.append(h("p", { class: "family" }, family), row);
  }
  function toggle(feeling) {
    chosen = chosen.includes(feeling) ? chosen.filter((f) => f !== feeling)
      : chosen.length < MAX ? [...chosen, feeling] : chosen;
    render();
    onChange(chosen);
  }
  function render() {
    for (const b of buttons) b.setAttribute("aria-pressed", String(chosen.includes(b.dataset.feeling)));
    summary.textContent = chosen.length ? chosen.join(", ") : "tap to name them (optional)";
  }
  render();
  Object.defineProperty(details, "value", { get: () => [...chosen] });
  details.reset = () => { chosen = []; details.open = false; render(); };
  details.add = (feeling) => { if (!chosen.includes(feeling) && chosen.length < MAX) { chosen = [...chosen, feeling]; render(); onChange(chosen); } };
  return details;
}

/** Feelings shown on an entry, read-only. */
export function feelingChips(list) {
  if (!list || !list.length) return null;
  return h("ul", { class: "chips small", "aria-label": "Feelings" },
    list.map((feeling) => h("li", { class: `chip static fam-${familyOf(feeling)}` }, feeling)));
}

export function familyOf(feeling) {
  const found = FAMILIES.find(([, list]) => list.includes(feeling));
  return found ? found[0] : "other";
}
