"""Filters over a resource's embedded policy document: ``cross-account`` and ``has-statement``
(Cloud Custodian's names, keys and semantics). A service registers a subclass for its types,
naming where the document is: ``policy_key`` (a listed key or a detail of its row, fetched on
demand) or ``get_policy(resource)`` with ``fetch_policies(resources)`` for a batch read.

    @filters.register("cross-account", resources=("sqs",))
    class QueueCrossAccount(CrossAccountFilter):
        policy_key = "Policy"
"""
import json

from . import policydoc, valuefrom
from .base import Filter

_STRINGS = {"type": "array", "items": {"type": "string"}}
_FROM = valuefrom.SCHEMA
#: Custodian's default: statements conditioned on the caller's user id or name are fine
DEFAULT_CONDITIONS = ("aws:userid", "aws:username")


class PolicyFilter(Filter):
    """Where the document is; fetched for the batch before deciding."""
    predicate = False
    policy_key = "Policy"

    def fetch_policies(self, resources):
        """Make ``get_policy`` answer for ``resources``: details of the row are read once."""
        if self.manager is not None and self.policy_key in getattr(self.manager, "lazy_keys", ()):
            self.manager.ensure_details(resources, {self.policy_key})

    def get_policy(self, resource):
        return resource.get(self.policy_key)

    def process(self, resources, event=None):
        self.fetch_policies(resources)
        return [r for r in resources if self.decide(r, policydoc.load(self.get_policy(r)))]

    def decide(self, resource, policy):
        raise NotImplementedError

    def keys(self):
        return {self.policy_key}


class CrossAccountFilter(PolicyFilter):
    """Statements allowing principals outside the account and the allowed lists, with no
    condition restricting them back (filters/policydoc.py); matched statements are kept in
    ``CrossAccountViolations`` (``CrossAccountAllowlists`` with ``return_allowed``, which
    matches resources having statements that are fine instead)."""
    schema = {"actions": _STRINGS, "everyone_only": {"type": "boolean"},
              "return_allowed": {"type": "boolean"}, "whitelist_conditions": _STRINGS,
              "whitelist": _STRINGS, "whitelist_from": _FROM,
              "whitelist_orgids": _STRINGS, "whitelist_orgids_from": _FROM,
              "whitelist_org_units": _STRINGS, "whitelist_org_units_from": _FROM,
              "whitelist_vpce": _STRINGS, "whitelist_vpce_from": _FROM,
              "whitelist_vpc": _STRINGS, "whitelist_vpc_from": _FROM,
              "whitelist_patterns": _STRINGS, "whitelist_patterns_from": _FROM}
    annotation = "CrossAccountViolations"
    allowlist = "CrossAccountAllowlists"
    #: the rules; a service with its own condition keys (KMS) subclasses policydoc.Checker
    checker_class = policydoc.Checker

    def validate(self):
        out = []
        for i, path in enumerate(self.data.get("whitelist_org_units") or ()):
            problem = org_unit_problem(path)
            if problem:
                out.append((("whitelist_org_units", i), problem))
        return out

    def allowed(self, key):
        """The ``key`` list and the values its ``key_from`` reads."""
        found = set(self.data.get(key) or ())
        if f"{key}_from" in self.data:
            found |= set(valuefrom.values(self.data[f"{key}_from"], self.manager))
        return found

    def own_account(self):
        ctx = getattr(self.manager, "ctx", None)
        return ctx.account_id if ctx is not None else None

    def checker(self):
        accounts = self.allowed("whitelist") | {self.own_account()} - {None}
        return self.checker_class(
            accounts=accounts, vpcs=self.allowed("whitelist_vpc"),
            vpces=self.allowed("whitelist_vpce"), orgids=self.allowed("whitelist_orgids"),
            org_units=self.allowed("whitelist_org_units"), actions=self.data.get("actions") or (),
            everyone_only=bool(self.data.get("everyone_only")),
            conditions=self.data.get("whitelist_conditions", DEFAULT_CONDITIONS),
            patterns=sorted(self.allowed("whitelist_patterns")))

    def process(self, resources, event=None):
        self._checker = self.checker()
        return super().process(resources, event)

    def decide(self, resource, policy):
        if policy is None:
            return False
        if self.data.get("return_allowed"):
            found = self._checker.allowed(policy)
            key = self.allowlist
        else:
            found = self._checker.violations(policy)
            key = self.annotation
        if found:
            resource[key] = found
        return bool(found)


