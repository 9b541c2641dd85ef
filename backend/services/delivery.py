"""Sending Web Push requests: one per subscription, many at once on a thread pool, each thread with
its own requests.Session (kept alive between sends). No database here: outcomes are returned."""
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timezone
from email.utils import parsedate_to_datetime

import requests
from pywebpush import WebPushException, webpush

from ..models import utcnow

log = logging.getLogger(__name__)

OK, GONE, RETRY, CONFIG = "ok", "gone", "retry", "config"
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
    result: str  # OK, GONE (404/410: delete it), RETRY (429, 5xx, network), CONFIG (our fault: log it)
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
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - (now or utcnow())).total_seconds()
    return min(max(seconds, 1.0), MAX_RETRY_AFTER)


def classify(status, headers=None, body=""):
    """(result, retry_after) for a push service's HTTP status."""
    if status in (200, 201, 202):
        return OK, None
    if status in (404, 410):
        return GONE, None
    if status == 429:
        return RETRY, parse_retry_after((headers or {}).get("Retry-After"))
    if status >= 500:
        retry = (headers or {}).get("Retry-After")
        return RETRY, parse_retry_after(retry) if retry else None
    return CONFIG, None  # 400 bad request, 401/403 VAPID mismatch, 413 too big: retrying will not help


class Sender:
    """Sends Messages concurrently. `vapid` is a py_vapid Vapid; `subject` the VAPID `sub` claim."""

    def __init__(self, vapid, subject, timeout=10.0, threads=16):
        self.vapid, self.subject, self.timeout = vapid, subject, timeout
        self.threads = threads
        self._local = threading.local()
        self._sessions = []
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="push")

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = requests.adapters.HTTPAdapter(pool_connections=32, pool_maxsize=4)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def send(self, message):
        # pywebpush writes aud and exp into the claims dict it is given: a fresh one every time.
        claims = {"sub": self.subject}
        info = {"endpoint": message.endpoint, "keys": {"p256dh": message.p256dh, "auth": message.auth}}
        headers = {"Urgency": message.urgency, "Topic": message.topic}
        try:
            response = webpush(info, data=message.payload, vapid_private_key=self.vapid, vapid_claims=claims,
                               ttl=message.ttl, timeout=self.timeout, headers=headers,
                               requests_session=self._session())
            status, response_headers = response.status_code, response.headers
        except WebPushException as exc:
            if exc.response is None:
                return self._config(message, f"rejected before sending: {exc.message}")
            status, response_headers = exc.response.status_code, exc.response.headers
        except requests.RequestException as exc:
            return Outcome(message.sub_id, message.endpoint, RETRY, None, f"network: {type(exc).__name__}")
        except Exception as exc:  # a stored key that is not a usable P-256 point, and the like
            return self._config(message, f"cannot encrypt for this subscription: {type(exc).__name__}")
        result, retry_after = classify(status, response_headers)
        if result == CONFIG:
            return self._config(message, f"push service answered {status}")
        error = None if result == OK else f"push service answered {status}"
        return Outcome(message.sub_id, message.endpoint, result, retry_after, error)

    def _config(self, message, error):
        log.error("push configuration error for subscription %s: %s (check the VAPID keys and subject)",
                  message.sub_id, error)
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
