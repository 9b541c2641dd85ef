// A ritual session: the big timer (from the stored start time, so a reload picks up where it was),
// the screen kept awake, cues at phase changes, then the prompts (session-run) or the end (session-end).
import { store } from "../store.js";
import { h } from "../ui.js";
import * as cues from "../cues.js";
import { runner } from "../parts/session-run.js";
import { ending } from "../parts/session-end.js";

const TURN = 300;

/** [seconds from start, what happens now, count down to the next phase?] */
export function phases(ritual) {
  const b = ritual.body;
  const planned = b.duration_min * 60;
  if (b.type === "vulnerability") {
    return [[0, "First turn: one of you talks about a fear; the other listens, then mirrors and validates.", true],
      [TURN, "Swap. The listener talks now; the first speaker mirrors. No debate.", true],
      [2 * TURN, "Both turns done. Close with a thank-you.", false]];
  }
  if (b.type === "story") return [[0, "Tell your story in 90 seconds.", true], [90, "Time. Listener: say what stayed with you.", false]];
  const out = [[0, "Take your time. Pass on anything, no reason needed.", false]];
  if (b.type === "connection_check") out.splice(0, 1, [0, "First ten minutes: just be together.", true], [600, "Now your questions, each followed by a pause.", false]);
  if (planned > out[out.length - 1][0]) out.push([planned, "That's the time you planned. Finish when you're ready.", false]);
  return out;
}

const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

function timer(session, ritual) {
  const list = phases(ritual);
  const started = Date.parse(session.body.started_at);
  const time = h("p", { class: "timer-digits", role: "timer", "aria-live": "off", "data-started": session.body.started_at });
  const label = h("p", { class: "timer-phase", "aria-live": "polite" });
  const mute = h("button", { type: "button", class: "btn ghost small", "aria-pressed": String(cues.muted()) });
  const showMute = () => { mute.textContent = cues.muted() ? "Sound and buzz: off" : "Sound and buzz: on"; mute.setAttribute("aria-pressed", String(cues.muted())); };
  mute.onclick = () => { cues.setMuted(!cues.muted()); cues.unlockAudio(); showMute(); };
  showMute();
  const node = h("section", { class: "timer card", "aria-label": "Timer" }, time, label, h("div", { class: "row end" }, mute));
  let shown = -1;
  const tick = () => {
    const elapsed = Math.max(0, (Date.now() - started) / 1000);
    let i = 0;
    while (i + 1 < list.length && elapsed >= list[i + 1][0]) i++;
    const [, text, countdown] = list[i];
    time.textContent = countdown && list[i + 1] ? clock(list[i + 1][0] - elapsed) : clock(elapsed);
    time.dataset.elapsed = String(Math.floor(elapsed));
    if (i !== shown) {
      if (shown !== -1) { cues.cue(); node.classList.add("flash"); setTimeout(() => node.classList.remove("flash"), 1200); }
      shown = i;
      label.textContent = text;
    }
  };
  tick();
  const every = setInterval(tick, 1000);
  node.cleanup = () => clearInterval(every);
  return node;
}

export function mount(root, { args, navigate }) {
  const session = store.byId(args.id);
  const ritual = session && store.byId(session.ref_id);
  if (!session || session.kind !== "ritual_session" || !ritual) {
    root.append(h("div", { class: "page-head" }, h("h1", {}, "Session not found")),
      h("a", { class: "btn ghost", href: "/rituals", "data-link": true }, "Back to rituals"));
    return null;
  }
  const mine = session.author_id === store.user.id;
  root.append(h("p", {}, h("a", { href: "/rituals", "data-link": true, class: "back" }, "‹ Rituals")),
    h("div", { class: "page-head" }, h("h1", {}, ritual.body.title),
      h("p", {}, session.body.ended_at ? "Finished" : `${ritual.body.duration_min} minutes, together`)));
  if (session.body.ended_at || !mine) {
    root.append(ending(session, ritual, navigate));
    return null;
  }
  const clockNode = timer(session, ritual);
  const release = cues.keepAwake();
  const unlock = () => cues.unlockAudio();
  root.addEventListener("click", unlock);
  root.append(clockNode, runner(session, ritual, () => navigate(`/session/${session.id}`, { replace: true })));
  return () => { clockNode.cleanup(); release(); root.removeEventListener("click", unlock); };
}
