// The daily question: our own words, one per local day, each couple in its own order (question-order.js).
// Each question has a stable id, stored with every answer (body.question_id), so it never changes. The
// library (order, depth and theme of each, and the words) is one file per language,
// frontend/locales/questions/<lang>.json, written by `python -m backend.question_library` from
// content/questions/. It loads after the first screen, and the service worker keeps it offline with the
// person's language; until it is here the question card waits, and older answers read "an earlier question".
import { keepOffline, language, t } from "./i18n.js";
import { store } from "./store.js";
import { afterPaint } from "./ui.js";
import { capOf, lighterOn, questionOn, swapOf } from "./question-order.js";

let library = null; // { lang, order: [[id, depth, theme], …], text: { id: words } }
let loading = null;

const url = (lang) => `/frontend/locales/questions/${lang}.json`;

/** Loads the library in the language in use (once; again after a language change). Views redraw when
 *  it arrives: store emits "questions". */
export function loadQuestions() {
  const lang = language();
  if (library?.lang === lang) return Promise.resolve(library);
  if (loading?.lang === lang) return loading.promise;
  const promise = fetch(url(lang))
    .then((response) => {
      if (!response.ok) throw new Error(`questions ${lang}: HTTP ${response.status}`);
      return response.json();
    })
    .then((data) => {
      library = { lang, order: data.order, text: data.text };
      keepOffline(url(lang));
      store.emit("questions");
      return library;
    })
    .finally(() => {
      if (loading?.promise === promise) loading = null;
    });
  loading = { lang, promise };
  promise.catch(() => {}); // offline before it was ever kept: the card keeps waiting, the next start tries again
  return promise;
}

/** Whether the library of the language in use is here (else loadQuestions() fetches it). */
export function questionsReady() {
  if (library?.lang === language()) return true;
  afterPaint(loadQuestions); // the screen asking draws first: the library (~17 KB) is not on its way to the screen
  return false;
}

/** Whose order: the couple's (both phones agree), or the person's own before pairing. */
const seed = () => store.couple?.id || store.user?.id || "";

/** The couple's depth cap: the lower of the two partners' question_depth (GET /api/me, cached). */
export function depthCap() {
  const me = store.user?.question_depth || "light";
  const partner = store.couple?.members?.find((m) => m.id !== store.user?.id);
  return capOf(partner ? [me, partner.question_depth || "light"] : [me]);
}

/** The question of a local date (YYYY-MM-DD) for this couple, or null until the library is here:
 *  { id, text, depth, base, swap }, where base is the id before a "lighter one" swap of that day. */
export function questionFor(localDate) {
  if (!questionsReady()) return null;
  const base = questionOn(library.order, seed(), localDate, depthCap());
  if (!base) return null;
  const swap = swapOf(
    store.entries.filter((e) => e.kind === "question_swap"),
    localDate,
  );
  const id = swap ? swap.body.to_id : base[0];
  const depth = library.order.find((q) => q[0] === id)?.[1] || base[1];
  return { id, text: questionText(id), depth, base: base[0], swap };
}

/** The swap "a lighter one, please" makes for that date's question: { local_date, from_id, to_id }. */
export function lighterFor(localDate, question) {
  const to = questionsReady() ? lighterOn(library.order, seed(), localDate, question.id) : null;
  return to ? { local_date: localDate, from_id: question.id, to_id: to[0] } : null;
}

/** A question's words in the person's language; an id the library does not know reads as an earlier one. */
export function questionText(id) {
  return (questionsReady() && library.text[id]) || t("question.earlier");
}
