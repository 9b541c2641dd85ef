from flask import request
from flask_smorest import Blueprint

from .. import limits as L
from ..errors import fail
from ..extensions import db
from ..schemas.couples import (
    CoupleCreatedOut,
    CoupleResponse,
    InviteIn,
    InviteLookupResponse,
    InviteResponse,
    JoinIn,
    LeaveIn,
)
from ..security import current_user, login_required
from ..services import couples
from . import rate_limits

bp = Blueprint("couple", __name__, url_prefix="/api/couple", description="Pairing two partners")


@bp.post("")
@login_required
@bp.arguments(InviteIn)
@bp.response(201, CoupleCreatedOut)
@bp.alt_response(409, description="Already in a couple")
def create_couple(data):
    try:
        couple, invite = couples.create(current_user(), data["note"])
    except couples.AlreadyPaired:
        fail(409, "already_in_couple")
    db.session.commit()
    return {"couple": couples.describe(current_user()), "invite": couples.invite_view(invite, request.host_url)}


@bp.post("/invite")
@login_required
@bp.arguments(InviteIn)
@bp.response(201, InviteResponse)
@bp.alt_response(404, description="Not in a couple")
@bp.alt_response(409, description="The couple already has two members")
def new_invite(data):
    try:
        invite = couples.invite_again(current_user(), data["note"])
    except couples.NotFound:
        fail(404, "no_couple")
    except couples.NotAlone:
        fail(409, "partner_joined")
    db.session.commit()
    return {"invite": couples.invite_view(invite, request.host_url)}


@bp.post("/invite/lookup")
@rate_limits.invite_per_ip
@rate_limits.invite_per_account
@bp.arguments(JoinIn)
@bp.response(200, InviteLookupResponse)
@bp.alt_response(404, description="Unknown, used or expired code")
@bp.alt_response(429, description="Too many attempts; see Retry-After")
def lookup_invite(data):
    """Who invited the holder of this code, and their note, before joining. No login: the code is the
    key; its guesses count with the joins'."""
    try:
        return {"invite": couples.lookup(data["code"])}
    except couples.NotFound:
        fail(404, "bad_invite_code")


@bp.post("/join")
@login_required
@rate_limits.invite_per_ip
@rate_limits.invite_per_account
@bp.arguments(JoinIn)
@bp.response(200, CoupleResponse)
@bp.alt_response(404, description="Unknown, used or expired code")
@bp.alt_response(409, description="Already in a couple")
@bp.alt_response(429, description="Too many attempts; see Retry-After")
def join(data):
    try:
        couples.join(current_user(), data["code"])
    except couples.AlreadyPaired:
        fail(409, "already_in_couple")
    except couples.NotFound:
        fail(404, "bad_invite_code")
    db.session.commit()
    return {"couple": couples.describe(current_user())}


@bp.post("/leave")
@login_required
@bp.arguments(LeaveIn)
@bp.response(204)
@bp.alt_response(404, description="Not in a couple")
def leave(data):
    try:
        couples.leave(current_user(), data["note"])
    except couples.NotFound:
        fail(404, "no_couple")
    db.session.commit()


@bp.post("/come-back")
@login_required
@bp.response(200, CoupleResponse)
@bp.alt_response(404, description="Nothing to undo: not the one who left, or more than 24 hours ago")
@bp.alt_response(409, description="In a couple already, or the partner is in another one now")
def come_back():
    """Undo leaving, within 24 hours: the same couple comes back as it was."""
    try:
        couples.come_back(current_user())
    except couples.AlreadyPaired:
        fail(409, "already_in_couple")
    except couples.PartnerMovedOn:
        fail(409, "partner_moved_on")
    except couples.NotFound:
        fail(404, "nothing_to_undo", count=L.UNDO_LEAVING_HOURS)
    db.session.commit()
    return {"couple": couples.describe(current_user())}
