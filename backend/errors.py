"""One JSON error shape for the whole app: {"code", "status", "message", "errors"}."""
import logging
from http import HTTPStatus

from flask import jsonify
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class Error(Schema):
    """The one error shape, as the OpenAPI document describes it (every key always present)."""
    code = fields.Integer(required=True)
    status = fields.String(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(required=True, metadata={"description": "Field name to a list of messages; "
                                                  "nested objects nest the same way."})


def error_response(code, message=None, errors=None, headers=None):
    status = HTTPStatus(code).phrase
    body = {"code": code, "status": status, "message": message or status, "errors": errors or {}}
    response = jsonify(body)
    response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten(messages):
    """webargs nests errors by location ({"json": {...}}); clients want {field: [...]}."""
    if not isinstance(messages, dict):
        return {"_schema": messages if isinstance(messages, list) else [str(messages)]}
    flat = {}
    for location, fields in messages.items():
        if location in {"json", "query", "form", "headers", "cookies", "path"} and isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def handle_http_exception(exc):
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors")
    if "messages" in data:
        errors = _flatten(data["messages"])
    message = data.get("message")
    if message is None:
        message = "Invalid input." if exc.code == 422 else exc.description
    headers = dict(data.get("headers") or {})
    if exc.code == 429:
        message = "Too many attempts. Please wait a little and try again."
    response = error_response(exc.code, message, errors, headers)
    if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def handle_unexpected(exc):
    log.exception("unhandled error")
    return error_response(500, "Something went wrong on our side.")


def register_error_handlers(app):
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
