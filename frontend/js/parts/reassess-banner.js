// The 12-week review invitation. Reads /api/stats from the local DB when the Us page cached it
// (meta "us_stats", {at, data}), else asks the server when online.
import * as db from "../db.js";
import * as api from "../api.js";
import { h } from "../ui.js";
import { t } from "../i18n.js";

const FRESH = 6 * 3600 * 1000;

export async function reviewDue() {
  let cached = null;
  try {
    cached = await db.getMeta("us_stats");
  } catch (_err) {
    /* no cache */
  }
  const data = cached && (cached.data || cached);
  const at = cached?.at ? Date.parse(cached.at) || cached.at : 0;
  if (data && typeof data.reassessment_due === "boolean" && (Date.now() - at < FRESH || !navigator.onLine))
    return data.reassessment_due;
  if (!navigator.onLine) return data ? !!data.reassessment_due : false;
  try {
    return !!(await api.get("/api/stats?weeks=12")).reassessment_due;
  } catch (_err) {
    return data ? !!data.reassessment_due : false;
  }
}

export function reviewBanner(navigate) {
  const node = h("div", { class: "review-slot" });
  let alive = true;
  reviewDue().then((due) => {
    if (!alive || !due) return;
    node.append(
      h(
        "section",
        { class: "card soft review", "aria-labelledby": "review-title" },
        h("h2", { id: "review-title" }, t("reassess.title")),
        h("p", {}, t("reassess.banner_text")),
        h(
          "button",
          { type: "button", class: "btn primary", onclick: () => navigate("/reassess") },
          t("reassess.banner_start"),
        ),
      ),
    );
  });
  node.cleanup = () => {
    alive = false;
  };
  return node;
}
