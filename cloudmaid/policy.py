"""Policy: one policy's runtime (resources -> filters -> safety limits -> actions -> output).

This module is on the Lambda path: it imports no YAML, schema or CLI code. Loading files and
validating them live in loader.py and validate.py.
"""
import logging
import re
import time
import uuid

from botocore.exceptions import BotoCoreError, ClientError

from . import __version__
from .actions import core as actions_core
from .errors import PolicyError
from .filters import core as filters_core
from .modes import modes
from .output import PolicyOutput
from .resources.manager import ResourceManager

log = logging.getLogger("cloudmaid.policy")
# Custodian's variables; a format spec works as in str.format: {now:%Y-%m-%d}
_VARIABLE = re.compile(r"\{(account_id|account|region|partition|now)(?::([^{}]*))?\}")


def load_plugins(data=None):
    """Register every resource type, filter, action and mode; with a policy's ``data``, only
    what that policy needs (its resource type's and mode's modules plus the generic ones)."""
    from . import plugins
    if data is None:
        plugins.load_all()
    else:
        plugins.load_policy(data)


def interpolate(data, variables):
    """Replace ``{account_id}``, ``{region}``, ``{partition}``, ``{now}`` in every string."""
    if isinstance(data, str):
        if "{" not in data:
            return data
        return _VARIABLE.sub(lambda m: format(variables[m.group(1)], m.group(2) or ""), data)
    if isinstance(data, dict):
        return {k: interpolate(v, variables) for k, v in data.items()}
    if isinstance(data, list):
        return [interpolate(v, variables) for v in data]
    return data


def keep_mailer_subjects(raw, data):
    """notify subjects are templates the mailer fills in: kept as written (as Custodian)."""
    actions = data.get("actions") if isinstance(data, dict) else None
    for old, new in zip((raw.get("actions") or []) if actions else [], actions or []):
        if isinstance(old, dict) and isinstance(new, dict) and old.get("type") == "notify" \
                and "subject" in old:
            new["subject"] = old["subject"]
    return data


class LazyVariables(dict):
    """Variables whose values (the account id needs an STS call) are computed on first use."""

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx

    def __missing__(self, key):
        # ``{account}`` is left for the elements naming it (s3 logging: the account alias),
        # as Custodian leaves it
        value = {"account_id": lambda: self.ctx.account_id, "account": lambda: "{account}",
                 "region": lambda: self.ctx.region, "partition": lambda: self.ctx.partition,
                 # naive UTC, printed as Custodian prints it: 2026-11-27 03:20:20.530014
                 "now": lambda: self.ctx.now.replace(tzinfo=None)}[key]()
        self[key] = value
        return value


class MaxResourcesExceeded(Exception):
    pass


class ResourceFetchError(Exception):
    """Listing, fetching or filtering the resources (a detail, a related lookup) failed after
    botocore's retries (throttled, 5xx, AccessDenied): the policy failed; it never reads as
    "0 resources matched"."""


def window_conditions(data):
    """Custodian's older policy keys as conditions: ``region`` (run only there), ``start`` /
    ``end`` (a validity window). Custodian checks ``tz`` but compares naive dates as UTC; here a
    naive ``start``/``end`` is read in ``tz`` (default UTC)."""
    out = []
    if data.get("region"):
        out.append({"type": "value", "key": "region", "value": data["region"]})
    for key, op in (("start", "gte"), ("end", "lte")):
        if data.get(key):
            out.append({"type": "value", "key": "now", "op": op, "value_type": "date",
                        "value": localize(data[key], data.get("tz"))})
    return out


def localize(text, tz):
    """``text`` (a date string) as an ISO string in UTC, read in ``tz`` when it names no zone."""
    if not tz or not isinstance(text, str):
        return text
    from dateutil import parser, tz as tzutil
    zone = tzutil.gettz(tz)
    try:
        when = parser.parse(text)
    except (ValueError, OverflowError):
        return text   # validation reports it
    if when.tzinfo is None and zone is not None:
        when = when.replace(tzinfo=zone)
    return when.isoformat()


