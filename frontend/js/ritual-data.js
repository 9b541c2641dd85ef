// Rituals, their sessions and commitments as the local DB holds them, plus the small writes.
import { store } from "./store.js";
import { create, update } from "./entries.js";
import { nextOccurrence, localDay, parseDay, isoDay } from "./schedule.js";
import { phoneZone } from "./time.js";
import { entry, has, t } from "./i18n.js";
import { COMMITMENT_DAYS, SESSION_OPEN_HOURS } from "./limits.js";

export const zone = () => store.user?.timezone || phoneZone();
export const GUIDED = ["vulnerability", "story", "stress_talk", "aftermath"];
export const ORDER = [
  "weekly_checkin",
  "connection_check",
  "monthly_state",
  "nightly_gratitude",
  "vulnerability",
  "story",
  "stress_talk",
  "aftermath",
  "reassessment",
  "custom",
];

// A default ritual names its template (body.template): its title and prompts are the catalogue's
// (ritual.default.<template>), in the reader's language, whatever language the stored words are in. Editing
// the title or prompts drops the template (screens/ritual-edit.js), and the couple's own words show instead.
const template = (body) => (body.template && has(`ritual.default.${body.template}.title`) ? body.template : null);
/** A ritual's title for the person reading it. */
export const titleOf = (body) => (template(body) ? t(`ritual.default.${template(body)}.title`) : body.title);
/** A ritual's prompts for the person reading it. */
export function promptsOf(body) {
  if (!template(body)) return body.prompts;
  const prompts = entry(`ritual.default.${template(body)}.prompts`);
  return Object.keys(prompts)
    .sort((a, b) => Number(a) - Number(b))
    .map((n) => prompts[n]);
}

export const rituals = () =>
  store.entries
    .filter((e) => e.kind === "ritual")
    .sort(
      (a, b) =>
        ORDER.indexOf(a.body.type) - ORDER.indexOf(b.body.type) || titleOf(a.body).localeCompare(titleOf(b.body)),
    );
export const ofType = (type) => rituals().find((r) => r.body.type === type) || null;

/** Sessions of one ritual (or all), newest first. */
export const sessions = (ritualId = null) =>
  store.entries
    .filter((e) => e.kind === "ritual_session" && (!ritualId || e.ref_id === ritualId))
    .sort((a, b) => (a.body.started_at < b.body.started_at ? 1 : -1));

/** A session left open SESSION_OPEN_HOURS has ended, not finished: the worker closes it on the server
 *  (services/stale_sessions.py) and this phone treats it so already, even before it hears of that. */
const ranOut = (s) => !s.body.ended_at && Date.now() - Date.parse(s.body.started_at) >= SESSION_OPEN_HOURS * 3600000;
export const ended = (s) => !!s.body.ended_at || ranOut(s);
export const unfinished = (s) => !!s.body.unfinished || ranOut(s);

/** My unfinished session of this ritual, if any (to resume rather than start another). */
export const openSession = (ritualId) =>
  sessions(ritualId).find((s) => !ended(s) && s.author_id === store.user.id) || null;

/** The ritual's next time, in ms, or null. The anchor is its first local day, as on the server. */
export function nextAt(ritual, now = Date.now()) {
  if (!ritual.body.enabled) return null;
  const anchor = ritual.created_at ? parseDay(localDay(Date.parse(ritual.created_at), zone())) : null;
  return nextOccurrence(ritual.body.schedule, now, zone(), anchor);
}

/** Starts a session and its shared place (together mode): the partner's phone can join and move it. */
export async function startSession(ritual) {
  const started = new Date().toISOString();
  const body = { started_at: started, ended_at: null, answers: [], passed: [], note: "" };
  const session = await create("ritual_session", body, { ref_id: ritual.id });
  await create("session_step", { step: 0, at: started, passed: [] }, { ref_id: session.id });
  return session;
}

/** The shared place of a session (together mode), or null for a session started without one. */
export const stepOf = (sessionId) =>
  store.entries.find((e) => e.kind === "session_step" && e.ref_id === sessionId) || null;

/** Moves the shared place on from `from` (the step this phone shows), passing it or not. A move from a
 *  step the place has already left changes nothing: two taps from one step move it once. */
export function moveStep(stepId, from, pass = false, { by = 1, ...more } = {}) {
  const current = store.byId(stepId);
  if (!current || current.body.step !== from) return Promise.resolve(null);
  const passed = pass ? [...new Set([...current.body.passed, from])] : current.body.passed;
  return update(current, { ...current.body, ...more, step: from + by, at: new Date().toISOString(), passed });
}

// The connection check's prepared questions (kind prepared_question, ref: the ritual): written private, so
// they stay on their author's phone; the session reveals one by turning it shared with `asked_in` set.

/** The local day of the ritual's next time, or null. */
export function nextDay(ritual, now = Date.now()) {
  const at = nextAt(ritual, now);
  return at === null ? null : localDay(at, zone());
}

