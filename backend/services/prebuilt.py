"""Statements built once and run straight on the session's DBAPI connection (same transaction),
with their SQL compiled once per statement and database. The hottest statements (the login check
every API request makes, and a sync's) spent more CPU in SQLAlchemy's per-execution work (caching
lookups, execution contexts, type processors) than in the driver, and on SQLite that work is done
while holding the database's only write turn.

Parameters are plain values, converted here as the column types would store them: aware datetimes
as naive UTC (on SQLite as SQLAlchemy's text form), dicts and lists as JSON text on SQLite.
Results come back as the driver gives them (tuples, unconverted), so these statements should not
select datetime or JSON columns: compare them in SQL instead.
"""

import json
from datetime import datetime
from functools import cache

from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.dialects.sqlite.pysqlite import dialect as pysqlite_dialect

from .. import json_text
from ..extensions import db
from ..times import naive_utc


@cache
def _compiled(statement, dialect_name, columns):
    """(SQL, fixed parameters) of a statement built once (SQLAlchemy statements hash by identity).
    An INSERT names exactly `columns`, the keys of the rows it is given."""
    dialect = psycopg_dialect() if dialect_name == "postgresql" else pysqlite_dialect(paramstyle="named")
    compiled = statement.compile(dialect=dialect, column_keys=list(columns) if columns else None)
    return compiled.string, dict(compiled.params)


def connection():
    """(DBAPI connection, database name) of the session's transaction (which this begins if none is
    open), looked up once per transaction: Session.connection() costs more Python than a prepared
    statement's execution, and a sync sends several."""
    held = _held()
    return held[1], held[2]


def _held():
    """(transaction, DBAPI connection, database name, this connection's cursors or None)."""
    session = db.session()
    held = session.info.get("prebuilt")
    if held is not None and held[0] is session.get_transaction():
        return held
    bound = session.connection()
    dbapi_connection, name = bound.connection.dbapi_connection, bound.dialect.name
    held = (session.get_transaction(), dbapi_connection, name, _cursors(bound.connection.info, dbapi_connection, name))
    session.info["prebuilt"] = held  # the old transaction object stays referenced here: `is` cannot be fooled
    return held


def _cursors(info, dbapi_connection, name):
    """PostgreSQL: {SQL: cursor} kept with the pooled connection, so each statement reuses its cursor.
    A psycopg cursor learns how to send each parameter's type and read each column's on its first run
    and keeps that; a new cursor per statement learned it again every time: in-process, a sync's
    statements on reused cursors cost ≈ 100 µs less CPU (4%). A cursor keeps its last result until it
    runs again (at most a pull's page per connection). The pool's `info` is cleared when a connection is
    replaced; the identity check guards that too.
    SQLite: None, a new cursor each time: a cursor left on an unfinished SELECT would hold its read
    snapshot open, and pysqlite's own statement cache already does the reuse."""
    if name != "postgresql":
        return None
    cursors = info.get("prebuilt_cursors")
    if cursors is None or cursors[0] is not dbapi_connection:
        cursors = info["prebuilt_cursors"] = (dbapi_connection, {})
    return cursors[1]


def _cursor(sql):
    """(DBAPI cursor, database name) for `sql` on the session's transaction's connection."""
    _, dbapi_connection, name, cursors = _held()
    if cursors is None:
        return dbapi_connection.cursor(), name
    cursor = cursors.get(sql)
    if cursor is None:
        cursor = cursors[sql] = dbapi_connection.cursor()
    return cursor, name


def on_postgresql():
    return connection()[1] == "postgresql"


def _prepare(statement, keys):
    """(DBAPI cursor, SQL, fixed parameters, value converter) on the session's connection."""
    name = connection()[1]
    sql, fixed = _compiled(statement, name, tuple(keys) if getattr(statement, "is_insert", False) else None)
    convert = naive_utc if name == "postgresql" else _sqlite_value
    return _cursor(sql)[0], sql, fixed, convert


def execute(statement, params):
    """Runs `statement` with one set of parameters; returns the DBAPI cursor (fetchone(), fetchall(),
    rowcount)."""
    cursor, sql, fixed, convert = _prepare(statement, params)
    cursor.execute(sql, {**fixed, **{key: convert(value) for key, value in params.items()}})
    return cursor


def compiled(statement):
    """(SQL, fixed parameters) of a statement built once, for the session's database: to join
    statements into one (execute_compiled)."""
    return _compiled(statement, connection()[1], None)


def execute_compiled(sql, fixed, params):
    """Runs SQL made of compiled() parts with one set of parameters; returns the DBAPI cursor."""
    cursor, name = _cursor(sql)
    convert = naive_utc if name == "postgresql" else _sqlite_value
    cursor.execute(sql, {**fixed, **{key: convert(value) for key, value in params.items()}})
    return cursor


def execute_many(statement, rows):
    """Runs `statement` once per row (each a dict with the same keys)."""
    cursor, sql, fixed, convert = _prepare(statement, rows[0])
    cursor.executemany(sql, [{**fixed, **{key: convert(value) for key, value in row.items()}} for row in rows])
    return cursor


_PLAIN = frozenset((str, int, float, bool, type(None)))


def _sqlite_value(value):
    """A value as SQLAlchemy stores it in SQLite: datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' text
    (naive UTC), JSON values as text."""
    if value.__class__ in _PLAIN:  # most values: checked first, as a sync converts dozens
        return value
    if isinstance(value, datetime):
        return naive_utc(value).isoformat(" ", "microseconds")
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value


def chunks(items, size=500):
    """`items` in lists of at most `size`: bulk statements go in bounded pieces."""
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def records_insert(table, columns, param, alias):
    """PostgreSQL: `INSERT INTO table (columns) SELECT columns FROM json_to_recordset(:param)`. Any
    number of rows travel as one JSON array (records()), so the statement text never changes: the
    server prepares it once, and neither SQLAlchemy nor psycopg parses a new multi-row VALUES list
    (thousands of placeholders) per batch."""
    dialect = postgresql.dialect()
    fields = ", ".join(f"{name} {table.c[name].type.compile(dialect=dialect)}" for name in columns)
    names = ", ".join(columns)
    return (
        f"INSERT INTO {table.name} ({names}) SELECT {names} "
        f"FROM json_to_recordset(CAST(:{param} AS json)) AS {alias}({fields})"
    )


def records(rows):
    """Rows as the JSON array records_insert reads: datetimes as naive UTC, as the columns store them."""
    return json_text.dumps(rows, default=_json_datetime)


def _json_datetime(value):
    if isinstance(value, datetime):
        return naive_utc(value).isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
