"""What each event-mode policy would do, now, on each event of a history: always a dry run.

Delivery is the mode's own decision (``mode.delivery``: the deployed rule's pattern), the one
the deployed handler and ``maid run --event`` make; a delivered event then goes through the
handler's per-event code path (``handler.process``) in a Context that is a dry run, so the
event's resources are fetched now by the mode's get-by-ids and filtered, and the actions are
planned, never taken. Resources the event named that are gone now are not waited for (the
mode's ``delay`` is for eventual consistency just after the call, not for history).
"""
from dataclasses import dataclass

from ..context import Context
from ..errors import PolicyError
from ..events import records
from ..modes.core import RuleMode, is_event_mode, mode_type
from ..mu import handler
from ..mu.local import LocalLambdaContext
from ..policy import Policy

#: the words of the detail-types CloudTrail delivers ("AWS API Call via CloudTrail", ...)
VIA_CLOUDTRAIL = "via CloudTrail"


def deployed_pattern(mode):
    """The event pattern of the EventBridge rule the mode deploys, or None (a schedule, an
    AWS Config rule, ...)."""
    if not isinstance(mode, RuleMode):
        return None
    return mode.rule().get("pattern")


def is_cloudtrail(pat):
    """Whether a rule with this pattern receives CloudTrail events (so the event history has
    its events)."""
    kinds = pat.get("detail-type") or ()
    detail = pat.get("detail") if isinstance(pat.get("detail"), dict) else {}
    return any(isinstance(k, str) and VIA_CLOUDTRAIL in k for k in kinds) or "eventSource" in detail


def not_replayable(spec, policy):
    """Why a policy has nothing to replay, or None."""
    if not is_event_mode(spec.data):
        return "pull mode: it runs from the CLI, not on events"
    mode = policy.mode
    if deployed_pattern(mode) is not None:
        return None
    schedule = mode.data.get("schedule")
    if schedule:
        return f"{mode.type} mode runs on its schedule ({schedule}), not on events"
    return f"{mode.type} mode is not invoked through an EventBridge event pattern"


def event_names(patterns):
    """The CloudTrail event names the patterns can match, or None when one of them does not
    list its names as plain strings (then every write event must be read)."""
    names = set()
    for pat in patterns:
        detail = pat.get("detail") if isinstance(pat.get("detail"), dict) else {}
        wanted = detail.get("eventName")
        if not isinstance(wanted, list) or not all(isinstance(n, str) for n in wanted):
            return None
        names.update(wanted)
    return names


class _KeepMeta:
    """Stands in for ``policy.run`` and keeps the metadata record of its last run: the dry
    run's plan (``planned``) is there, the handler's summary does not carry it."""

    def __init__(self, policy):
        self.run, self.meta = policy.run, None
        policy.run = self

    def __call__(self, *args, **kwargs):
        self.meta = self.run(*args, **kwargs)
        return self.meta


@dataclass
class Target:
    """One policy in one region."""
    spec: object
    policy: Policy
    kept: _KeepMeta


@dataclass
class Verdict:
    """A policy's standing in the replay."""
    name: str
    mode: str
    resource: str
    reason: str = None          # not replayable: why
    cloudtrail: bool = False
    delivered: int = 0
    matched: int = 0

    def as_json(self):
        out = {"policy": self.name, "mode": self.mode, "resource": self.resource,
               "replayable": self.reason is None, "cloudtrail": self.cloudtrail,
               "delivered": self.delivered, "matched": self.matched}
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass
class Counts:
    events: int = 0
    delivered: int = 0           # events delivered to at least one policy
    not_on_bus: int = 0          # read-only calls: no ENABLED rule receives them
    other_account: int = 0
    other_region: int = 0


