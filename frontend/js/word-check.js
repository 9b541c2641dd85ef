// The phone's own check of a put's words (docs/encryption.md, "What moves to the phone"). Once words are
// sealed the server sees only an envelope, so the rules it applies to plaintext move here: no NUL or
// broken character, present where the body requires it, not blank, at most so many characters. Every put
// passes here before it is queued (sync.js queue), sealing on or off: one rule, one path. A refusal is the
// error the server would answer (422 invalid_entry, its codes and words under `body`), so a form shows its
// usual message (entries.js composer). The numbers: word-limits.js, written from the server's schemas.
// Loaded on the first put, never by the shell.
import { WORD_LIMITS, WORD_RULES } from "./word-limits.js";
import { fieldsAt } from "./crypto/sealing.js";
import { ApiError } from "./api.js";
import { t } from "./i18n.js";

// What Python's str.strip() and isspace() take as space (the server's "blank"), which \s and trim() do not
// quite: they leave U+001C–U+001F and U+0085 and take U+FEFF.
const SPACE = "[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const EDGES = new RegExp(`^${SPACE}+|${SPACE}+$`, "g");
const ANY_SPACE = new RegExp(SPACE);
// The server reads such a value as an envelope and checks it as one (backend/schemas/words.py).
const looksSealed = (value) => value.startsWith("e1.") && !ANY_SPACE.test(value);
const length = (text) => [...text].length; // characters as the server counts them (code points)

function codeOf(value, [most, least]) {
  if (value.includes("\0")) return ["nul_char"];
  if (!value.isWellFormed()) return ["broken_char"]; // a lone half of a surrogate pair
  if (looksSealed(value)) return null;
  if (length(value.replace(EDGES, "")) < least) return ["blank"];
  if (length(value) > most) return ["too_long", { max: most }];
  return null;
}

/** Whether a text holds only space as the server reads it (nothing said): sealing sends it as "". */
export const blank = (value) => value.replace(EDGES, "") === "";

// A field says something when it holds non-blank text, or true (schemas/words.py `said`).
const said = (value) => (typeof value === "string" ? value.replace(EDGES, "") !== "" : value === true);

/** The first rule across the body's fields it breaks (word-limits.js WORD_RULES, the schema's ACROSS), as
 *  {field: [code]}; {} when none. Checked only on words that are text or absent and on flags that are true,
 *  false or absent: any other value is the server's to read (it is never sealed, or refused by its field). */
function acrossCodes(kind, body) {
  for (const [code, field, conditions] of WORD_RULES[kind] || []) {
    const names = conditions.flatMap(([fields]) => fields);
    const plain = (name) =>
      [undefined, true, false].includes(body[name]) || (name in WORD_LIMITS[kind] && typeof body[name] === "string");
    if (!names.every(plain)) return {};
    if (conditions.every(([fields, wanted]) => fields.some((name) => said(body[name])) === wanted))
      return { [field]: [code] };
  }
  return {};
}

/** {concrete path: [code, values]} of each words field of the body that breaks its own rule ({} when none).
 *  A value that is no string is the server's to refuse: sealing leaves it as it is. */
export function fieldCodes(kind, body) {
  const found = {};
  if (!body || typeof body !== "object") return found;
  for (const [path, rule] of Object.entries(WORD_LIMITS[kind] || {})) {
    const parts = path.split(".");
    const last = parts.pop();
    const parents = parts.length ? fieldsAt(body, parts.join(".")) : [["", body]];
    for (const [where, parent] of parents) {
      if (parent === null || typeof parent !== "object") continue; // the wrong shape: the server says so
      const items = last === "*" ? (Array.isArray(parent) ? [...parent.keys()] : []) : [last];
      for (const key of items) {
        const field = where ? `${where}.${key}` : String(key);
        const value = parent?.[key];
        if (value === undefined && rule[2] && !Array.isArray(parent)) found[field] = ["required"];
        else if (typeof value === "string") {
          const code = codeOf(value, rule);
          if (code) found[field] = code;
        }
      }
    }
  }
  return found;
}

/** fieldCodes, or else the first rule across the body's fields it breaks: the server checks those only once
 *  each field passes. */
export function wordCodes(kind, body) {
  const found = fieldCodes(kind, body);
  return Object.keys(found).length || !body || typeof body !== "object" ? found : acrossCodes(kind, body);
}

function put(tree, path, item) {
  const parts = path.split(".");
  const last = parts.pop();
  let node = tree;
  for (const part of parts) node = node[part] ||= {};
  node[last] = [item];
}

/** Throws the server's 422 for a put whose words break their rules; nothing otherwise. */
export function checkWords({ kind, body }) {
  const found = Object.entries(wordCodes(kind, body));
  if (!found.length) return;
  const errors = {};
  const codes = {};
  for (const [field, [code, values = {}]] of found) {
    put(errors, field, t(`error.field.${code}`, values.max === undefined ? values : { ...values, count: values.max }));
    put(codes, field, code);
  }
  throw new ApiError(422, {
    code: 422,
    status: "Unprocessable Entity", // i18n-ok: the HTTP status phrase, as the server's error shape has it
    reason: "invalid_entry",
    message: t("error.invalid_entry"),
    errors: { body: errors },
    codes: { body: codes },
  });
}

/** Shows a refused put's first field message on its form: in the error slot of the field it names, else
 *  on the form's message line; the focus goes to that field. */
export async function showRefusal(form, err) {
  const { notice, say, showErrors } = await import("./ui.js");
  const [name, messages] = Object.entries(err.errors.body || {})[0] || ["", [err.message]];
  const first = (node) => (Array.isArray(node) ? node[0] : first(Object.values(node)[0]));
  const rest = showErrors(form, { [name]: first(messages) });
  const line = form.querySelector(".notice-error") || form.appendChild(notice());
  say(line, rest[name] || "");
  form.querySelector(`[name="${CSS.escape(name)}"]`)?.focus();
}
