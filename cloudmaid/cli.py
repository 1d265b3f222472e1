"""The ``maid`` command line: parse arguments, call the library, print. No logic here.

Exit codes: 0 ok; 1 invalid input or a policy/action failed; 2 usage error (click's).
Unexpected errors print one line (``-v`` shows the traceback), never a bare traceback.
"""
import fnmatch
import json
import logging
import os
import sys
import traceback

import click

from . import __version__


class MaidGroup(click.Group):
    """Turns any unexpected exception into one line and exit code 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # output piped into head/less that stopped reading: nothing to report
            sys.stderr.close()
            os._exit(0)
        except Exception as e:
            verbose = (ctx.params or {}).get("verbose", 0)
            if verbose:
                traceback.print_exc()
            text = (str(e).strip().splitlines() or [""])[0]
            name = type(e).__name__
            click.echo(f"error: {name}: {text}" if text else f"error: {name}", err=True)
            if not verbose:
                click.echo("(run with -v for details)", err=True)
            sys.exit(1)


def _fail(lines):
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


def _select(specs, patterns):
    if not patterns:
        return specs
    return [s for s in specs if any(fnmatch.fnmatch(s.name or "", p) for p in patterns)]


def _check_regions(names):
    """Region names are checked against botocore's data before any API call."""
    from .regions import problems
    if problems(names):
        _fail(problems(names))


def _load(files, patterns=()):
    """Validated, selected policy specs; exits 1 on any problem."""
    from .validate import load_and_check
    specs, problems = load_and_check(files)
    if problems:
        _fail(problems)
    selected = _select(specs, patterns)
    if not selected:
        _fail([f"no policy matches {', '.join(patterns)}" if patterns else "no policies"])
    return selected


@click.group(cls=MaidGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="maid", message="%(version)s")
@click.option("-v", "--verbose", count=True, help="More log output (-vv: debug).")
def main(verbose):
    """cloudmaid: policy-as-code rules engine for AWS."""
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s: %(name)s:%(levelname)s %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)   # the console; each policy's run.log takes INFO regardless
    logging.getLogger("cloudmaid").setLevel(min(level, logging.INFO))
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
@click.option("-s", "--output-dir", default=None,
              help="Output folder or s3://bucket/prefix (required unless --plan).")
@click.option("-p", "--policies", "patterns", multiple=True, help="Only policies whose name matches (glob).")
@click.option("-r", "--region", "regions", multiple=True, help="Region(s) to run in; 'all' for every region.")
@click.option("--profile", help="AWS profile.")
@click.option("--assume", "assume_role", help="Role ARN to assume.")
@click.option("--dryrun", is_flag=True, help="Match and report, never call a write API.")
@click.option("--plan", is_flag=True, help="Change nothing: print the deploy plan of event-mode "
              "policies and what poll-mode ones would do (a dry run).")
@click.option("--event", "event_file", type=click.Path(exists=True),
              help="Run locally the event-mode policies this event would be delivered to.")
@click.option("--retry-mode", type=click.Choice(["standard", "adaptive"]), default=None)
@click.option("--max-attempts", type=int, default=None, help="API attempts per call, retries included.")
@click.option("--account-id", default=None, help="Account id (skips the STS lookup).")
@click.option("--share-rules", is_flag=True, help="Deploy: policies whose event patterns are "
              "identical share EventBridge rules (5 functions per rule).")
@click.option("--bundle", is_flag=True, help="Deploy: policies whose event patterns and function "
              "settings are identical are served by one function and one rule.")
def run(files, output_dir, patterns, regions, profile, assume_role, dryrun, plan, event_file,
        retry_mode, max_attempts, account_id, share_rules, bundle):
    """Run poll-mode policies; deploy (or --plan, or --event run) event-mode ones."""
    from .progress import Progress
    from .runner import RunOptions, run_policies
    if not output_dir and not plan:
        raise click.UsageError("Missing option '-s' / '--output-dir' (only --plan runs without it).")
    specs = _load(files, patterns)
    _check_regions(regions)
    options = RunOptions(output_dir=output_dir, regions=list(regions), profile=profile,
                         assume_role=assume_role, dryrun=dryrun, plan=plan, event_file=event_file,
                         retry_mode=retry_mode, max_attempts=max_attempts, account_id=account_id,
                         share_rules=share_rules, bundle=bundle)
    total = None if "all" in regions else len(specs) * max(1, len(regions))
    with Progress(total=total, label="maid run") as progress:
        code = run_policies(specs, options, echo=progress.echo(click.echo))
    sys.exit(code)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("-s", "--output-dir", required=True, help="Output folder or s3://bucket/prefix of the run.")
