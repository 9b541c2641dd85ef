from flask import current_app, stream_with_context
from flask_smorest import Blueprint

from ..extensions import db
from ..models import User
from ..schemas.entries import entry_out
from ..schemas.misc import ExportOut, StatsOut, StatsQuery
from ..security import current_user, login_required
from ..services import export as export_service, stats as stats_service

bp = Blueprint("data", __name__, url_prefix="/api", description="Stats and export")


@bp.get("/stats")
@login_required
@bp.arguments(StatsQuery, location="query")
@bp.response(200, StatsOut)
def stats(query):
    return stats_service.summary(current_user(), query["weeks"])


@bp.get("/export")
@login_required
@bp.response(200, ExportOut, description="Streamed: the header fields first, then `entries`, oldest first.")
def export():
    body = stream_with_context(_export_json(current_user().id))
    return current_app.response_class(body, mimetype="application/json")


def _export_json(user_id):
    """ExportOut as JSON text, written a chunk of entries at a time (services/export.py). It runs after the
    view returned, in a database session of its own: the view's rows are not used here."""
    dumps = current_app.json.dumps
    user = db.session.get(User, user_id)
    head = dumps(ExportOut(exclude=("entries",)).dump(export_service.header(user)))
    yield head[:-1] + ', "entries": ['
    separator = ""
    for chunk in export_service.entry_chunks(user):
        for entry in map(entry_out, chunk):
            yield separator + dumps(entry)
            separator = ", "
    yield "]}"
