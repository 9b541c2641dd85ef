// Bids for connection: log one you made or noticed, answer your partner's, see the toward-rate.
import { store } from "../store.js";
import { composer, create, latest } from "../entries.js";
import { bdi, h, clear, field, choice, notice, say, toast, section } from "../ui.js";
import { daysAgo } from "../time.js";
import { bidTypes, entryItem, list, live, partnerName, responseName } from "../parts/cards.js";
import { bidButtons, reactButtons, notNowLine } from "../parts/feed.js";
import { notNowFrom } from "../care.js";
import { number, t, tp } from "../i18n.js";
import { NOTE_MAX } from "../limits.js";
import { towardGuide } from "../parts/toward-guide.js";

/** Who made a bid, and who is asked to answer it: the bidder's partner. */
const bidderIsMe = (bid) => (bid.author_id === store.user.id) === (bid.body.bidder === "me");
const answer = (bid) => latest(store.answersTo(bid.id, "bid_response"));

function rate(bids) {
  const answered = bids.map(answer).filter(Boolean);
  const toward = answered.filter((a) => a.body.response === "toward").length;
  return {
    toward,
    answered: answered.length,
    percent: answered.length ? Math.round((100 * toward) / answered.length) : null,
  };
}

export function mount(root) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, t("bids.title")), h("p", {}, t("bids.intro"))));
  let bidder = "me";
  let type = null;
  const who = choice(
    t("bids.who"),
    [
      ["me", t("bids.i_did")],
      ["partner", bdi(partnerName())],
    ],
    bidder,
    (v) => {
      bidder = v;
    },
  );
  const types = choice(
    t("bids.kind_label"),
    bidTypes(),
    null,
    (v) => {
      type = v;
    },
    "wrap",
  );
  const note = h("input", { name: "note", maxlength: String(NOTE_MAX), placeholder: t("bids.note_placeholder") });
  const message = notice();
  const form = h(
    "form",
    { novalidate: true, "aria-label": t("bids.log") },
    h("p", { class: "label" }, t("bids.who")),
    who,
    h("p", { class: "label" }, t("bids.kind")),
    types,
    field(t("bids.note"), note),
    message,
    h("button", { type: "submit", class: "btn primary wide" }, t("bids.log_button")),
  );
  composer(form, async (id) => {
    if (!type) {
      say(message, t("bids.pick_kind"));
      return false;
    }
    say(message, "");
    await create("bid", { type, bidder, note: note.value.trim() }, { id });
    toast(bidder === "me" ? tp("bids.logged_mine", { name: bdi(partnerName()) }) : t("bids.logged_theirs"));
    form.reset();
    types.reset();
    type = null;
  });
  const stats = h("div", {});
  const lists = h("div", {});
  root.append(stats, section(t("bids.log"), form), lists);
  return live(() => {
    const bids = store.entries.filter((e) => e.kind === "bid");
    const recent = bids.filter((b) => daysAgo(b.created_at) <= 28);
    const all = rate(recent);
    // The couple's rate beside the research's guide; never whose bids went unanswered (parts/toward-guide.js).
    clear(
      stats,
      section(
        t("bids.rate_title"),
        all.percent === null
          ? h("p", { class: "muted" }, t("bids.rate_empty"))
          : h(
              "p",
              { class: "stat" },
              h("strong", {}, percentText(all.percent)),
              h("span", { class: "muted" }, t("bids.answered", { toward: all.toward, count: all.answered })),
            ),
        towardGuide(all.percent, { bar: all.percent !== null }),
      ),
    );
    const toAnswer = bids.filter((b) => !bidderIsMe(b) && !answer(b));
    clear(
      lists,
      section(
        t("bids.waiting"),
        list(
          toAnswer.map((b) =>
            entryItem(b, {
              title: tp("bids.they_reached", { name: bdi(partnerName()) }),
              actions: [...bidButtons(b), ...reactButtons(b, ["not_now"])],
            }),
          ),
          t("bids.nothing_waiting"),
        ),
      ),
      section(
        t("bids.recent"),
        list(
          bids.slice(0, 30).map((b) =>
            entryItem(b, {
              title: bidderIsMe(b) ? t("bids.you_reached") : tp("bids.they_reached", { name: bdi(partnerName()) }),
              badges: answer(b)
                ? [h("span", { class: "badge sage" }, responseName(answer(b).body.response))]
                : [h("span", { class: "badge amber" }, t("bids.not_answered"))],
              actions: !bidderIsMe(b) && answer(b) ? bidButtons(b) : [],
              extra:
                bidderIsMe(b) && !answer(b) && store.partner && notNowFrom(b, store.partner.id)
                  ? notNowLine(partnerName())
                  : null,
            }),
          ),
          t("bids.none"),
        ),
      ),
    );
  });
}

/** 75 → "75%" ("75 %" in Russian). */
const percentText = (percent) => number(percent / 100, { style: "percent" });