def aws_error(error, operation=False):
    """``Code: Message`` of a botocore error, on one line; ``Operation: `` first with
    ``operation``; ``(gave up after N attempts)`` when botocore's retries ran out."""
    if isinstance(error, ClientError):
        err = error.response.get("Error", {})
        meta = error.response.get("ResponseMetadata") or {}
        text = f"{err.get('Code')}: {err.get('Message')}"
        if operation and getattr(error, "operation_name", None):
            text = f"{error.operation_name}: {text}"
        if meta.get("MaxAttemptsReached") and meta.get("RetryAttempts"):
            text += f" (gave up after {meta['RetryAttempts'] + 1} attempts)"
        return text
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


class Policy:
    def __init__(self, data, ctx):
        load_plugins(data)
        self.raw = data
        self.ctx = ctx
        self.data = keep_mailer_subjects(data, interpolate(data, LazyVariables(ctx)))
        self.name = self.data["name"]
        self.resource_type = self.data["resource"]
        self.manager = ResourceManager.for_type(ctx, self.resource_type, self.data.get("query"),
                                                self.data.get("source"))
        self.manager.policy_name = self.name   # for actions that name the policy (snapshot)
        self.manager.policy_data = self.data   # notify sends the policy to the mailer
        mode_data = self.data.get("mode") or {"type": "pull"}
        mode_cls = modes.get(mode_data.get("type", "pull"))
        if mode_cls is None:
            raise PolicyError(f"unknown mode '{mode_data.get('type')}'", ("mode", "type"))
        self.mode = mode_cls(mode_data, self)
        self.filters = filters_core.parse(self.data.get("filters"), self.manager)
        self.actions = actions_core.parse(self.data.get("actions"), self.manager)
        self.conditions = filters_core.parse(
            list(self.data.get("conditions") or ()) + window_conditions(self.data), None,
            ("conditions",))

    @property
    def event_mode(self):
        return self.mode.event_mode

    def conditions_pass(self):
        if not self.conditions:
            return True
        env = {"name": self.name, "resource": self.resource_type, "region": self.ctx.region,
               "account_id": self.ctx.account_id, "provider": "aws", "now": self.ctx.now,
               "policy": self.raw}
        return bool(filters_core.apply(self.conditions, [env], now=self.ctx.now))

    def run(self, event=None, lambda_context=None):
        """Run once (poll mode, or one event in event mode); returns the metadata record."""
        if not self.conditions_pass():
            log.info("policy:%s skipped: conditions not met in %s", self.name, self.ctx.region)
            return None
        counter = self.ctx.counter
        before, retried = counter.snapshot(), counter.retries_snapshot()
        meta = {
            "policy": self.raw,
            "version": __version__,
            "execution": {"id": getattr(lambda_context, "aws_request_id", None) or str(uuid.uuid4()),
                          "start": time.time(), "mode": self.mode.type},
            "config": {"region": self.ctx.region, "account_id": self.ctx._account_id,
                       "dryrun": self.ctx.dryrun},
            "actions": [],
            "errors": [],
        }
        out = PolicyOutput(self.ctx.output_dir, self.name, self.ctx.session_factory)
        with out:
            t0 = time.time()
            # shallow copies: annotations (c7n:MatchedFilters, ...) stay with this policy while
            # the described resources are shared by the run's other policies
            try:
                candidates = [dict(r) for r in self.mode.resources(event)]
            except (ClientError, BotoCoreError) as e:
                self.fetch_failed(out, meta, before, retried, None,
                                  f"listing {self.resource_type} failed: {aws_error(e)}", e)
            # details (S3) are fetched stage by stage, for the resources still alive
            # what actions may report (notify): this execution and the event it runs on
            self.manager.execution, self.manager.event = meta["execution"], event
            try:
                matched = filters_core.apply(self.filters, candidates, event, self.manager,
                                             self.ctx.now)
            except (ClientError, BotoCoreError) as e:
                # a detail or related read that failed: unknown is not "did not match"
                self.fetch_failed(out, meta, before, retried, len(candidates),
                                  f"filtering {self.resource_type} failed: "
                                  f"{aws_error(e, operation=True)}", e)
            filters_core.annotate_matched(self.filters, matched, event, self.ctx.now)
            t1 = time.time()
            log.info("policy:%s resource:%s region:%s count:%d time:%.2f", self.name,
                     self.resource_type, self.ctx.region, len(matched), t1 - t0)
            meta["resources"] = {"candidates": len(candidates), "matched": len(matched)}
            out.write("resources.json", matched)
            try:
                self.check_limits(matched, candidates)
                if matched and self.ctx.dryrun:
                    # what the actions would do: the plan of a poll-mode policy
                    meta["planned"] = [{"action": a.type, "resources": len(matched)}
                                       for a in self.actions]
                elif matched:
                    self.apply_actions(matched, meta)
            except MaxResourcesExceeded as e:
                log.error("policy:%s %s", self.name, e)
                meta["errors"].append(str(e))
                meta["limit"] = str(e)
            meta["execution"]["end"] = time.time()
            meta["execution"]["duration"] = meta["execution"]["end"] - meta["execution"]["start"]
            meta["metrics"] = {"ResourceCount": len(matched), "ResourceTime": t1 - t0,
                               "ActionTime": time.time() - t1}
            meta["api-stats"] = counter.since(before)
            meta["api-retries"] = counter.retries_since(retried)
            meta["config"]["account_id"] = self.account_id()
            out.write("metadata.json", meta)
        meta["matched"] = matched
        return meta

    def fetch_failed(self, out, meta, before, retried, candidates, message, error):
        """Record a failed read in metadata.json (no resources.json) and fail the policy."""
        log.error("policy:%s %s", self.name, message)
        meta["errors"].append(message)
        meta["resources"] = {"candidates": candidates, "matched": None}
        meta["api-stats"] = self.ctx.counter.since(before)
        meta["api-retries"] = self.ctx.counter.retries_since(retried)
        out.write("metadata.json", meta)
        raise ResourceFetchError(message) from error

    def account_id(self):
        """The account id for metadata.json (one STS read when nothing has asked yet)."""
        try:
            return self.ctx.account_id
        except (ClientError, BotoCoreError):
            return None

    def check_limits(self, matched, candidates):
        limit = self.data.get("max-resources")
        percent = self.data.get("max-resources-percent")
        op = "or"
        if isinstance(limit, dict):
            percent = limit.get("percent", percent)
            op = limit.get("op", "or")
            limit = limit.get("amount")
        over = []
        if limit is not None:
            over.append(len(matched) > limit)
        if percent is not None and candidates:
            over.append(len(matched) * 100.0 / len(candidates) > percent)
        if over and (all(over) if op == "and" else any(over)):
            raise MaxResourcesExceeded(
                f"max-resources exceeded: {len(matched)} of {len(candidates)} resources matched "
                f"(max-resources: {self.data.get('max-resources')}, "
                f"max-resources-percent: {percent}); no action taken")

    def apply_actions(self, resources, meta):
        for action in self.actions:
            t = time.time()
            try:
                result = action.run(resources)
            except Exception as e:  # an action bug must not hide the others' results
                log.exception("policy:%s action:%s failed", self.name, action.type)
                result = {"action": action.type, "resources": len(resources), "succeeded": 0,
                          "failed": [{"id": None, "error": f"{type(e).__name__}: {e}"}]}
            result["duration"] = time.time() - t
            meta["actions"].append(result)
            for f in result["failed"]:
                log.error("policy:%s action:%s resource:%s error:%s", self.name, action.type,
                          f["id"], f["error"])
                meta["errors"].append(f"{action.type} {f['id']}: {f['error']}")
            if action.writes:
                self.manager.invalidate()
