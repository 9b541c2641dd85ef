// The readable export (docs/encryption.md, "The readable export"): with end-to-end encryption the server's
// export (GET /api/export) holds a person's words only as envelopes, so the phone opens them and writes the
// same document with the words as text. Made from the server's export when the server answers, else from
// what this phone holds. An envelope that does not open here is never written as if it were text: its
// field is null and the entry's `unreadable` says why. Loaded on first use (parts/export-file.js).
import * as db from "../db.js";
import { keyFor } from "./keyring.js";
import { openFields } from "./sealing.js";

// An entry's fields as the server's export writes them (backend/schemas/entries.py entry_out); the phone's
// own marks on an entry (pending, sealed, tampered, …: sync.js LOCAL_FIELDS) stay out of the file.
const ENTRY_FIELDS = [
  "id",
  "kind",
  "author_id",
  "visibility",
  "ref_id",
  "body",
  "rev",
  "seq",
  "couple_id",
  "created_at",
  "updated_at",
  "deleted",
];
const EVERY = 50; // entries opened between two progress reports

/** An entry as the file writes it: the server's fields, its envelopes opened, and `unreadable` ({field:
 *  "no_key" | "tampered"}) only when one did not open. */
async function openOne(entry) {
  const out = Object.fromEntries(ENTRY_FIELDS.filter((f) => f in entry).map((f) => [f, entry[f] ?? null]));
  if (!entry.body || typeof entry.body !== "object") return out;
  const { body, unreadable } = await openFields(entry, (keyId) => keyFor(keyId, entry.couple_id));
  out.body = body;
  if (Object.keys(unreadable).length) out.unreadable = unreadable;
  return out;
}

/**
 * The export document `doc` (the server's shape) with every entry's words opened on this phone, and
 * `readable`: {from ("server" or "phone"), entries (how many), unreadable (how many have a field that did not
 * open here)}. progress(done, total) is called as entries are opened.
 */
export async function opened(doc, from, progress = () => {}) {
  const entries = [];
  const total = doc.entries.length;
  for (const [n, entry] of doc.entries.entries()) {
    entries.push(await openOne(entry));
    if ((n + 1) % EVERY === 0) progress(n + 1, total);
  }
  progress(total, total);
  const unreadable = entries.filter((e) => e.unreadable).length;
  return { ...doc, readable: { from, entries: total, unreadable }, entries };
}

/** The export document made from what this phone holds (the server was not reached): the account and the
 *  couple as /api/me last said, every entry this phone keeps that is not deleted (written here and not sent
 *  yet too), oldest first as the server orders them. What only the server knows (`push_devices`, `keys`) is
 *  null. */
export async function fromPhone() {
  const [me, entries] = await Promise.all([db.getMeta("me"), db.all("entries")]);
  const kept = entries
    .filter((e) => !e.deleted)
    .sort((a, b) => (a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1));
  return {
    exported_at: new Date().toISOString(),
    user: me?.user ?? null,
    couple: me?.couple ?? null,
    push_devices: null,
    keys: null,
    entries: kept,
  };
}
