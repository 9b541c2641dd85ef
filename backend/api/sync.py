from flask import jsonify
from flask_smorest import Blueprint

from .. import json_text
from ..errors import Coded, error_body, fail
from ..schemas.sync import SyncIn, SyncOut
from ..security import current_caller, login_required
from ..services import sync as sync_service

bp = Blueprint("sync", __name__, url_prefix="/api/sync", description="The phone's one round trip")


@bp.post("")
@login_required
@bp.arguments(SyncIn())  # an instance: given the class, webargs builds (deep-copies) a schema per request
@bp.response(200, SyncOut)
@bp.alt_response(
    409,
    description="Written for another couple than the user's now: nothing applied; "
    "the body adds `couple_id`, the user's couple now (or null)",
)
@bp.alt_response(410, description="Cursor too old: resync from 0")
def sync(data):
    try:
        # Already plain JSON values in SyncOut's shape (schemas.entries.entry_out): sent as they are, the
        # schema's dump would be a second pass over every change. SyncOut still documents the answer.
        return json_text.response(
            sync_service.sync(
                current_caller(),
                data["client_id"].lower(),
                data["cursor"],
                data["mutations"],
                data.get("couple_id", sync_service.ANY),
            )
        )
    except sync_service.CoupleChanged as changed:
        return _couple_changed(changed.couple_id)
    except sync_service.CursorGone:
        fail(410, "cursor_gone")


def _couple_changed(couple_id):
    """409 in the one error shape, plus the couple the user is in now, so the phone can set aside what
    it queued for the other one."""
    body = error_body(409, "couple_mismatch", {"couple_id": [Coded("not_your_couple")]})
    body["couple_id"] = couple_id
    return jsonify(body), 409
