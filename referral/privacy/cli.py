import click
from flask.cli import with_appcontext


def register(app):
    app.cli.add_command(retention)


@click.group("retention")
def retention():
    """Retention and erasure (DP-5)."""


@retention.command("run")
@with_appcontext
def run_command():
    """Erase closed cases past their retention date, report those a legal hold keeps, and
    drop drafts of forms older than a week."""
    from ..drafts.service import purge_old_drafts
    from ..extensions import db
    from ..submissions.service import purge_old
    from .service import run_retention
    result = run_retention()
    drafts = purge_old_drafts()
    purge_old()
    db.session.commit()
    click.echo(f"Erased {len(result['erased'])} case(s): {', '.join(result['erased']) or '-'}")
    for reference, reasons in result["held"]:
        click.echo(f"Kept {reference} under legal hold: {'; '.join(reasons)}")
    click.echo(f"Dropped {drafts} draft(s) older than a week.")
