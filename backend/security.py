"""Who is asking, and is the request allowed to change anything: cookies, login_required, CSRF guards."""

from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, g, request
from flask.sessions import SessionInterface

from . import limits as L
from .errors import fail
from .extensions import db
from .models import AuthSession, User
from .services import accounts, devices

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# The routes whose bodies may reach MAX_CONTENT_LENGTH (a sync: up to 100 entries); every other body is
# a few fields and is capped at MAX_SMALL_BODY. docs/limits.md lists each route's caps.
LARGE_BODY_ENDPOINTS = {"sync.sync"}
# Routes with a cap of their own, between the two: the recovery blob (RECOVERY_BLOB_MAX characters, 64 KiB)
# and the JSON around it; a second device's keys in transit likewise (TRANSFER_BLOB_MAX).
OWN_BODY_CAPS = {"keys.put_recovery": L.RECOVERY_BLOB_MAX + 1024, "keys.put_transfer": L.TRANSFER_BLOB_MAX + 1024}


def current_caller():
    """The logged-in caller (user id, couple id, session id) read with the cookie, or None."""
    return g.get("caller")


def current_user():
    """The caller's User row, loaded on first use (the sync path never needs it)."""
    if "user" not in g:
        caller = current_caller()
        g.user = db.session.get(User, caller.id) if caller else None
    return g.user


def current_session():
    """The caller's AuthSession row, loaded on first use."""
    if "auth_session" not in g:
        caller = current_caller()
        g.auth_session = db.session.get(AuthSession, caller.session_id) if caller else None
    return g.auth_session


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_caller() is None:
            fail(401, "login_required")
        return view(*args, **kwargs)

    return wrapper


def load_user():
    token = request.cookies.get(current_app.config["SESSION_COOKIE_NAME"])
    g.caller, g.session_rolled = accounts.resolve_session(token)


def cap_body():
    """A body over its route's cap is refused with 413 before it is read or parsed."""
    if request.endpoint not in LARGE_BODY_ENDPOINTS:
        config = current_app.config
        cap = OWN_BODY_CAPS.get(request.endpoint, config["MAX_SMALL_BODY"])
        request.max_content_length = min(config["MAX_CONTENT_LENGTH"], cap)


def guard_writes():
    """Writes must be JSON (no form can send that cross-site) and, when an Origin is sent, from this host."""
    if request.method not in WRITE_METHODS or not request.path.startswith("/api/"):
        return
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        if urlsplit(origin).netloc != request.host:
            fail(403, "cross_site")
    elif origin == "null":
        fail(403, "cross_site")
    if not request.is_json:
        fail(415, "not_json")


def set_session_cookie(response, token):
    config = current_app.config
    response.set_cookie(
        config["SESSION_COOKIE_NAME"],
        token,
        max_age=int(config["SESSION_LIFETIME"].total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=config["SESSION_COOKIE_SECURE"],
        path="/",
    )
    return response


def set_device_cookie(response, value):
    """The device cookie (services/devices.py): sent only to the login routes, never readable by scripts."""
    config = current_app.config
    response.set_cookie(
        devices.COOKIE_NAME,
        value,
        max_age=int(config["DEVICE_COOKIE_LIFETIME"].total_seconds()),
        httponly=True,
        samesite="Strict",
        secure=config["SESSION_COOKIE_SECURE"],
        path="/api/auth",
    )
    return response


def clear_session_cookie(response):
    config = current_app.config
    response.delete_cookie(
        config["SESSION_COOKIE_NAME"], path="/", httponly=True, samesite="Lax", secure=config["SESSION_COOKIE_SECURE"]
    )
    return response


def refresh_cookie(response):
    """Rolling sessions: re-send the cookie with a fresh max-age whenever the session was extended."""
    name = current_app.config["SESSION_COOKIE_NAME"]
    token = request.cookies.get(name)
    # A response that already sets or clears the cookie (login, logout, delete) has the last word.
    already_set = any(h.startswith(name + "=") for h in response.headers.getlist("Set-Cookie"))
    if current_caller() is not None and token and g.get("session_rolled") and not already_set:
        set_session_cookie(response, token)
    return response


class NoCookieSession(SessionInterface):
    """Flask's signed-cookie session is not used: the login is a server-side session row, and its
    cookie shares Flask's SESSION_COOKIE_NAME. Left on, Flask would try to verify that token as a
    signed cookie on every request (HMAC work, then a failed signature) and, were anything to write
    flask.session, replace the login cookie. The null session it gets instead refuses writes."""

    def open_session(self, app, request):
        return None  # Flask then uses make_null_session()

    def save_session(self, app, session, response):
        pass


def init_body_cap(app):
    """Registered first of all hooks: the JSON guard and the limiter's login key read the body."""
    app.before_request(cap_body)


def init_app(app):
    app.session_interface = NoCookieSession()
    app.before_request(guard_writes)
    app.before_request(load_user)
    app.after_request(refresh_cookie)
