// Our story: everything the two of you shared, and your own private lines, newest first, by day;
// filtered by kind and person, searchable, "On this day" on top, and "Our answers" side by side.
// From the phone's store only (works offline); a page at a time (docs/story.md).
import { store } from "../store.js";
import { bdi, h, clear, section } from "../ui.js";
import { t } from "../i18n.js";
import { questionText } from "../questions.js";
import { live, partnerName } from "../parts/cards.js";
import * as T from "../parts/timeline.js";

const PAGE = 50;

export function mount(root) {
  const state = { group: "all", who: "both", query: "" };
  const alone = !store.couple;
  root.append(
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, t("ourstory.title")),
      h("p", {}, t(alone ? "ourstory.intro_alone" : "ourstory.intro")),
    ),
  );
  const memories = h("div", {});
  const body = h("div", { class: "story" });
  const search = h("input", {
    type: "search",
    name: "q",
    autocomplete: "off",
    "aria-label": t("ourstory.search"),
    placeholder: t("ourstory.search"),
  });
  let typing = null;
  search.oninput = () => {
    clearTimeout(typing);
    typing = setTimeout(() => set("query", T.fold(search.value.trim())), 200);
  };
  const kinds = chips(t("ourstory.kinds_label"), "group", T.CHIPS, (id) => t(`ourstory.group.${id}`));
  const people = alone
    ? null
    : chips(t("ourstory.people_label"), "who", ["both", "me", "partner"], (id) =>
        id === "partner" ? bdi(partnerName()) : t(`ourstory.who.${id}`),
      );
  root.append(memories, h("div", { class: "story-filters" }, search, kinds, people), body);

  function chips(label, key, ids, name) {
    const row = h("div", { class: "chips story-chips", role: "group", "aria-label": label });
    for (const id of ids) {
      row.append(
        h(
          "button",
          { type: "button", class: "chip", "data-value": id, "aria-pressed": String(state[key] === id) },
          name(id),
        ),
      );
    }
    row.onclick = (event) => {
      const button = event.target.closest("button");
      if (!button) return;
      for (const b of row.children) b.setAttribute("aria-pressed", String(b === button));
      set(key, button.dataset.value);
    };
    return row;
  }

  function set(key, value) {
    state[key] = value;
    if (people) people.hidden = state.group === "answers";
    shown = 0;
    render();
  }

  // The page being drawn: a lazy walk of the filtered story, the day it last drew, how many it shows.
  let walker = null;
  let idx = null;
  let day = null;
  let list = null;
  let ul = null; // the list of the day drawn last: the next page may carry on with it
  let shown = 0;
  let done = false;
  const more = h("button", { type: "button", class: "btn ghost wide", onclick: () => draw(PAGE) }, t("ourstory.more"));
  const watcher =
    "IntersectionObserver" in self
      ? new IntersectionObserver((seen) => {
          if (!seen.some((s) => s.isIntersecting) || done) return;
          draw(PAGE);
          watcher.unobserve(more); // observing again reports at once if it is still in view
          watcher.observe(more);
        })
      : null;

  function render() {
    const all = T.source();
    idx = T.index(all);
    const plain = state.group === "all" && state.who === "both" && !state.query;
    const memory = plain ? T.onThisDay(all) : null;
    const card =
      memory &&
      section(
        t(memory.key),
        h(
          "ul",
          { class: "entries" },
          memory.items.map((e) =>
            T.storyItem(e, idx, T.dateText(e.created_at, { day: "numeric", month: "short", year: "numeric" })),
          ),
        ),
      );
    card?.classList.add("soft");
    clear(memories, card || null);
    const answers = state.group === "answers";
    walker = answers ? T.ourAnswers(all, state.query).values() : T.walk(all, idx, state);
    list = answers
      ? section(t("ourstory.our_answers"), h("p", { class: "hint" }, t("ourstory.answers_hint")))
      : h("div", {});
    clear(body, list);
    day = null;
    ul = null;
    done = false;
    const keep = shown;
    shown = 0;
    draw(Math.max(PAGE, keep));
  }

  function draw(count) {
    const answers = state.group === "answers";
    if (answers && !ul) {
      ul = h("ul", { class: "entries" });
      list.append(ul);
    }
    let added = 0;
    while (added < count) {
      const next = walker.next();
      if (next.done) {
        done = true;
        break;
      }
      added++;
      if (answers) {
        ul.append(pair(next.value, idx));
        continue;
      }
      const e = next.value;
      const d = T.dayOf(e.created_at);
      if (d !== day) {
        day = d;
        ul = h("ul", { class: "entries" });
        list.append(section(T.dayTitle(d), ul));
      }
      ul.append(T.storyItem(e, idx));
    }
    shown += added;
    const filtered = state.group !== "all" || state.who !== "both" || state.query;
    const empty = answers ? "ourstory.answers_empty" : filtered ? "ourstory.no_match" : "ourstory.empty";
    const end = shown && answers ? null : h("p", { class: "empty" }, t(shown ? "ourstory.beginning" : empty));
    if (done) {
      watcher?.unobserve(more);
      more.remove();
      if (end) list.append(end);
    } else {
      list.after(more);
      watcher?.observe(more);
    }
  }

  const stop = live(render);
  return () => {
    stop();
    clearTimeout(typing);
    watcher?.disconnect();
  };
}

/** One question both answered: the question, your answer and theirs side by side, then what answered them. */
function pair([mine, theirs], idx) {
  const side = (e, name) => h("div", {}, h("strong", {}, name), h("p", { class: "text", user: true }, e.body.text));
  return h(
    "li",
    { class: "entry pair", "data-id": mine.id },
    h("div", { class: "meta" }, h("span", {}, T.dayTitle(T.dayOf(mine.created_at)))),
    h("p", { class: "quote" }, questionText(mine.body.question_id)),
    h("div", { class: "side" }, side(mine, t("cards.you")), side(theirs, bdi(store.nameOf(theirs.author_id)))),
    T.attached(mine, idx),
    T.attached(theirs, idx),
  );
}
