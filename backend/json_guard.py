"""A cheap look at every JSON body before anything parses it (webargs, a rate-limit key, Flask's get_json).

Python's json.loads recurses once per nesting level (a body nested ~1,000 deep raises RecursionError) and
int() refuses more than 4,300 digits (ValueError): both were a 500 on every route, anonymous login
included. Here the raw bytes are scanned in C-speed passes (regex, translate, accumulate), so a hostile
megabyte costs milliseconds and is refused in the one error shape:

- nested deeper than JSON_MAX_DEPTH (32) arrays/objects: 400;
- a number with more than JSON_MAX_NUMBER_DIGITS (100) digits in a row: 422.

Nothing a phone sends comes close: a sync body is 7 levels deep, and JavaScript's JSON.stringify never
writes more than 21 digits in a row. Strings are skipped (digits and brackets inside them are text).
"""

import re
from array import array
from itertools import accumulate

from flask import current_app, request

from .errors import Coded, error_response

MAX_DEPTH = 32
MAX_NUMBER_DIGITS = 100

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_OPEN, _CLOSE = b"[{", b"]}"
# '[' and '{' become +1, ']' and '}' become -1 (0xFF as a signed byte); every other byte is dropped.
_DELTAS = bytes(1 if b in _OPEN else 0xFF if b in _CLOSE else 0 for b in range(256))
_NOT_BRACKET = bytes(b for b in range(256) if b not in _OPEN + _CLOSE)
# Every digit becomes b"0" and every other byte b" ": a run of n digits is then b"0" * n, which bytes'
# own search finds in C. (A regex for [0-9]{n} tries a match at every byte: ~20 µs for a one-entry sync,
# which every sync paid.)
_DIGITS_AS_ZEROS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))


def has_digit_run(data, n):
    """Whether JSON bytes hold n digits in a row (inside strings too)."""
    return b"0" * n in data.translate(_DIGITS_AS_ZEROS)


class TooDeep(ValueError):
    pass


class NumberTooLong(ValueError):
    pass


def depth(data):
    """The deepest nesting of arrays and objects in JSON bytes (brackets inside strings do not count)."""
    if data.count(b"[") + data.count(b"{") == 0:
        return 0
    deltas = array("b", _STRING.sub(b'""', data).translate(_DELTAS, _NOT_BRACKET))
    return max(accumulate(deltas), default=0)


def check(data, max_depth=MAX_DEPTH, max_digits=MAX_NUMBER_DIGITS):
    """Raises TooDeep or NumberTooLong for a body json.loads must not be handed. Fast paths first: a body
    with few brackets cannot be deep, and one without a long run of digits has no long number."""
    if data.count(b"[") + data.count(b"{") > max_depth and depth(data) > max_depth:
        raise TooDeep(f"The JSON is nested deeper than {max_depth} levels.")
    too_long = max_digits + 1
    if has_digit_run(data, too_long) and has_digit_run(_STRING.sub(b'""', data), too_long):
        raise NumberTooLong(f"Numbers may have at most {max_digits} digits.")


def guard_json_body():
    """before_request: refuse a JSON body that would make the parser recurse or build a huge int."""
    if not request.is_json:
        return None
    data = request.get_data(cache=True)  # bounded by MAX_CONTENT_LENGTH (413 beyond it)
    if not data:
        return None
    max_depth = current_app.config.get("JSON_MAX_DEPTH", MAX_DEPTH)
    max_digits = current_app.config.get("JSON_MAX_NUMBER_DIGITS", MAX_NUMBER_DIGITS)
    try:
        check(data, max_depth, max_digits)
    except TooDeep:
        return error_response(400, "too_deep", {"json": [Coded("too_deep", max=max_depth)]}, max=max_depth)
    except NumberTooLong:
        return error_response(
            422, "number_too_long", {"json": [Coded("number_too_long", max=max_digits)]}, max=max_digits
        )
    return None


def init_app(app):
    """Registered before the rate limiter's hook, whose key function reads the login body."""
    app.before_request(guard_json_body)
