"""Checking a backup before any row of it is written (`flask import-all` validates first).

Each problem names the table, the row's number within that table, the file's line and the column, and
never the value: a backup holds emails, password hashes and people's words, and an operator's terminal
or CI log is no place for them.
"""

import json
import re
from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.types import JSON

MAX_PROBLEMS = 50  # reported one by one; beyond this only counted
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def bad_text(value):
    """What is wrong with a string for a database, or None: PostgreSQL stores no NUL in text or jsonb,
    and no UTF-8 encoder writes a lone surrogate (SQLite stored both before inputs were checked)."""
    found = _BAD_TEXT.search(value)
    if found is None:
        return None
    return "a NUL character (U+0000)" if found.group() == "\x00" else "a lone UTF-16 surrogate"


def _walk_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _walk_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_strings(item)


def repair(value):
    """The value with every NUL and lone surrogate replaced by U+FFFD (`import-all --replace-bad-text`)."""
    if isinstance(value, str):
        return _BAD_TEXT.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {repair(k): repair(v) for k, v in value.items()}
    if isinstance(value, list):
        return [repair(v) for v in value]
    return value


def _kind(column):
    impl = getattr(column.type, "impl", None)  # UTCDateTime and other TypeDecorators
    for cls, name in ((DateTime, "datetime"), (JSON, "json"), (Integer, "integer"), (String, "text")):
        if isinstance(column.type, cls) or isinstance(impl, cls):
            return name
    return "other"


def column_problems(table, row, fix=False):
    """[(column, what is wrong)] for one row of `table` (a dict from the backup); with fix, bad text is
    replaced in `row` in place and reported as replaced."""
    problems = []
    columns = {c.name: c for c in table.columns}
    for name in row:
        if name not in columns:
            problems.append((name, "not a column of this table"))
    for name, column in columns.items():
        value = row.get(name)
        if value is None:
            has_default = column.default is not None or column.server_default is not None
            if not column.nullable and (name in row or not has_default):
                problems.append((name, "missing, and the column needs a value"))
            continue
        kind = _kind(column)
        if kind == "datetime":
            try:
                datetime.fromisoformat(value)
            except (TypeError, ValueError):
                problems.append((name, "not an ISO 8601 time"))
        elif kind == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
            problems.append((name, "not an integer"))
        elif kind == "text" and not isinstance(value, str):
            problems.append((name, "not text"))
        if kind in ("text", "json"):
            for text in _walk_strings(value):
                wrong = bad_text(text)
                if wrong:
                    if fix:
                        row[name] = repair(value)
                        problems.append((name, f"contained {wrong}: replaced with U+FFFD"))
                    else:
                        problems.append((name, f"contains {wrong}"))
                    break
    return problems


class Report:
    """Problems found while reading a backup, one line each, without any value from the rows."""

    def __init__(self):
        self.lines, self.count, self.repaired = [], 0, []

    def add(self, message):
        self.count += 1
        if len(self.lines) < MAX_PROBLEMS:
            self.lines.append(message)

    def row(self, table, number, line_no, problems, fix=False):
        for column, what in problems:
            message = f"table {table}, row {number} (line {line_no}), column {column}: {what}"
            if fix and what.endswith("replaced with U+FFFD"):
                self.repaired.append(message)
            else:
                self.add(message)

    def text(self):
        more = self.count - len(self.lines)
        return "\n".join(self.lines + ([f"… and {more} more problems"] if more > 0 else []))


def parse_line(line, line_no, report):
    """A backup line as JSON, or None (reported) when it is not."""
    try:
        return json.loads(line)
    except ValueError:
        report.add(f"line {line_no}: not a JSON line")
    except RecursionError:
        report.add(f"line {line_no}: nested too deeply")
    return None