class Replayer:
    """Evaluates events against policy specs, region by region, as dry runs."""

    def __init__(self, specs, factory, account_id=None, regions=None):
        self.specs = specs
        self.factory = factory
        self.regions = set(regions) if regions else None
        self._account_id = account_id
        self._targets = {}
        self.problems = []       # policies that could not be built: one line each
        self.verdicts = {}
        self.counts = Counts()
        self.results = []

    @property
    def account_id(self):
        if self._account_id is None:
            self._account_id = Context(self.factory).account_id     # one STS read
        return self._account_id

    def context(self, region):
        return Context(self.factory.for_region(region), region=region,
                       account_id=self.account_id, dryrun=True, output_dir=None)

    def targets(self, region):
        """The replayable policies in ``region``, built once."""
        if region not in self._targets:
            ctx = self.context(region)
            out = []
            for spec in self.specs:
                try:
                    policy = Policy(spec.data, ctx)
                except PolicyError as e:
                    line = f"{spec.source.file}:{spec.line(*e.path)}: policy '{spec.name}': {e.message}"
                    if line not in self.problems:
                        self.problems.append(line)
                    continue
                verdict = self.verdicts.get(spec.name)
                if verdict is None:
                    verdict = self.verdicts[spec.name] = self.verdict(spec, policy)
                if verdict.reason:
                    continue
                if getattr(policy.mode, "uses_ids", True):
                    # history: a resource gone now will not appear by waiting
                    policy.mode.data = dict(policy.mode.data, delay=0)
                out.append(Target(spec, policy, _KeepMeta(policy)))
            self._targets[region] = out
        return self._targets[region]

    @staticmethod
    def verdict(spec, policy):
        reason = not_replayable(spec, policy)
        pat = None if reason else deployed_pattern(policy.mode)
        return Verdict(spec.name, mode_type(spec.data), spec.data.get("resource"), reason,
                       cloudtrail=bool(pat and is_cloudtrail(pat)))

    def patterns(self, region):
        return [deployed_pattern(t.policy.mode) for t in self.targets(region)]

    # -- per event ----------------------------------------------------------------------------
    def skip(self, event):
        """Why no deployed function would receive the event at all, or None."""
        region = event.get("region")
        if self.regions is not None and region not in self.regions:
            self.counts.other_region += 1
            return "another region"
        account = event.get("account")
        if account and account != self.account_id:
            self.counts.other_account += 1
            return "another account"
        reason = records.not_on_the_bus(event)
        if reason:
            self.counts.not_on_bus += 1
            return reason
        return None

    def replay(self, events):
        """Evaluate every event (oldest first); returns the results of the delivered ones."""
        for event in sorted(events, key=lambda e: str(e.get("time") or "")):
            self.counts.events += 1
            if not isinstance(event, dict) or self.skip(event):
                continue
            delivered = False
            for target in self.targets(event.get("region") or self.factory.region):
                ok, why = target.policy.mode.delivery(event)
                if not ok:
                    continue
                delivered = True
                result = self.run(target, event, why)
                self.results.append(result)
                verdict = self.verdicts[target.spec.name]
                verdict.delivered += 1
                verdict.matched += len(result["matched"])
            self.counts.delivered += delivered
        return self.results

    def run(self, target, event, why):
        policy = target.policy
        target.kept.meta = None
        context = LocalLambdaContext(policy.mode.function_name, policy.ctx.region,
                                     self.account_id, policy.ctx.partition)
        try:
            record = handler.process(policy, event, context)
        except Exception as e:    # the function would fail on this event
            record = {"status": "failed", "reason": f"{type(e).__name__}: {e}"}
        meta = target.kept.meta or {}
        ids = record.get("ids") or []
        candidates = record.get("candidates")
        out = {"time": event.get("time"), "region": policy.ctx.region,
               "event": records.label(event), "event_id": event.get("id"),
               "detail_type": event.get("detail-type"), "policy": policy.name,
               "mode": policy.mode.type, "delivery": why, "status": record["status"],
               "ids": ids, "matched": list(record.get("matched") or ()),
               "gone": max(0, len(ids) - candidates) if isinstance(candidates, int) else 0,
               "would": list(meta.get("planned") or ()), "errors": list(record.get("errors") or ()),
               "api_calls": record.get("api_calls") or {}}
        if record.get("reason"):
            out["reason"] = record["reason"]
        if meta.get("limit"):
            out["limit"] = meta["limit"]
        return out
