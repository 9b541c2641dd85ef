"""One blueprint per resource; all are registered on the flask-smorest Api so OpenAPI lists them."""

from . import auth, couple, data, docs, health, keys, live, me, password_reset, push, sync

BLUEPRINTS = (health.bp, auth.bp, password_reset.bp, me.bp, couple.bp, sync.bp, data.bp, push.bp, keys.bp, live.bp)


def register(api):
    docs.register(api, api._app)  # before the blueprints: it documents each route as it is added
    for bp in BLUEPRINTS:
        api.register_blueprint(bp)
