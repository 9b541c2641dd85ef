// A small strip on Today: this week's step of the six-week path, the next ritual and when, open
// commitments, and the ways to Our story and the journal (which left the tab bar).
import { bdi, h, clear } from "../ui.js";
import { when } from "../schedule.js";
import * as R from "../ritual-data.js";
import { live } from "./cards.js";
import { store } from "../store.js";
import { PATH_STEPS, pathWeek } from "../care.js";
import { t, tp } from "../i18n.js";

export function todayLinks() {
  const node = h("nav", { class: "card soft links today-links", "aria-label": t("today.links_label") });
  node.cleanup = live(() => {
    const next = R.rituals()
      .map((r) => [r, R.nextAt(r)])
      .filter(([, at]) => at)
      .sort((a, b) => a[1] - b[1])[0];
    const open = R.commitments().filter((c) => !c.body.done_at).length;
    const week = store.couple?.paired_at ? pathWeek(store.couple.paired_at) : 0;
    const step = PATH_STEPS[week - 1]; // none before pairing or after the six weeks
    const walked = step && store.entries.some((e) => e.kind === "path_step" && e.body.week === week);
    clear(
      node,
      h(
        "ul",
        { class: "link-list" },
        step
          ? h(
              "li",
              { "data-testid": "today-path" },
              h(
                "a",
                { href: "/path", "data-link": true },
                h("span", { class: "link-main" }, t("today.path", { n: week, title: t(`path.step.${step[0]}.title`) })),
                walked ? h("span", { class: "link-sub" }, t("today.path_done")) : null,
              ),
            )
          : null,
        next
          ? h(
              "li",
              {},
              h(
                "a",
                { href: "/rituals", "data-link": true },
                h("span", { class: "link-main" }, tp("today.next", { title: bdi(R.titleOf(next[0].body)) })),
                h("span", { class: "link-sub" }, when(next[1], R.zone())),
              ),
            )
          : null,
        open
          ? h(
              "li",
              {},
              h(
                "a",
                { href: "/commitments", "data-link": true },
                h("span", { class: "link-main" }, t("today.commitments_open", { count: open })),
                h("span", { class: "link-sub" }, t("today.commitments_sub")),
              ),
            )
          : null,
        // Two ways in that are always there share one row: the page stays short (tests/e2e/test_today_fits.py).
        h(
          "li",
          { class: "link-pair" },
          h("a", { href: "/story", "data-link": true }, h("span", { class: "link-main" }, t("route.story"))),
          h("a", { href: "/journal", "data-link": true }, h("span", { class: "link-main" }, t("today.journal"))),
        ),
      ),
    );
  });
  return node;
}
