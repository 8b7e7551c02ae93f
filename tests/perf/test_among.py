"""``database.among``: the rows of ``IN (values)``, with one parameter on PostgreSQL, so a
page's follow-up reads do not render a parameter per case shown."""
from sqlalchemy import select

from referral.cases.models import Case
from referral.database import among
from referral.extensions import db
from tests.factories import create_case


def test_among_reads_the_rows_of_an_in_list(caseworker):
    cases = [create_case(caseworker) for _ in range(4)]
    db.session.commit()
    wanted = [cases[0].id, cases[2].id, cases[2].id]
    assert set(db.session.scalars(select(Case.id).where(among(Case.id, wanted)))) \
        == {cases[0].id, cases[2].id}
    assert db.session.scalars(select(Case.id).where(among(Case.id, []))).all() == []


def test_on_postgresql_a_page_of_ids_is_one_parameter(caseworker):
    dialect = db.session.get_bind().dialect
    ids = [create_case(caseworker).id for _ in range(3)]
    compiled = select(Case.id).where(among(Case.id, ids)).compile(dialect=dialect)
    if dialect.name == "postgresql":
        assert "= ANY (" in str(compiled) and len(compiled.params) == 1
    else:
        assert " IN (" in str(compiled)
