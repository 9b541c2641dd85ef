// The guided practices as steps of the session's shared place (a session_step entry; together mode):
// each step is one thing the couple does now, and Next on either phone moves both.
//
// Connection check: presence first (the questions held back), then each question as two steps, asked
// and answered; the answer step opens with a visible three-second pause, read from the instant the step
// came up (so both phones pause together). Only question steps pause. The starter and the partner take
// turns asking their prepared questions (1 to PREPARED_QUESTIONS each); the asker's phone holds a sealed
// one and reveals it as it is asked (ritual-data.js revealQuestion). Rewritten prompts are the questions.
// Five minutes each: who speaks first is chosen, then each turn is speak (five minutes), mirror, validate;
// the swap comes after the validation. The 90-second story: the teller composes, "We're ready" starts the
// 90 seconds, the listener says what stayed; then the other one tells theirs.
import { store } from "../store.js";
import { bdi, h } from "../ui.js";
import { t, tp } from "../i18n.js";
import * as R from "../ritual-data.js";
import { PREPARED_QUESTIONS } from "../limits.js";

export const PAUSE = 3; // seconds between a question and its answer
export const PRESENCE = 600; // the connection check's ten minutes of just being together
export const TURN = 300; // one speaker's five minutes
export const STORY = 90;
export const FEAR_STARTERS = ["change", "enough", "distance", "future", "body"];

const other = (role) => (role === "starter" ? "partner" : "starter");
const range = (n) => Array.from({ length: n }, (_, i) => i + 1);

/** The steps of a guided practice, or null for a ritual run prompt by prompt. */
export function flowOf(ritual) {
  const type = ritual.body.type;
  if (type === "connection_check") {
    const slots = ritual.body.template
      ? range(PREPARED_QUESTIONS).flatMap((n) => [
          { asker: "starter", n },
          { asker: "partner", n },
        ])
      : R.promptsOf(ritual.body).map((text) => ({ text }));
    return [
      { type: "presence" },
      ...slots.flatMap((slot, q) => [
        { type: "ask", q, of: slots.length, ...slot },
        { type: "answer", q, of: slots.length, ...slot },
      ]),
    ];
  }
  if (type === "vulnerability")
    return [
      { type: "choose" },
      ...[1, 2].flatMap((turn) => ["speak", "mirror", "validate"].map((kind) => ({ type: kind, turn }))),
    ];
  if (type === "story")
    return [1, 2].flatMap((turn) => ["compose", "tell", "respond"].map((kind) => ({ type: kind, turn })));
  return null;
}

/** Who leads a turn (speaks or tells), as "starter" or "partner". */
export function leadOf(step, place) {
  const first = step.type === "compose" || step.type === "tell" || step.type === "respond" ? "starter" : null;
  const lead = first || place.body.first || "starter";
  return step.turn === 2 ? other(lead) : lead;
}

export const roleOf = (mine) => (mine ? "starter" : "partner");
export const partnerLabel = () => bdi(store.partner ? store.partner.display_name : t("common.your_partner"));

/** Seconds since the shared step came up. */
export const sinceStep = (place) => Math.max(0, (Date.now() - Date.parse(place.body.at)) / 1000);

export const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

/** A countdown line of `seconds` from the step's start; `.update()` redraws it and says whether time is up. */
export function countdown(place, seconds, upText) {
  const line = h("p", { class: "step-countdown", role: "timer", "aria-live": "off" });
  line.update = () => {
    const left = seconds - sinceStep(place);
    line.dataset.left = String(Math.max(0, Math.ceil(left)));
    line.textContent = left > 0 ? t("practice.left", { time: clock(Math.ceil(left)) }) : upText;
    return left <= 0;
  };
  line.update();
  return line;
}

/** The calm pause between a question and its answer: a breathing dot and the seconds left. */
export function pauseView(place) {
  const count = h("p", { class: "pause-count", "aria-hidden": "true" });
  const heading = h("h2", { tabindex: "-1" }, t("session.pause"));
  const node = h(
    "div",
    { class: "pause", role: "status" },
    h("span", { class: "breath-dot", "aria-hidden": "true" }),
    heading,
    h("p", {}, t("session.pause_hint")),
    count,
  );
  node.heading = heading;
  node.update = () => {
    const left = Math.ceil(PAUSE - sinceStep(place));
    count.textContent = String(Math.max(1, left));
    return left <= 0;
  };
  node.update();
  return node;
}

/** A line saying whose part this is, for the tests and for the reader: data-who is speaker, listener,
 *  mirror (the listener says back what they heard), validate, or both. */
export const turnLine = (who, text) => h("p", { class: "turn", "data-who": who, "aria-live": "polite" }, text);

/** The fear starters offered to the speaker. */
export const fearStarters = () =>
  h(
    "div",
    { class: "starters" },
    h("p", { class: "small muted" }, t("practice.vuln.starters_lead")),
    h(
      "ul",
      { class: "starter-list" },
      FEAR_STARTERS.map((key) => h("li", { class: "quote" }, t(`practice.vuln.starter.${key}`))),
    ),
  );

/** What a step of the five minutes each says on this phone: [who, heading, line]. */
export function vulnerabilityText(step, place, mine) {
  const name = partnerLabel();
  const leading = leadOf(step, place) === roleOf(mine);
  if (step.type === "speak")
    return leading
      ? ["speaker", t(`practice.vuln.speak_title_${step.turn}`), tp("practice.vuln.you_speak", { name })]
      : ["listener", t(`practice.vuln.speak_title_${step.turn}`), tp("practice.vuln.you_listen", { name })];
  if (step.type === "mirror")
    return leading
      ? ["speaker", t("practice.vuln.mirror_title"), tp("practice.vuln.they_mirror", { name })]
      : ["mirror", t("practice.vuln.mirror_title"), t("practice.vuln.you_mirror")];
  return leading
    ? ["speaker", t("practice.vuln.validate_title"), tp("practice.vuln.they_validate", { name })]
    : ["validate", t("practice.vuln.validate_title"), t("practice.vuln.you_validate")];
}

/** What a step of the story says on this phone: [who, heading, line]. */
export function storyText(step, mine) {
  const name = partnerLabel();
  const telling = leadOf(step, null) === roleOf(mine);
  const title = t(`practice.story.title_${step.turn}`);
  if (step.type === "compose")
    return telling
      ? ["speaker", title, t("practice.story.you_compose")]
      : ["listener", title, tp("practice.story.they_compose", { name })];
  if (step.type === "tell")
    return telling
      ? ["speaker", title, tp("together.you_tell", { name })]
      : ["listener", title, tp("together.they_tell", { name })];
  return telling
    ? ["listener", title, tp("practice.story.they_respond", { name })]
    : ["mirror", title, t("together.story_mirror")];
}
