"""Run a set of validated policies from the CLI: poll mode per region, event mode deploy or
local event runs. Returns the exit code."""
import dataclasses
import os
from dataclasses import dataclass, field

from .context import Context
from .errors import PolicyError
from .policy import Policy
from .session import SessionFactory


@dataclass
class RunOptions:
    output_dir: str = None
    regions: list = field(default_factory=list)
    profile: str = None
    assume_role: str = None
    dryrun: bool = False
    plan: bool = False
    event_file: str = None
    retry_mode: str = None
    max_attempts: int = None
    account_id: str = None


def resolve_regions(options, factory):
    regions = options.regions or [factory.region]
    if "all" in regions:
        ec2 = factory.client("ec2")
        regions = sorted(r["RegionName"] for r in ec2.describe_regions()["Regions"])
    return regions


def run_policies(specs, options, echo=print):
    factory = SessionFactory(region=(options.regions or [None])[0] if "all" not in options.regions else None,
                             profile=options.profile, assume_role=options.assume_role,
                             retry_mode=options.retry_mode, max_attempts=options.max_attempts)
    poll = [s for s in specs if (s.data.get("mode") or {}).get("type", "pull") == "pull"]
    event = [s for s in specs if s not in poll]
    regions = resolve_regions(options, factory)
    code = 0
    account_id = options.account_id
    for region in regions:
        out = options.output_dir
        if len(regions) > 1 and out and not out.startswith("s3://"):
            out = os.path.join(out, region)
        ctx = Context(factory.for_region(region), region=region, account_id=account_id,
                      dryrun=options.dryrun, output_dir=out)
        if options.event_file:
            from .mu import local
            code |= local.run_event_file(specs, ctx, options.event_file, echo)
            continue
        for spec in poll:
            code |= run_one(spec, ctx, echo)
        if event and options.dryrun and not options.plan:
            # as Cloud Custodian: a dry run deploys nothing and runs event-mode policies once
            # in pull mode, so their matches can be checked safely
            for spec in event:
                code |= run_one(dataclasses.replace(spec, data=as_pull(spec.data)), ctx, echo)
        elif event:
            from .mu import deploy
            code |= deploy.deploy(event, ctx, plan_only=options.plan, echo=echo)
        account_id = ctx._account_id or account_id
    return code


def as_pull(data):
    """An event-mode policy as a pull-mode one; ``event`` filters, which need an event, go."""
    out = dict(data, mode={"type": "pull"})
    out["filters"] = [f for f in data.get("filters") or ()
                      if not (isinstance(f, dict) and f.get("type") == "event")]
    return out


def run_one(spec, ctx, echo):
    try:
        policy = Policy(spec.data, ctx)
        meta = policy.run()
    except PolicyError as e:
        echo(f"{spec.source.file}:{spec.line(*e.path)}: policy '{spec.name}': {e.message}", err=True)
        return 1
    if meta is None:
        return 0
    n = len(meta["matched"])
    failed = sum(len(a["failed"]) for a in meta["actions"])
    echo(f"{spec.name}: {n} {spec.data['resource']} resource(s) matched in {ctx.region}"
         + (f", {failed} action failure(s)" if failed else ""))
    return 1 if meta["errors"] else 0
