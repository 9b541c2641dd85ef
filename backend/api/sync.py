from flask import jsonify
from flask_smorest import Blueprint, abort

from ..schemas.sync import SyncIn, SyncOut
from ..security import current_caller, login_required
from ..services import sync as sync_service

bp = Blueprint("sync", __name__, url_prefix="/api/sync", description="The phone's one round trip")


@bp.post("")
@login_required
@bp.arguments(SyncIn())  # an instance: given the class, webargs builds (deep-copies) a schema per request
@bp.response(200, SyncOut)
@bp.alt_response(409, description="Not in a couple")
@bp.alt_response(410, description="Cursor too old: resync from 0")
def sync(data):
    try:
        # Already plain JSON values in SyncOut's shape (services.sync.entry_out): sent as they are, the
        # schema's dump would be a second pass over every change. SyncOut still documents the answer.
        return jsonify(sync_service.sync(current_caller(), data["client_id"].lower(), data["cursor"],
                                         data["mutations"]))
    except sync_service.NoCouple:
        abort(409, message="You are not in a couple. Pair up to sync.")
    except sync_service.CursorGone:
        abort(410, message="This device is too far behind. Resync from cursor 0.")
