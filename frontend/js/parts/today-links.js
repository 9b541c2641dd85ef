// A small strip on Today: the next ritual and when, open commitments, and the ways to Our story and
// the journal (which left the tab bar).
import { bdi, h, clear } from "../ui.js";
import { when } from "../schedule.js";
import * as R from "../ritual-data.js";
import { live } from "./cards.js";
import { t, tp } from "../i18n.js";

export function todayLinks() {
  const node = h("nav", { class: "card soft links today-links", "aria-label": t("today.links_label") });
  node.cleanup = live(() => {
    const next = R.rituals()
      .map((r) => [r, R.nextAt(r)])
      .filter(([, at]) => at)
      .sort((a, b) => a[1] - b[1])[0];
    const open = R.commitments().filter((c) => !c.body.done_at).length;
    clear(
      node,
      h(
        "ul",
        { class: "link-list" },
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
        h(
          "li",
          {},
          h(
            "a",
            { href: "/story", "data-link": true },
            h("span", { class: "link-main" }, t("route.story")),
            h("span", { class: "link-sub" }, t("settings.hint.story")),
          ),
        ),
        h(
          "li",
          {},
          h(
            "a",
            { href: "/journal", "data-link": true },
            h("span", { class: "link-main" }, t("today.journal")),
            h("span", { class: "link-sub" }, t("today.journal_sub")),
          ),
        ),
      ),
    );
  });
  return node;
}
