// Repair phrases on the tension and time-out screens: one tap sends a short phrase to the partner (a
// `repair` entry, only the phrase's id); the partner's phrase shows here with its one-tap answers, and
// the answer to yours shows under it. Today's feed shows the partner's too (parts/feed.js).
import { store } from "../store.js";
import { create, latest, oneTap } from "../entries.js";
import { bdi, h, clear, choice, section } from "../ui.js";
import { t, tp } from "../i18n.js";
import { REPAIR_ANSWERS, REPAIR_FRESH_MS, REPAIR_GROUPS } from "../repairs.js";
import { live, partnerName, phraseWords, toastSent } from "./cards.js";
import { busy, reactButtons } from "./feed.js";

const KIND = "repair";

const fresh = (entry) => Date.now() - Date.parse(entry.created_at) < REPAIR_FRESH_MS;
const answerTo = (entry) =>
  latest(
    store
      .answersTo(entry.id, "reaction")
      .filter((r) => r.author_id !== entry.author_id && REPAIR_ANSWERS.includes(r.body.value)),
  );

/** The card: what the two of you just said, then the groups and their phrases. offerTimeout: a
 *  "Let's pause" answer links to the time-out screen (not on that screen itself). */
export function repairPanel({ offerTimeout = true } = {}) {
  let group = REPAIR_GROUPS[0][0];
  const phrases = h("div", { class: "repair-phrases", "data-testid": "repair-phrases" });
  const groups = choice(
    t("repair.groups"),
    REPAIR_GROUPS.map(([id]) => [id, t(`repair.group.${id}`)]),
    group,
    (value) => {
      group = value;
      drawPhrases();
    },
    "wrap kinds",
  );
  function drawPhrases() {
    const [, ids] = REPAIR_GROUPS.find(([id]) => id === group);
    clear(phrases, ...ids.map(sendButton));
  }
  const exchange = h("div", { class: "repair-exchange", "aria-live": "polite" });
  const card = section(
    t("repair.title"),
    h("p", { class: "small muted" }, t("repair.intro")),
    exchange,
    h("p", { class: "label" }, t("repair.groups")),
    groups,
    phrases,
  );
  card.dataset.testid = "repair";
  drawPhrases();
  card.cleanup = live(() => clear(exchange, ...lines(offerTimeout)));
  return card;
}

function sendButton(phrase) {
  return h(
    "button",
    {
      type: "button",
      class: "btn small ghost repair-phrase",
      "data-phrase": phrase,
      onclick: (event) =>
        busy(event.currentTarget, () =>
          oneTap(`repair:${phrase}`, async () => {
            const sent = await create(KIND, { phrase });
            toastSent(sent.id);
          }),
        ),
    },
    phraseWords(phrase),
  );
}

/** The partner's latest fresh phrase with its answers, and yours with the partner's answer. */
function lines(offerTimeout) {
  const me = store.user.id;
  const recent = store.entries.filter((e) => e.kind === KIND && fresh(e));
  const theirs = recent.find((e) => e.author_id !== me);
  const mine = recent.find((e) => e.author_id === me);
  const out = [];
  if (theirs)
    out.push(
      h(
        "div",
        { class: "repair-line", "data-testid": "repair-theirs" },
        h("p", { class: "small muted" }, tp("repair.from", { name: bdi(partnerName()) })),
        h("p", { class: "quote" }, phraseWords(theirs.body.phrase)),
        answerTo(theirs) ? null : h("p", { class: "small muted" }, t("repair.answer_hint")), // until answered
        h("div", { class: "actions" }, reactButtons(theirs, REPAIR_ANSWERS)),
      ),
    );
  if (mine) {
    const answer = answerTo(mine);
    out.push(
      h(
        "div",
        { class: "repair-line", "data-testid": "repair-mine" },
        h("p", { class: "small muted" }, t("repair.you_sent")),
        h("p", { class: "quote" }, phraseWords(mine.body.phrase)),
        answer
          ? h(
              "p",
              { class: "kind-line", "data-testid": "repair-answer" },
              tp(`repair.answer.${answer.body.value}`, { name: bdi(partnerName()) }),
            )
          : null,
        answer?.body.value === "pause" && offerTimeout
          ? h("a", { class: "btn small", href: "/timeout", "data-link": true }, t("repair.take_timeout"))
          : null,
      ),
    );
  }
  return out;
}
