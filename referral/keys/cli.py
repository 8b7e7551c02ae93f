import click
from flask.cli import with_appcontext


def register(app):
    app.cli.add_command(keys)


@click.group("keys")
def keys():
    """Encryption and blind-index keys against this database."""


@keys.command("check")
@click.option("--read-every-column", is_flag=True,
              help="also open one value of every sealed column (a restore drill)")
@with_appcontext
def check_command(read_every_column):
    """Check the keys open their check values (exit 1 naming the key otherwise)."""
    from ..extensions import db
    from .service import KeyMismatch, check_keys, read_one_of_each
    try:
        for line in check_keys():
            click.echo(line)
    except KeyMismatch as exc:
        raise click.ClickException(str(exc))
    db.session.commit()
    if read_every_column:
        for line in read_one_of_each():
            click.echo(line)
