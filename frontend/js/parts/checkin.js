// The quick check-in: mood and "us" on a 1–5 tap scale, feelings, an optional line.
import { store } from "../store.js";
import { create } from "../entries.js";
import { feelingsPicker } from "../feelings.js";
import { bdi, h, clear, field, choice, notice, say, toast, section } from "../ui.js";
import { localDate } from "../time.js";
import { entryItem, list, live, shareToggle, partnerName } from "./cards.js";
import { NOTE_MAX } from "../limits.js";

const SCALE = [[1, "1", "low"], [2, "2", ""], [3, "3", "okay"], [4, "4", ""], [5, "5", "great"]];

export function checkin() {
  const body = h("div", {});
  const card = section("Quick check-in", body);
  let again = false;
  const form = buildForm(() => { again = false; render(); });
  function render() {
    const today = localDate(store.user.timezone);
    const mine = store.mine("checkin").filter((e) => localDate(store.user.timezone, new Date(e.created_at)) === today);
    if (mine.length && !again) {
      clear(body, list(mine.slice(0, 1).map((e) => entryItem(e))),
        h("button", { type: "button", class: "btn link", onclick: () => { again = true; render(); } }, "Check in again"));
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
  const moodScale = choice("How are you, 1 to 5", SCALE, null, (v) => { mood = v; }, "scale");
  const usScale = choice("How are we, 1 to 5", SCALE, null, (v) => { us = v; }, "scale");
  const feelings = feelingsPicker("Feelings");
  const note = h("input", { name: "note", maxlength: String(NOTE_MAX), placeholder: "Anything you'd like to add?" });
  const share = shareToggle(true);
  const message = notice();
  const form = h("form", { novalidate: true, "aria-label": "Quick check-in" },
    h("p", { class: "label" }, "How are you?"), moodScale,
    h("p", { class: "label" }, "How are we?"), usScale,
    feelings, field("One line (optional)", note), share, message,
    h("button", { type: "submit", class: "btn primary wide" }, "Check in"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!mood || !us) { say(message, "Tap a number for both: how you are, and how we are."); return; }
    say(message, "");
    await create("checkin", { mood, us, feelings: feelings.value, note: note.value.trim() },
      { visibility: share.shared ? "shared" : "private" });
    toast(share.shared ? ["Checked in. ", bdi(partnerName()), " will see it."] : "Checked in, just for you.");
    form.reset();
    moodScale.reset();
    usScale.reset();
    mood = us = null;
    feelings.reset();
    share.reset();
    done();
  };
  return form;
}
