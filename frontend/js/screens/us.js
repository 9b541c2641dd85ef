// The Us page: GET /api/stats, kept in the local database so it reads offline as of the last fetch.
import * as api from "../api.js";
import * as db from "../db.js";
import { h, clear, section } from "../ui.js";
import { formatDate, number, t, tp } from "../i18n.js";
import { ago } from "../time.js";
import { weekBars, ratioGauge, partsBar } from "../parts/charts.js";
import { towardGuide } from "../parts/toward-guide.js";
import { SCALE_MAX } from "../limits.js";

const WEEKS = 12;
const CACHE = "us_stats";

export function mount(root) {
  root.append(
    h("div", { class: "page-head" }, h("h1", {}, t("us.title")), h("p", {}, t("us.intro", { count: WEEKS }))),
  );
  const status = h("p", { class: "small muted", "data-testid": "stats-as-of", "aria-live": "polite" });
  const body = h("div", {});
  root.append(status, body);
  let alive = true;
  (async () => {
    const cached = await db.getMeta(CACHE);
    if (!alive) return;
    if (cached) show(body, status, cached, "");
    else status.textContent = t("us.loading");
    try {
      const fresh = { at: new Date().toISOString(), data: await api.get(`/api/stats?weeks=${WEEKS}`) };
      await db.setMeta(CACHE, fresh);
      if (alive) show(body, status, fresh, "");
    } catch (err) {
      if (!alive) return;
      const why = err.offline ? t("us.offline") : api.explain(err);
      if (cached) show(body, status, cached, t("us.stale", { why }));
      else status.textContent = t("us.unreachable", { why });
    }
  })();
  return () => {
    alive = false;
  };
}

function show(body, status, { at, data }, note) {
  const date = formatDate(at, { dateStyle: "medium", timeStyle: "short" });
  status.textContent = note ? t("us.as_of_note", { date, ago: ago(at), note }) : t("us.as_of", { date, ago: ago(at) });
  status.dataset.at = at;
  clear(body, invitations(data), ...cards(data));
}

const figure = (key, value, unit = "") =>
  h(
    "strong",
    { class: "figure", "data-stat": key },
    value === null || value === undefined ? "–" : number(value, { maximumFractionDigits: 2, useGrouping: false }),
    unit,
  );
const explain = (text) => h("p", { class: "small muted" }, text);
/** A sentence around figures, its own words muted (as the figures stand out): tp pieces → nodes. */
const muted = (pieces) =>
  pieces.map((piece) => (typeof piece === "string" ? h("span", { class: "muted" }, piece) : piece));

function invitations(s) {
  return [
    s.reassessment_due
      ? h(
          "div",
          { class: "card soft", "data-testid": "reassess-invite" },
          h("h2", {}, t("us.reassess.title")),
          h("p", {}, t("us.reassess.text")),
          h("a", { class: "btn primary", href: "/reassess", "data-link": true }, t("us.reassess.start")),
        )
      : null,
    s.suggest_help
      ? h(
          "div",
          { class: "card soft", "data-testid": "help-invite" },
          h("p", {}, t("us.help_invite.text")),
          h("a", { class: "btn small ghost", href: "/help", "data-link": true }, t("us.help_invite.link")),
        )
      : null,
  ];
}

function cards(s) {
  const chats = s.meaningful_chats;
  const f = s.follow_ups;
  const b = s.bids;
  const p = s.positive_ratio;
  const c = s.checkins;
  const rate = b.toward_rate === null ? null : Math.round(b.toward_rate * 100);
  const open = f.made - f.done - f.overdue;
  return [
    section(
      t("us.chats.title"),
      h(
        "p",
        { class: "stat" },
        figure("meaningful_chats.per_month", chats.per_month),
        h(
          "span",
          { class: "muted" },
          t("us.chats.per_month", { from: chats.target[0], to: chats.target[chats.target.length - 1] }),
        ),
      ),
      h(
        "p",
        { class: "small" },
        tp("us.chats.total", {
          count: chats.total,
          figure: figure("meaningful_chats.total", chats.total),
          span: t("us.weeks", { count: s.weeks }),
        }),
      ),
      explain(t("us.chats.explain")),
    ),
    section(
      t("us.mutual.title"),
      h(
        "p",
        { class: "stat" },
        figure("mutual_disclosures.this_quarter", s.mutual_disclosures.this_quarter),
        h("span", { class: "muted" }, t("us.mutual.days", { count: s.mutual_disclosures.this_quarter })),
      ),
      explain(t("us.mutual.explain")),
    ),
    section(
      t("us.follow_ups.title"),
      h(
        "p",
        { class: "stat" },
        muted(
          tp("us.follow_ups.summary", {
            done: figure("follow_ups.done", f.done),
            made: figure("follow_ups.made", f.made),
          }),
        ),
      ),
      partsBar(
        [
          [f.done, "good"],
          [f.overdue, "warn"],
          [open, "open"],
        ],
        t("us.follow_ups.parts", { done: f.done, overdue: f.overdue, open }),
      ),
      h(
        "p",
        { class: "small" },
        tp("us.follow_ups.overdue", { count: f.overdue, figure: figure("follow_ups.overdue", f.overdue) }),
      ),
      explain(t("us.follow_ups.explain")),
    ),
    section(
      t("us.toward.title"),
      h(
        "p",
        { class: "stat" },
        figure("bids.toward_rate", rate, rate === null ? "" : "%"),
        h("span", { class: "muted" }, t("us.toward.rate")),
      ),
      partsBar(
        [
          [b.toward, "good"],
          [b.away, "rest"], // no alarm colours: the guide is a direction, not a score to fail
          [b.against, "rest"],
        ],
        t("us.toward.parts", { toward: b.toward, away: b.away, against: b.against }),
      ),
      h(
        "p",
        { class: "small" },
        tp("us.toward.detail", {
          count: b.total,
          total: figure("bids.total", b.total),
          toward: figure("bids.toward", b.toward),
          away: figure("bids.away", b.away),
          against: figure("bids.against", b.against),
          unanswered: figure("bids.unanswered", b.unanswered),
        }),
      ),
      explain(t("us.toward.explain")),
      towardGuide(rate, { bar: false }),
    ),
    section(
      t("us.ratio.title"),
      ratioGauge(p.ratio, p.positive, p.corrective),
      h(
        "p",
        { class: "small" },
        tp("us.ratio.detail", {
          positive: figure("positive_ratio.positive", p.positive),
          corrective: figure("positive_ratio.corrective", p.corrective),
          ratio: figure("positive_ratio.ratio", p.ratio),
        }),
      ),
      explain(t("us.ratio.explain")),
    ),
    section(
      t("us.checkins.title"),
      h(
        "p",
        { class: "stat" },
        figure("checkins.count", c.count),
        h("span", { class: "muted" }, t("us.checkins.count", { count: c.count })),
      ),
      h(
        "p",
        { class: "small" },
        tp("us.checkins.averages", {
          mood: figure("checkins.mood_avg", c.mood_avg),
          us: figure("checkins.us_avg", c.us_avg),
          max: SCALE_MAX,
        }),
      ),
      explain(t("us.checkins.explain")),
    ),
    section(t("us.weekly.title"), weekBars(s.per_week || []), explain(t("us.weekly.explain"))),
  ];
}
