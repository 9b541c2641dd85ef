// Bids for connection: log one you made or noticed, answer your partner's, see the toward-rate.
import { store } from "../store.js";
import { create, latest } from "../entries.js";
import { bdi, h, clear, field, choice, notice, say, toast, section } from "../ui.js";
import { daysAgo } from "../time.js";
import { BID_TYPES, RESPONSES, entryItem, list, live, partnerName } from "../parts/cards.js";
import { bidButtons, reactButtons, notNowLine } from "../parts/feed.js";
import { notNowFrom } from "../care.js";
import { NOTE_MAX } from "../limits.js";

/** Who made a bid, and who is asked to answer it: the bidder's partner. */
const bidderIsMe = (bid) => (bid.author_id === store.user.id) === (bid.body.bidder === "me");
const answer = (bid) => latest(store.answersTo(bid.id, "bid_response"));

function rate(bids) {
  const answered = bids.map(answer).filter(Boolean);
  const toward = answered.filter((a) => a.body.response === "toward").length;
  return { toward, answered: answered.length, percent: answered.length ? Math.round((100 * toward) / answered.length) : null };
}

export function mount(root) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, "Bids"),
    h("p", {}, "Small reaches for attention: a question, a touch, a joke. Noticing them is the whole trick.")));
  let bidder = "me";
  let type = null;
  const who = choice("Who reached out?", [["me", "I did"], ["partner", bdi(partnerName())]], bidder, (v) => { bidder = v; });
  const types = choice("What kind of bid?", BID_TYPES, null, (v) => { type = v; }, "wrap");
  const note = h("input", { name: "note", maxlength: String(NOTE_MAX), placeholder: "e.g. asked about my day" });
  const message = notice();
  const form = h("form", { novalidate: true, "aria-label": "Log a bid" },
    h("p", { class: "label" }, "Who reached out?"), who, h("p", { class: "label" }, "What kind?"), types,
    field("A note (optional)", note), message, h("button", { type: "submit", class: "btn primary wide" }, "Log bid"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!type) { say(message, "Pick what kind of bid it was."); return; }
    say(message, "");
    await create("bid", { type, bidder, note: note.value.trim() });
    toast(bidder === "me" ? ["Logged. ", bdi(partnerName()), " can mark how it landed."] : "Logged. Mark how you answered it below.");
    form.reset();
    types.reset();
    type = null;
  };
  const stats = h("div", {});
  const lists = h("div", {});
  root.append(stats, section("Log a bid", form), lists);
  return live(() => {
    const bids = store.entries.filter((e) => e.kind === "bid");
    const recent = bids.filter((b) => daysAgo(b.created_at) <= 28);
    const mineRate = rate(recent.filter(bidderIsMe));
    const theirRate = rate(recent.filter((b) => !bidderIsMe(b)));
    const all = rate(recent);
    const meter = (percent) => {
      const bar = h("span", {});
      bar.style.width = `${percent || 0}%`;
      return h("div", { class: "meter", role: "img", "aria-label": `${percent || 0} percent` }, bar);
    };
    clear(stats, section("Turned toward, last 4 weeks",
      all.percent === null ? h("p", { class: "muted" }, "Once bids are answered, the toward-rate shows here.")
        : h("div", {}, h("p", { class: "stat" }, h("strong", {}, `${all.percent}%`), h("span", { class: "muted" }, `${all.toward} of ${all.answered} answered bids`)), meter(all.percent)),
      h("p", { class: "small muted" }, `When you reached out: ${fmt(mineRate)} · When `, bdi(partnerName()), ` reached out: ${fmt(theirRate)}`)));
    const toAnswer = bids.filter((b) => !bidderIsMe(b) && !answer(b));
    clear(lists,
      section("Waiting for your answer", list(toAnswer.map((b) => entryItem(b, { title: [bdi(partnerName()), " reached out"],
        actions: [...bidButtons(b), ...reactButtons(b, ["not_now"])] })),
        "Nothing waiting. Nice.")),
      section("Recent bids", list(bids.slice(0, 30).map((b) => entryItem(b, {
        title: bidderIsMe(b) ? "You reached out" : [bdi(partnerName()), " reached out"],
        badges: answer(b) ? [h("span", { class: "badge sage" }, RESPONSES[answer(b).body.response])] : [h("span", { class: "badge amber" }, "Not answered yet")],
        actions: !bidderIsMe(b) && answer(b) ? bidButtons(b) : [],
        extra: bidderIsMe(b) && !answer(b) && store.partner && notNowFrom(b, store.partner.id) ? notNowLine(partnerName()) : null,
      })), "No bids yet.")));
  });
}

const fmt = (r) => (r.percent === null ? "no answers yet" : `${r.percent}% toward (${r.toward}/${r.answered})`);
