// What your partner shared lately, each with a way to respond: reflect, react, answer a bid.
import { store } from "../store.js";
import { composer, create, latest, oneTap, update } from "../entries.js";
import { bdi, h, clear, toast, section } from "../ui.js";
import { daysAgo, localDate } from "../time.js";
import {
  RESPONSE_IDS,
  entryItem,
  list,
  live,
  partnerName,
  reactionName,
  responseName,
  summary,
  toastSent,
} from "./cards.js";
import { NOT_NOW_LINE } from "../care.js";
import { t, tp } from "../i18n.js";
import { inFeed } from "../kinds.js";
import { GOOD_NEWS_CATEGORIES, GOOD_NEWS_STARTERS, REPAIR_ANSWERS } from "../repairs.js";
import { REFLECTION_TEXT_MAX } from "../limits.js";
import { questionFor, questionText } from "../questions.js";
import { rootOf, talk } from "./talk.js";
import { isLatestReflection, isVerdict, missedDraft, missedLine, verdictButtons, verdictFor } from "./verdict.js";

const WINDOW_DAYS = 7;
const SHOWN = 12; // the newest first; "Show more" adds as many again (a busy week stays a short Today)
const todays = () => questionFor(localDate(store.user.timezone))?.id;

export function feed(seenAt) {
  const body = h("div", {});
  const heading = () => tp("feed.from", { name: bdi(partnerName()) }); // pieces: the name stays an isolated <bdi>
  const card = section(heading(), body);
  const open = new Set(); // disclosures with the reflect form open
  let shown = SHOWN;
  function render() {
    const me = store.user.id;
    const recent = store.entries.filter(
      (e) =>
        e.author_id !== me &&
        inFeed(e.kind) &&
        daysAgo(e.created_at) <= WINDOW_DAYS &&
        (!seenAt || e.created_at > seenAt || daysAgo(e.created_at) <= 2),
    );
    // One talk per thread, under its newest item; today's question's talk is in the question card.
    const talked = new Set([todays()]);
    const talkOnce = (root, after, starters) => {
      if (!root || talked.has(root.id) || talked.has(root.body.question_id)) return null;
      talked.add(root.id);
      return talk(root, after, starters);
    };
    const items = [];
    let next = 0; // built only up to what is shown: drawing a week of thousands (a first sync) stays cheap
    while (items.length < shown && next < recent.length) {
      const built = item(recent[next++], seenAt, open, render, talkOnce);
      if (built) items.push(built);
    }
    const more =
      next < recent.length
        ? h(
            "button",
            {
              type: "button",
              class: "btn link wide",
              "data-key": "feed-more",
              onclick: () => {
                shown += SHOWN;
                render();
              },
            },
            t("feed.more"),
          )
        : null;
    clear(card.querySelector("h2"), h("span", {}, heading()));
    clear(body, list(items, tp("feed.empty", { name: bdi(partnerName()) })), more);
  }
  card.cleanup = live(render);
  return card;
}

