// A ritual session: the big timer (from the stored start time, so a reload picks up where it was),
// the screen kept awake, cues at phase changes, then the prompts (session-run) or the end (session-end).
import { store } from "../store.js";
import { h } from "../ui.js";
import { t } from "../i18n.js";
import * as cues from "../cues.js";
import * as R from "../ritual-data.js";
import { runner } from "../parts/session-run.js";
import { ending } from "../parts/session-end.js";

const TURN = 300;

/** [seconds from start, what happens now, count down to the next phase?] */
export function phases(ritual) {
  const b = ritual.body;
  const planned = b.duration_min * 60;
  if (b.type === "vulnerability") {
    return [
      [0, t("session.phase.first_turn"), true],
      [TURN, t("session.phase.swap"), true],
      [2 * TURN, t("session.phase.turns_done"), false],
    ];
  }
  if (b.type === "story")
    return [
      [0, t("session.phase.tell_story"), true],
      [90, t("session.phase.story_time"), false],
    ];
  const out = [[0, t("session.phase.take_your_time"), false]];
  if (b.type === "connection_check")
    out.splice(0, 1, [0, t("session.phase.be_together"), true], [600, t("session.phase.questions"), false]);
  if (planned > out[out.length - 1][0]) out.push([planned, t("session.phase.planned_time"), false]);
  return out;
}

const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

function timer(session, ritual) {
  const list = phases(ritual);
  const started = Date.parse(session.body.started_at);
  const time = h("p", {
    class: "timer-digits",
    role: "timer",
    "aria-live": "off",
    "data-started": session.body.started_at,
  });
  const label = h("p", { class: "timer-phase", "aria-live": "polite" });
  const mute = h("button", { type: "button", class: "btn ghost small", "aria-pressed": String(cues.muted()) });
  const showMute = () => {
    mute.textContent = cues.muted() ? t("session.sound_off") : t("session.sound_on");
    mute.setAttribute("aria-pressed", String(cues.muted()));
  };
  mute.onclick = () => {
    cues.setMuted(!cues.muted());
    cues.unlockAudio();
    showMute();
  };
  showMute();
  const node = h(
    "section",
    { class: "timer card", "aria-label": t("session.timer") },
    time,
    label,
    h("div", { class: "row end" }, mute),
  );
  let shown = -1;
  const tick = () => {
    const elapsed = Math.max(0, (Date.now() - started) / 1000);
    let i = 0;
    while (i + 1 < list.length && elapsed >= list[i + 1][0]) i++;
    const [, text, countdown] = list[i];
    time.textContent = countdown && list[i + 1] ? clock(list[i + 1][0] - elapsed) : clock(elapsed);
    time.dataset.elapsed = String(Math.floor(elapsed));
    if (i !== shown) {
      if (shown !== -1) {
        cues.cue();
        node.classList.add("flash");
        setTimeout(() => node.classList.remove("flash"), 1200);
      }
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
  if (session?.kind !== "ritual_session" || !ritual) {
    root.append(
      h("div", { class: "page-head" }, h("h1", {}, t("session.not_found"))),
      h("a", { class: "btn ghost", href: "/rituals", "data-link": true }, t("session.back_to_rituals")),
    );
    return null;
  }
  const mine = session.author_id === store.user.id;
  root.append(
    h("p", {}, h("a", { href: "/rituals", "data-link": true, class: "back" }, t("session.back"))),
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, R.titleOf(ritual.body)),
      h(
        "p",
        {},
        session.body.ended_at
          ? t("session.finished")
          : t("session.minutes_together", { count: ritual.body.duration_min }),
      ),
    ),
  );
  if (session.body.ended_at || !mine) {
    root.append(ending(session, ritual, navigate));
    return null;
  }
  const clockNode = timer(session, ritual);
  const release = cues.keepAwake();
  const unlock = () => cues.unlockAudio();
  root.addEventListener("click", unlock);
  root.append(
    clockNode,
    runner(session, ritual, () => navigate(`/session/${session.id}`, { replace: true })),
  );
  return () => {
    clockNode.cleanup();
    release();
    root.removeEventListener("click", unlock);
  };
}
