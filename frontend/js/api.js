// fetch for the JSON API: same-origin cookies, JSON for every write, one ApiError type.
// Decisions read the error's stable codes (err.reason, err.codes: docs/errors.md), never its words,
// which the server writes in the language the phone asks for (Accept-Language).
import { t, language } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, body, retryAfter = null) {
    super(body?.message || (status ? `HTTP ${status}` : "Network error")); // i18n-ok: a developer's message; people read explain()
    this.status = status; // 0 = no answer (offline, aborted, server down)
    this.body = body || {};
    this.errors = this.body.errors || {};
    this.reason = this.body.reason || null; // "validation", "couple_mismatch", … (null: no answer)
    this.codes = this.body.codes || {}; // like errors, a code per message: "too_long", "required", …
    this.retryAfter = retryAfter;
  }
  get offline() {
    return this.status === 0;
  }
}

export async function request(method, path, body) {
  const init = {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", "Accept-Language": language() },
  };
  if (method !== "GET" && method !== "HEAD") {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body === undefined ? {} : body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (_err) {
    throw new ApiError(0, { message: t("api.no_connection") });
  }
  const text = await response.text().catch(() => "");
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (_err) {
      data = { message: text.slice(0, 200) };
    }
  }
  if (!response.ok) {
    const retry = Number(response.headers.get("Retry-After")) || null;
    throw new ApiError(response.status, data, retry);
  }
  return data;
}

export const get = (path) => request("GET", path);
export const post = (path, body) => request("POST", path, body);
export const patch = (path, body) => request("PATCH", path, body);
export const del = (path, body) => request("DELETE", path, body);

function wait(seconds) {
  if (!seconds) return t("api.a_while");
  if (seconds < 90) return t("api.seconds", { count: seconds });
  return t("api.minutes", { count: Math.ceil(seconds / 60) });
}

// The statuses with a sentence of their own (api.generic.<status> in the catalogue).
const GENERIC = new Set([0, 401, 403, 404, 409, 410, 413, 415, 422]);

// Reasons whose server words are meant for programs: the phone says its own sentence instead.
const TECHNICAL = new Set([
  "bad_request",
  "not_json",
  "cross_site",
  "method_not_allowed",
  "too_large",
  "login_required",
]);

/**
 * A kind, human sentence for any failure. `special` overrides per reason or per status
 * ({bad_invite_code: "That code doesn't work…", 404: …}); the server's own message is the fallback.
 */
export function explain(err, special = {}) {
  if (!(err instanceof ApiError)) return t("api.unexpected");
  if (err.reason && special[err.reason]) return special[err.reason];
  if (special[err.status]) return special[err.status];
  if (err.status === 429) return t("api.too_many", { wait: wait(err.retryAfter) });
  if (err.status >= 500) return t("api.server");
  const own = err.body.message;
  // The server's messages are written for people (in their language), except for a few reasons.
  if (own && err.reason && !TECHNICAL.has(err.reason) && err.status !== 401) return own;
  return GENERIC.has(err.status) ? t(`api.generic.${err.status}`) : t("api.other");
}

/** Each field's first error code, {field: "too_long"}: what a screen decides by. */
export function fieldCodes(err) {
  const out = {};
  if (!(err instanceof ApiError)) return out;
  for (const [field, codes] of Object.entries(err.codes || {})) if (Array.isArray(codes)) out[field] = String(codes[0]);
  return out;
}

/** Field errors as {field: "first message"}, for showing next to the inputs. */
export function fieldErrors(err) {
  const out = {};
  if (!(err instanceof ApiError)) return out;
  for (const [field, messages] of Object.entries(err.errors || {})) {
    out[field] = Array.isArray(messages)
      ? String(messages[0])
      : typeof messages === "string"
        ? messages
        : t("api.check");
  }
  return out;
}
