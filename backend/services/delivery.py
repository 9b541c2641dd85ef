"""Sending Web Push requests: one per subscription, many at once on a thread pool, each thread with
its own guarded requests.Session (kept alive between sends; see outbound.py). No database here:
outcomes are returned.

What each answer of the push service means (RFC 8030 §5, §6, §8):

| status | meaning | Hearth |
| --- | --- | --- |
| 200/201/202 | accepted | sent |
| 3xx | not a push service answer | failed, never followed, logged; the subscription is kept |
| 400 | the request was malformed (a header, the TTL, the encoding) | failed, not retried, logged |
| 401/403 | the VAPID authorization was refused | failed, not retried, logged: check the VAPID key, subject |
| 404/410 | the subscription is gone | deleted |
| 413 | the payload is too large | failed, not retried (the same payload would fail again), logged |
| 429 | too many requests | retried after Retry-After (or backoff) |
| 5xx, network error | the push service is unwell | retried with backoff, honouring Retry-After |
| other 4xx | refused | failed, not retried, logged |
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime

import requests
from pywebpush import WebPushException, webpush

from ..models import utcnow
from .outbound import Guard, GuardedSession, Refused

log = logging.getLogger(__name__)

OK, GONE, RETRY, CONFIG, REJECTED = "ok", "gone", "retry", "config", "rejected"
CONTENT_TYPE = "application/octet-stream"  # the encrypted body, as web-push (node) and pywebpush users send it
DEFAULT_RETRY_AFTER = 60.0
MAX_RETRY_AFTER = 24 * 3600.0


@dataclass(frozen=True)
class Message:
    """One notification for one subscription."""

    sub_id: int
    endpoint: str
    p256dh: str
    auth: str
    payload: bytes
    ttl: int
    urgency: str
    topic: str


@dataclass(frozen=True)
class Outcome:
    sub_id: int
    endpoint: str
    # OK, GONE (404/410: delete it), RETRY (429, 5xx, network), CONFIG (401/403: our keys or subject),
    # REJECTED (400, 413, 3xx, other 4xx, or refused by the guard: the same request would fail again)
    result: str
    retry_after: float | None = None  # seconds the push service asked us to wait (429)
    error: str | None = None


def parse_retry_after(value, now=None):
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); a default when unusable."""
    if not value:
        return DEFAULT_RETRY_AFTER
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return DEFAULT_RETRY_AFTER
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or utcnow())).total_seconds()
    return min(max(seconds, 1.0), MAX_RETRY_AFTER)


PROBLEMS = {
    400: "the push service found the request malformed (a bug in the request, not the keys); not retried",
    401: "the push service refused our VAPID authorization: check VAPID_PRIVATE_KEY and VAPID_SUBJECT",
    403: "the push service refused our VAPID authorization: check VAPID_PRIVATE_KEY and VAPID_SUBJECT",
    413: "the payload is too large for the push service; not retried",
}


def classify(status, headers=None, body=""):
    """(result, retry_after) for a push service's HTTP status (the table above)."""
    if status in (200, 201, 202):
        return OK, None
    if status in (404, 410):
        return GONE, None
    if status == 429:
        return RETRY, parse_retry_after((headers or {}).get("Retry-After"))
    if status >= 500:
        retry = (headers or {}).get("Retry-After")
        return RETRY, parse_retry_after(retry) if retry else None
    if status in (401, 403):
        return CONFIG, None
    return REJECTED, None  # 3xx (never followed), 400, 413, any other 4xx: the same request fails again


def problem(status):
    if 300 <= status < 400:
        return "the push service answered a redirect, which is never followed"
    return PROBLEMS.get(status, "the push service refused the request; not retried")


class Sender:
    """Sends Messages concurrently. `vapid` is a py_vapid Vapid; `subject` the VAPID `sub` claim."""

    def __init__(self, vapid, subject, timeout=10.0, threads=16, guard=None):
        self.vapid, self.subject, self.timeout = vapid, subject, timeout
        if guard is None:  # the app's settings: its accepted push services, DEBUG/TESTING loopback
            from flask import current_app

            guard = Guard.from_config(current_app)
        self.guard = guard
        self.threads = threads
        self._local = threading.local()
        self._sessions = []
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="push")

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            session = GuardedSession(self.guard, pool_connections=32, pool_maxsize=4)
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def send(self, message):
        # pywebpush writes aud and exp into the claims dict it is given: a fresh one every time.
        claims = {"sub": self.subject}
        info = {"endpoint": message.endpoint, "keys": {"p256dh": message.p256dh, "auth": message.auth}}
        headers = {"Urgency": message.urgency, "Topic": message.topic, "Content-Type": CONTENT_TYPE}
        try:
            self.guard.check_url(message.endpoint)  # again at send time: the settings may have changed
            response = webpush(
                info,
                data=message.payload,
                vapid_private_key=self.vapid,
                vapid_claims=claims,
                ttl=message.ttl,
                timeout=self.timeout,
                headers=headers,
                requests_session=self._session(),
            )
            status, response_headers = response.status_code, response.headers
        except WebPushException as exc:
            if exc.response is None:
                return self._config(message, f"rejected before sending: {exc.message}")
            status, response_headers = exc.response.status_code, exc.response.headers
        except Refused as exc:
            log.warning("push to subscription %s refused, nothing sent: %s", message.sub_id, exc)
            return Outcome(message.sub_id, message.endpoint, REJECTED, None, f"refused: {exc}"[:300])
        except requests.RequestException as exc:
            return Outcome(message.sub_id, message.endpoint, RETRY, None, f"network: {type(exc).__name__}")
        except Exception as exc:  # a stored key that is not a usable P-256 point, and the like
            return self._config(message, f"cannot encrypt for this subscription: {type(exc).__name__}")
        result, retry_after = classify(status, response_headers)
        if result in (CONFIG, REJECTED):
            log.error(
                "push to subscription %s failed: push service answered %s: %s", message.sub_id, status, problem(status)
            )
            return Outcome(
                message.sub_id, message.endpoint, result, None, f"push service answered {status}: {problem(status)}"
            )
        error = None if result == OK else f"push service answered {status}"
        return Outcome(message.sub_id, message.endpoint, result, retry_after, error)

    def _config(self, message, error):
        log.error("push to subscription %s failed before sending: %s", message.sub_id, error)
        return Outcome(message.sub_id, message.endpoint, CONFIG, None, error)

    def send_all(self, messages):
        """Outcomes in the order of `messages`, sent concurrently."""
        return [future.result() for future in self.submit_all(messages)]

    def submit_all(self, messages):
        """Futures of Outcomes, in the order of `messages`: the caller can prepare the next batch meanwhile."""
        return [self._pool.submit(self.send, message) for message in messages]

    def close(self):
        self._pool.shutdown(wait=True)
        with self._lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
