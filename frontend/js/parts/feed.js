// What your partner shared lately, each with a way to respond: reflect, react, answer a bid.
import { store } from "../store.js";
import { create, latest } from "../entries.js";
import { bdi, h, clear, toast, section } from "../ui.js";
import { daysAgo } from "../time.js";
import { REACTIONS, RESPONSES, entryItem, list, live, partnerName, summary } from "./cards.js";
import { NOT_NOW_LINE } from "../care.js";
import { REFLECTION_TEXT_MAX } from "../limits.js";

const WINDOW_DAYS = 7;

export function feed(seenAt) {
  const body = h("div", {});
  const heading = () => ["From ", bdi(partnerName())]; // pieces: the name stays an isolated <bdi>
  const card = section(heading(), body);
  const open = new Set(); // disclosures with the reflect form open
  function render() {
    const me = store.user.id;
    const recent = store.entries.filter((e) => e.author_id !== me && daysAgo(e.created_at) <= WINDOW_DAYS
      && (!seenAt || e.created_at > seenAt || daysAgo(e.created_at) <= 2));
    const items = recent.map((e) => item(e, seenAt, open, render)).filter(Boolean);
    clear(card.querySelector("h2"), h("span", {}, heading()));
    clear(body, list(items, ["Nothing new from ", bdi(partnerName()), " yet. When they share, it shows up here."]));
  }
  card.cleanup = live(render);
  return card;
}

function item(entry, seenAt, open, rerender) {
  const isNew = !seenAt || entry.created_at > seenAt;
  const badges = isNew ? [h("span", { class: "badge" }, "New")] : [];
  const mine = (e) => e.author_id === store.user.id;
  const target = entry.ref_id ? store.byId(entry.ref_id) : null;
  const name = partnerName();
  const by = (words) => [bdi(name), words]; // a title: the name as its own isolated <bdi>, then the app's words
  switch (entry.kind) {
    case "disclosure":
      return entryItem(entry, { badges, title: by(" shared"), actions: [
        h("button", { type: "button", class: "btn small", "aria-expanded": String(open.has(entry.id)),
          onclick: () => { open.has(entry.id) ? open.delete(entry.id) : open.add(entry.id); rerender(); } }, "Reflect back"),
        ...reactButtons(entry, ["heart", "thanks", "not_now"])],
      extra: [...reflections(entry), open.has(entry.id) ? reflectForm(entry, () => { open.delete(entry.id); rerender(); }) : null] });
    case "reflection":
      if (!target || !mine(target)) return null;
      return entryItem(entry, { badges, title: by(" reflected back"), quote: `You: ${summary(target)}`,
        actions: reactButtons(entry, ["right", "not_quite", "not_now"]) });
    case "appreciation":
    case "checkin":
      return entryItem(entry, { badges, title: by(entry.kind === "checkin" ? " checked in" : " appreciates you"),
        actions: reactButtons(entry, ["heart", "thanks"]) });
    case "bid":
      if (entry.body.bidder !== "me") return null; // a bid they noticed from you: theirs to answer
      return entryItem(entry, { badges, title: by(" reached out"), actions: [...bidButtons(entry), ...reactButtons(entry, ["not_now"])] });
    case "reaction":
    case "bid_response":
      if (!target || !mine(target) || target.kind === "timeout") return null; // Today's time-out card says it
      return entryItem(entry, { badges, title: by(entry.kind === "reaction" ? " replied" : " answered your bid"),
        quote: `You: ${summary(target)}`, extra: entry.body.value === "not_now" ? notNowLine(name) : null });
    default:
      return null;
  }
}

/** What the partner sees when someone answers "not now": their kind reply, in their name. */
export function notNowLine(name) {
  return h("p", { class: "kind-line", "data-testid": "not-now-line" }, bdi(name), `: “${NOT_NOW_LINE}”`);
}

export function reactButtons(entry, values) {
  const given = store.answersTo(entry.id, "reaction").filter((r) => r.author_id === store.user.id).map((r) => r.body.value);
  return values.map((value) => h("button", {
    type: "button", class: "btn small ghost", "aria-pressed": String(given.includes(value)),
    onclick: async () => {
      if (given.includes(value)) return;
      await create("reaction", { value }, { ref_id: entry.id });
      toast(value === "not_now" ? "Sent kindly. They'll know you're here whenever you want to talk." : "Sent.");
    },
  }, REACTIONS[value]));
}

export function bidButtons(bid) {
  const answer = latest(store.answersTo(bid.id, "bid_response"));
  return Object.entries(RESPONSES).map(([value, label]) => h("button", {
    type: "button", class: "btn small ghost", "aria-pressed": String(!!answer && answer.body.response === value),
    onclick: async () => {
      await create("bid_response", { response: value }, { ref_id: bid.id });
      toast(value === "toward" ? "Turned toward. Nice." : "Noted. Honest answers help.");
    },
  }, label));
}

function reflections(disclosure) {
  return store.answersTo(disclosure.id, "reflection").filter((r) => r.author_id === store.user.id).map((r) => {
    const verdict = latest(store.answersTo(r.id, "reaction").filter((x) => ["right", "not_quite"].includes(x.body.value)));
    return h("p", { class: "small" }, h("strong", {}, "You reflected: "), bdi(r.body.text),
      verdict ? h("span", { class: "badge sage" }, REACTIONS[verdict.body.value]) : null);
  });
}

function reflectForm(disclosure, done) {
  const id = `reflect-${disclosure.id}`;
  const text = h("textarea", { id, name: "reflection", rows: "3", maxlength: String(REFLECTION_TEXT_MAX), value: "What I'm hearing is " });
  const form = h("form", { class: "reflect-form", novalidate: true },
    h("label", { for: id }, "Say back what you heard, then ask: is that right?"), text,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn primary small" }, "Send reflection")));
  form.onsubmit = async (event) => {
    event.preventDefault();
    let value = text.value.trim();
    if (!value || value === "What I'm hearing is") { text.focus(); return; }
    if (!/right\?$/i.test(value)) value = `${value.replace(/[.!]$/, "")} — is that right?`;
    await create("reflection", { text: value }, { ref_id: disclosure.id });
    toast("Reflection sent.");
    done();
  };
  queueMicrotask(() => text.focus());
  return form;
}
