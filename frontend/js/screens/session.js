// A ritual session: the big timer (from the stored start time, so a reload picks up where it was),
// the screen kept awake, cues at phase changes, then the prompts (session-run) or the end (session-end).
// Together mode: the partner's phone opens the same running session (Join); both timers read the stored
// start. The guided practices keep their steps' own time and turns (parts/practice-steps.js).
import { store } from "../store.js";
import { h } from "../ui.js";
import { t } from "../i18n.js";
import * as cues from "../cues.js";
import * as R from "../ritual-data.js";
import { runner } from "../parts/session-run.js";
import { flowOf } from "../parts/practice-steps.js";
import { practiceRunner } from "../parts/practice-run.js";
import { ending } from "../parts/session-end.js";
import { awaitEntry } from "../parts/arriving.js";

const TURN = 300;

/** [seconds from start, what happens now, count down to the next phase?] */
export function phases(ritual, guided = false) {
  const b = ritual.body;
  const planned = b.duration_min * 60;
  if (guided) {
    // The steps keep their own time (parts/practice-steps.js): the big timer counts the session's.
    // The story's two minutes are the telling alone: composing takes what it takes, so no "time's up".
    const out = [[0, t(`practice.phase.${b.type}`), false]];
    if (planned > 0 && b.type !== "story") out.push([planned, t("session.phase.planned_time"), false]);
    return out;
  }
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
function timer(session, ritual, together) {
  const guided = together && !!flowOf(ritual);
  const list = phases(ritual, guided);
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
    // A push or a link can open a session before the sync brought it: show it once it is here.
    return awaitEntry(root, {
      found: () => {
        const found = store.byId(args.id);
        return found?.kind === "ritual_session" && !!store.byId(found.ref_id);
      },
      open: () => navigate(`/session/${args.id}`, { replace: true }),
      missing: () => [
        h("div", { class: "page-head" }, h("h1", {}, t("session.not_found"))),
        h("a", { class: "btn ghost", href: "/rituals", "data-link": true }, t("session.back_to_rituals")),
      ],
    });
  }
  const mine = session.author_id === store.user.id;
  const together = R.stepOf(session.id) !== null;
  root.append(
    h("p", {}, h("a", { href: "/rituals", "data-link": true, class: "back" }, t("session.back"))),
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, R.titleOf(ritual.body)),
      h(
        "p",
        {},
        R.unfinished(session)
          ? t("session.not_finished")
          : session.body.ended_at
            ? t("session.finished")
            : t("session.minutes_together", { count: ritual.body.duration_min }),
      ),
    ),
  );
  if (R.ended(session) || (!mine && !together)) {
    root.append(ending(session, ritual, navigate));
    return null;
  }
  const again = () => navigate(`/session/${session.id}`, { replace: true });
  const clockNode = timer(session, ritual, together);
  const release = cues.keepAwake();
  const unlock = () => cues.unlockAudio();
  root.addEventListener("click", unlock);
  const run = practiceRunner(session, ritual, again) || runner(session, ritual, again);
  root.append(clockNode, run);
  // The partner ended it (or it went): open what it is now, the summary.
  const onChange = (event) => {
    if (event.detail !== "entries" || mine) return;
    const now = store.byId(session.id);
    if (!now || R.ended(now)) again();
  };
  store.addEventListener("change", onChange);
  return () => {
    clockNode.cleanup();
    run.cleanup();
    release();
    root.removeEventListener("click", unlock);
    store.removeEventListener("change", onChange);
  };
}
