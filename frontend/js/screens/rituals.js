// Rituals: what's next and when (in your time zone), start or resume, the guided exercises, history.
import { store } from "../store.js";
import { oneTap } from "../entries.js";
import { h, clear, section } from "../ui.js";
import { ago } from "../time.js";
import { describe, when } from "../schedule.js";
import * as R from "../ritual-data.js";
import { reviewBanner } from "../parts/reassess-banner.js";
import { togetherBanner } from "../parts/together-banner.js";
import { t } from "../i18n.js";

export function mount(root, { navigate }) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, t("route.rituals")), h("p", {}, t("rituals.lead"))));
  const banner = reviewBanner(navigate);
  const together = togetherBanner(navigate);
  const body = h("div", {});
  root.append(together, banner, body);
  const render = () => {
    const all = R.rituals();
    const now = Date.now();
    const scheduled = all
      .filter((r) => r.body.schedule.freq !== "anytime" && r.body.enabled)
      .map((r) => [r, R.nextAt(r, now)])
      .sort((a, b) => (a[1] ?? Infinity) - (b[1] ?? Infinity));
    const guided = all.filter((r) => R.GUIDED.includes(r.body.type) && r.body.enabled);
    const off = all.filter((r) => !r.body.enabled);
    const other = all.filter(
      (r) => r.body.enabled && r.body.schedule.freq === "anytime" && !R.GUIDED.includes(r.body.type),
    );
    clear(
      body,
      all.length ? null : h("p", { class: "empty card soft" }, t("rituals.empty")),
      scheduled.length
        ? section(
            t("rituals.coming"),
            h(
              "ul",
              { class: "rituals" },
              scheduled.map(([r, at], i) =>
                ritualItem(
                  r,
                  navigate,
                  at
                    ? i === 0
                      ? t("rituals.next", { when: when(at, R.zone()) })
                      : when(at, R.zone())
                    : t("rituals.unscheduled"),
                ),
              ),
            ),
          )
        : null,
      guided.length
        ? section(
            t("rituals.guided"),
            h("p", { class: "small muted" }, t("rituals.guided_lead")),
            h(
              "ul",
              { class: "rituals" },
              guided.map((r) => ritualItem(r, navigate, t("rituals.any_time"))),
            ),
          )
        : null,
      other.length
        ? section(
            t("rituals.any_time"),
            h(
              "ul",
              { class: "rituals" },
              other.map((r) => ritualItem(r, navigate, t("rituals.any_time"))),
            ),
          )
        : null,
      h(
        "p",
        { class: "row" },
        h("a", { class: "btn ghost", href: "/commitments", "data-link": true }, t("route.commitments")),
        h("a", { class: "btn ghost", href: "/love-maps", "data-link": true }, t("route.love-maps")),
      ),
      off.length
        ? section(
            t("rituals.turned_off"),
            h(
              "ul",
              { class: "rituals" },
              off.map((r) => ritualItem(r, navigate, t("common.off"))),
            ),
          )
        : null,
      section(t("rituals.past"), history()),
    );
  };
  const handler = (event) => {
    if (["entries", "couple", "me"].includes(event.detail)) render();
  };
  store.addEventListener("change", handler);
  render();
  const tick = setInterval(render, 60000); // "Today, 10:00" turns into the next one
  return () => {
    store.removeEventListener("change", handler);
    clearInterval(tick);
    banner.cleanup();
    together.cleanup();
  };
}

function ritualItem(ritual, navigate, whenText) {
  const b = ritual.body;
  const title = R.titleOf(b);
  const open = R.openSession(ritual.id);
  // One session however often "Start" is tapped: the hold spans the re-render the new session makes.
  const start = () =>
    oneTap(`start:${ritual.id}`, async () => {
      const current = R.openSession(ritual.id);
      // One twelve-week review: the reassessment ritual is the /reassess screen, not a session of prompts.
      if (b.type === "reassessment" && !current) return navigate("/reassess");
      const session = current || (await R.startSession(ritual));
      navigate(`/session/${session.id}`);
    });
  return h(
    "li",
    { class: "ritual", "data-type": b.type, "data-id": ritual.id },
    h("div", { class: "ritual-head" }, h("h3", {}, title), h("p", { class: "ritual-when" }, whenText)),
    h(
      "p",
      { class: "small muted" },
      t("rituals.line", { schedule: describe(b.schedule), length: t("rituals.minutes", { count: b.duration_min }) }),
    ),
    h(
      "div",
      { class: "actions" },
      b.enabled
        ? h(
            "button",
            {
              type: "button",
              class: "btn primary small",
              onclick: start,
              "aria-label": t(open ? "rituals.resume_label" : "rituals.start_label", { title }),
            },
            open ? t("common.resume") : t("common.start"),
          )
        : null,
      // The connection check's questions, prepared ahead and kept sealed (screens/prepare.js).
      b.type === "connection_check" && b.enabled && b.template
        ? h(
            "a",
            { class: "btn ghost small prepare-link", href: `/prepare/${ritual.id}`, "data-link": true },
            t("practice.card.prepare"),
          )
        : null,
      h(
        "a",
        {
          class: "btn ghost small",
          href: `/rituals/${ritual.id}`,
          "data-link": true,
          "aria-label": t("rituals.edit_label", { title }),
        },
        t("common.edit"),
      ),
    ),
  );
}

function history() {
  const past = R.sessions().slice(0, 30);
  if (!past.length) return h("p", { class: "empty" }, t("rituals.history_empty"));
  return h(
    "ul",
    { class: "entries" },
    past.map((s) => {
      const ritual = store.byId(s.ref_id);
      const b = s.body;
      const status = R.unfinished(s)
        ? t("rituals.not_finished")
        : b.ended_at
          ? t("rituals.minutes", { count: minutes(b) })
          : t("rituals.in_progress");
      return h(
        "li",
        { class: "entry session-item", "data-id": s.id },
        h(
          "div",
          { class: "meta" },
          h("strong", {}, ritual ? R.titleOf(ritual.body) : t("rituals.a_ritual")),
          h("span", {}, ago(b.started_at)),
          h("span", { user: true }, store.nameOf(s.author_id)),
          s.pending ? h("span", { class: "badge amber" }, t("common.not_synced")) : null,
        ),
        h(
          "p",
          { class: "small" },
          // Passing is never counted: the partner sees what was answered, never a tally of passes.
          t("rituals.history_line", { answered: b.answers.length, status }),
        ),
        h(
          "a",
          { href: `/session/${s.id}`, "data-link": true, class: "btn ghost small" },
          R.ended(s) ? t("common.open") : t("common.resume"),
        ),
      );
    }),
  );
}

const minutes = (b) => Math.max(1, Math.round((Date.parse(b.ended_at) - Date.parse(b.started_at)) / 60000));
