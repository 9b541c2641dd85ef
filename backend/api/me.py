from flask import current_app
from flask_smorest import Blueprint

from ..errors import Coded, fail
from ..extensions import db
from ..schemas.accounts import PasswordChangeIn, PasswordIn, SettingsIn, UserResponse
from ..schemas.couples import MeOut
from ..security import clear_session_cookie, current_session, current_user, login_required
from ..services import accounts, couples
from . import rate_limits

bp = Blueprint("me", __name__, url_prefix="/api/me", description="The logged-in user and their settings")


@bp.get("")
@login_required
@bp.response(200, MeOut)
def me():
    user = current_user()
    return {
        "user": user,
        "couple": couples.describe(user),
        "parting": couples.parting(user),
        "encryption": current_app.config["E2E_ENCRYPTION"],  # whether this server's phones seal words
    }


@bp.patch("")
@login_required
@bp.arguments(SettingsIn)
@bp.response(200, UserResponse)
def update_me(data):
    user = accounts.update_settings(current_user(), data)
    db.session.commit()
    return {"user": user}


@bp.post("/password")
@rate_limits.password_check_per_ip
@rate_limits.password_check_per_account
@login_required
@bp.arguments(PasswordChangeIn)
@bp.response(204)
@bp.alt_response(429, description="Too many wrong passwords; see Retry-After")
def change_password(data):
    if not accounts.change_password(current_user(), current_session(), **data):
        rate_limits.note_wrong_password()
        fail(422, "wrong_password", {"current_password": [Coded("wrong_password")]})
    db.session.commit()


@bp.delete("")
@rate_limits.password_check_per_ip
@rate_limits.password_check_per_account
@login_required
@bp.arguments(PasswordIn)
@bp.response(204)
@bp.alt_response(429, description="Too many wrong passwords; see Retry-After")
def delete_me(data):
    if not accounts.check_password(current_user(), data["password"]):
        rate_limits.note_wrong_password()
        fail(422, "wrong_password", {"password": [Coded("wrong_password")]})
    accounts.delete_account(current_user())
    db.session.commit()
    return clear_session_cookie(current_app.response_class(status=204))
