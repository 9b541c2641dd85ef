// fetch for the JSON API: same-origin cookies, JSON for every write, one ApiError type. Every request
// says the person's language (Accept-Language), so the server's own messages come back in it.
import { t, language } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, body, retryAfter = null) {
    super((body && body.message) || (status ? `HTTP ${status}` : "Network error")); // i18n-ok: a developer's message; people read explain()
    this.status = status; // 0 = no answer (offline, aborted, server down)
    this.body = body || {};
    this.errors = this.body.errors || {};
    this.retryAfter = retryAfter;
  }
  get offline() { return this.status === 0; }
}

export async function request(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  init.headers["Accept-Language"] = language(); // i18n-ok: a header name. The server answers in it
  if (method !== "GET" && method !== "HEAD") {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body === undefined ? {} : body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, { message: t("api.no_connection") });
  }
  const text = await response.text().catch(() => "");
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (err) { data = { message: text.slice(0, 200) }; }
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

/**
 * A kind, human sentence for any failure. `special` overrides per status
 * ({404: "That code doesn't work…"}); the server's own message is the fallback.
 */
export function explain(err, special = {}) {
  if (!(err instanceof ApiError)) return t("api.unexpected");
  if (special[err.status]) return special[err.status];
  if (err.status === 429) return t("api.too_many", { wait: wait(err.retryAfter) });
  if (err.status >= 500) return t("api.server");
  const own = err.body.message;
  // The server's messages are written for people; bare status phrases are not.
  if (own && own !== err.body.status && own !== "Invalid input." /* i18n-ok: the server's bare phrase */ && err.status !== 401) return own;
  return GENERIC.has(err.status) ? t(`api.generic.${err.status}`) : t("api.other");
}

/** Field errors as {field: "first message"}, for showing next to the inputs. */
export function fieldErrors(err) {
  const out = {};
  if (!(err instanceof ApiError)) return out;
  for (const [field, messages] of Object.entries(err.errors || {})) {
    out[field] = Array.isArray(messages) ? String(messages[0]) : typeof messages === "string" ? messages : t("api.check");
  }
  return out;
}