function item(entry, seenAt, open, rerender, talkOnce) {
  const isNew = !seenAt || entry.created_at > seenAt;
  const badges = isNew ? [h("span", { class: "badge" }, t("feed.new"))] : [];
  const mine = (e) => e.author_id === store.user.id;
  const target = entry.ref_id ? store.byId(entry.ref_id) : null;
  const name = partnerName();
  const by = (key) => tp(key, { name: bdi(name) }); // a title: the app's words, the name an isolated <bdi>
  switch (
    entry.kind // one case per kind kinds.js shows in the feed (tests/test_kinds.py checks)
  ) {
    case "disclosure":
      return entryItem(entry, {
        badges,
        title: by("feed.shared"),
        actions: [
          h(
            "button",
            {
              type: "button",
              class: "btn small",
              "aria-expanded": String(open.has(entry.id)),
              onclick: () => {
                open.has(entry.id) ? open.delete(entry.id) : open.add(entry.id);
                rerender();
              },
            },
            t("feed.reflect"),
          ),
          ...reactButtons(entry, ["heart", "thanks", "not_now"]),
        ],
        extra: [
          ...reflections(entry),
          open.has(entry.id)
            ? reflectForm(entry, () => {
                open.delete(entry.id);
                rerender();
              })
            : null,
          GOOD_NEWS_CATEGORIES.includes(entry.body.category) ? goodNews(entry, talkOnce) : null,
        ],
      });
    case "repair": // a phrase sent in a tense moment: answered with one tap
      return entryItem(entry, {
        badges,
        title: by("repair.from"),
        actions: reactButtons(entry, REPAIR_ANSWERS),
      });
    case "reflection":
      if (!target || !mine(target) || !isLatestReflection(entry)) return null; // reflected again: the new one
      return entryItem(entry, {
        badges,
        title: by("feed.reflected"),
        quote: t("feed.you_said", { text: summary(target) }),
        actions: [...verdictButtons(entry, rerender), ...reactButtons(entry, ["not_now"])],
        extra: missedDraft(entry),
      });
    case "answer": // today's: reactions and talk are in the question card below, once
      return entryItem(entry, {
        badges,
        title: by("feed.answered"),
        quote: questionText(entry.body.question_id),
        actions: entry.body.question_id === todays() ? [] : reactButtons(entry, ["heart", "thanks"]),
        extra: talkOnce(entry),
      });
    case "reply":
      if (!target) return null;
      return entryItem(entry, {
        badges,
        title: by("feed.replied"),
        quote: t("feed.you_said", { text: summary(target) }),
        extra: talkOnce(rootOf(entry), entry.created_at),
      });
    case "appreciation":
    case "checkin":
      return entryItem(entry, {
        badges,
        title: by(entry.kind === "checkin" ? "feed.checked_in" : "feed.appreciates"),
        actions: reactButtons(entry, ["heart", "thanks"]),
      });
    case "bid":
      if (entry.body.bidder !== "me") return null; // a bid they noticed from you: theirs to answer
      return entryItem(entry, {
        badges,
        title: by("feed.reached_out"),
        actions: [...bidButtons(entry), ...reactButtons(entry, ["not_now"])],
      });
    case "reaction":
    case "bid_response":
      if (!target || !mine(target) || target.kind === "timeout") return null; // Today's time-out card says it
      if (isVerdict(entry) && verdictFor({ id: target.ref_id }) !== entry) return null; // only the latest counts
      return entryItem(entry, {
        badges,
        title: by(entry.kind === "reaction" ? "feed.replied" : "feed.answered_bid"),
        quote: t("feed.you_said", { text: summary(target) }),
        extra:
          entry.body.value === "not_now"
            ? notNowLine(name)
            : isVerdict(entry)
              ? again(entry, target, open, rerender)
              : null,
      });
    default:
      return null;
  }
}

/** Under the partner's good news: an invitation to be glad together, and reply starters that ask about it
 *  (active, constructive responding); the reply is a short talk (parts/talk.js), in one's own words. */
function goodNews(entry, talkOnce) {
  const thread = talkOnce(
    entry,
    "",
    GOOD_NEWS_STARTERS.map((id) => t(`goodnews.starter.${id}`)),
  );
  if (!thread) return null;
  const asked = store.answersTo(entry.id, "reply").length > 0; // once the talk started, the thread says it
  return h(
    "div",
    { class: "good-news", "data-testid": "good-news" },
    asked ? null : h("p", { class: "kind-line" }, t("goodnews.prompt")),
    thread,
  );
}

/** What the partner sees when someone answers "not now": their kind reply, in their name. */
export function notNowLine(name) {
  return h(
    "p",
    { class: "kind-line", "data-testid": "not-now-line" },
    tp("feed.not_now_line", { name: bdi(name), line: NOT_NOW_LINE }),
  );
}

/** Runs a tap's write once: the button is busy until the write is saved (a double tap adds nothing).
 *  A busy button loses focus and the write draws it again: focus goes to the one drawn in its place. */
export async function busy(button, work) {
  if (button.disabled) return;
  button.disabled = true;
  try {
    await work();
  } finally {
    button.disabled = false;
    const key = button.dataset.key;
    if (key && document.activeElement === document.body) document.querySelector(`[data-key="${key}"]`)?.focus();
  }
}

