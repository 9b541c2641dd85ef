// Two taps to share: a row of a few light sentence starters under the honest thing's text box, "More ideas" for
// the rest by topic (lightest first). A tap puts the starter in the box with the cursor at its end; the person
// finishes the sentence and saves. Ids, topics and depths: ../starters.js; words: the share content file.
import { h, id, choice } from "../ui.js";
import { moreWords, t } from "../i18n.js";
import { DEPTHS, TOPICS, handful, ofTopic, starterText } from "../starters.js";

/** today: the local day ("2026-06-10") that picks the handful; onPick(starter, the kind of statement it files
 *  under) when one is tapped. Loaded by the honest thing after the first screen (disclose.js). */
export function starterRow(today, onPick) {
  const scroller = h("div", { class: "starters-scroll", role: "group", "aria-label": t("share.starters") });
  const panel = h("div", { class: "starters-panel", id: id("starters"), hidden: true });
  const more = h(
    "button",
    { type: "button", class: "btn link starters-more", "aria-expanded": "false", "aria-controls": panel.id },
    t("share.more"),
  );
  const chip = (starter) =>
    h(
      "button",
      {
        type: "button",
        class: `chip starter depth-${starter.depth}`,
        "data-starter": starter.id,
        onclick: () => {
          open(false);
          onPick(starter, TOPICS[starter.topic]);
        },
      },
      h("span", { class: "starter-text" }, t("share.chip", { text: starterText(starter) })),
    );
  const list = h("div", { class: "starters-list" });
  function topic(name) {
    const starters = ofTopic(name);
    list.replaceChildren(
      ...DEPTHS.filter((depth) => starters.some((s) => s.depth === depth)).map((depth) =>
        h(
          "div",
          { class: "starters-depth" },
          h("p", { class: "small muted" }, t(`share.depth.${depth}`)),
          h(
            "div",
            {
              class: "chips",
              role: "group",
              "aria-label": `${t("share.starters_in", { topic: t(`share.topic_name.${name}`) })}: ${t(`share.depth.${depth}`)}`,
            },
            starters.filter((s) => s.depth === depth).map(chip),
          ),
        ),
      ),
    );
  }
  function open(show) {
    if (show && !panel.firstChild) {
      const first = Object.keys(TOPICS)[0];
      const topics = choice(
        t("share.topic"),
        Object.keys(TOPICS).map((name) => [name, t(`share.topic_name.${name}`)]),
        first,
        topic,
        "wrap topics",
      );
      panel.append(topics, list);
      topic(first);
    }
    panel.hidden = !show;
    more.setAttribute("aria-expanded", String(show));
  }
  more.onclick = () => open(panel.hidden);
  const row = h("div", { class: "starters" }, h("div", { class: "starters-line" }, scroller, more), panel);
  // The words arrive with the share content file (precached, so offline too); the row keeps its height meanwhile.
  moreWords("share")
    .then(() => scroller.replaceChildren(...handful(today).map(chip)))
    .catch(() => {
      more.hidden = true; // no starters without their words
    });
  return row;
}

/** Puts a starter into a text box: it replaces an empty box or an untouched starter, else follows the text. */
export function putStarter(box, starter, last = "") {
  const words = `${starterText(starter)} `;
  const current = box.value.trim();
  box.value = !current || current === last.trim() ? words : `${box.value.trimEnd()} ${words}`;
  box.focus();
  box.setSelectionRange(box.value.length, box.value.length);
  box.dispatchEvent(new Event("input", { bubbles: true }));
  return words;
}
