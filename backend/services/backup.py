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
from sqlalchemy.exc import DBAPIError

from ..extensions import db
from ..models import utcnow
from . import backup_check

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


def _row_line(table_name, row):
    """One row as a JSON line, readable UTF-8. A lone surrogate (SQLite stored them before inputs were
    checked) has no UTF-8 form: that row is written with \\u escapes instead, which read back the same."""
    item = {"t": table_name, "r": {k: _encode(v) for k, v in row.items()}}
    line = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
    if backup_check.bad_text(line):
        line = json.dumps(item, separators=(",", ":"))
    return line


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
    header = {
        "format": FORMAT,
        "version": VERSION,
        "revision": _revision(connection),
        "exported_at": utcnow().isoformat(),
        "tables": [t.name for t in _tables()],
    }
    out.write(json.dumps(header) + "\n")
    for table in _tables():
        order = list(table.primary_key.columns)
        result = connection.execution_options(yield_per=CHUNK).execute(select(table).order_by(*order))
        n = 0
        for row in result.mappings():
            out.write(_row_line(table.name, row) + "\n")
            n += 1
        counts[table.name] = n
    out.write(json.dumps({"end": True, "counts": counts}) + "\n")
    db.session.rollback()
    return counts


def import_all(lines, fix=False):
    """Loads a backup into this empty database in one transaction; returns ({table: rows}, repaired).

    `lines` is iterated twice: first every row is checked (backup_check: known table and columns,
    types, text a database can store), and nothing is written unless all are right; then the rows
    go in. A row the database still refuses is found and named the same way. With `fix`, NUL and
    lone surrogates are replaced by U+FFFD instead of refused, and each replaced row is listed.
    """
    connection = db.session.connection()
    tables = {t.name: t for t in _tables()}
    _check_header(lines, connection, tables)
    report = backup_check.Report()
    counts = _validate(lines, tables, report, fix)
    if report.count:
        raise BackupError(f"the backup has {report.count} problem(s); nothing was imported:\n{report.text()}")
    try:
        _insert(lines, connection, tables, fix)
        _reset_sequences(connection, tables.values())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts, report.repaired


def _check_header(lines, connection, tables):
    try:
        header = json.loads(next(iter(lines)))
    except (StopIteration, ValueError):
        raise BackupError("not a Hearth backup: the first line is not its header") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("version") != VERSION:
        raise BackupError(f"not a Hearth backup of version {VERSION}")
    revision = _revision(connection)
    if revision is None:
        raise BackupError("this database is not migrated: run `flask db upgrade` first")
    if header.get("revision") != revision:
        raise BackupError(
            f"the backup is from schema revision {header.get('revision')}, this database is at "
            f"{revision}: migrate one of them to the other's revision first"
        )
    for table in tables.values():
        if connection.execute(select(func.count()).select_from(table)).scalar():
            raise BackupError(
                f"the database is not empty (table {table.name} has rows): import into an empty database only"
            )


def _rows(lines, report):
    """(line number, parsed item) for each line after the header; items that are not JSON are reported."""
    for line_no, line in enumerate(lines, start=1):
        if line_no == 1 or not line.strip():
            continue
        item = backup_check.parse_line(line, line_no, report)
        if item is not None:
            yield line_no, item


def _validate(lines, tables, report, fix):
    counts, trailer = {}, None
    for line_no, item in _rows(lines, report):
        if not isinstance(item, dict) or item.get("end") is not True and not isinstance(item.get("r"), dict):
            report.add(f"line {line_no}: neither a row nor the trailer")
            continue
        if item.get("end") is True:
            trailer = item
            break
        name = item.get("t")
        if name not in tables:
            report.add(f"line {line_no}: unknown table {str(name)[:40]!r}")
            continue
        counts[name] = counts.get(name, 0) + 1
        report.row(name, counts[name], line_no, backup_check.column_problems(tables[name], item["r"], fix), fix)
    if trailer is None:
        report.add("the backup ends early (no trailer line): the file is incomplete")
    else:
        expected = {k: v for k, v in (trailer.get("counts") or {}).items() if v}
        if expected != counts:
            report.add(f"row counts differ from the backup's trailer: {counts} != {expected}")
    return counts


def _insert(lines, connection, tables, fix):
    decoders = {name: _decoders(table) for name, table in tables.items()}
    batch, current, numbers = [], None, {}

    def flush():
        if batch:
            _insert_batch(connection, tables[current], batch)
            batch.clear()

    for line_no, item in _rows(lines, backup_check.Report()):
        if item.get("end") is True:
            break
        name, row = item["t"], item["r"]
        if fix:
            backup_check.column_problems(tables[name], row, fix=True)
        if name != current or len(batch) >= CHUNK:
            flush()
            current = name
        numbers[name] = numbers.get(name, 0) + 1
        decode = decoders[name]
        batch.append((numbers[name], line_no, {k: decode[k](v) if k in decode else v for k, v in row.items()}))
    flush()


def _insert_batch(connection, table, batch):
    """One multi-row INSERT in a savepoint; if the database refuses it, each row again on its own, to
    name the row. The database's message is cut to its first line: its DETAIL quotes the values."""
    try:
        with connection.begin_nested():
            connection.execute(table.insert(), [row for _, _, row in batch])
        return
    except DBAPIError:
        pass
    for number, line_no, row in batch:
        try:
            with connection.begin_nested():
                connection.execute(table.insert(), [row])
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
            raise BackupError(
                f"table {table.name}, row {number} (line {line_no}): the database refused it: "
                f"{type(exc.orig).__name__}: {reason}; nothing was imported"
            ) from None
    raise BackupError(f"table {table.name}: the database refused a batch of rows; nothing was imported")


def _reset_sequences(connection, tables):
    """PostgreSQL: integer ids were inserted explicitly, so move each id sequence past the largest one."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto"
                and column.type.python_type is int
                and len(table.primary_key.columns) == 1
            ):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 1), "
                        f"(SELECT MAX({column.name}) FROM {table.name}) IS NOT NULL)"
                    )
                )
