"""GET /api/live on the Flask app: the stream itself is the live service's (backend/live), which stands in
front of this app under `make run` and gets the path from the TLS proxy in production. A phone that reaches
this app for it has no live service in front of it: 204 says so without an error in its console (an
EventSource stops on 204; frontend/js/live.js then waits its longest backoff, and the sync's other triggers
carry on as before)."""

from flask import current_app
from flask_smorest import Blueprint

bp = Blueprint("live", __name__, description="The live stream's stand-in when no live service is in front")


@bp.get("/api/live")
@bp.response(204)
def no_live_service():
    return current_app.response_class(status=204, headers={"Cache-Control": "no-store"})
