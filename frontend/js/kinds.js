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
//   moves    a shared position (edit "both"): each queued edit builds on the one before it (its base_rev is
//            the rev the one before will make), and a conflict is the partner's move arriving first, so
//            the phone shows the current one and reports nothing (sync.js)
//
// A new kind: a record here and in backend/kinds.py, its body schema, its words in the catalogues
// (kind.<name>.label), and, for "feed", its case in parts/feed.js (tests/test_kinds.py checks each).

const kind = (name, { edit = "author", private: alwaysPrivate = false, shows = [], moves = false } = {}) => ({
  name,
  label: `kind.${name}.label`,
  edit,
  private: alwaysPrivate,
  shows,
  moves,
});

export const KINDS = Object.freeze(
  Object.fromEntries(
    [
      kind("disclosure", { shows: ["feed", "tension"] }),
      kind("reflection", { shows: ["feed"] }),
      kind("reaction", { shows: ["feed"] }),
      kind("appreciation", { shows: ["feed", "appreciate"] }),
      kind("bid", { shows: ["feed", "bids"] }),
      kind("bid_response", { shows: ["feed", "bids"] }),
      kind("checkin", { shows: ["feed", "checkin"] }),
      kind("ritual", { edit: "both", shows: ["rituals"] }),
      kind("ritual_session", { shows: ["rituals", "session"] }),
      kind("session_step", { edit: "both", shows: ["session"], moves: true }),
      kind("commitment", { shows: ["commitments", "tension"] }),
      kind("agreement", { edit: "both", shows: ["agreements"] }),
      kind("timeout", { shows: ["timeout"] }),
      kind("timeout_note", { shows: ["timeout"] }),
      kind("answer", { shows: ["question", "path"] }),
      kind("journal", { private: true, shows: ["journal"] }),
    ].map((k) => [k.name, Object.freeze(k)]),
  ),
);

/** The catalogue key of a kind's name (an unknown kind, e.g. from a newer server: "an entry"). */
export const labelKey = (name) => (KINDS[name] ? KINDS[name].label : "kind.unknown.label");

/** Always private (a journal line): never reaches the partner, belongs to no couple. */
export const alwaysPrivate = (name) => !!KINDS[name]?.private;

/** A shared position moved by either phone: queued moves chain, a conflict is quietly the partner's move. */
export const movesTogether = (name) => !!KINDS[name]?.moves;

/** Shown in Today's list of what the partner shared (parts/feed.js). */
export const inFeed = (name) => !!KINDS[name]?.shows.includes("feed");
