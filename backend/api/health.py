from flask_smorest import Blueprint
from sqlalchemy import text

from ..extensions import db
from ..schemas.misc import HealthOut

bp = Blueprint("health", __name__, description="Liveness for load balancers")


@bp.get("/healthz")
@bp.response(200, HealthOut)
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
