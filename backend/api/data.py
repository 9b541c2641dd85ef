from flask_smorest import Blueprint

from ..schemas.misc import ExportOut, StatsOut, StatsQuery
from ..security import current_user, login_required
from ..services import export as export_service
from ..services import stats as stats_service

bp = Blueprint("data", __name__, url_prefix="/api", description="Stats and export")


@bp.get("/stats")
@login_required
@bp.arguments(StatsQuery, location="query")
@bp.response(200, StatsOut)
def stats(query):
    return stats_service.summary(current_user(), query["weeks"])


@bp.get("/export")
@login_required
@bp.response(200, ExportOut)
def export():
    return export_service.export(current_user())
