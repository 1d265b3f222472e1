"""The ``maid`` command line: parse arguments, call the library, print. No logic here."""
import fnmatch
import logging
import sys

import click

from . import __version__


def _fail(lines):
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


def _select(specs, patterns):
    if not patterns:
        return specs
    return [s for s in specs if any(fnmatch.fnmatch(s.name or "", p) for p in patterns)]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output.")
def main(verbose):
    """cloudmaid: policy-as-code rules engine for AWS."""
    logging.basicConfig(level=logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s: %(name)s:%(levelname)s %(message)s")
    for noisy in ("botocore", "boto3", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@main.command()
def version():
    """Print the version."""
    click.echo(__version__)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
def validate(files):
    """Check policy files; one line per problem, exit 1 when any."""
    from .validate import load_and_check
    specs, problems = load_and_check(files)
    if problems:
        _fail(problems)
    click.echo(f"{len(specs)} policies valid in {len(files)} file(s)")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("-s", "--output-dir", required=True, help="Output folder or s3://bucket/prefix.")
@click.option("-p", "--policies", "patterns", multiple=True, help="Only policies whose name matches (glob).")
@click.option("-r", "--region", "regions", multiple=True, help="Region(s) to run in; 'all' for every region.")
@click.option("--profile", help="AWS profile.")
@click.option("--assume", "assume_role", help="Role ARN to assume.")
@click.option("--dryrun", is_flag=True, help="Match and report, never call a write API.")
@click.option("--plan", is_flag=True, help="Event-mode policies: print the deploy plan, change nothing.")
@click.option("--event", "event_file", type=click.Path(exists=True), help="Run event-mode policies locally on this event.")
@click.option("--retry-mode", type=click.Choice(["standard", "adaptive"]), default=None)
@click.option("--max-attempts", type=int, default=None, help="API attempts per call, retries included.")
@click.option("--account-id", default=None, help="Account id (skips the STS lookup).")
def run(files, output_dir, patterns, regions, profile, assume_role, dryrun, plan, event_file,
        retry_mode, max_attempts, account_id):
    """Run poll-mode policies; deploy (or --plan, or --event run) event-mode ones."""
    from .runner import RunOptions, run_policies
    from .validate import load_and_check
    specs, problems = load_and_check(files)
    if problems:
        _fail(problems)
    specs = _select(specs, patterns)
    if not specs:
        _fail([f"no policy matches {', '.join(patterns)}"])
    options = RunOptions(output_dir=output_dir, regions=list(regions), profile=profile,
                         assume_role=assume_role, dryrun=dryrun, plan=plan, event_file=event_file,
                         retry_mode=retry_mode, max_attempts=max_attempts, account_id=account_id)
    sys.exit(run_policies(specs, options, echo=click.echo))
