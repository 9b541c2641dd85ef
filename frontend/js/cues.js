// Session cues: keep the screen awake, and a buzz and a short soft tone when a phase changes.
// Muted (a toggle remembered on this phone) means neither; reduced motion means no buzz.
const MUTE_KEY = "hearth-cues-muted";
let audio = null;

export const muted = () => localStorage.getItem(MUTE_KEY) === "1";
export const setMuted = (value) => localStorage.setItem(MUTE_KEY, value ? "1" : "0");
const calm = () => matchMedia("(prefers-reduced-motion: reduce)").matches;

/** Call from a tap so the browser lets the tone play later. */
export function unlockAudio() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx || muted()) return;
  try {
    audio = audio || new Ctx();
    if (audio.state === "suspended") audio.resume();
  } catch (_err) {
    audio = null;
  }
}

export function cue() {
  if (muted()) return;
  if (!calm() && navigator.vibrate) {
    try {
      navigator.vibrate([120, 80, 120]);
    } catch (_err) {
      /* not allowed */
    }
  }
  if (audio?.state !== "running") return;
  const now = audio.currentTime;
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.type = "sine";
  osc.frequency.value = 660;
  gain.gain.setValueAtTime(0.0001, now);
  gain.gain.exponentialRampToValueAtTime(0.18, now + 0.03);
  gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.6);
  osc.connect(gain).connect(audio.destination);
  osc.start(now);
  osc.stop(now + 0.65);
}

/** Keeps the screen on while a session runs; the browser drops the lock when the page hides. */
export function keepAwake() {
  let lock = null;
  let on = true;
  const acquire = async () => {
    if (!on || !("wakeLock" in navigator) || document.visibilityState !== "visible") return;
    try {
      lock = await navigator.wakeLock.request("screen");
    } catch (_err) {
      lock = null;
    }
  };
  const onVisible = () => {
    if (document.visibilityState === "visible") acquire();
  };
  document.addEventListener("visibilitychange", onVisible);
  acquire();
  return () => {
    on = false;
    document.removeEventListener("visibilitychange", onVisible);
    if (lock) lock.release().catch(() => {});
  };
}
