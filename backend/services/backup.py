"""Whole-database backup as JSON lines, independent of the database engine: `flask export-all` writes
every table (users, couples, invites, sessions, entries with seq/rev/tombstones, client sync state,
push subscriptions, pending push jobs and claims), `flask import-all` loads it into an empty
database migrated to the same revision. Moving between SQLite and PostgreSQL works the same way.

The file: a header line `{"format": "hearth-backup", "version": 1, "revision": …}`, then one line
per row `{"t": table, "r": {column: value}}`, then a trailer `{"end": true, "counts": {table: n}}`;
a file without its trailer (a cut-off copy) is refused.
"""
import json
from datetime import datetime

from sqlalchemy import DateTime, func, select, text

from ..extensions import db
from ..models import utcnow

FORMAT, VERSION = "hearth-backup", 1
CHUNK = 1000


class BackupError(Exception):
    pass


def _tables():
    """Every table, parents before children (so foreign keys hold while importing)."""
    return list(db.metadata.sorted_tables)


def _revision(connection):
    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 - no alembic_version table: not a migrated database
        return None


def _encode(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _decoders(table):
    """Column name -> function turning the JSON value back into what the column takes."""
    out = {}
    for column in table.columns:
        if isinstance(column.type, DateTime) or isinstance(getattr(column.type, "impl", None), DateTime):
            out[column.name] = lambda v: None if v is None else datetime.fromisoformat(v)
    return out


def export_all(out):
    """Writes the backup to the text stream `out`; returns {table: rows}.

    One read transaction (REPEATABLE READ on PostgreSQL): the file is one consistent snapshot, taken
    while the app keeps serving. On SQLite, stop the app first or copy the file with `.backup`.
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        db.session.rollback()
        connection = db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    counts = {}
    header = {"format": FORMAT, "version": VERSION, "revision": _revision(connection),
              "exported_at": utcnow().isoformat(), "tables": [t.name for t in _tables()]}
    out.write(json.dumps(header) + "\n")
    for table in _tables():
        order = list(table.primary_key.columns)
        result = connection.execution_options(yield_per=CHUNK).execute(select(table).order_by(*order))
        n = 0
        for row in result.mappings():
            out.write(json.dumps({"t": table.name, "r": {k: _encode(v) for k, v in row.items()}},
                                 ensure_ascii=False, separators=(",", ":")) + "\n")
            n += 1
        counts[table.name] = n
    out.write(json.dumps({"end": True, "counts": counts}) + "\n")
    db.session.rollback()
    return counts


def import_all(lines):
    """Loads a backup (an iterable of lines) into this empty database in one transaction; {table: rows}."""
    lines = iter(lines)
    try:
        header = json.loads(next(lines))
    except (StopIteration, ValueError):
        raise BackupError("not a Hearth backup: the first line is not its header") from None
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise BackupError(f"not a Hearth backup of version {VERSION}: {header.get('format')!r} "
                          f"{header.get('version')!r}")
    connection = db.session.connection()
    revision = _revision(connection)
    if revision is None:
        raise BackupError("this database is not migrated: run `flask db upgrade` first")
    if header.get("revision") != revision:
        raise BackupError(f"the backup is from schema revision {header.get('revision')}, this database is at "
                          f"{revision}: migrate one of them to the other's revision first")
    tables = {t.name: t for t in _tables()}
    for table in tables.values():
        if connection.execute(select(func.count()).select_from(table)).scalar():
            raise BackupError(f"the database is not empty (table {table.name} has rows): import into an empty "
                              "database only")
    decoders = {name: _decoders(table) for name, table in tables.items()}
    counts, batch, current, trailer = {}, [], None, None

    def flush():
        if batch:
            connection.execute(tables[current].insert(), batch)
            counts[current] = counts.get(current, 0) + len(batch)
            batch.clear()

    try:
        for line in lines:
            if not line.strip():
                continue
            item = json.loads(line)
            if item.get("end"):
                trailer = item
                break
            name, row = item["t"], item["r"]
            if name not in tables:
                raise BackupError(f"unknown table {name!r} in the backup")
            if name != current or len(batch) >= CHUNK:
                flush()
                current = name
            decode = decoders[name]
            batch.append({k: decode[k](v) if k in decode else v for k, v in row.items()})
        flush()
        if trailer is None:
            raise BackupError("the backup ends early (no trailer line): the file is incomplete")
        expected = {k: v for k, v in trailer["counts"].items() if v}
        if expected != counts:
            raise BackupError(f"row counts differ from the backup's trailer: {counts} != {expected}")
        _reset_sequences(connection, tables.values())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts


def _reset_sequences(connection, tables):
    """PostgreSQL: integer ids were inserted explicitly, so move each id sequence past the largest one."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.autoincrement == "auto" and column.type.python_type is int
                                                and len(table.primary_key.columns) == 1):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                    f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 1), "
                    f"(SELECT MAX({column.name}) FROM {table.name}) IS NOT NULL)"))
