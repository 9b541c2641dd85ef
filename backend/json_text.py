"""JSON text for the sync's hot paths (its answer, the rows it writes, the sizes of the changes it pages),
made by orjson: the standard library's encoder cost a one-entry sync ≈ 9% of its Python time, orjson a
tenth of that. Everything else (request bodies, other responses) keeps Flask's and the standard library's
JSON. Anything orjson refuses (a lone surrogate, an integer past 64 bits, a type it does not know) is
encoded by the standard library instead, so the answer never depends on which one ran."""

import json

import orjson
from flask import current_app


def dumps_bytes(value, default=None):
    """`value` as compact UTF-8 JSON bytes. `default`: as json.dumps' (also called for datetimes)."""
    try:
        return orjson.dumps(value, default=default, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except (TypeError, orjson.JSONEncodeError):
        # ensure_ascii escapes what UTF-8 cannot carry (a lone surrogate) instead of failing
        return json.dumps(value, default=default, separators=(",", ":")).encode()


def dumps(value, default=None):
    """`value` as compact JSON text."""
    return dumps_bytes(value, default).decode()


def response(value, status=200):
    """A JSON response of plain JSON values, as flask.jsonify gives (its key order aside)."""
    return current_app.response_class(dumps_bytes(value) + b"\n", status=status, mimetype="application/json")
