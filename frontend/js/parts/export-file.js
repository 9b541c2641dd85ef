// "Export my data" (More and Your entries), loaded on first use. With end-to-end encryption off, the file is
// the server's export as it is (GET /api/export). With it on, the server's export holds a person's words only
// as envelopes, so this phone opens them and writes the same document readable (crypto/readable.js); when
// the server can't be reached, the file is made from what this phone holds, and the screen says which it
// is. Words: frontend/content/export.<lang>.json. docs/encryption.md, "The readable export".
import * as api from "../api.js";
import { store } from "../store.js";
import { h, say } from "../ui.js";
import { language, moreWords, number, t } from "../i18n.js";

/** The line above the button while encryption is on: the server's copy is sealed, this file is not. */
export async function sealedNote(button) {
  await moreWords("export");
  if (!button.parentNode || button.parentNode.querySelector(".export-sealed")) return;
  button.before(h("p", { class: "notice notice-info export-sealed" }, t("export.sealed_note")));
}

/** The export as a file; progress beside `button`, a failure in `message`. */
export async function download(button, message) {
  if (button.getAttribute("aria-busy") === "true") return;
  await moreWords("export").catch(() => {});
  const { bar, status } = progressNodes(button);
  button.setAttribute("aria-busy", "true");
  button.disabled = true;
  say(message, "");
  try {
    const done = await (store.encryption ? readable(bar, status) : asStored(bar, status));
    bar.hidden = true;
    say(status, done);
  } catch (err) {
    bar.hidden = true;
    say(status, "");
    say(message, err instanceof api.ApiError ? api.explain(err) : t("export.failed"));
    if (!(err instanceof api.ApiError)) console.warn("export", err); // i18n-ok: a developer's note
  } finally {
    button.removeAttribute("aria-busy");
    button.disabled = false;
  }
}

function progressNodes(button) {
  let bar = button.parentNode.querySelector(".export-progress");
  if (!bar) {
    bar = h("progress", { class: "export-progress", "aria-label": t("export.progress") });
    bar.style.width = "100%"; // set through the DOM: the app's CSP allows no style attribute
    const status = h("p", { class: "muted export-status", role: "status", "aria-live": "polite" });
    button.after(bar, status);
  }
  bar.hidden = false;
  bar.removeAttribute("value");
  return { bar, status: bar.nextElementSibling };
}

const megabytes = (bytes) =>
  number(bytes / 1024 / 1024, { style: "unit", unit: "megabyte", maximumFractionDigits: 1, minimumFractionDigits: 1 });

/** Encryption off: the server's document as it is, the file it always was. */
async function asStored(_bar, status) {
  const doc = await fromServer(status);
  save(doc);
  return t("export.done_plain", { count: doc.entries.length });
}

/** Encryption on: the server's document (or this phone's, when the server can't be reached), opened here. */
async function readable(bar, status) {
  const { opened, fromPhone } = await import("../crypto/readable.js");
  let doc;
  let from = "server";
  try {
    doc = await fromServer(status);
  } catch (err) {
    if (!(err instanceof api.ApiError) || !(err.offline || err.status >= 500)) throw err;
    from = "phone";
    say(status, t("export.reading_phone"));
    doc = await fromPhone();
  }
  const file = await opened(doc, from, (done, total) => {
    bar.max = total || 1;
    bar.value = done;
    say(status, t("export.opening", { done, total }));
  });
  save(file);
  const lines = [t(from === "server" ? "export.done_server" : "export.done_phone", { count: file.entries.length })];
  if (file.readable.unreadable) lines.push(t("export.some_unreadable", { count: file.readable.unreadable }));
  return lines.join(" ");
}

/** GET /api/export, read as it streams in (its size shown as it grows). Failures are api.js's ApiError. */
async function fromServer(status) {
  say(status, t("export.fetching"));
  let response;
  try {
    response = await fetch("/api/export", {
      credentials: "same-origin",
      headers: { Accept: "application/json", "Accept-Language": language() },
    });
  } catch (_err) {
    throw new api.ApiError(0, { message: t("api.no_connection") });
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new api.ApiError(response.status, body, Number(response.headers.get("Retry-After")) || null);
  }
  const parts = [];
  let size = 0;
  try {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.length;
      say(status, t("export.fetched", { size: megabytes(size) }));
    }
  } catch (_err) {
    throw new api.ApiError(0, { message: t("api.no_connection") }); // the connection dropped halfway
  }
  return JSON.parse(await new Blob(parts).text());
}

function save(doc) {
  const blob = new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" });
  const link = h("a", {
    href: URL.createObjectURL(blob),
    download: `hearth-export-${new Date().toISOString().slice(0, 10)}.json`,
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}
