from flask import current_app, request
from flask_smorest import Blueprint

from ..errors import fail
from ..extensions import db
from ..i18n import request_language
from ..schemas.accounts import LoginIn, SignupIn, UserResponse
from ..security import (
    clear_session_cookie,
    current_session,
    current_user,
    login_required,
    set_device_cookie,
    set_session_cookie,
)
from ..services import accounts, devices
from . import rate_limits

bp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Sign up, log in, log out")


def _logged_in(user, status):
    token = accounts.start_session(user, request.headers.get("User-Agent"))
    db.session.commit()
    response = current_app.json.response({"user": UserResponse().dump({"user": user})["user"]})
    response.status_code = status
    device = devices.remember(current_app.config["SECRET_KEY"], request.cookies.get(devices.COOKIE_NAME), user)
    return set_device_cookie(set_session_cookie(response, token), device)


@bp.post("/signup")
@rate_limits.signup_per_ip
@bp.arguments(SignupIn)
@bp.response(201, UserResponse)
@bp.alt_response(409, description="An account with this email exists")
@bp.alt_response(429, description="Too many signups from this address; see Retry-After")
def signup(data):
    try:
        user = accounts.signup(**{"language": request_language(), **data})
    except accounts.EmailTaken:
        fail(409, "email_taken")
    return _logged_in(user, 201)


@bp.post("/login")
@rate_limits.login_per_ip
@rate_limits.login_per_account
@rate_limits.login_per_device
@bp.arguments(LoginIn)
@bp.response(200, UserResponse)
@bp.alt_response(401, description="Wrong email or password")
@bp.alt_response(429, description="Too many attempts; see Retry-After")
def login(data):
    user = accounts.authenticate(data["email"], data["password"])
    if user is None:
        fail(401, "wrong_login")
    return _logged_in(user, 200)


@bp.post("/logout")
@bp.response(204)
def logout():
    if current_session() is not None:
        accounts.end_session(current_session())
        db.session.commit()
    return clear_session_cookie(current_app.response_class(status=204))


@bp.post("/logout-all")
@login_required
@bp.response(204)
def logout_all():
    accounts.end_all_sessions(current_user())
    db.session.commit()
    return clear_session_cookie(current_app.response_class(status=204))
