// Sealing and opening an entry's words (docs/encryption.md): each of its kind's `sealed` paths (kinds.js,
// the server's `words`) that holds text becomes an envelope on the way out, and back on the way in. The
// additional data names the entry, its kind and the concrete field ("answers.0.text"), so an envelope moved
// elsewhere fails to open. Loaded on demand with the keyring, never by the shell.
import { sealedPaths } from "../kinds.js";
import { envelopeKeyId, openText, sealText, TamperedError } from "./primitives.js";
import { blank } from "../word-check.js";

/** [concrete path, value, parent, key] for each value a sealed path names in `body`: "answers.*.text" gives
 *  "answers.0.text", … ; missing parts give nothing. (The Python twin: backend/schemas/words.py `at`.) */
export function fieldsAt(body, path) {
  let found = [["", body, null, null]];
  for (const part of path.split(".")) {
    const step = [];
    for (const [where, node] of found) {
      if (part === "*") {
        if (Array.isArray(node)) {
          for (const [n, item] of node.entries()) step.push([`${where}${n}.`, item, node, n]);
        }
      } else if (Array.isArray(node) && /^\d+$/.test(part) && Number(part) < node.length) {
        step.push([`${where}${part}.`, node[Number(part)], node, Number(part)]);
      } else if (node && typeof node === "object" && !Array.isArray(node) && node[part] != null) {
        step.push([`${where}${part}.`, node[part], node, part]);
      }
    }
    found = step;
  }
  return found.map(([where, value, parent, key]) => [where.slice(0, -1), value, parent, key]);
}

/** Every words value of an entry: [field, value, parent, key]. */
function wordsOf(kind, body) {
  if (!body || typeof body !== "object") return [];
  return sealedPaths(kind).flatMap((path) => fieldsAt(body, path));
}

const isText = (value) => typeof value === "string" && value !== "";
const looksSealed = (value) => typeof value === "string" && value.startsWith("e1.") && !/\s/.test(value);

/** Whether the body holds words in plaintext (to be sealed before it leaves the phone). */
export function hasPlainWords(kind, body) {
  return wordsOf(kind, body).some(([, value]) => isText(value) && !looksSealed(value));
}

/** Whether the body holds any envelope (to be opened on arrival). */
export function hasEnvelopes(kind, body) {
  return wordsOf(kind, body).some(([, value]) => looksSealed(value));
}

/** A copy of `body` with each plaintext words value sealed with (keyId, key); "" stays "". Text of only
 *  spaces goes as "": the server reads it as nothing said, but could not tell that of its envelope (a love
 *  map passed with a guess of spaces would be refused once sealed). */
export async function sealBody(entryId, kind, body, keyId, key) {
  const copy = structuredClone(body);
  for (const [field, value, parent, at] of wordsOf(kind, copy)) {
    if (!isText(value) || looksSealed(value)) continue;
    parent[at] = blank(value) ? "" : await sealText(key, keyId, { entryId, kind, field }, value);
  }
  return copy;
}

/**
 * Opens every envelope of an entry, each on its own. `keyFor(keyId)` gives the CryptoKey or null. Resolves to
 * {body, unreadable, lacking}: the body with each envelope that opened as its text and each that did not as null, and
 * unreadable {field: "no_key" (a key this phone lacks) | "tampered" (does not open with its key: moved,
 * changed or malformed)} for those (empty when all opened, or none were there), and `lacking`, the key id
 * this phone lacks (null when none). Plaintext stays as it is.
 */
export async function openFields(entry, keyFor) {
  const body = structuredClone(entry.body);
  const unreadable = {};
  let lacking = null;
  for (const [field, value, parent, at] of wordsOf(entry.kind, body)) {
    if (!looksSealed(value)) continue;
    const keyId = envelopeKeyId(value);
    const key = keyId === null ? null : await keyFor(keyId);
    parent[at] = null;
    if (keyId === null) unreadable[field] = "tampered";
    else if (!key) {
      unreadable[field] = "no_key";
      lacking = keyId;
    } else {
      try {
        parent[at] = await openText(key, value, { entryId: entry.id, kind: entry.kind, field });
      } catch (err) {
        if (!(err instanceof TamperedError)) throw err;
        unreadable[field] = "tampered";
      }
    }
  }
  return { body, unreadable, lacking };
}

/**
 * Opens every envelope of an entry. `keyFor(keyId)` gives the CryptoKey or null. Resolves to
 * {status: "open", body} (every envelope opened, or none there), {status: "sealed", keyId} (a key this
 * phone lacks: keep the entry as it came and open it later), or {status: "tampered"} (an envelope that
 * does not open with its key: moved, changed or malformed; never shown).
 */
export async function openBody(entry, keyFor) {
  const { body, unreadable, lacking } = await openFields(entry, keyFor);
  const why = Object.values(unreadable);
  if (why.includes("tampered")) return { status: "tampered" };
  if (why.length) return { status: "sealed", keyId: lacking };
  return { status: "open", body };
}
