// Whether this phone still owes a person their first run (screens/first-run.js), and where they are in it.
// Started by a signup on this phone (screens/auth.js): a login never starts it, so a reinstall or a second
// phone does not replay it. Kept per account in localStorage, which logging out leaves alone, so it is
// shown once per account on this device, and resumes at the step it was left on.
const key = (userId) => `hearth-first-run:${userId}`;

function read(userId) {
  try {
    return JSON.parse(localStorage.getItem(key(userId)) || "null");
  } catch (_err) {
    return null;
  }
}

const write = (userId, state) => localStorage.setItem(key(userId), JSON.stringify(state));

export const begin = (userId) => write(userId, { step: 0 });
export const stepOf = (userId) => read(userId)?.step || 0;
export const goTo = (userId, step) => write(userId, { step });
/** how: "done" (walked to the end) or "skipped". */
export const finish = (userId, how) => write(userId, { done: how });
export const due = (userId) => Boolean(userId) && read(userId) !== null && !read(userId).done;
/** The first run happened on this phone (done or skipped): the install offer and the notification ask
 *  belong to this new-account journey. */
export const finished = (userId) => Boolean(userId && read(userId)?.done);
