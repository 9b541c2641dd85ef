// The Us page: GET /api/stats, kept in the local database so it reads offline as of the last fetch.
import * as api from "../api.js";
import * as db from "../db.js";
import { h, clear, section } from "../ui.js";
import { ago } from "../time.js";
import { weekBars, ratioGauge, partsBar } from "../parts/charts.js";

const WEEKS = 12;
const CACHE = "us_stats";

export function mount(root) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, "Us"),
    h("p", {}, `The last ${WEEKS} weeks, from what you both shared. Private entries never count.`)));
  const status = h("p", { class: "small muted", "data-testid": "stats-as-of", "aria-live": "polite" });
  const body = h("div", {});
  root.append(status, body);
  let alive = true;
  (async () => {
    const cached = await db.getMeta(CACHE);
    if (!alive) return;
    if (cached) show(body, status, cached, "");
    else status.textContent = "Loading your numbers…";
    try {
      const fresh = { at: new Date().toISOString(), data: await api.get(`/api/stats?weeks=${WEEKS}`) };
      await db.setMeta(CACHE, fresh);
      if (alive) show(body, status, fresh, "");
    } catch (err) {
      if (!alive) return;
      const why = err.offline ? "You're offline" : api.explain(err);
      if (cached) show(body, status, cached, `${why}; showing the last numbers this phone has.`);
      else status.textContent = `${why}. The numbers will show here once Hearth can reach the server.`;
    }
  })();
  return () => { alive = false; };
}

function show(body, status, { at, data }, note) {
  status.textContent = `As of ${new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })} (${ago(at)}).${note ? ` ${note}` : ""}`;
  status.dataset.at = at;
  clear(body, invitations(data), ...cards(data));
}

const figure = (key, value, unit = "") => h("strong", { class: "figure", "data-stat": key }, value === null || value === undefined ? "–" : String(value), unit);
const explain = (text) => h("p", { class: "small muted" }, text);

function invitations(s) {
  return [
    s.reassessment_due ? h("div", { class: "card soft", "data-testid": "reassess-invite" },
      h("h2", {}, "Time for your twelve-week look back"),
      h("p", {}, "It's been about twelve weeks. Sit down together for half an hour: what's better, what's still hard, what to try next."),
      h("a", { class: "btn primary", href: "/reassess", "data-link": true }, "Start the review")) : null,
    s.suggest_help ? h("div", { class: "card soft", "data-testid": "help-invite" },
      h("p", {}, "The last few weeks look quieter between you. Every couple has seasons like that. If it's been feeling hard for a while, talking with someone trained to help couples can make a real difference."),
      h("a", { class: "btn small ghost", href: "/help", "data-link": true }, "Ways to get support")) : null,
  ];
}

function cards(s) {
  const chats = s.meaningful_chats;
  const f = s.follow_ups;
  const b = s.bids;
  const p = s.positive_ratio;
  const c = s.checkins;
  const rate = b.toward_rate === null ? null : Math.round(b.toward_rate * 100);
  return [
    section("Meaningful chats",
      h("p", { class: "stat" }, figure("meaningful_chats.per_month", chats.per_month), h("span", { class: "muted" }, `a month · ${chats.target.join(" to ")} is the guide`)),
      h("p", { class: "small" }, figure("meaningful_chats.total", chats.total), ` talks in ${s.weeks} weeks`),
      explain("Ended check-ins, state-of-us talks, connection checks and guided exercises, counted once a day each.")),
    section("Sharing both ways",
      h("p", { class: "stat" }, figure("mutual_disclosures.this_quarter", s.mutual_disclosures.this_quarter), h("span", { class: "muted" }, "days this quarter")),
      explain("Days when you each shared an honest thing.")),
    section("Follow-ups",
      h("p", { class: "stat" }, figure("follow_ups.done", f.done), h("span", { class: "muted" }, "done of "), figure("follow_ups.made", f.made), h("span", { class: "muted" }, "made")),
      partsBar([[f.done, "good"], [f.overdue, "warn"], [f.made - f.done - f.overdue, "open"]], `${f.done} done, ${f.overdue} overdue, ${f.made - f.done - f.overdue} still open`),
      h("p", { class: "small" }, figure("follow_ups.overdue", f.overdue), " past their due date"),
      explain("The small next steps you agreed after a talk, and how many you've kept.")),
    section("Turning toward",
      h("p", { class: "stat" }, figure("bids.toward_rate", rate, rate === null ? "" : "%"), h("span", { class: "muted" }, "of answered bids")),
      partsBar([[b.toward, "good"], [b.away, "open"], [b.against, "warn"]], `${b.toward} toward, ${b.away} away, ${b.against} against`),
      h("p", { class: "small" }, figure("bids.total", b.total), " bids · ", figure("bids.toward", b.toward), " toward · ", figure("bids.away", b.away), " away · ",
        figure("bids.against", b.against), " against · ", figure("bids.unanswered", b.unanswered), " not answered"),
      explain("When one of you reached out, how often the other turned toward it.")),
    section("Positive to corrective",
      ratioGauge(p.ratio, p.positive, p.corrective),
      h("p", { class: "small" }, figure("positive_ratio.positive", p.positive), " positive · ", figure("positive_ratio.corrective", p.corrective), " corrective · ratio ", figure("positive_ratio.ratio", p.ratio)),
      explain("Appreciations, warm replies and bids turned toward, for each turned-away bid or raised tension. About 5 to 1 is a healthy mix.")),
    section("Check-ins",
      h("p", { class: "stat" }, figure("checkins.count", c.count), h("span", { class: "muted" }, "shared check-ins")),
      h("p", { class: "small" }, "How you are: ", figure("checkins.mood_avg", c.mood_avg), " · How we are: ", figure("checkins.us_avg", c.us_avg), " (out of 5)"),
      explain("The averages of the quick check-ins you shared.")),
    section("Week by week", weekBars(s.per_week || []), explain("Everything you shared with each other, per week.")),
  ];
}
