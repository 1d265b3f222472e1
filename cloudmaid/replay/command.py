"""``maid replay``: backtest event-mode policies on an account's CloudTrail history or on files
of events; always a dry run.

Reads: cloudtrail:LookupEvents (history only), sts:GetCallerIdentity (unless --account-id),
ec2:DescribeRegions (``-r all``), and the read calls the policies' own resources and filters
make; never a write.
"""
import datetime
import re
import sys

import click

from ..events import schedule

_DURATION = re.compile(r"^(\d+)\s*(m|min|h|d|w)$")
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
DEFAULT_SINCE = "24h"


def duration(text):
    m = _DURATION.match(text.strip()) if isinstance(text, str) else None
    if not m or not int(m.group(1)):
        raise click.BadParameter(f"'{text}' is not a duration such as 30m, 24h, 7d or 2w",
                                 param_hint="--since")
    return datetime.timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})


def instant(text, option):
    try:
        return schedule.as_utc(text)
    except ValueError:
        raise click.BadParameter(f"'{text}' is not a date or time (e.g. 2026-11-30 or "
                                 f"2026-11-30T08:00:00Z)", param_hint=option) from None


def window(since, start, end, now, default=None):
    """``(start, end)`` as aware UTC datetimes, or None when none was asked for (and no
    default applies)."""
    if since and start:
        raise click.UsageError("--since and --start name the same thing: give one of them")
    since = since or (None if start or end else default)
    if not (since or start or end):
        return None
    end_at = instant(end, "--end") if end else now
    if start:
        start_at = instant(start, "--start")
    else:          # --since, or --end alone: that long before the end
        start_at = end_at - duration(since or default or DEFAULT_SINCE)
    if end_at <= start_at:
        raise click.UsageError("the end of the window must be after its start")
    return start_at, end_at


def in_window(event, span):
    text = event.get("time") if isinstance(event, dict) else None
    try:
        when = schedule.as_utc(text)
    except (AttributeError, TypeError, ValueError):
        return False
    return span[0] <= when <= span[1]


def replay(specs, output_dir, regions, span, from_paths, factory, account_id, echo):
    """Run the replay; returns the exit code (1: input that cannot be read, a policy that
    failed or could not use a delivered event)."""
    from . import evaluate, files, lookup, report
    from_files = bool(from_paths)
    replayer = evaluate.Replayer(specs, factory, account_id, regions=regions if from_files else None)
    if from_files:
        try:
            events, read = files.read(from_paths)
        except files.FileError as e:
            echo(str(e), err=True)
            return 1
        if span:
            events = [e for e in events if in_window(e, span)]
        region_list = list(regions) or sorted({e.get("region") for e in events if e.get("region")}) \
            or [factory.region]
        origin = f"{len(read)} file(s)"
    else:
        region_list, read = resolve(regions, factory), []
        origin = f"CloudTrail event history, {iso(span[0])} to {iso(span[1])}"
    for region in region_list:
        replayer.targets(region)
    if replayer.problems:
        for line in replayer.problems:
            echo(line, err=True)
        return 1
    if not from_files:
        try:
            events = history(replayer, region_list, span)
        except lookup.HistoryError as e:
            echo(str(e), err=True)
            return 1
    replayer.replay(events)
    for line in report.lines(replayer, origin, history=not from_files):
        echo(line)
    doc = report.document(replayer, origin,
                          {"start": iso(span[0]), "end": iso(span[1])} if span else None,
                          region_list, read, factory.counter.snapshot())
    echo(f"wrote {report.write(output_dir, doc)}")
    failed = [r for r in replayer.results if r["status"] in ("failed", "invalid", "error")]
    return 1 if failed else 0


def history(replayer, regions, span):
    """The events of the CloudTrail history the replayable policies' rules could match."""
    from . import evaluate, lookup
    events = []
    for region in regions:
        patterns = [p for p in replayer.patterns(region) if evaluate.is_cloudtrail(p)]
        if not patterns:
            continue     # nothing here runs on CloudTrail events: no call at all
        client = lookup.client(replayer.factory, region)
        events.extend(lookup.fetch(client, span[0], span[1], evaluate.event_names(patterns)))
    return events


def resolve(regions, factory):
    if "all" in regions:
        ec2 = factory.client("ec2")
        return sorted(r["RegionName"] for r in ec2.describe_regions()["Regions"])
    return list(regions) or [factory.region]


def iso(when):
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


@click.command("replay")
@click.argument("policy_files", nargs=-1, required=True, type=click.Path())
@click.option("-s", "--output-dir", required=True, help="Folder for replay.json.")
@click.option("-p", "--policies", "patterns", multiple=True, help="Only policies whose name matches (glob).")
@click.option("-r", "--region", "regions", multiple=True,
              help="Region(s) whose history to read ('all' for every region); with --from, "
                   "only events of these regions.")
@click.option("--since", default=None, help="History of the last 30m, 24h, 7d, ... (default 24h).")
@click.option("--start", default=None, help="Start of the window (ISO date or time, UTC unless given).")
@click.option("--end", default=None, help="End of the window (default: now).")
@click.option("--from", "from_paths", multiple=True, type=click.Path(),
              help="CloudTrail log files (.json.gz or .json), LookupEvents answers or files of "
                   "EventBridge events, or folders of them, instead of the account's history.")
@click.option("--profile", help="AWS profile.")
@click.option("--assume", "assume_role", help="Role ARN to assume.")
@click.option("--account-id", default=None, help="Account id (skips the STS lookup).")
def replay_command(policy_files, output_dir, patterns, regions, since, start, end, from_paths,
                   profile, assume_role, account_id):
    """Backtest event-mode policies on CloudTrail history: which events each policy's rule
    would deliver and what it would do on each now (always a dry run)."""
    from ..cli import _check_regions, _load
    from ..session import SessionFactory
    if output_dir.startswith("s3://"):
        raise click.UsageError("-s: replay writes replay.json to a local folder")
    if from_paths and "all" in regions:
        raise click.UsageError("-r all reads every region's history; with --from, name the regions")
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    span = window(since, start, end, now, default=None if from_paths else DEFAULT_SINCE)
    if span and not from_paths:
        from . import lookup
        problem = lookup.window_problem(span[0], span[1], now)
        if problem:
            raise click.UsageError(problem)
    specs = _load(policy_files, patterns)
    _check_regions([r for r in regions if r != "all"])
    named = [r for r in regions if r != "all"]
    factory = SessionFactory(region=named[0] if named else None, profile=profile,
                             assume_role=assume_role)
    sys.exit(replay(specs, output_dir, list(regions), span, from_paths, factory, account_id,
                    echo=click.echo))
