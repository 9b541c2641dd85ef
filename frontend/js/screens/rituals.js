// Rituals: what's next and when (in your time zone), start or resume, the guided exercises, history.
import { store } from "../store.js";
import { h, clear, section } from "../ui.js";
import { ago } from "../time.js";
import { describe, when } from "../schedule.js";
import * as R from "../ritual-data.js";
import { reviewBanner } from "../parts/reassess-banner.js";

export function mount(root, { navigate }) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, "Rituals"),
    h("p", {}, "Small, regular times for the two of you. Change any of them together.")));
  const banner = reviewBanner(navigate);
  const body = h("div", {});
  root.append(banner, body);
  const render = () => {
    const all = R.rituals();
    const now = Date.now();
    const scheduled = all.filter((r) => r.body.schedule.freq !== "anytime" && r.body.enabled)
      .map((r) => [r, R.nextAt(r, now)]).sort((a, b) => (a[1] ?? Infinity) - (b[1] ?? Infinity));
    const guided = all.filter((r) => R.GUIDED.includes(r.body.type) && r.body.enabled);
    const off = all.filter((r) => !r.body.enabled);
    const other = all.filter((r) => r.body.enabled && r.body.schedule.freq === "anytime" && !R.GUIDED.includes(r.body.type));
    clear(body,
      all.length ? null : h("p", { class: "empty card soft" }, "Your rituals arrive once you're paired and synced."),
      scheduled.length ? section("Coming up", h("ul", { class: "rituals" }, scheduled.map(([r, at], i) =>
        ritualItem(r, navigate, at ? (i === 0 ? `Next: ${when(at, R.zone())}` : when(at, R.zone())) : "Not scheduled")))) : null,
      guided.length ? section("Guided exercises", h("p", { class: "small muted" }, "Start one whenever you both have a few minutes."),
        h("ul", { class: "rituals" }, guided.map((r) => ritualItem(r, navigate, "Any time")))) : null,
      other.length ? section("Any time", h("ul", { class: "rituals" }, other.map((r) => ritualItem(r, navigate, "Any time")))) : null,
      h("p", { class: "row" }, h("a", { class: "btn ghost", href: "/commitments", "data-link": true }, "Commitments")),
      off.length ? section("Turned off", h("ul", { class: "rituals" }, off.map((r) => ritualItem(r, navigate, "Off")))) : null,
      section("Past sessions", history()));
  };
  const handler = (event) => { if (["entries", "couple", "me"].includes(event.detail)) render(); };
  store.addEventListener("change", handler);
  render();
  const tick = setInterval(render, 60000); // "Today, 10:00" turns into the next one
  return () => { store.removeEventListener("change", handler); clearInterval(tick); banner.cleanup(); };
}

function ritualItem(ritual, navigate, whenText) {
  const b = ritual.body;
  const open = R.openSession(ritual.id);
  const start = async () => {
    const session = open || await R.startSession(ritual);
    navigate(`/session/${session.id}`);
  };
  return h("li", { class: "ritual", "data-type": b.type, "data-id": ritual.id },
    h("div", { class: "ritual-head" },
      h("h3", {}, b.title),
      h("p", { class: "ritual-when" }, whenText)),
    h("p", { class: "small muted" }, `${describe(b.schedule)} · ${b.duration_min} min`),
    h("div", { class: "actions" },
      b.enabled ? h("button", { type: "button", class: "btn primary small", onclick: start,
        "aria-label": `${open ? "Resume" : "Start"} ${b.title}` }, open ? "Resume" : "Start") : null,
      h("a", { class: "btn ghost small", href: `/rituals/${ritual.id}`, "data-link": true, "aria-label": `Edit ${b.title}` }, "Edit")));
}

function history() {
  const past = R.sessions().slice(0, 30);
  if (!past.length) return h("p", { class: "empty" }, "Sessions you run show up here.");
  return h("ul", { class: "entries" }, past.map((s) => {
    const ritual = store.byId(s.ref_id);
    const b = s.body;
    const status = b.ended_at ? `${minutes(b)} min` : "in progress";
    return h("li", { class: "entry session-item", "data-id": s.id },
      h("div", { class: "meta" }, h("strong", {}, ritual ? ritual.body.title : "A ritual"),
        h("span", {}, ago(b.started_at)), h("span", { user: true }, store.nameOf(s.author_id)),
        s.pending ? h("span", { class: "badge amber" }, "Not yet synced") : null),
      h("p", { class: "small" }, `${b.answers.length} answered · ${b.passed.length} passed · ${status}`),
      h("a", { href: `/session/${s.id}`, "data-link": true, class: "btn ghost small" }, b.ended_at ? "Open" : "Resume"));
  }));
}

const minutes = (b) => Math.max(1, Math.round((Date.parse(b.ended_at) - Date.parse(b.started_at)) / 60000));
