"""prebuilt runs the hot statements straight on the driver. On PostgreSQL each statement keeps one psycopg
cursor per pooled connection (a new cursor learns its parameters' and columns' types again on every run);
on SQLite every run gets a new cursor. Both databases, one test each way."""

from sqlalchemy import bindparam, literal, select

from backend.extensions import db
from backend.services import prebuilt

NUMBERS = select(literal(1).label("n")).union_all(select(literal(2)), select(literal(3)))
ECHO = select(bindparam("word", type_=db.String).label("word"))


def _run_twice(app):
    """The cursors of NUMBERS' two runs, each in a transaction of its own, and its second run's rows."""
    with app.app_context():
        first = prebuilt.execute(NUMBERS, {})
        assert first.fetchall() == [(1,), (2,), (3,)]
        db.session.commit()
        second = prebuilt.execute(NUMBERS, {})
        rows = second.fetchall()
        db.session.commit()
        return first, second, rows


def test_a_statement_reuses_its_cursor_on_postgresql_and_gets_a_new_one_on_sqlite(app):
    first, second, rows = _run_twice(app)
    assert rows == [(1,), (2,), (3,)]
    with app.app_context():
        on_postgresql = prebuilt.on_postgresql()
    if on_postgresql:
        assert second is first
    else:
        assert second is not first


def test_two_statements_keep_their_own_results_when_run_in_turn(app):
    with app.app_context():
        numbers = prebuilt.execute(NUMBERS, {})
        assert numbers.fetchone() == (1,)
        echo = prebuilt.execute(ECHO, {"word": "tea"})
        assert echo is not numbers
        assert echo.fetchone() == ("tea",)
        assert numbers.fetchall() == [(2,), (3,)]  # the first statement's rows are still there
        assert prebuilt.execute(ECHO, {"word": "walk"}).fetchone() == ("walk",)
        db.session.commit()


def test_a_replaced_connection_gets_new_cursors(app):
    with app.app_context():
        before = prebuilt.execute(ECHO, {"word": "tea"})
        assert before.fetchone() == ("tea",)
        db.session.connection().invalidate()  # as the pool does when the database drops a connection
        db.session.rollback()
        after = prebuilt.execute(ECHO, {"word": "walk"})
        assert after is not before
        assert after.fetchone() == ("walk",)
        db.session.commit()