export function reactButtons(entry, values) {
  const given = store
    .answersTo(entry.id, "reaction")
    .filter((r) => r.author_id === store.user.id)
    .map((r) => r.body.value);
  return values.map((value) =>
    h(
      "button",
      {
        type: "button",
        class: "btn small ghost",
        "aria-pressed": String(given.includes(value)),
        "data-key": `${entry.id}:${value}`,
        // One hold per entry answered: "Not quite" then at once "That's right" sends the first only.
        onclick: (event) =>
          !given.includes(value) &&
          busy(event.currentTarget, () =>
            oneTap(
              `answer:${entry.id}`,
              async () => {
                const sent = await create("reaction", { value }, { ref_id: entry.id });
                toastSent(sent.id, { sent: value === "not_now" ? "feed.sent_kindly" : "feed.sent" });
              },
              0, // held while it saves only: another answer right after is a change of mind, not a double tap
            ),
          ),
      },
      reactionName(value),
    ),
  );
}

/** A bid's answer: the latest shown pressed; tapping another changes it (one answer per person, edited). */
export function bidButtons(bid) {
  const answer = latest(store.answersTo(bid.id, "bid_response"));
  const mine = latest(store.answersTo(bid.id, "bid_response").filter((r) => r.author_id === store.user.id));
  return RESPONSE_IDS.map((value) =>
    h(
      "button",
      {
        type: "button",
        class: "btn small ghost",
        "aria-pressed": String(!!answer && answer.body.response === value),
        "data-key": `${bid.id}:${value}`,
        onclick: (event) =>
          answer?.body.response !== value &&
          busy(event.currentTarget, () =>
            oneTap(
              `answer:${bid.id}`,
              async () => {
                const body = { response: value };
                await (mine ? update(mine, body) : create("bid_response", body, { ref_id: bid.id }));
                toast(t(value === "toward" ? "feed.toward" : "feed.noted"));
              },
              0, // as above: one answer per person, changed by a later tap
            ),
          ),
      },
      responseName(value),
    ),
  );
}

/** Under a verdict on your reflection: what was missed, and (after "Not quite") a way to reflect again. */
function again(verdict, reflection, open, rerender) {
  if (verdict.body.value !== "not_quite") return null;
  const disclosure = store.byId(reflection.ref_id);
  const key = verdict.id;
  const button = h(
    "button",
    { type: "button", class: "btn small", "aria-expanded": String(open.has(key)) },
    t("verdict.again"),
  );
  button.onclick = () => {
    open.has(key) ? open.delete(key) : open.add(key);
    rerender();
  };
  const form =
    disclosure && open.has(key)
      ? reflectForm(disclosure, () => {
          open.delete(key);
          rerender();
        })
      : null;
  return [missedLine(verdict), disclosure ? h("div", { class: "actions" }, button) : null, form];
}

function reflections(disclosure) {
  return store
    .answersTo(disclosure.id, "reflection")
    .filter((r) => r.author_id === store.user.id)
    .map((r) => {
      const verdict = verdictFor(disclosure);
      const counts = verdict?.ref_id === r.id; // only the latest verdict shows
      return h(
        "p",
        { class: "small" },
        h("strong", {}, t("feed.you_reflected")),
        bdi(r.body.text),
        counts ? h("span", { class: "badge sage", "data-testid": "verdict" }, reactionName(verdict.body.value)) : null,
      );
    });
}

function reflectForm(disclosure, done) {
  const id = `reflect-${disclosure.id}`;
  const start = t("feed.reflect_start");
  const ask = t("feed.reflect_ask"); // "is that right?": added when the reflection doesn't end with it
  const text = h("textarea", {
    id,
    name: "reflection",
    rows: "3",
    maxlength: String(REFLECTION_TEXT_MAX),
    value: start,
  });
  const form = h(
    "form",
    { class: "reflect-form", novalidate: true },
    h("label", { for: id }, t("feed.reflect_label")),
    text,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn primary small" }, t("feed.reflect_send"))),
  );
  const save = async (entryId) => {
    let value = text.value.trim();
    if (!value || value === start.trim()) {
      text.focus();
      return false;
    }
    const tail = ask.split(" ").pop().toLowerCase(); // "right?": the question already asked in other words
    if (!value.toLowerCase().endsWith(tail)) value = `${value.replace(/[.!]$/, "")} — ${ask}`;
    const sent = await create("reflection", { text: value }, { ref_id: disclosure.id, id: entryId });
    toastSent(sent.id, { sent: "feed.reflect_sent" });
    done();
  };
  composer(form, save, `reflect:${disclosure.id}`); // the form is drawn again as entries change
  queueMicrotask(() => text.focus());
  return form;
}
