// The feelings vocabulary, grouped in families, and the picker every composer uses.
// A feeling's id is its English word ("left out"): entries store it in body.feelings, so it never
// changes. What a person reads is the catalogue's feelings.word.<key> (feelingName), in their language.
import { choice, h, id } from "./ui.js";
import { has, list as listOf, moreWords, t } from "./i18n.js";
import { FEELINGS_MAX } from "./limits.js";

export const FAMILIES = [
  [
    "glad",
    [
      "happy",
      "grateful",
      "hopeful",
      "excited",
      "proud",
      "playful",
      "relieved",
      "content",
      "cheerful",
      "delighted",
      "inspired",
      "confident",
      "amused",
      "satisfied",
    ],
  ],
  [
    "calm",
    [
      "peaceful",
      "relaxed",
      "safe",
      "settled",
      "rested",
      "patient",
      "centered",
      "comfortable",
      "clear-headed",
      "accepting",
      "trusting",
      "light",
      "quiet",
    ],
  ],
  [
    "loving",
    [
      "warm",
      "close",
      "tender",
      "affectionate",
      "connected",
      "in love",
      "caring",
      "admiring",
      "attracted",
      "valued",
      "understood",
      "compassionate",
      "fond",
    ],
  ],
  [
    "surprised",
    [
      "surprised",
      "amazed",
      "curious",
      "interested",
      "shocked",
      "confused",
      "puzzled",
      "moved",
      "awed",
      "stunned",
      "disbelieving",
    ],
  ],
  [
    "sad",
    [
      "sad",
      "disappointed",
      "hurt",
      "low",
      "heavy",
      "grieving",
      "regretful",
      "helpless",
      "discouraged",
      "nostalgic",
      "hopeless",
      "empty",
    ],
  ],
  [
    "scared",
    [
      "anxious",
      "worried",
      "nervous",
      "overwhelmed",
      "insecure",
      "unsure",
      "afraid",
      "panicky",
      "tense",
      "vulnerable",
      "on edge",
      "dread",
      "threatened",
    ],
  ],
  [
    "angry",
    [
      "annoyed",
      "frustrated",
      "resentful",
      "irritated",
      "impatient",
      "angry",
      "furious",
      "jealous",
      "envious",
      "offended",
      "disrespected",
      "defensive",
      "fed up",
      "betrayed",
    ],
  ],
  [
    "ashamed",
    [
      "embarrassed",
      "guilty",
      "ashamed",
      "exposed",
      "self-conscious",
      "humiliated",
      "inadequate",
      "foolish",
      "remorseful",
      "shy",
      "judged",
    ],
  ],
  [
    "lonely",
    [
      "lonely",
      "left out",
      "unseen",
      "distant",
      "homesick",
      "abandoned",
      "isolated",
      "rejected",
      "misunderstood",
      "disconnected",
      "longing",
      "forgotten",
    ],
  ],
  [
    "tired",
    [
      "tired",
      "exhausted",
      "drained",
      "sleepy",
      "burnt out",
      "numb",
      "bored",
      "restless",
      "sluggish",
      "stretched thin",
      "unmotivated",
    ],
  ],
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

/** A family's one line ("Something went well or feels good.") and a feeling's plain meaning. The meanings live
 *  in the share content file (loaded by meanings()); until it has loaded a meaning reads as "". */
export const familyHint = (family) => t(`feelings.family_hint.${family}`);
export const aboutFeeling = (feeling) =>
  has(`feelings.about.${feelingKey(feeling)}`) ? t(`feelings.about.${feelingKey(feeling)}`) : "";
export const meanings = () => moreWords("share");

/** "anxious — Uneasy about what might happen." into a node, once the meanings are there. */
export function explain(node, feeling) {
  const show = () => {
    node.replaceChildren(
      h("strong", {}, feelingName(feeling)),
      aboutFeeling(feeling) ? ` — ${aboutFeeling(feeling)}` : "",
    );
  };
  show();
  meanings()
    .then(() => node.isConnected && show())
    .catch(() => {}); // offline before the file was ever fetched: the word alone
  return node;
}

/**
 * A picker: an "Add feeling words" toggle (aria-expanded) with the chosen feelings named under it, and,
 * folded until asked for, the families (one at a time) with their words as chips; tapping a word picks it
 * and shows what it means. Returns a node with .value (array), .reset() and .add(feeling).
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
  const words = h("div", { class: "chips feelings-words", role: "group" });
  const about = h("p", { class: "feeling-about small", id: id("about"), "aria-live": "polite" });
  let buttons = [];
  const show = (open) => {
    if (open && !panel.firstChild) fill(); // the words are made when first asked for, not with the screen
    panel.hidden = !open;
    opener.setAttribute("aria-expanded", String(open));
  };
  opener.onclick = () => show(panel.hidden);
  const picker = h("div", { class: "feelings" }, opener, panel);
  function fill() {
    const families = choice(
      t("feelings.families"),
      FAMILIES.map(([family]) => [family, familyName(family)]),
      FAMILIES[0][0],
      family,
      "wrap families",
    );
    panel.append(families, about, words); // the meaning right under the families, in view above the words
    family(FAMILIES[0][0]);
    meanings().catch(() => {}); // fetched while the person looks at the words
  }
  function family(name) {
    const list = FAMILIES.find(([f]) => f === name)[1];
    words.setAttribute("aria-label", t("nameit.words_for", { family: familyName(name) }));
    buttons = list.map((feeling) =>
      h(
        "button",
        {
          type: "button",
          class: `chip fam-${name}`,
          "aria-pressed": "false",
          "aria-describedby": about.id,
          "data-feeling": feeling,
          onclick: () => toggle(feeling),
        },
        feelingName(feeling),
      ),
    );
    words.replaceChildren(...buttons);
    about.replaceChildren(familyHint(name));
    render();
  }
  function toggle(feeling) {
    const was = chosen.includes(feeling);
    chosen = was ? chosen.filter((f) => f !== feeling) : chosen.length < MAX ? [...chosen, feeling] : chosen;
    explain(about, feeling);
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

/** A <select> of every feeling by family (the "I feel" scripts) with the chosen word's meaning under it. */
export function feelingSelect(name, placeholder, selected = "") {
  const select = h(
    "select",
    { name },
    h("option", { value: "" }, placeholder),
    FAMILIES.map(([family, list]) =>
      h(
        "optgroup",
        { label: familyName(family) },
        list.map((word) => h("option", { value: word, selected: word === selected }, feelingName(word))),
      ),
    ),
  );
  const about = h("p", { class: "feeling-about small", id: id("about"), "aria-live": "polite" });
  const update = () => {
    // field() sets the select's own hint and error ids; the meaning joins them once there is one
    const ids = (select.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!ids.includes(about.id)) select.setAttribute("aria-describedby", [...ids, about.id].join(" "));
    if (select.value) explain(about, select.value);
    else about.replaceChildren();
  };
  select.addEventListener("change", update);
  if (selected) queueMicrotask(update);
  select.about = about;
  return select;
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
