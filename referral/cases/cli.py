import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..boundary import unit_of_work
from ..extensions import db
from .models import Person


def register(app):
    app.cli.add_command(reindex_names_command)


@click.command("reindex-names")
@click.option("--batch", default=500, show_default=True)
@with_appcontext
def reindex_names_command(batch):
    """Build the name-token blind indexes of every person (after the migration that adds
    them, or a blind-index key change): search by part of a name finds them then."""
    done, last = 0, None
    while True:
        with unit_of_work():
            query = select(Person).order_by(Person.id).limit(batch)
            if last is not None:
                query = query.where(Person.id > last)
            people = db.session.scalars(query).all()
            for person in people:
                person.index_names(force=True)
        if not people:
            break
        done += len(people)
        last = people[-1].id
        db.session.expunge_all()
    click.echo(f"Indexed the names of {done} people.")
