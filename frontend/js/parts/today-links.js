// A small strip on Today: the next ritual and when, open commitments, and the way to the journal
// (which left the tab bar).
import { bdi, h, clear } from "../ui.js";
import { when } from "../schedule.js";
import * as R from "../ritual-data.js";
import { live } from "./cards.js";

export function todayLinks() {
  const node = h("nav", { class: "card soft links today-links", "aria-label": "Rituals and journal" });
  node.cleanup = live(() => {
    const next = R.rituals().map((r) => [r, R.nextAt(r)]).filter(([, at]) => at).sort((a, b) => a[1] - b[1])[0];
    const open = R.commitments().filter((c) => !c.body.done_at).length;
    clear(node, h("ul", { class: "link-list" },
      next ? h("li", {}, h("a", { href: "/rituals", "data-link": true },
        h("span", { class: "link-main" }, "Next: ", bdi(next[0].body.title)), h("span", { class: "link-sub" }, when(next[1], R.zone())))) : null,
      open ? h("li", {}, h("a", { href: "/commitments", "data-link": true },
        h("span", { class: "link-main" }, `Commitments: ${open} open`), h("span", { class: "link-sub" }, "Small next steps"))) : null,
      h("li", {}, h("a", { href: "/journal", "data-link": true },
        h("span", { class: "link-main" }, "Journal"), h("span", { class: "link-sub" }, "Private notes, only for you")))));
  });
  return node;
}
