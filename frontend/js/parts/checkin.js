// The quick check-in: mood and "us" on a 1–5 tap scale, feelings, an optional line.
import { store } from "../store.js";
import { composer, create } from "../entries.js";
import { feelingsPicker } from "../feelings.js";
import { bdi, h, clear, field, choice, notice, say, toast, section } from "../ui.js";
import { localDate } from "../time.js";
import { entryItem, fold, list, live, shareToggle, partnerName, summary } from "./cards.js";
import { number, t, tp } from "../i18n.js";
import { NOTE_MAX, SCALE_MAX, SCALE_MIN } from "../limits.js";

/** The 1–5 scale: value, the number as read, and words under 1, 3 and 5. */
const scale = () =>
  [
    [1, "low"],
    [2, ""],
    [3, "okay"],
    [4, ""],
    [5, "great"],
  ].map(([value, word]) => [value, number(value), word && t(`checkin.${word}`)]);

/** group: fold the card to one line among these (Today's practices, see cards.js fold). */
export function checkin(group = null) {
  const body = h("div", {});
  const card = section(t("checkin.title"), body);
  if (group) fold(card, group);
  let again = false;
  const form = buildForm(() => {
    again = false;
    render();
  });
  function render() {
    const today = localDate(store.user.timezone);
    const mine = store.mine("checkin").filter((e) => localDate(store.user.timezone, new Date(e.created_at)) === today);
    card.peek?.(mine.length ? summary(mine[0]) : t("checkin.peek")); // folded on Today: done, or how long it takes
    if (mine.length && !again) {
      clear(
        body,
        list(mine.slice(0, 1).map((e) => entryItem(e))),
        h(
          "button",
          {
            type: "button",
            class: "btn link",
            onclick: () => {
              again = true;
              render();
            },
          },
          t("checkin.again"),
        ),
      );
    } else {
      clear(body, form);
    }
  }
  card.cleanup = live(render);
  return card;
}

function buildForm(done) {
  let mood = null;
  let us = null;
  const moodScale = choice(
    t("checkin.mood_scale", { min: SCALE_MIN, max: SCALE_MAX }),
    scale(),
    null,
    (v) => {
      mood = v;
    },
    "scale",
  );
  const usScale = choice(
    t("checkin.us_scale", { min: SCALE_MIN, max: SCALE_MAX }),
    scale(),
    null,
    (v) => {
      us = v;
    },
    "scale",
  );
  const feelings = feelingsPicker();
  const note = h("input", { name: "note", maxlength: String(NOTE_MAX), placeholder: t("checkin.note_placeholder") });
  const share = shareToggle(true);
  const message = notice();
  const form = h(
    "form",
    { novalidate: true, "aria-label": t("checkin.form_label") },
    h("p", { class: "label" }, t("checkin.mood")),
    moodScale,
    h("p", { class: "label" }, t("checkin.us")),
    usScale,
    feelings,
    field(t("checkin.note"), note),
    share,
    message,
    h("button", { type: "submit", class: "btn primary wide" }, t("checkin.submit")),
  );
  composer(form, async (id) => {
    if (!mood || !us) {
      say(message, t("checkin.both"));
      return false;
    }
    say(message, "");
    await create(
      "checkin",
      { mood, us, feelings: feelings.value, note: note.value.trim() },
      { visibility: share.shared ? "shared" : "private", id },
    );
    toast(share.shared ? tp("checkin.shared", { name: bdi(partnerName()) }) : t("checkin.private"));
    form.reset();
    moodScale.reset();
    usScale.reset();
    mood = us = null;
    feelings.reset();
    share.reset();
    done();
  });
  return form;
}
