import click
from flask.cli import with_appcontext


def register(app):
    app.cli.add_command(audit)
    app.cli.add_command(crypto)


@click.group("audit")
def audit():
    """The audit trail."""


@audit.command("verify")
@click.option("--checkpoints", type=click.Path(exists=True),
              help="Checkpoints to hold the chain against: a directory of checkpoint files "
                   "or a file of JSON lines (copies from the store). Default: the configured "
                   "AUDIT_CHECKPOINT_STORE.")
@with_appcontext
def verify_command(checkpoints):
    """Link pending entries, then check the keyed chain and every signed checkpoint: an
    edited, deleted, reordered or re-chained entry, a truncated trail or a removed tail is
    reported (exit 1)."""
    from ..boundary import unit_of_work
    from .chain import read_checkpoints, verify_chain
    with unit_of_work():
        problems = verify_chain(checkpoints=read_checkpoints(checkpoints)
                                if checkpoints else None)
    if problems:
        for problem in problems[:100]:
            click.echo(problem, err=True)
        raise click.ClickException(f"the audit trail is NOT intact: {len(problems)} problem(s)")
    click.echo("The audit trail is intact.")


@audit.command("chain")
@with_appcontext
def chain_command():
    """Link the audit entries not yet in the chain (the worker does this every
    AUDIT_CHAIN_SECONDS)."""
    from ..boundary import unit_of_work
    from .chain import chain_pending
    with unit_of_work():
        count = chain_pending()
    click.echo(f"Linked {count} audit entries.")


@audit.command("checkpoint")
@with_appcontext
def checkpoint_command():
    """Write a signed checkpoint of the chain head now (the worker does this every
    AUDIT_CHECKPOINT_SECONDS)."""
    from ..boundary import unit_of_work
    from .chain import checkpoint_store, write_checkpoint
    with unit_of_work():
        written = write_checkpoint()
    if written is None:
        click.echo("The chain head has not moved since the last checkpoint.")
    else:
        click.echo(f"Checkpoint of seq {written['seq']} written to "
                   f"{checkpoint_store().describe()}.")


@click.group("crypto")
def crypto():
    """Encryption at rest."""


@crypto.command("rotate")
@click.option("--batch", default=500, show_default=True,
              help="Rows re-sealed per transaction; stop at any time and run again.")
@click.option("--check", is_flag=True,
              help="Change nothing: list values still under an older key (exit 1 if any), "
                   "before that key leaves ENCRYPTION_KEYS.")
@with_appcontext
def rotate_command(batch, check):
    """Re-seal every sealed value (identity, narrative, notes, plans, drafts ...) under the
    first key of ENCRYPTION_KEYS, in batches, resumable."""
    from ..boundary import unit_of_work
    from ..crypto import keyring, rotate, sealed_models, stale_counts
    from ..extensions import db
    models = sealed_models(db.Model.registry)
    if check:
        with unit_of_work():
            stale = stale_counts(db.session, models)
        for name, count in sorted(stale.items()):
            click.echo(f"{name}: {count} value(s) under an older key", err=True)
        if stale:
            raise click.ClickException("run `flask --app referral crypto rotate` first")
        click.echo(f"Every sealed value is under the current key {keyring().current!r}.")
        return
    counts = {}
    while True:  # one transaction per batch: safe to stop and run again
        with unit_of_work():
            done = rotate(db.session, models, batch=batch, once=True)
        if not done:
            break
        for name, count in done.items():
            counts[name] = counts.get(name, 0) + count
    for name, count in sorted(counts.items()):
        click.echo(f"{name}: {count}")
    click.echo(f"Re-sealed {sum(counts.values())} value(s) under the current key "
               f"{keyring().current!r}.")
