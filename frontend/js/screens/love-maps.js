// Love maps: a gentle quiz on each other's world. A round is ROUND_SIZE questions drawn the same on both
// phones (lovemaps.js); for each, you write your own answer and your guess at your partner's ("I don't
// know yet" is a fine guess), or pass. Each is one `love_map` entry, withheld from the partner until they
// have written theirs too (the server's answer-then-reveal), so both open together. Nothing is scored:
// answers sit side by side, never marked right or wrong, never counted.
import { store } from "../store.js";
import { composer, create, oneTap } from "../entries.js";
import { bdi, h, clear, field, notice, say, toast } from "../ui.js";
import { t, tp } from "../i18n.js";
import { drawRound, parseQuestion, questionId } from "../lovemaps.js";
import { live, partnerName } from "../parts/cards.js";
import { LOVE_MAP_TEXT_MAX } from "../limits.js";

/** round → {mine: Map id → entry, theirs: Map id → entry}, this couple's love-maps entries. */
function byRound(coupleId) {
  const rounds = new Map();
  for (const e of store.entries) {
    if (e.kind !== "love_map" || e.couple_id !== coupleId) continue;
    const q = parseQuestion(e.body.question_id);
    if (!q) continue;
    if (!rounds.has(q.round)) rounds.set(q.round, { mine: new Map(), theirs: new Map() });
    rounds.get(q.round)[e.author_id === store.user.id ? "mine" : "theirs"].set(q.id, e);
  }
  return rounds;
}

export function mount(root) {
  root.append(
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, t("lovemaps.title")),
      h("p", {}, tp("lovemaps.intro", { name: bdi(partnerName()) })),
    ),
  );
  const body = h("div", {});
  root.append(body);
  const cards = new Map(); // "round.id" → {key, node}: a card is drawn again only when its entries change
  let started = 0; // a round this phone chose to start before writing anything in it
  const render = () => {
    if (!store.partner) {
      clear(body, h("p", { class: "card soft" }, tp("lovemaps.not_paired", { name: bdi(partnerName()) })));
      return;
    }
    const coupleId = store.couple.id;
    const rounds = byRound(coupleId);
    const at = (r) => rounds.get(r) || { mine: new Map(), theirs: new Map() };
    // A round is behind you once both wrote every question of it; both phones then see it whole.
    const complete = (r) => drawRound(coupleId, r).every((id) => at(r).mine.has(id) && at(r).theirs.has(id));
    let current = 1;
    while (complete(current)) current++;
    const round = current > 1 && !at(current).mine.size && started !== current ? current - 1 : current;
    const done = round < current;
    const next = h(
      "button",
      {
        type: "button",
        class: "btn primary wide",
        onclick: () => {
          started = current;
          render();
          body.querySelector("textarea")?.focus();
        },
      },
      t("lovemaps.next_round"),
    );
    const items = drawRound(coupleId, round).map((id) => {
      const mine = at(round).mine.get(id);
      const theirs = at(round).theirs.get(id);
      const key = `${mine?.id}:${mine?.rev}:${theirs?.id}:${theirs?.rev}:${partnerName()}`;
      const cached = cards.get(`${round}.${id}`);
      if (cached && cached.key === key) return cached.node;
      const node = questionCard(round, id, mine, theirs);
      cards.set(`${round}.${id}`, { key, node });
      return node;
    });
    clear(
      body,
      h("h2", { class: "round-title", "data-testid": "lovemaps-round" }, t("lovemaps.round", { n: round })),
      done ? h("div", { class: "notice notice-info", "data-testid": "lovemaps-done" }, t("lovemaps.round_done")) : null,
      h("ol", { class: "lovemaps", "aria-label": t("lovemaps.list_label") }, items),
      done ? next : null, // after the last question, where the one who wrote it is
    );
  };
  return live(render);
}

