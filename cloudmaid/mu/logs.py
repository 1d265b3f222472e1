"""``maid logs -p NAME POLICY.yml``: print the CloudWatch Logs events of a policy's function."""
import datetime
import sys

from botocore.exceptions import ClientError

from ..modes.core import function_name, is_event_mode


def _echo(message, err=False):
    print(message, file=sys.stderr if err else sys.stdout)


def log_group(spec):
    return f"/aws/lambda/{function_name(spec.data)}"


def format_event(e):
    ts = datetime.datetime.fromtimestamp(e["timestamp"] / 1000.0, datetime.timezone.utc)
    return f"{ts.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}Z {e['message'].rstrip()}"


def events(session_factory, group, start=None, end=None):
    """All events of the group's streams, interleaved in time order (filter_log_events pages)."""
    logs = session_factory.client("logs")
    params = {"logGroupName": group}
    if start is not None:
        params["startTime"] = int(start)
    if end is not None:
        params["endTime"] = int(end)
    for page in logs.get_paginator("filter_log_events").paginate(**params):
        yield from page.get("events") or ()


def logs(specs, ctx, name, echo=_echo, start=None):
    """Print the log events of policy ``name``'s function; exit code."""
    found = [s for s in specs if s.name == name]
    if not found:
        echo(f"no policy named '{name}' in the given files", err=True)
        return 1
    spec = found[0]
    if not is_event_mode(spec.data):
        echo(f"{spec.source.file}:{spec.line()}: policy '{name}' is not an event-mode policy: "
             "it has no function and no logs", err=True)
        return 1
    group = log_group(spec)
    try:
        found = _read(ctx, group, start)
        bundle = None if found else _bundle_group(specs, spec, ctx)
        if bundle is not None:
            # deployed in a bundle (mu/bundle.py): its lines among the other members'
            lines = _read(ctx, bundle, start)
            if lines is not None:
                group, found = bundle, [e for e in lines if _mentions(e, name)]
    except ClientError as e:
        err = e.response.get("Error", {})
        echo(f"reading {group} failed: {err.get('Code')}: {err.get('Message')}", err=True)
        return 1
    if found is None:
        echo(f"no logs for policy '{name}' in {ctx.region}: log group {group} does not exist "
             "(not deployed, or never invoked)", err=True)
        return 1
    for e in sorted(found, key=lambda e: (e["timestamp"], e.get("eventId", ""))):
        echo(format_event(e))
    return 0


def _read(ctx, group, start):
    """The group's events, or None when the log group does not exist."""
    try:
        return list(events(ctx.session_factory, group, start))
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return None
        raise


def _bundle_group(specs, spec, ctx):
    """The log group of the bundle ``spec`` would be deployed in with ``--bundle``, or None."""
    from ..errors import PolicyError
    from ..policy import Policy
    from .bundle import bundle_key, bundle_name
    try:
        keys = [bundle_key(Policy(s.data, ctx)) for s in specs if is_event_mode(s.data)]
        key = bundle_key(Policy(spec.data, ctx))
    except PolicyError:
        return None
    return f"/aws/lambda/{bundle_name(key)}" if key is not None and keys.count(key) > 1 else None


def _mentions(event, name):
    message = event.get("message") or ""
    return f'"policy": "{name}"' in message or f"policy:{name} " in message


def run_logs(specs, name, region=None, profile=None, assume_role=None, echo=_echo):
    """The ``maid logs`` command; exit code."""
    from ..context import Context
    from ..session import SessionFactory
    factory = SessionFactory(region=region, profile=profile, assume_role=assume_role)
    return logs(specs, Context(factory, region=factory.region), name, echo=echo)
