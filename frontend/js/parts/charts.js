// Small charts for the Us page, drawn as SVG nodes (createElementNS; colours come from CSS classes).
import { formatDate, number, t } from "../i18n.js";

const NS = "http://www.w3.org/2000/svg";

function el(tag, attrs = {}, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  node.append(...children);
  return node;
}

function chart(viewBox, label, cls) {
  return el(
    "svg",
    { viewBox, role: "img", "aria-label": label, class: `chart ${cls}`, preserveAspectRatio: "xMidYMid meet" },
    el("title", {}, label),
  );
}

/** Per-week bars: [{week_start, counts}] → one bar per week, its height the week's total. */
export function weekBars(perWeek) {
  const totals = perWeek.map((w) => Object.values(w.counts || {}).reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const width = 300;
  const height = 110;
  const gap = 4;
  const barW = (width - gap * (totals.length - 1)) / Math.max(1, totals.length);
  const label = t("charts.bars", { totals: totals.map((n) => number(n)).join(", ") });
  const svg = chart(`0 0 ${width} ${height + 18}`, label, "bars");
  svg.append(el("line", { x1: 0, x2: width, y1: height, y2: height, class: "chart-axis" }));
  totals.forEach((total, i) => {
    const barH = total ? Math.max(3, (total / max) * (height - 14)) : 0;
    const x = i * (barW + gap);
    svg.append(
      el("rect", {
        x: x.toFixed(1),
        y: (height - barH).toFixed(1),
        width: barW.toFixed(1),
        height: barH.toFixed(1),
        rx: 3,
        class: i === totals.length - 1 ? "chart-bar now" : "chart-bar",
      }),
    );
    if (total && barW > 12)
      svg.append(
        el(
          "text",
          { x: (x + barW / 2).toFixed(1), y: (height - barH - 3).toFixed(1), class: "chart-num" },
          String(total),
        ),
      );
  });
  svg.append(
    el("text", { x: 0, y: height + 15, class: "chart-label start" }, shortDate(perWeek[0]?.week_start)),
    el("text", { x: width, y: height + 15, class: "chart-label end" }, t("charts.this_week")),
  );
  return svg;
}

const shortDate = (iso) => (iso ? formatDate(new Date(`${iso}T12:00:00`), { day: "numeric", month: "short" }) : "");

/** A half-circle gauge for the positive:corrective ratio, with the 5:1 guide marked. Scale 0–10. */
export function ratioGauge(ratio, positive, _corrective) {
  const label = ratio === null ? t("charts.gauge_none", { count: positive }) : t("charts.gauge", { count: ratio });
  const svg = chart("0 0 200 116", label, "gauge");
  const r = 80;
  const point = (fraction) => {
    const angle = Math.PI * (1 - Math.min(1, Math.max(0, fraction)));
    return [100 + r * Math.cos(angle), 100 - r * Math.sin(angle)];
  };
  const arc = (from, to, cls) => {
    const [x1, y1] = point(from);
    const [x2, y2] = point(to);
    return el("path", {
      d: `M ${x1.toFixed(1)} ${y1.toFixed(1)} A ${r} ${r} 0 0 1 ${x2.toFixed(1)} ${y2.toFixed(1)}`,
      class: cls,
    });
  };
  const value = ratio === null ? (positive ? 1 : 0) : ratio / 10;
  svg.append(arc(0, 1, "gauge-track"));
  if (value > 0) svg.append(arc(0, value, value >= 0.5 ? "gauge-fill good" : "gauge-fill"));
  const [mx, my] = point(0.5);
  svg.append(
    el("circle", { cx: mx.toFixed(1), cy: my.toFixed(1), r: 5, class: "gauge-mark" }),
    el(
      "text",
      { x: 100, y: 96, class: "gauge-value" },
      ratio === null ? (positive ? t("charts.all_positive") : "–") : `${number(ratio)}:1`,
    ),
    el("text", { x: 100, y: 113, class: "chart-label mid" }, t("charts.guide")),
  );
  return svg;
}

/** A horizontal bar of parts: [[value, cssClass, name]…]; empty when all are 0. */
export function partsBar(parts, label) {
  const total = parts.reduce((a, [v]) => a + v, 0);
  const svg = chart("0 0 300 16", label, "parts");
  svg.append(el("rect", { x: 0, y: 0, width: 300, height: 16, rx: 8, class: "chart-track" }));
  let x = 0;
  for (const [value, cls] of parts) {
    if (!total || !value) continue;
    const w = (value / total) * 300;
    svg.append(el("rect", { x: x.toFixed(1), y: 0, width: w.toFixed(1), height: 16, class: `chart-part ${cls}` }));
    x += w;
  }
  return svg;
}
