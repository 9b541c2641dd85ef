"""Settings, read from the environment. See the README's settings table."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("HEARTH_INSTANCE", ROOT / "instance"))


def _bool(name, default):
    """A yes/no setting; unset or blank (an env file's `NAME=` left empty) keeps the default."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key():
    """SECRET_KEY from the environment, else one generated once into instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE.mkdir(parents=True, exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        # Written whole to a private temp file, then linked into place: of several processes
        # starting at once exactly one link wins, and nobody ever reads a half-written key.
        tmp = INSTANCE / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


def _database_url(url):
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    INSTANCE_PATH = str(INSTANCE)
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'hearth.db'}"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SECRET_KEY = None  # filled lazily by create_app through _secret_key()

    SESSION_COOKIE_NAME = "hearth_session"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    SESSION_LIFETIME = timedelta(days=int(os.environ.get("SESSION_LIFETIME_DAYS", "60")))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024)))  # POST /api/sync
    MAX_SMALL_BODY = int(os.environ.get("MAX_SMALL_BODY", str(16 * 1024)))  # every other route
    # JSON bodies are refused before parsing beyond these (json_guard.py): 400 too deep, 422 a long number.
    JSON_MAX_DEPTH = int(os.environ.get("JSON_MAX_DEPTH", "32"))
    JSON_MAX_NUMBER_DIGITS = int(os.environ.get("JSON_MAX_NUMBER_DIGITS", "100"))

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # Keys in the rate-limit storage start with this, so several deployments can share one Redis.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "hearth")
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "20 per minute;200 per hour")
    # Failed logins from browsers without a device cookie for the account (and wrong current passwords).
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute;50 per hour")
    # Failed logins from one browser holding a device cookie for the account (its own allowance).
    LOGIN_LIMIT_PER_DEVICE = os.environ.get("LOGIN_LIMIT_PER_DEVICE", "5 per minute;50 per hour")
    DEVICE_COOKIE_LIFETIME = timedelta(days=int(os.environ.get("DEVICE_COOKIE_DAYS", "365")))
    SIGNUP_LIMIT_PER_IP = os.environ.get("SIGNUP_LIMIT_PER_IP", "5 per minute;30 per hour")
    INVITE_LIMIT_PER_IP = os.environ.get("INVITE_LIMIT_PER_IP", "10 per minute;60 per hour")
    INVITE_LIMIT_PER_ACCOUNT = os.environ.get("INVITE_LIMIT_PER_ACCOUNT", "5 per minute;30 per hour")

    # Password reset by emailed link (services/password_reset.py; mail goes out through services/mail.py).
    PASSWORD_RESET_TTL = timedelta(minutes=30)
    RESET_LIMIT_PER_IP = os.environ.get("RESET_LIMIT_PER_IP", "5 per minute;30 per hour")
    RESET_LIMIT_PER_EMAIL = os.environ.get("RESET_LIMIT_PER_EMAIL", "3 per hour;10 per day")
    # The address links in emails start with (https://hearth.example.org); unset: the request's own host.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "").strip().rstrip("/") or None
    # Outgoing mail. Without SMTP_HOST nothing is sent: each message is written to the server log instead.
    SMTP_HOST = os.environ.get("SMTP_HOST", "").strip() or None
    SMTP_SECURITY = os.environ.get("SMTP_SECURITY", "starttls").strip().lower()  # starttls | tls | none
    SMTP_PORT = int(os.environ.get("SMTP_PORT") or "0") or None  # unset: 587 starttls, 465 tls, 25 none
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME") or None
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
    SMTP_TIMEOUT = float(os.environ.get("SMTP_TIMEOUT", "10"))  # seconds, per connection step
    SMTP_CA_FILE = os.environ.get("SMTP_CA_FILE") or None  # unset: the system's trusted CAs
    MAIL_FROM = os.environ.get("MAIL_FROM", "Hearth <hearth@localhost>")

    INVITE_TTL = timedelta(hours=48)
    TOMBSTONE_DAYS = int(os.environ.get("TOMBSTONE_DAYS", "90"))

    API_TITLE = "Hearth API"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"

    # Web Push. The key pair is made once by `flask push init` (or given here); never regenerated silently.
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY") or None
    VAPID_KEY_FILE = os.environ.get("VAPID_KEY_FILE", str(INSTANCE / "vapid_private.pem"))
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:hearth@localhost")
    PUSH_TIMEOUT = float(os.environ.get("PUSH_TIMEOUT", "10"))  # seconds, per request
    PUSH_THREADS = int(os.environ.get("PUSH_THREADS", "16"))
    PUSH_MAX_ATTEMPTS = int(os.environ.get("PUSH_MAX_ATTEMPTS", "5"))
    PUSH_RETRY_BASE = float(os.environ.get("PUSH_RETRY_BASE", "30"))  # seconds; doubles per attempt
    PUSH_BATCH = int(os.environ.get("PUSH_BATCH", "1000"))  # jobs claimed per round
    # Comma-separated hosts of self-hosted push services, accepted besides the browsers' own
    # (outbound.DEFAULT_PUSH_HOSTS); each also covers the names under it. Only public addresses are reached.
    PUSH_ENDPOINT_HOSTS = tuple(
        h.strip().lower() for h in os.environ.get("PUSH_ENDPOINT_HOSTS", "").split(",") if h.strip()
    )
    NUDGE_INTERVAL = float(os.environ.get("NUDGE_INTERVAL", "60"))  # seconds between worker ticks
    # Between ticks the worker wakes for partner pushes (services/wakeup.py): it waits until no new
    # job came for PUSH_QUIET seconds (a burst is one summary), never longer than PUSH_WINDOW; on
    # SQLite it looks for due jobs every PUSH_POLL seconds (PostgreSQL: LISTEN, no polling).
    PUSH_QUIET = float(os.environ.get("PUSH_QUIET", "1.0"))
    PUSH_WINDOW = float(os.environ.get("PUSH_WINDOW", "1.5"))
    PUSH_POLL = float(os.environ.get("PUSH_POLL", "0.5"))
    # End-to-end encryption (docs/encryption.md): phones seal a person's words and the server refuses
    # plaintext from anyone with a device key. On by default; HEARTH_E2E=0 turns it off for a server and
    # its phones (/api/me), as on a server from before it. The browser tests read it too (their live
    # server's config inherits it): HEARTH_E2E=0 runs every one of them with it off.
    E2E_ENCRYPTION = _bool("HEARTH_E2E", True)

    # Behind a TLS proxy: how many proxies set X-Forwarded-For/-Proto/-Host (0: do not trust the header).
    # Then request.scheme/host are the browser's, which the Origin check, Secure cookies and HSTS rely on.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    PROXY_FIX_X_PROTO = int(os.environ.get("PROXY_FIX_X_PROTO", "0"))
    PROXY_FIX_X_HOST = int(os.environ.get("PROXY_FIX_X_HOST", "0"))

    @classmethod
    def secret_key(cls):
        return cls.SECRET_KEY or _secret_key()


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    SESSION_COOKIE_SECURE = False
    RATELIMIT_STORAGE_URI = os.environ.get("TEST_RATELIMIT_STORAGE_URI", "memory://")
    # Tests sign many people up from 127.0.0.1; the signup limit's own tests set it low.
    SIGNUP_LIMIT_PER_IP = "10000 per minute"
