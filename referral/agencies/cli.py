import click
from flask.cli import with_appcontext


def register(app):
    app.cli.add_command(agencies)


@click.group("agencies")
def agencies():
    """Work across agencies."""


@agencies.command("reindex")
@click.option("--batch", default=500, show_default=True, help="Cases per transaction.")
@with_appcontext
def reindex_command(batch):
    """Write the match keys of every case again (after loading older cases, rotating the
    search key, or correcting names): earlier referrals are found by these keys only."""
    from sqlalchemy import select

    from ..boundary import unit_of_work
    from ..cases.models import Case
    from ..extensions import db
    from .service import index_case
    done, last = 0, None
    while True:
        with unit_of_work():
            query = select(Case).order_by(Case.id).limit(batch)
            if last is not None:
                query = query.where(Case.id > last)
            cases = db.session.scalars(query).all()
            for case in cases:
                index_case(case)
        if not cases:
            break
        done += len(cases)
        last = cases[-1].id
    click.echo(f"Match keys written for {done} case(s).")
