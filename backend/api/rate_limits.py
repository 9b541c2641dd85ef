"""Rate-limit keys and limits for the routes that guess secrets: passwords (login, password change,
account deletion), invite codes, and signups (which tell whether an email has an account).

Password guesses. A login from a browser holding a valid device cookie for that account
(services/devices.py) counts only against that cookie's own allowance (LOGIN_LIMIT_PER_DEVICE); every
other attempt counts against the account's untrusted allowance (LOGIN_LIMIT_PER_ACCOUNT, failures
only) and the client IP's (LOGIN_LIMIT_PER_IP). A wrong current password on `POST /api/me/password`
or `DELETE /api/me` counts against the same per-account and per-IP allowances as a failed login: a
password guess is one, wherever it is tried.
"""

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from ..extensions import limiter
from ..security import current_caller, current_user
from ..services import devices


def remote_ip():
    return get_remote_address()


def _login_email():
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return email if isinstance(email, str) and email.strip() else None


def login_account():
    email = _login_email()
    return f"account:{email.strip().lower()}" if email else f"ip:{get_remote_address()}"


def current_account():
    caller = current_caller()
    return f"user:{caller.id}" if caller else f"ip:{get_remote_address()}"


def current_account_email():
    """The per-account key of the logged-in user, the same key a login to their email counts under."""
    user = current_user()
    return f"account:{user.email}" if user else f"ip:{get_remote_address()}"


def login_device():
    """The nonce of this browser's device cookie when it is valid for the email being logged in to,
    else None; read once per request."""
    if "login_device" not in g:
        cookie = request.cookies.get(devices.COOKIE_NAME)
        g.login_device = devices.trusted_nonce(current_app.config["SECRET_KEY"], cookie, _login_email())
    return g.login_device


def login_device_key():
    return f"device:{login_device()}"


def trusted_device():
    return login_device() is not None


def untrusted_device():
    return login_device() is None


def failed(response):
    """Count only failed guesses against an account, so its owner is never locked out by success."""
    return response.status_code in (401, 404)


def note_wrong_password():
    """Called by a route that checked a password the caller typed and found it wrong."""
    g.wrong_password = True


def wrong_password(_response):
    return g.get("wrong_password", False)


def not_invalid_input(response):
    return response.status_code != 422


def login_ip_limit():
    return current_app.config["LOGIN_LIMIT_PER_IP"]


def login_account_limit():
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def login_device_limit():
    return current_app.config["LOGIN_LIMIT_PER_DEVICE"]


def signup_ip_limit():
    return current_app.config["SIGNUP_LIMIT_PER_IP"]


def invite_ip_limit():
    return current_app.config["INVITE_LIMIT_PER_IP"]


def invite_account_limit():
    return current_app.config["INVITE_LIMIT_PER_ACCOUNT"]


def reset_ip_limit():
    return current_app.config["RESET_LIMIT_PER_IP"]


def reset_email_limit():
    return current_app.config["RESET_LIMIT_PER_EMAIL"]


# Shared by every route that checks a password, so their guesses add up (scope names the bucket).
login_per_ip = limiter.shared_limit(login_ip_limit, scope="password-ip", key_func=remote_ip, exempt_when=trusted_device)
login_per_account = limiter.shared_limit(
    login_account_limit,
    scope="password-account",
    key_func=login_account,
    deduct_when=failed,
    exempt_when=trusted_device,
)
login_per_device = limiter.shared_limit(
    login_device_limit,
    scope="password-device",
    key_func=login_device_key,
    deduct_when=failed,
    exempt_when=untrusted_device,
)
password_check_per_ip = limiter.shared_limit(
    login_ip_limit, scope="password-ip", key_func=remote_ip, deduct_when=wrong_password
)
password_check_per_account = limiter.shared_limit(
    login_account_limit, scope="password-account", key_func=current_account_email, deduct_when=wrong_password
)
signup_per_ip = limiter.limit(signup_ip_limit, key_func=remote_ip, scope="signup-ip", deduct_when=not_invalid_input)
# Invite codes: joining and looking one up (which needs no login) are guesses from one bucket each.
invite_per_ip = limiter.shared_limit(invite_ip_limit, scope="invite-ip", key_func=remote_ip)
invite_per_account = limiter.shared_limit(
    invite_account_limit, scope="invite-account", key_func=current_account, deduct_when=failed
)
