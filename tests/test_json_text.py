"""json_text (the sync's JSON, made by orjson) reads back as the standard library's would, and falls back to
the standard library for what orjson refuses, instead of failing the sync."""

import json
from datetime import UTC, datetime

from hypothesis import given, settings, strategies as st

from backend import json_text

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_reads_back_as_the_standard_librarys_text(value):
    assert json.loads(json_text.dumps(value)) == json.loads(json.dumps(value))


def test_text_orjson_refuses_falls_back_to_the_standard_library():
    lone_surrogate = {"text": "tea \ud83d"}  # a half of an emoji: not UTF-8
    assert json.loads(json_text.dumps(lone_surrogate)) == lone_surrogate
    huge = {"n": 2**70}
    assert json.loads(json_text.dumps(huge)) == huge


def test_datetimes_go_through_default():
    when = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert json_text.dumps([when], default=lambda d: d.strftime("%Y-%m-%d %H:%M")) == '["2026-03-29 01:30"]'


def test_words_in_any_script_travel_as_utf_8(app):
    with app.test_request_context():
        response = json_text.response({"text": "Спасибо за чай ☕"})
    assert response.mimetype == "application/json"
    assert response.get_data() == '{"text":"Спасибо за чай ☕"}\n'.encode()
