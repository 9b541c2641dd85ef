// A link to one entry (/rituals/ID, /session/ID) opened before this phone has it: a fresh device, or a
// push that came before the sync. It says "looking" while a sync runs, opens the entry once it is here,
// and says "not found" only after the server answered without it (offline: "not on this phone yet").
import { store } from "../store.js";
import * as sync from "../sync.js";
import { h, clear } from "../ui.js";
import { t } from "../i18n.js";

/** Fills root while waiting. found(): whether the entry is here now; open(): show it (a re-render);
 *  missing(): the not-found content. Returns the cleanup for the screen's mount. */
export function awaitEntry(root, { found, open, missing }) {
  let alive = true;
  const here = () => {
    if (!alive || !found()) return false;
    alive = false;
    open();
    return true;
  };
  const look = h("p", { class: "muted looking", role: "status" }, t("common.looking"));
  root.setAttribute("aria-busy", "true");
  root.append(look);
  const onChange = (event) => event.detail === "entries" && here();
  store.addEventListener("change", onChange);
  sync.flush().then(() => {
    if (!alive || here()) return;
    root.removeAttribute("aria-busy");
    const answered = store.sync.state === "idle"; // the server answered: it is not there (for us)
    const [head, ...rest] = [missing()].flat();
    const note = answered ? null : h("p", { class: "muted", role: "status" }, t("common.not_here_yet"));
    clear(root, head, note, rest);
  });
  return () => {
    alive = false;
    root.removeAttribute("aria-busy");
    store.removeEventListener("change", onChange);
  };
}
