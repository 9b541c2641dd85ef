"""Hearth: the Flask app factory."""

from flask import Flask

from . import limiter_store
from .config import ROOT, Config


def create_app(config_class=Config):
    app = Flask(__name__, instance_path=config_class.INSTANCE_PATH, static_folder=None)
    app.config.from_object(config_class)
    app.config["SECRET_KEY"] = config_class.secret_key()
    limiter_store.check_app(app.config)  # several processes need a shared store, or limits multiply

    from . import api, cli, errors, json_guard, security, web
    from .extensions import api as smorest, commit_successful_requests, db, limiter, migrate

    db.init_app(app)
    commit_successful_requests(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    security.init_body_cap(app)  # a body over its route's cap is 413 before anything reads it
    json_guard.init_app(app)  # before the limiter: its login key reads the body
    limiter.init_app(app)
    smorest.init_app(app)
    api.register(smorest)
    app.register_blueprint(web.bp)
    security.init_app(app)
    errors.register_error_handlers(app)
    cli.register(app)
    _trust_proxy(app)
    return app


def _trust_proxy(app):
    """X-Forwarded-* from the TLS proxy in front, only as many hops as configured (off by default)."""
    hops = {key: app.config.get(f"PROXY_FIX_X_{key.upper()}", 0) for key in ("for", "proto", "host")}
    if any(hops.values()):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops["for"], x_proto=hops["proto"], x_host=hops["host"])