@click.option("-p", "--policies", "patterns", multiple=True, help="Only policies whose name matches (glob).")
@click.option("-r", "--region", default=None, help="Region sub-folder of a multi-region run.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option("--field", "fields", multiple=True, metavar="HEADER=EXPR",
              help="Extra column: tag:Key or a JMESPath expression.")
@click.option("--no-default-fields", is_flag=True, help="Only the --field columns.")
def report(files, output_dir, patterns, region, fmt, fields, no_default_fields):
    """Print what the last run matched (OUT/<policy>/resources.json)."""
    from .report import ReportError
    from .report import report as make_report
    specs = _load(files, patterns)
    try:
        text = make_report([(s.name, s.data["resource"]) for s in specs], output_dir, fmt,
                           fields, not no_default_fields, region)
    except ReportError as e:
        _fail([str(e)])
    click.echo(text, nl=False)


@main.command()
@click.argument("selector", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON Schema (for editors).")
def schema(selector, as_json):
    """The policy vocabulary: resources, their filters and actions, modes.

    SELECTOR is RESOURCE, RESOURCE.filters, RESOURCE.actions, RESOURCE.filters.NAME,
    RESOURCE.actions.NAME, mode or mode.NAME.
    """
    from . import schema as schema_mod
    try:
        if as_json:
            click.echo(json.dumps(schema_mod.json_schema(selector), indent=2))
        else:
            click.echo(schema_mod.vocabulary(selector), nl=False)
    except schema_mod.SchemaLookupError as e:
        _fail([str(e)])


@main.command("gc")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("-r", "--region", "regions", multiple=True, help="Region(s) to clean (default: the session's).")
@click.option("--profile", help="AWS profile.")
@click.option("--assume", "assume_role", help="Role ARN to assume.")
@click.option("--prefix", default=None, help="Only functions and rules whose name starts with this.")
@click.option("--plan", is_flag=True, help="Print what would be removed, change nothing.")
def gc_command(files, regions, profile, assume_role, prefix, plan):
    """Remove deployed functions and rules whose policy is no longer in FILES."""
    from .mu.gc import run_gc
    _check_regions(regions)
    sys.exit(run_gc(_load(files), regions, profile, assume_role, prefix, plan, echo=click.echo))


@main.command("logs")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("-p", "--policy", "name", required=True, help="The policy whose function's logs to print.")
@click.option("-r", "--region", default=None, help="Region the function runs in.")
@click.option("--profile", help="AWS profile.")
@click.option("--assume", "assume_role", help="Role ARN to assume.")
def logs_command(files, name, region, profile, assume_role):
    """Print the CloudWatch Logs events of an event-mode policy's function."""
    from .mu.logs import run_logs
    _check_regions([region] if region else [])
    sys.exit(run_logs(_load(files), name, region, profile, assume_role, echo=click.echo))


@main.group("sandbox", invoke_without_command=True)
@click.option("--port", type=int, default=0, help="Port on 127.0.0.1 (default: a free one).")
@click.option("--fleet", "with_fleet", is_flag=True, help="Seed the demo fleet.")
@click.pass_context
def sandbox_command(ctx, port, with_fleet):
    """Run the embedded local AWS (moto) until Ctrl-C; print the environment to export.
    Every client's calls are recorded as CloudTrail and delivered to the functions deployed
    in it."""
    if ctx.invoked_subcommand is not None:
        return
    from .sandbox.server import SandboxError, serve
    try:
        sys.exit(serve(port, with_fleet, echo=click.echo))
    except SandboxError as e:
        _fail([str(e)])


@sandbox_command.command("fire")
@click.argument("rule")
@click.option("--endpoint", envvar="AWS_ENDPOINT_URL", required=True,
              help="The sandbox's endpoint (default: $AWS_ENDPOINT_URL).")
def sandbox_fire(rule, endpoint):
    """Fire a scheduled rule, Scheduler schedule or periodic Config rule of a running sandbox
    now; wait for its functions and print how each ran."""
    from .sandbox.lab import fire_remote
    ok, lines = fire_remote(endpoint, rule)
    for line in lines:
        click.echo(line, err=not ok)
    sys.exit(0 if ok else 1)


@main.command("demo")
@click.option("-s", "--output-dir", default=None, help="Keep the poll-mode run output here.")
def demo_command(output_dir):
    """The seed's three policies end to end (poll, deploy, events) on the embedded local AWS."""
    from .sandbox import demo
    sys.exit(demo.run(echo=click.echo, output_dir=output_dir))


from .replay.command import replay_command  # noqa: E402  (the command lives with its library)
main.add_command(replay_command)

from .org.command import org  # noqa: E402  (the group lives with its library)
main.add_command(org)

from .iam.command import iam_command  # noqa: E402  (the command lives with its library)
main.add_command(iam_command)