/** My questions still sealed for a ritual: those for `day`, or (day null) for the newest day I prepared
 *  for (revealed ones count for the day, so an older day's leftovers never come back), as {n: entry}. */
export function sealedQuestions(ritualId, day = null) {
  const mine = store.entries.filter(
    (e) => e.kind === "prepared_question" && e.ref_id === ritualId && e.author_id === store.user.id,
  );
  const wanted =
    day ||
    mine
      .map((e) => e.body.day)
      .sort()
      .pop();
  return Object.fromEntries(
    mine.filter((e) => e.body.day === wanted && e.visibility === "private").map((e) => [e.body.n, e]),
  );
}

/** Reveals one sealed question in a session: it turns shared, so the partner's phone receives it. */
export const revealQuestion = (question, sessionId) =>
  update({ ...question, visibility: "shared" }, { ...question.body, asked_in: sessionId });

/** The question `n` that `authorId` revealed in this session, or null. */
export const revealedQuestion = (sessionId, authorId, n) =>
  store.entries.find(
    (e) =>
      e.kind === "prepared_question" &&
      e.author_id === authorId &&
      e.body.n === n &&
      e.body.asked_in === sessionId &&
      e.visibility === "shared",
  ) || null;

/** The partner's unfinished session that started within its ritual's time (plus half an hour), newest
 *  first: what the Join banner offers. */
export function partnerLive(now = Date.now()) {
  return (
    sessions().find((s) => {
      if (s.author_id === store.user.id || s.body.ended_at || !stepOf(s.id)) return false;
      const ritual = store.byId(s.ref_id);
      const started = Date.parse(s.body.started_at);
      const lasts = ((ritual?.body.duration_min || 0) + 30) * 60000;
      return ritual && now >= started - 60000 && now - started <= lasts;
    }) || null
  );
}

/** Saves a change to a session from its current local copy. Changes run one after another, each
 *  reading the copy the previous one wrote, so a note saved on blur and "End" never undo each other. */
let chain = Promise.resolve();
export function patchSession(id, change) {
  chain = chain
    .catch(() => {})
    .then(() => {
      const current = store.byId(id);
      return update(current, { ...current.body, ...change(current.body) });
    });
  return chain;
}

export const today = () => localDay(Date.now(), zone());
export const addDays = (iso, n) => isoDay(parseDay(iso) + n * 86400000);
export const MAX_DAYS = COMMITMENT_DAYS;
/** The last allowed due date: a week on, by both the local and the server's (UTC) calendar. */
export function lastDue() {
  const local = addDays(today(), MAX_DAYS);
  const utc = addDays(new Date().toISOString().slice(0, 10), MAX_DAYS);
  // biome-ignore lint/complexity/useMathMinMax: ISO date strings compare in order; Math.min would give NaN
  return local < utc ? local : utc;
}

export function addCommitment(text, dueDate, sessionId = null, owner = "me", id = undefined) {
  return create("commitment", { text, due_date: dueDate, owner, done_at: null }, { ref_id: sessionId, id });
}

export const commitments = () =>
  store.entries
    .filter((e) => e.kind === "commitment")
    .sort((a, b) => (a.body.due_date < b.body.due_date ? -1 : a.body.due_date > b.body.due_date ? 1 : 0));

export function setDone(entry, done) {
  return update(entry, { ...entry.body, done_at: done ? new Date().toISOString() : null });
}

// Answers Hearth asks for itself (not a ritual's prompts) carry a stable prompt_id; the prompt text
// beside it is only for reading (an export, an older phone). Older entries held the English text alone.
export const FOLLOW_UP = "follow_up";
export const STORY = "story";
const STORED_AS = {
  "Follow-up message": FOLLOW_UP, // i18n-ok: how older entries named the prompt (matched, never shown)
  "Our 90-second story": STORY, // i18n-ok: how older entries named the prompt (matched, never shown)
};
const LABELS = { [FOLLOW_UP]: () => t("prompt.follow_up"), [STORY]: () => t("prompt.story") };

/** The stable id of an answer's prompt, or null for a ritual's own prompt. */
export const promptId = (answer) => answer.prompt_id || STORED_AS[answer.prompt] || null;
/** The answer to one of Hearth's own prompts, by id. */
export const answerTo = (body, pid) => body.answers.find((a) => promptId(a) === pid) || null;
/** What to show above an answer: Hearth's prompt in the reader's language, or the ritual's own text. */
export const promptLabel = (answer) => (LABELS[promptId(answer)] ? LABELS[promptId(answer)]() : answer.prompt);
/** An answer to one of Hearth's own prompts, as stored. */
export const ownAnswer = (pid, text) => ({ prompt: LABELS[pid](), prompt_id: pid, text });

export const handled = (body) => new Set([...body.answers.map((a) => promptId(a) || a.prompt), ...body.passed]);
