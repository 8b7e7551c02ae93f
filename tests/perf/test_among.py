"""``database.among_parameter``: the rows of ``IN (values)`` for a statement built once, the
values one array parameter on PostgreSQL, so a page's follow-up reads do not render a
parameter per case shown."""
from sqlalchemy import select

from referral.cases.models import Case
from referral.database import among_parameter
from referral.extensions import db
from tests.factories import create_case


def _ids_among():
    dialect = db.session.get_bind().dialect.name
    return select(Case.id).where(among_parameter(Case.id, "ids", dialect))


def test_among_reads_the_rows_of_an_in_list(caseworker):
    cases = [create_case(caseworker) for _ in range(4)]
    db.session.commit()
    wanted = [cases[0].id, cases[2].id, cases[2].id]
    statement = _ids_among()
    assert set(db.session.scalars(statement, {"ids": wanted})) == {cases[0].id, cases[2].id}
    assert db.session.scalars(statement, {"ids": []}).all() == []


def test_on_postgresql_a_page_of_ids_is_one_parameter(caseworker):
    dialect = db.session.get_bind().dialect
    compiled = _ids_among().compile(dialect=dialect)
    if dialect.name == "postgresql":
        assert "= ANY (" in str(compiled) and len(compiled.params) == 1
    else:
        assert " IN (" in str(compiled)
