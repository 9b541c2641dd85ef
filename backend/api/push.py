from flask_smorest import Blueprint

from ..errors import fail
from ..extensions import db
from ..schemas.push import PublicKeyOut, SubscriptionDeleteIn, SubscriptionIn, SubscriptionResponse
from ..security import current_session, current_user, login_required
from ..services import push

bp = Blueprint("push", __name__, url_prefix="/api/push", description="Web Push: the server key and this device")


@bp.get("/key")
@bp.response(200, PublicKeyOut)
@bp.alt_response(503, description="No VAPID keys on the server yet")
def public_key():
    try:
        return {"public_key": push.load_vapid()[1]}
    except push.KeysMissing:
        fail(503, "push_not_configured")


@bp.post("/subscriptions")
@login_required
@bp.arguments(SubscriptionIn)
@bp.response(201, SubscriptionResponse)
@bp.alt_response(409, description="This endpoint belongs to another account still signed in on that browser")
def subscribe(data):
    try:
        subscription = push.subscribe(current_user(), current_session(), data["endpoint"], **data["keys"])
    except push.HeldByAnother:
        fail(409, "push_taken")
    db.session.commit()
    return {"subscription": subscription}


@bp.delete("/subscriptions")
@login_required
@bp.arguments(SubscriptionDeleteIn)
@bp.response(204)
@bp.alt_response(404, description="No such subscription of yours")
def unsubscribe(data):
    if not push.unsubscribe(current_user(), data["endpoint"]):
        fail(404, "not_found")
    db.session.commit()
