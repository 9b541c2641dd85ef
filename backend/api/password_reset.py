import logging

from flask import current_app, request
from flask_smorest import Blueprint

from ..errors import fail
from ..extensions import limiter
from ..i18n import request_language
from ..schemas.accounts import PasswordResetConfirmIn, PasswordResetDone, PasswordResetIn, PasswordResetSent
from ..services import keys, password_reset
from . import rate_limits

bp = Blueprint(
    "password_reset",
    __name__,
    url_prefix="/api/auth/password-reset",
    description="A forgotten password: a single-use link by email, valid 30 minutes",
)

log = logging.getLogger(__name__)
INVALID = {"unknown": (404, "bad_reset_link"), "used": (410, "reset_link_used"), "expired": (410, "reset_link_expired")}


@bp.post("")
@limiter.limit(rate_limits.reset_ip_limit, key_func=rate_limits.remote_ip, scope="reset-ip")
@limiter.limit(rate_limits.reset_email_limit, key_func=rate_limits.login_account, scope="reset-email")
@bp.arguments(PasswordResetIn)
@bp.response(202, PasswordResetSent)
@bp.alt_response(429, description="Too many requests from this address or for this email; see Retry-After")
def request_reset(data):
    """Mail a reset link, if the email has an account. The answer is the same either way."""
    password_reset.request_reset(data["email"], _link_base())
    return {"message": password_reset.sent_message(request_language())}


def _link_base():
    """PUBLIC_URL, else this request's own address, whose Host a client chooses: said once in the log."""
    if current_app.config["PUBLIC_URL"]:
        return current_app.config["PUBLIC_URL"]
    if not current_app.extensions.get("hearth-public-url-warned"):
        current_app.extensions["hearth-public-url-warned"] = True
        log.warning(
            "PUBLIC_URL is not set: password-reset links start with the Host the request came with "
            "(%s). Set PUBLIC_URL in production.",
            request.host_url,
        )
    return request.host_url


@bp.post("/confirm")
@limiter.limit(rate_limits.reset_ip_limit, key_func=rate_limits.remote_ip, scope="reset-confirm-ip")
@bp.arguments(PasswordResetConfirmIn)
@bp.response(200, PasswordResetDone)
@bp.alt_response(404, description="Not a link we sent")
@bp.alt_response(410, description="The link was used already or has expired")
@bp.alt_response(429, description="Too many tries from this address; see Retry-After")
def confirm_reset(data):
    """Set a new password with the link's token: every session of the account ends; its keys stay."""
    try:
        user = password_reset.confirm_reset(data["token"], data["new_password"])
    except password_reset.ResetLinkInvalid as exc:
        fail(*INVALID[exc.reason])
    return {"locked": keys.words_locked(user)}
