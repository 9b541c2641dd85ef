// The entry kinds the phone knows, one record each; every list of kinds on the phone reads this table.
// It mirrors the server's registry, backend/kinds.py: tests/test_kinds.py imports this module in node
// and fails when the two disagree (a kind on one side only, or a different rule). So it imports
// nothing, and nothing here needs a DOM.
//
//   label    the catalogue key of its name ("kind.<name>.label"), e.g. in "Your entries"
//   edit     "author": only its author changes it; "both": either partner (base_rev guards it)
//   private  always private: never queued for a partner, kept across a couple change
//   shows    where the phone shows it: "feed" (Today's list of what the partner shared, parts/feed.js
//            renders each of these), else the screen or card that owns it
//   words    the body field holding its author's own words, which the author may edit later (parts/own-entry.js)
//   choose   its author chooses shared or private, at the start and later (parts/own-entry.js)
//   moves    a shared position (edit "both"): each queued edit builds on the one before it (its base_rev is
//            the rev the one before will make), and a conflict is the partner's move arriving first, so
//            the phone shows the current one and reports nothing (sync.js)
//   story    how Our story shows it (parts/timeline.js): the filter chip it files under ("words", …), "all"
//            (an item found under "All" only: the default, so a new kind shows as a plain line), "attached"
//            (shown on the entry it answers: its `text` as a line, a reaction as a chip), or null (left out: a
//            setting or a shared position)
//   sealed   the paths of its body's fields that hold a person's words ("answers.*.text": each item's), which
//            the sync seals before sending and opens on arrival (crypto/sealing.js; backend/kinds.py `words`)
//   share    the person's own share (a disclosure, an appreciation, an answer): the first one on a phone is
//            when notifications are offered (entries.js, parts/notify-ask.js)
//
// A new kind: a record here and in backend/kinds.py, its body schema, its words in the catalogues
// (kind.<name>.label), and, for "feed", its case in parts/feed.js (tests/test_kinds.py checks each).

const kind = (
  name,
  {
    edit = "author",
    private: alwaysPrivate = false,
    shows = [],
    moves = false,
    story = "all",
    words = null,
    choose = false,
    share = false,
    sealed = [],
  } = {},
) => ({
  name,
  label: `kind.${name}.label`,
  edit,
  private: alwaysPrivate,
  shows,
  moves,
  story,
  words,
  choose,
  share,
  sealed: Object.freeze(sealed),
});

export const KINDS = Object.freeze(
  Object.fromEntries(
    [
      kind("disclosure", {
        shows: ["feed", "tension"],
        story: "words",
        words: "text",
        choose: true,
        share: true,
        sealed: ["text", "i_feel.feel", "i_feel.when", "i_feel.need"],
      }),
      kind("reflection", { shows: ["feed"], story: "attached", words: "text", sealed: ["text"] }),
      kind("reaction", { shows: ["feed"], story: "attached", sealed: ["note"] }),
      kind("appreciation", {
        shows: ["feed", "appreciate"],
        story: "appreciations",
        words: "text",
        share: true,
        sealed: ["text"],
      }),
      kind("bid", { shows: ["feed", "bids"], story: "bids", words: "note", sealed: ["note"] }),
      kind("bid_response", { shows: ["feed", "bids"], story: "attached" }),
      kind("checkin", { shows: ["feed", "checkin"], story: "checkins", words: "note", choose: true, sealed: ["note"] }),
      kind("ritual", { edit: "both", shows: ["rituals"], story: null, sealed: ["title", "prompts.*"] }),
      kind("ritual_session", {
        shows: ["rituals", "session"],
        story: "rituals",
        sealed: ["answers.*.prompt", "answers.*.text", "passed.*", "note"],
      }),
      kind("session_step", { edit: "both", shows: ["session"], moves: true, story: null }),
      kind("commitment", { shows: ["commitments", "tension"], story: "promises", words: "text", sealed: ["text"] }),
      kind("agreement", { edit: "both", shows: ["agreements"], story: "promises", sealed: ["text"] }),
      kind("timeout", { shows: ["timeout"], words: "note", sealed: ["note"] }),
      kind("timeout_note", { shows: ["timeout"], story: "attached", words: "text", sealed: ["text"] }),
      kind("answer", { shows: ["feed", "question"], story: "answers", words: "text", share: true, sealed: ["text"] }),
      kind("question_swap", { shows: ["question"], story: null }),
      kind("journal", { private: true, shows: ["journal"], words: "text", sealed: ["text"] }),
      kind("path_step", { shows: ["path", "today"], story: null }),
      kind("reply", { shows: ["feed", "question"], story: "attached", words: "text", sealed: ["text"] }),
      // Sealed on its author's phone (written private) until a connection check reveals it (turned shared).
      kind("prepared_question", { shows: ["prepare", "session"], story: null, sealed: ["text"] }),
      // A repair phrase (an id, no words of its own): of the moment, so Our story leaves it out.
      kind("repair", { shows: ["feed", "tension", "timeout"], story: null }),
      kind("love_map", { shows: ["love-maps"], story: null, sealed: ["mine", "guess"] }), // its own screen; withheld until both wrote
    ].map((k) => [k.name, Object.freeze(k)]),
  ),
);

/** The catalogue key of a kind's name (an unknown kind, e.g. from a newer server: "an entry"). */
export const labelKey = (name) => (KINDS[name] ? KINDS[name].label : "kind.unknown.label");

/** Always private (a journal line): never reaches the partner, belongs to no couple. */
export const alwaysPrivate = (name) => !!KINDS[name]?.private;

/** A shared position moved by either phone: queued moves chain, a conflict is quietly the partner's move. */
export const movesTogether = (name) => !!KINDS[name]?.moves;

/** How Our story shows a kind (see `story` above); a kind this phone does not know is a plain line. */
export const storyOf = (name) => (KINDS[name] ? KINDS[name].story : "all");

/** Both partners edit it and base_rev guards it (not a moved position): a conflict is news to show. */
export const guarded = (name) => KINDS[name]?.edit === "both" && !KINDS[name].moves;

/** The body field of an entry's own words its author may edit (null: none to edit). */
export const wordsOf = (name) => (KINDS[name]?.edit === "author" && KINDS[name].words) || null;

/** The body paths of a kind's sealed words (crypto/sealing.js): none for an unknown kind. */
export const sealedPaths = (name) => KINDS[name]?.sealed || [];

/** Shown in Today's list of what the partner shared (parts/feed.js). */
/** The person's own share: the moment to offer notifications (parts/notify-ask.js). */
export const isShare = (name) => !!KINDS[name]?.share;

export const inFeed = (name) => !!KINDS[name]?.shows.includes("feed");
