"""Rate-limit keys and limits for the routes that guess secrets (logins, invite codes)."""
from flask import current_app, request
from flask_limiter.util import get_remote_address

from ..security import current_caller


def remote_ip():
    return get_remote_address()


def login_account():
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return f"account:{str(email).strip().lower()}" if email else f"ip:{get_remote_address()}"


def current_account():
    caller = current_caller()
    return f"user:{caller.id}" if caller else f"ip:{get_remote_address()}"


def failed(response):
    """Count only failed guesses against an account, so its owner is never locked out by success."""
    return response.status_code in (401, 404)


def login_ip_limit():
    return current_app.config["LOGIN_LIMIT_PER_IP"]


def login_account_limit():
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def invite_ip_limit():
    return current_app.config["INVITE_LIMIT_PER_IP"]


def invite_account_limit():
    return current_app.config["INVITE_LIMIT_PER_ACCOUNT"]


def reset_ip_limit():
    return current_app.config["RESET_LIMIT_PER_IP"]


def reset_email_limit():
    return current_app.config["RESET_LIMIT_PER_EMAIL"]