function questionCard(round, id, mine, theirs) {
  const content = !mine ? form(round, id) : !theirs ? waiting(mine) : reveal(mine, theirs);
  return h(
    "li",
    { class: "card lovemap", "data-question": id, "data-state": !mine ? "open" : !theirs ? "waiting" : "revealed" },
    h("h3", { class: "text" }, t(`lovemaps.q.${id}`)),
    content,
  );
}

function form(round, id) {
  const mine = h("textarea", { name: "mine", maxlength: String(LOVE_MAP_TEXT_MAX), rows: "2" });
  const guess = h("textarea", { name: "guess", maxlength: String(LOVE_MAP_TEXT_MAX), rows: "2" });
  const unknown = h(
    "button",
    { type: "button", class: "btn small ghost", "aria-pressed": "false" },
    t("lovemaps.unknown"),
  );
  unknown.onclick = () => {
    const on = unknown.getAttribute("aria-pressed") !== "true";
    unknown.setAttribute("aria-pressed", String(on));
    guess.disabled = on;
  };
  const message = notice();
  const pass = h("button", { type: "button", class: "btn ghost" }, t("lovemaps.pass"));
  const question_id = questionId(round, id);
  pass.onclick = () =>
    oneTap(`lovemap.${question_id}`, async () => {
      await create("love_map", { question_id, passed: true });
      toast(t("lovemaps.passed_toast"));
    });
  const node = h(
    "form",
    { novalidate: true, "aria-label": t(`lovemaps.q.${id}`) },
    field(t("lovemaps.mine"), mine),
    field(tp("lovemaps.guess", { name: bdi(partnerName()) }), guess),
    h("div", { class: "actions" }, unknown),
    message,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn primary" }, t("lovemaps.save")), pass),
  );
  composer(node, async (entryId) => {
    const said = { mine: mine.value.trim(), guess: guess.disabled ? "" : guess.value.trim() };
    const dontKnow = unknown.getAttribute("aria-pressed") === "true";
    if (!said.mine && !said.guess && !dontKnow) {
      say(message, t("lovemaps.needs_words"));
      return false;
    }
    say(message, "");
    await create("love_map", { question_id, ...said, unknown: dontKnow }, { id: entryId });
    toast(t("lovemaps.saved"));
  });
  return node;
}

/** One person's side: their answer and guess (or a pass), labelled from the reader's point of view. */
function side(entry, own) {
  const b = entry.body;
  const who = own ? "you" : "they";
  if (b.passed) {
    return h(
      "div",
      { class: "lovemap-who" },
      h(
        "p",
        { class: "muted", "data-testid": `lovemap-${who}-passed` },
        own ? t("lovemaps.you_passed") : tp("lovemaps.they_passed", { name: bdi(partnerName()) }),
      ),
    );
  }
  const row = (label, text) =>
    text ? h("div", { class: "lovemap-row" }, h("dt", {}, label), h("dd", {}, text)) : null;
  const warm = b.unknown
    ? h(
        "p",
        { class: "small warm", "data-testid": `lovemap-${who}-unknown` },
        own ? t("lovemaps.you_unknown") : tp("lovemaps.they_unknown", { name: bdi(partnerName()) }),
      )
    : null;
  return h(
    "div",
    { class: "lovemap-who" },
    h(
      "dl",
      { class: "lovemap-side", "data-testid": `lovemap-${who}` },
      row(own ? t("lovemaps.you") : bdi(partnerName()), b.mine),
      row(own ? t("lovemaps.your_guess") : tp("lovemaps.their_guess", { name: bdi(partnerName()) }), b.guess),
    ),
    warm,
  );
}

function waiting(mine) {
  return h(
    "div",
    {},
    side(mine, true),
    h(
      "p",
      { class: "muted small", "data-testid": "lovemap-waiting" },
      tp("lovemaps.waiting", { name: bdi(partnerName()) }),
    ),
  );
}

function reveal(mine, theirs) {
  return h("div", { class: "lovemap-reveal", "data-testid": "lovemap-reveal" }, side(mine, true), side(theirs, false));
}