def org_unit_problem(path):
    if "*" in path or "?" in path:
        return f"whitelist_org_units entries must not contain wildcards: {path!r}"
    segments = path.strip("/").split("/")
    if len(segments) < 2 or not segments[0].startswith("o-"):
        return ("whitelist_org_units entries must be full paths starting with the org id "
                f"(o-abc/r-xyz/ou-target): {path!r}")
    return None


# -- has-statement ---------------------------------------------------------------------------
PARTIAL = ("Action", "NotAction", "Principal", "NotPrincipal", "Resource", "NotResource",
           "Condition")
_ANY = {"anyOf": [{"type": "string"}, {"type": "array"}]}
STATEMENT = {"type": "object", "required": ["Effect"], "properties": {
    "Sid": {"type": "string"}, "Effect": {"enum": ["Allow", "Deny"]},
    "Principal": {"anyOf": [{"type": "string"}, {"type": "object"}, {"type": "array"}]},
    "NotPrincipal": {"anyOf": [{"type": "object"}, {"type": "array"}]},
    "Action": _ANY, "NotAction": _ANY, "Resource": _ANY, "NotResource": _ANY,
    "Condition": {"type": "object"},
    "PartialMatch": {"anyOf": [{"enum": list(PARTIAL)},
                               {"type": "array", "items": {"enum": list(PARTIAL)}}]}}}


class HasStatementFilter(PolicyFilter):
    """Resources whose policy has every statement id of ``statement_ids`` and, for each of
    ``statements``, a statement equal to it (lists compared as sets, Action case-insensitively,
    Condition keys case-insensitively); the elements named in its ``PartialMatch`` need only be
    contained in the resource's. ``{account_id}``, ``{region}`` and the other standard
    placeholders in the statements are filled in first."""
    schema = {"statement_ids": _STRINGS, "statements": {"type": "array", "items": STATEMENT}}

    def decide(self, resource, policy):
        if policy is None:
            return False
        have = policydoc.statements(policy)
        sids = {s.get("Sid") for s in have}
        if not set(self.data.get("statement_ids") or ()) <= sids:
            return False
        wanted = fill(self.data.get("statements") or [], self.format_args(resource))
        return all(any(statement_matches(w, s) for s in have) for w in wanted)

    def format_args(self, resource):
        ctx = getattr(self.manager, "ctx", None)
        args = {"account_id": getattr(ctx, "account_id", ""), "region": getattr(ctx, "region", ""),
                "partition": getattr(ctx, "partition", "aws")}
        rtype = getattr(self.manager, "rtype", None)
        if rtype is not None and ctx is not None:
            args["resource_arn"] = rtype.arn_for(resource, ctx.region, ctx.account_id,
                                                 ctx.partition) or ""
            args["resource_id"] = resource.get(rtype.id, "")
        return args


def fill(data, args):
    """``str.format`` of every string in ``data`` with ``args`` (unknown fields kept)."""
    if isinstance(data, str):
        try:
            return data.format(**args)
        except (KeyError, IndexError, ValueError):
            return data
    if isinstance(data, list):
        return [fill(d, args) for d in data]
    if isinstance(data, dict):
        return {k: fill(v, args) for k, v in data.items()}
    return data


def _lower_keys(value):
    if isinstance(value, dict):
        return {k.lower(): _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


def _canonical(key, value):
    """A comparable form: Condition keys lower-cased, Actions lower-cased, lists as sets."""
    if key == "Condition":
        value = _lower_keys(value)
    if key in ("Action", "NotAction"):
        value = [a.lower() for a in policydoc.as_list(value)]
    return _frozen(value)


def _frozen(value):
    if isinstance(value, dict):
        return frozenset((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return frozenset(_frozen(v) for v in value)
    if isinstance(value, str):
        return frozenset([value])
    return json.dumps(value, sort_keys=True)


def _contains(have, want):
    """Is ``want`` (canonical) inside ``have``: subset for sets, per key for mappings."""
    if have == want:
        return True
    have_map = _as_map(have)
    want_map = _as_map(want)
    if have_map is not None and want_map is not None:
        return all(k in have_map and _contains(have_map[k], v) for k, v in want_map.items())
    if isinstance(have, frozenset) and isinstance(want, frozenset):
        return want <= have
    return False


def _as_map(value):
    if isinstance(value, frozenset) and value and all(
            isinstance(i, tuple) and len(i) == 2 for i in value):
        return dict(value)
    return None


def statement_matches(wanted, statement):
    partial = policydoc.as_list(wanted.get("PartialMatch"))
    for key, value in wanted.items():
        if key == "PartialMatch":
            continue
        if key not in statement:
            return False
        have, want = _canonical(key, statement[key]), _canonical(key, value)
        if key in partial:
            if not _contains(have, want):
                return False
        elif have != want:
            return False
    return True
