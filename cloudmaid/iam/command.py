"""``maid iam POLICY.yml``: the least-privilege IAM policy document of each policy's
function (or of the CLI running a poll-mode policy)."""
import json
import sys

import click


@click.command("iam")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("-p", "--policy", "patterns", multiple=True,
              help="Only policies whose name matches (glob; repeatable).")
@click.option("--account", default=None,
              help="Account id filling {account_id} in the policies (default 123456789012).")
@click.option("--merge", is_flag=True, help="One document: the union of every policy's.")
def iam_command(files, patterns, account, merge):
    """Print the least-privilege IAM policy document each policy needs."""
    from ..cli import _load
    from ..errors import PolicyError
    from ..policy import interpolate
    from ..validate import SAMPLE_VARIABLES
    from .derive import document, permissions
    if account is not None and not (account.isdigit() and len(account) == 12):
        click.echo(f"--account: '{account}' is not a 12-digit account id", err=True)
        sys.exit(1)
    variables = dict(SAMPLE_VARIABLES, **({"account_id": account, "account": account}
                                          if account else {}))
    found, problems = {}, []
    for spec in _load(files, patterns):
        try:
            found[spec.name] = permissions(interpolate(spec.data, variables))
        except PolicyError as e:
            problems.append(f"{spec.source.file}:{spec.line(*e.path)}: {spec.label}: "
                            f"{e.message}")
    if problems:
        for line in problems:
            click.echo(line, err=True)
        sys.exit(1)
    if merge:
        out = document(a for actions in found.values() for a in actions)
    else:
        out = {name: document(actions) for name, actions in found.items()}
        if len(out) == 1:
            out = next(iter(out.values()))
    click.echo(json.dumps(out, indent=2))
