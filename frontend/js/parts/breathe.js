// The calm screen's breathing timer: a slow circle (static under reduced motion) and a countdown.
import { h } from "../ui.js";
import { t } from "../i18n.js";
import { countdown, clock } from "../care.js";

const NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs) {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

/** A breathing circle with the time left until `returnAt` inside; .stop() ends the ticking. */
export function breather(returnAt) {
  const art = svg("svg", { viewBox: "0 0 200 200", class: "breathe", "aria-hidden": "true", focusable: "false" });
  art.append(
    svg("circle", { cx: 100, cy: 100, r: 92, class: "breathe-ring" }),
    svg("circle", { cx: 100, cy: 100, r: 70, class: "breathe-circle" }),
  );
  const left = h("p", { class: "breathe-left", role: "timer", "aria-live": "off" });
  const label = h("p", { class: "small muted breathe-label" });
  const box = h("div", { class: "breathe-box" }, art, h("div", { class: "breathe-text" }, left, label));
  function tick() {
    const done = Date.now() >= new Date(returnAt).getTime();
    left.textContent = done ? t("breathe.time") : countdown(returnAt);
    label.textContent = done ? t("breathe.to_come_back") : t("breathe.until", { time: clock(returnAt) });
    left.setAttribute(
      "aria-label",
      done ? t("breathe.done_label") : t("breathe.left_label", { left: countdown(returnAt), time: clock(returnAt) }),
    );
  }
  tick();
  const timer = setInterval(tick, 1000);
  box.stop = () => clearInterval(timer);
  return box;
}
