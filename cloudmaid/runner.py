"""Run a set of validated policies from the CLI: poll mode per region, event mode deploy or
local event runs. Returns the exit code.

Nothing changes unless asked: ``--dryrun`` and ``--plan`` run every policy as a dry run (its
actions are reported as what they would do) and ``--plan`` deploys nothing. Policies on global
resource types (s3, ...) run in one region of the run, as Cloud Custodian does, so they list
and act once per account.
"""
import dataclasses
import logging
import os
from dataclasses import dataclass, field

from .context import Context
from .errors import PolicyError
from .modes.core import is_event_mode
from .policy import Policy, ResourceFetchError
from .resources import catalog
from .session import SessionFactory
from .summary import poll_line


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
    share_rules: bool = False      # deploy: policies with identical patterns share rules
    bundle: bool = False           # deploy: ... or one function (mu/sharing.py, mu/bundle.py)

    @property
    def dry(self):
        """No write API call may be made: --dryrun, --plan (with or without --event)."""
        return self.dryrun or self.plan


def resolve_regions(options, factory):
    regions = options.regions or [factory.region]
    if "all" in regions:
        ec2 = factory.client("ec2")
        regions = sorted(r["RegionName"] for r in ec2.describe_regions()["Regions"])
    return regions


def global_region(requested):
    """The one region global resource types run in: the first region named, else us-east-1
    (Cloud Custodian's rule)."""
    named = [r for r in requested or () if r != "all"]
    return named[0] if named else "us-east-1"


def is_global(spec):
    row = catalog.get(spec.data.get("resource"))
    return bool(row and row.global_resource)


def run_policies(specs, options, echo=print):
    factory = SessionFactory(region=(options.regions or [None])[0] if "all" not in options.regions else None,
                             profile=options.profile, assume_role=options.assume_role,
                             retry_mode=options.retry_mode, max_attempts=options.max_attempts)
    regions = resolve_regions(options, factory)
    home = global_region(options.regions or [factory.region])
    if home not in regions:
        home = regions[0]
    code = 0
    account_id = options.account_id
    for region in regions:
        here = [s for s in specs if not is_global(s) or region == home]
        if not here:
            continue
        out = options.output_dir
        if len(regions) > 1 and out and not out.startswith("s3://"):
            out = os.path.join(out, region)
        ctx = Context(factory.for_region(region), region=region, account_id=account_id,
                      dryrun=options.dry, output_dir=out)
        code |= run_region(here, ctx, options, echo)
        account_id = ctx._account_id or account_id
    return code


def run_region(specs, ctx, options, echo):
    """Run ``specs`` in one account and region (``ctx``): poll-mode policies now, event-mode
    ones deployed (or, in a dry run, once in pull mode), or ``--event`` run locally."""
    if options.event_file:
        from .mu import local
        return local.run_event_file(specs, ctx, options.event_file, echo)
    code = 0
    poll = [s for s in specs if not is_event_mode(s.data)]
    event = [s for s in specs if is_event_mode(s.data)]
    for spec in poll:
        code |= run_one(spec, ctx, echo)
    if event and options.dryrun and not options.plan:
        # as Cloud Custodian: a dry run deploys nothing and runs event-mode policies once
        # in pull mode, so their matches can be checked safely
        for spec in event:
            code |= run_one(dataclasses.replace(spec, data=as_pull(spec.data)), ctx, echo)
    elif event:
        from .mu import deploy
        code |= deploy.deploy(event, ctx, plan_only=options.plan, echo=echo,
                              share_rules=options.share_rules, bundle=options.bundle)
    return code


def as_pull(data):
    """An event-mode policy as a pull-mode one; ``event`` filters, which need an event, go."""
    out = dict(data, mode={"type": "pull"})
    out["filters"] = [f for f in data.get("filters") or ()
                      if not (isinstance(f, dict) and f.get("type") == "event")]
    return out


def run_one(spec, ctx, echo):
    """Run one poll-mode policy; one summary line; exit code 1 when it failed."""
    try:
        policy = Policy(spec.data, ctx)
        meta = policy.run()
    except PolicyError as e:
        echo(f"{spec.source.file}:{spec.line(*e.path)}: policy '{spec.name}': {e.message}", err=True)
        return 1
    except ResourceFetchError as e:
        echo(f"{spec.name}: failed in {ctx.region}: {e}", err=True)
        return 1
    except Exception as e:  # one policy's bug or a malformed answer must not stop the others
        logging.getLogger("cloudmaid.runner").debug("policy %s failed", spec.name, exc_info=True)
        text = (str(e).strip().splitlines() or [""])[0]
        echo(f"{spec.name}: failed in {ctx.region}: {type(e).__name__}: {text}", err=True)
        return 1
    if meta is None:
        echo(f"{spec.name}: skipped in {ctx.region}: conditions not met")
        return 0
    echo(poll_line(spec.name, spec.data["resource"], ctx.region, meta))
    return 1 if meta["errors"] else 0
