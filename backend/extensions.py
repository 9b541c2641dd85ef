"""Extension objects, bound to the app in create_app()."""

from flask import current_app, has_app_context
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

from .errors import Error

# Stable constraint names, so that migrations read the same on SQLite and PostgreSQL.
naming = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=naming))
migrate = Migrate()
api = Api()
# No catch-all "default" response: every status a route can give is documented (api/docs.py, alt_response).
api.DEFAULT_ERROR_RESPONSE_NAME = None
api.ERROR_SCHEMA = Error


class _PerApp:
    """A Limiter attribute that each app keeps for itself (see PerAppLimiter)."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, limiter, owner=None):
        if limiter is None:
            return self
        if has_app_context() and not limiter.__dict__.get("_initializing"):
            state = current_app.extensions.get("hearth-limiter")
            if state is not None:
                return state[self.name]
        return limiter.__dict__.get(self.name)

    def __set__(self, limiter, value):
        limiter.__dict__[self.name] = value


class PerAppLimiter(Limiter):
    """Flask-Limiter keeps one storage, strategy, key prefix and on/off switch per Limiter object, and the
    first app's prefix sticks; but this one object serves every app made in the process (tests build many).
    Each init_app starts from the constructor's values, and requests read their own app's settings."""

    PER_APP = ("enabled", "_storage", "_limiter", "_strategy", "_key_prefix")
    enabled, _storage, _limiter, _strategy, _key_prefix = (_PerApp() for _ in PER_APP)

    def init_app(self, app):
        self.__dict__["_initializing"] = True
        try:
            self._key_prefix, self._strategy = "", None  # this app's config decides, not the last app's
            super().init_app(app)
        finally:
            self.__dict__["_initializing"] = False
        app.extensions["hearth-limiter"] = {name: self.__dict__.get(name) for name in self.PER_APP}


limiter = PerAppLimiter(key_func=get_remote_address, default_limits=[])


# Pages in SQLite's WAL before a commit checkpoints it (SQLite's default: 1,000). Raised: the writers
# checkpoint after their turn instead (services/write_turn.py); this is for processes that never take one.
WAL_AUTOCHECKPOINT = 4000


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL for concurrent readers, a busy timeout instead of instant 'database is locked'."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL never corrupts the database, but a power cut (not a crash of the app)
        # may lose the last moments of acknowledged syncs. The embedded default takes that for
        # speed; production runs on PostgreSQL. FULL would fsync on every sync.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT}")
        cursor.close()


def commit_successful_requests(app):
    """A request that succeeded ends its database transaction with COMMIT instead of the ROLLBACK
    the session's teardown would send. On a ROLLBACK psycopg drops every statement prepared on that
    connection (DEALLOCATE ALL, one more round trip), so each read-only request (GET /api/me,
    /healthz) cost the next syncs on its connection their prepared statements: measured in-process,
    PostgreSQL CPU per sync 0.7–0.9 ms prepared, 1.3–2.0 ms not. A failed request (status >= 400)
    still rolls back. Registered before the other after_request hooks, so it runs after them."""

    @app.after_request
    def _commit(response):
        if response.status_code < 400 and db.session().in_transaction():
            db.session.commit()
        return response
