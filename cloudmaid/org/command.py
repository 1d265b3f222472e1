"""``maid org run`` / ``report`` / ``forward`` / ``gc``: c7n-org's options over the engine.

```
maid org run -c accounts.yml -s OUT POLICY.yml [-a NAME|ID ...] [-t TAG ...] [-r REGION|all ...]
             [-p GLOB] [-l POLICY_TAG] [--dryrun] [--plan] [--workers N]
maid org report -c accounts.yml -s OUT POLICY.yml [same selection] [--format table|csv|json]
maid org forward -c accounts.yml POLICY.yml [-a/-t/-r ...] [--central ACCOUNT] [--organization O-ID] [--plan]
maid org gc -c accounts.yml POLICY.yml [-a/-t/-r ...] [--central ACCOUNT] [--prefix P] [--plan]
```
"""
import fnmatch
import sys
import time

import click

from . import DEFAULT_WORKERS


def _fail(lines):
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


def load_policies(files, patterns=(), policy_tags=()):
    """Policy specs of ``files`` (file-level problems exit 1), selected by ``-p`` globs and
    ``-l`` tags (all of them, as c7n-org). Policies are validated per account, vars expanded."""
    from ..loader import LoadError, load as load_file
    from ..validate import read_policies
    from .accounts import comma_expand
    specs, problems = [], []
    for path in files:
        try:
            found, file_problems = read_policies(load_file(path))
        except LoadError as e:
            problems.append(str(e))
            continue
        specs += found
        problems += file_problems
    if problems:
        _fail(problems)
    patterns, policy_tags = comma_expand(patterns), comma_expand(policy_tags)
    picked = [s for s in specs
              if (not patterns or any(fnmatch.fnmatch(str(s.name), p) for p in patterns))
              and all(t in (s.data.get("tags") or ()) for t in policy_tags
                      if isinstance(s.data, dict))]
    if not picked:
        _fail([f"no policy matches {', '.join(patterns + policy_tags)}"
               if patterns or policy_tags else "no policies"])
    return picked


def load_accounts(config, names, tags, not_names, regions):
    from ..regions import problems as region_problems
    from .accounts import AccountsError, comma_expand, load, select
    bad = region_problems(comma_expand(regions))
    if bad:
        _fail(bad)
    try:
        return select(load(config), names, tags, not_names)
    except AccountsError as e:
        _fail(e.lines)


def selection(f):
    for option in reversed([
            click.option("-c", "--config", required=True, type=click.Path(),
                         help="Accounts file (c7n-org's: accounts with account_id, name, role, "
                              "regions, tags, external_id, vars)."),
            click.option("-u", "--use", "used", multiple=True, type=click.Path(),
                         help="Policy file (c7n-org's option; same as the FILES argument)."),
            click.option("-a", "--accounts", "names", multiple=True,
                         help="Only these accounts (name or id; repeat or comma-separate)."),
            click.option("--not-accounts", "not_names", multiple=True,
                         help="Leave these accounts out (name or id)."),
            click.option("-t", "--tags", multiple=True,
                         help="Only accounts with all these tags (key:value or bare)."),
            click.option("-r", "--region", "regions", multiple=True,
                         help="Region(s); 'all' for every enabled region; default: each "
                              "account's regions, else us-east-1 and us-west-2."),
            click.option("-p", "--policies", "patterns", multiple=True,
                         help="Only policies whose name matches (glob)."),
            click.option("-l", "--policytags", "policy_tags", multiple=True,
                         help="Only policies with all these tags."),
            click.argument("files", nargs=-1, type=click.Path())]):
        f = option(f)
    return f


@click.group("org")
def org():
    """Run policies over many accounts and regions (c7n-org's accounts file and layout)."""


@org.command("run")
@selection
@click.option("-s", "--output-dir", default=None,
              help="Output folder or s3://bucket/prefix: OUT/<account>/<region>/<policy>/.")
@click.option("--dryrun", is_flag=True, help="Match and report, never call a write API.")
@click.option("--plan", is_flag=True, help="Change nothing: print deploy plans, dry-run the rest.")
@click.option("--workers", type=click.IntRange(1, 64), default=DEFAULT_WORKERS, show_default=True,
              help="Account x region tasks run at once.")
@click.option("--profile", help="AWS profile the roles are assumed from.")
@click.option("--retry-mode", type=click.Choice(["standard", "adaptive"]), default=None)
@click.option("--max-attempts", type=int, default=None, help="API attempts per call, retries included.")
@click.option("--share-rules", is_flag=True, help="Deploy: identical patterns share EventBridge rules.")
@click.option("--bundle", is_flag=True, help="Deploy: identical patterns and settings share one function.")
def run_command(config, used, names, not_names, tags, regions, patterns, policy_tags, files,
                output_dir, dryrun, plan, workers, profile, retry_mode, max_attempts, share_rules,
                bundle):
    """Run policies in every selected account x region."""
    from ..progress import Progress
    from .accounts import check_accounts, comma_expand
    from .runner import OrgOptions, run_org
    if not output_dir and not plan:
        raise click.UsageError("Missing option '-s' / '--output-dir' (only --plan runs without it).")
    if not files + used:
        raise click.UsageError("Give a policy file (FILES or -u).")
    specs = load_policies(files + used, patterns, policy_tags)
    accounts = load_accounts(config, names, tags, not_names, regions)
    problems = check_accounts(accounts, specs)
    if problems:
        _fail(problems)
    options = OrgOptions(output_dir=output_dir, regions=comma_expand(regions), dryrun=dryrun,
                         plan=plan, workers=workers, profile=profile, retry_mode=retry_mode,
                         max_attempts=max_attempts, share_rules=share_rules, bundle=bundle)
    started = time.time()
    with Progress(total=steps(accounts, specs, options.regions), label="maid org run") as progress:
        summary = run_org(accounts, specs, options, echo=progress.echo(click.echo),
                          progress=progress)
    click.echo(f"maid org: {summary.accounts} account(s), {summary.tasks} account-region(s), "
               f"{len(summary.failed)} failed, {sum(summary.api_calls.values())} API calls, "
               f"{time.time() - started:.1f}s", err=True)
    for line in summary.failed:
        click.echo(f"failed: {line}", err=True)
    sys.exit(summary.code)


