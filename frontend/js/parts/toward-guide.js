// The research's guide beside the toward-rate (Us and Bids): couples who stayed together turned toward
// about TOWARD_GUIDE_PERCENT of bids (Gottman & Driver). A direction, never a score to pass: the couple's
// rate and the guide share one calm bar (no red), and nothing says who turned away.
import { h } from "../ui.js";
import { number, t } from "../i18n.js";
import { TOWARD_GUIDE_PERCENT } from "../limits.js";

const percentText = (percent) => number(percent / 100, { style: "percent" });

/** The guide's words, after a bar (bar: true) of the couple's rate with the guide marked on it. */
export function towardGuide(percent, { bar: withBar = true } = {}) {
  const guide = percentText(TOWARD_GUIDE_PERCENT);
  const fill = h("span", {});
  fill.style.width = `${percent || 0}%`;
  const mark = h("i", { class: "guide-tick" });
  const label = h("span", { class: "guide-label", "aria-hidden": "true" }, t("toward_guide.mark"));
  for (const node of [mark, label]) node.style.left = `${TOWARD_GUIDE_PERCENT}%`;
  const bar = h(
    "div",
    {
      class: "meter guide-meter",
      role: "img",
      "aria-label": t("toward_guide.meter", { percent: percentText(percent || 0), guide }),
    },
    fill,
    mark,
  );
  return h(
    "div",
    { class: "toward-guide", "data-testid": "toward-guide" },
    withBar ? h("div", { class: "guide-bar" }, bar, label) : null,
    h("p", { class: "small" }, t("toward_guide.line", { percent: guide })),
    h("p", { class: "small muted" }, t("toward_guide.kind")),
  );
}
