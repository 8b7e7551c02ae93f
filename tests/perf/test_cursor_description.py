"""psycopg's cursor description built on demand (referral/database.py): the same columns,
for the statement they describe."""
import pytest


@pytest.mark.postgres
def test_a_description_read_later_describes_its_own_statement(app):
    """The on-demand description (referral/database.py) gives psycopg's columns, built from
    the result it was read with even when the cursor has run another statement since."""
    from referral.extensions import db
    with app.app_context():
        with db.engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()
            assert type(cursor).__name__ == "OnDemandDescriptionCursor"
            cursor.execute("SELECT 1 AS one, 'x'::text AS two")
            first = cursor.description
            cursor.execute("SELECT now() AS three")
            second = cursor.description
            assert [column.name for column in first] == ["one", "two"]
            assert [column.name for column in second] == ["three"]
            assert len(first) == 2 and first[1].type_code == 25  # text
            cursor.execute("CREATE TEMPORARY TABLE described (x int)")
            assert cursor.description is None