def steps(accounts, specs, requested):
    """Lines the run will print (one per policy per account x region), None with ``all``."""
    from ..runner import is_global
    from .accounts import regions_for
    n_global = sum(1 for s in specs if is_global(s))
    total = 0
    for account in accounts:
        regions = regions_for(account, requested)
        if "all" in regions:
            return None
        total += len(regions) * (len(specs) - n_global) + n_global
    return total


@org.command("report")
@selection
@click.option("-s", "--output-dir", required=True, help="Output folder or s3://bucket/prefix of the run.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option("--field", "fields", multiple=True, metavar="HEADER=EXPR",
              help="Extra column: tag:Key or a JMESPath expression.")
@click.option("--no-default-fields", is_flag=True, help="Only Account, Region, Policy and --field.")
def report_command(config, used, names, not_names, tags, regions, patterns, policy_tags, files,
                   output_dir, fmt, fields, no_default_fields):
    """Print what the last org run matched; exit 1 when an account or region failed or never ran."""
    from ..report import ReportError
    from .accounts import comma_expand
    from .report import report
    if not files + used:
        raise click.UsageError("Give a policy file (FILES or -u).")
    specs = load_policies(files + used, patterns, policy_tags)
    accounts = load_accounts(config, names, tags, not_names, regions)
    try:
        text, problems = report(accounts, specs, output_dir, fmt, fields, not no_default_fields,
                                comma_expand(regions))
    except ReportError as e:
        _fail([str(e)])
    click.echo(text, nl=False)
    if fmt != "table":   # the table lists them itself; csv and json stay data
        for line in problems:
            click.echo(line, err=True)
    sys.exit(1 if problems else 0)


def _central_options(f):
    for option in reversed([
            click.option("--central", default=None, metavar="ACCOUNT",
                         help="The central account (id or name) of member-role policies whose "
                              "mode.role is a bare name; default: the account of mode.role's ARN."),
            click.option("--plan", is_flag=True, help="Change nothing: print the plan."),
            click.option("--workers", type=click.IntRange(1, 64), default=DEFAULT_WORKERS,
                         show_default=True, help="Accounts handled at once."),
            click.option("--profile", help="AWS profile the roles are assumed from.")]):
        f = option(f)
    return f


def _all_accounts(config):
    from .accounts import load
    return load(config)   # already checked by load_accounts


@org.command("forward")
@selection
@_central_options
@click.option("--organization", default=None, metavar="O-ID",
              help="Let every account of this AWS organization put events on the central bus "
                   "(one statement) instead of one statement per member account.")
def forward_command(config, used, names, not_names, tags, regions, patterns, policy_tags, files,
                    central, plan, workers, profile, organization):
    """Forward member accounts' events to the central account of member-role policies:
    the central bus's permission, and in each member account a forwarding rule per policy
    (and the role EventBridge forwards with). Deploy the policies themselves in the central
    account with maid run."""
    from .accounts import comma_expand
    from .central import forward_setup
    from .creds import Hub
    if not files + used:
        raise click.UsageError("Give a policy file (FILES or -u).")
    if organization is not None and not organization.startswith("o-"):
        raise click.UsageError(f"--organization {organization}: an organization id starts with 'o-'")
    specs = load_policies(files + used, patterns, policy_tags)
    selected = load_accounts(config, names, tags, not_names, regions)
    code = forward_setup(_all_accounts(config), selected, specs, central=central,
                         organization=organization, regions=comma_expand(regions), plan_only=plan,
                         echo=click.echo, hub=Hub(profile=profile), workers=workers)
    sys.exit(code)


@org.command("gc")
@selection
@_central_options
@click.option("--prefix", default=None, help="Only functions and rules whose name starts with this.")
def gc_command(config, used, names, not_names, tags, regions, patterns, policy_tags, files,
               central, plan, workers, profile, prefix):
    """Remove, in every selected account x region, what policies no longer in the files left
    deployed: functions, rules, forwarding rules, the forwarding role, bus statements."""
    from ..validate import check
    from .accounts import comma_expand
    from .central import org_gc
    from .creds import Hub
    if not files + used:
        raise click.UsageError("Give the policy files whose policies stay (FILES or -u).")
    if patterns or policy_tags:
        raise click.UsageError("gc keeps the policies of the files: -p/-l would remove the others")
    specs = load_policies(files + used)
    problems = check(specs)
    if problems:
        _fail(problems)
    selected = load_accounts(config, names, tags, not_names, regions)
    code = org_gc(_all_accounts(config), selected, specs, central=central,
                  regions=comma_expand(regions), prefix=prefix, plan_only=plan, echo=click.echo,
                  hub=Hub(profile=profile), workers=workers)
    sys.exit(code)
