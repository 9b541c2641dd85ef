// "Name it": pick a family, then a finer word with one line about it; "Use this word" adds it.
import { FAMILIES } from "../feelings.js";
import { FAMILY_HINTS, WORDS } from "../feelwords.js";
import { h, clear, choice } from "../ui.js";

export function nameIt(onPick) {
  const words = h("div", { class: "nameit-words" });
  const about = h("div", { class: "nameit-about", "aria-live": "polite" });
  const families = choice("Which family is it closest to?", FAMILIES.map(([name]) => [name, name]), null, (family) => {
    const list = FAMILIES.find(([name]) => name === family)[1];
    clear(about);
    clear(words, h("p", { class: "small muted" }, FAMILY_HINTS[family]),
      h("div", { class: "chips", role: "group", "aria-label": `Words for ${family}` }, list.map((word) =>
        h("button", { type: "button", class: `chip fam-${family}`, onclick: () => show(word) }, word))));
  }, "wrap");
  function show(word) {
    clear(about, h("p", {}, h("strong", {}, word), " — ", WORDS[word] || ""),
      h("button", { type: "button", class: "btn small", onclick: () => { onPick(word); clear(about); } }, `Use “${word}”`));
  }
  return h("details", { class: "ifeel nameit" }, h("summary", {}, "Not sure what you feel? Name it"),
    h("p", { class: "small muted" }, "Start broad, then find the word that fits a little better."),
    families, words, about);
}
