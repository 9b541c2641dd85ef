// "Name it": pick a family, then a finer word with one line about it; "Use this word" adds it.
import { FAMILIES, explain, familyHint, familyName, feelingName } from "../feelings.js";
import { h, clear, choice } from "../ui.js";
import { t } from "../i18n.js";

export function nameIt(onPick) {
  const words = h("div", { class: "nameit-words" });
  const about = h("div", { class: "nameit-about", "aria-live": "polite" });
  const families = choice(
    t("nameit.family"),
    FAMILIES.map(([name]) => [name, familyName(name)]),
    null,
    (family) => {
      const list = FAMILIES.find(([name]) => name === family)[1];
      clear(about);
      clear(
        words,
        h("p", { class: "small muted" }, familyHint(family)),
        h(
          "div",
          { class: "chips", role: "group", "aria-label": t("nameit.words_for", { family: familyName(family) }) },
          list.map((word) =>
            h("button", { type: "button", class: `chip fam-${family}`, onclick: () => show(word) }, feelingName(word)),
          ),
        ),
      );
    },
    "wrap",
  );
  function show(word) {
    clear(
      about,
      explain(h("p", {}), word),
      h(
        "button",
        {
          type: "button",
          class: "btn small",
          onclick: () => {
            onPick(word);
            clear(about);
          },
        },
        t("nameit.use", { word: feelingName(word) }),
      ),
    );
  }
  return h(
    "details",
    { class: "ifeel nameit" },
    h("summary", {}, t("nameit.summary")),
    h("p", { class: "small muted" }, t("nameit.intro")),
    families,
    words,
    about,
  );
}
