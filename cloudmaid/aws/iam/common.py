"""What the IAM filters and actions share: the entity each type names in IAM's calls, paged
list calls, "already gone" errors, and the value filter over a resource's sub-items (access
keys, attached policies, groups, MFA devices ...) that Cloud Custodian's IAM filters are."""
from botocore.exceptions import ClientError

from ...filters.base import Filter, now_of
from ...filters.value import VALUE_SCHEMA, ValueFilter

USER, ROLE, GROUP, POLICY, PROFILE = ("iam-user",), ("iam-role",), ("iam-group",), \
    ("iam-policy",), ("iam-profile",)
GONE = ("NoSuchEntity", "NoSuchEntityException")


def code(error):
    return error.response.get("Error", {}).get("Code") if isinstance(error, ClientError) else None


def ignore_gone(call, *args, **kwargs):
    """``call(...)``; None when the entity is already gone (NoSuchEntity)."""
    try:
        return call(*args, **kwargs)
    except ClientError as e:
        if code(e) not in GONE:
            raise
        return None


def listed(client, op, key, **params):
    """Every item of a paged IAM list call (``IsTruncated``/``Marker``)."""
    if client.can_paginate(op):
        return [i for page in client.get_paginator(op).paginate(**params)
                for i in page.get(key) or ()]
    return list(getattr(client, op)(**params).get(key) or ())


def policy_arn(manager, name):
    """A managed policy's ARN from its ARN or name (a customer-managed policy of the account),
    as Custodian reads ``arn``/``policy`` options."""
    if name.startswith("arn:"):
        return name
    ctx = manager.ctx
    return f"arn:{ctx.partition}:iam::{ctx.account_id}:policy/{name}"


def merge_annotation(resource, key, items):
    """Add ``items`` to the resource's ``key`` list, each once (Custodian's merge)."""
    found = resource.setdefault(key, [])
    for i in items:
        if i not in found:
            found.append(i)


def value_data(data, own=()):
    """The value filter inside an IAM filter: its data less the filter's own keys."""
    vf = {k: v for k, v in data.items() if k not in ("type", *own)}
    vf["type"] = "value"
    return vf


class BatchFilter(Filter):
    """A filter deciding on the batch with API calls; keeps the run's clock for its value
    filters."""
    predicate = False
    now = None

    def run(self, resources, event, now):
        self.now = now
        return self.process(resources, event)

    def clock(self):
        return self.now if self.now is not None else now_of(self.manager)

    def client(self):
        return self.manager.client("iam")


class ItemValueFilter(BatchFilter):
    """A value filter over a list of each resource's sub-items, fetched once per run and kept
    on the resource under ``annotation``; the items that matched are merged into
    ``matched_annotation``. A resource matches when one item does."""
    schema = dict(VALUE_SCHEMA)
    own = ()                     # keys of the filter that are not the value filter's
    annotation = None
    matched_annotation = None
    default_key = None           # the value filter's key when the policy gives none

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        vf = value_data(self.data, self.own)
        if self.default_key and "key" not in vf:
            vf["key"] = self.default_key
        self.vf = ValueFilter(vf, manager)

    def validate(self):
        from ...filters.valuecheck import value_problems   # validation only
        return value_problems(self.vf.data)

    def fetch(self, resource):
        """Set ``resource[self.annotation]``."""
        raise NotImplementedError

    def items(self, resource):
        return resource.get(self.annotation) or []

    def process(self, resources, event=None):
        self.manager.cached(resources, self.annotation, self.fetch)
        match = self.vf.matcher(self.clock(), event)
        out = []
        for r in resources:
            found = [i for i in self.items(r) if isinstance(i, dict) and match(i)]
            self.on_match(r, found)
            if found:
                out.append(r)
        return out

    def on_match(self, resource, found):
        if self.matched_annotation:
            merge_annotation(resource, self.matched_annotation, found)


class InlinePolicies(BatchFilter):
    """``has-inline-policy``: ``value`` true (default) matches entities with an inline policy,
    false those without; the names are kept in ``c7n:InlinePolicies``."""
    schema = {"value": {"type": "boolean"}}
    annotation = "c7n:InlinePolicies"
    op = param = key = None      # list_<kind>_policies, its parameter, the resource key

    def fetch(self, resource):
        found = ignore_gone(listed, self.client(), self.op, "PolicyNames",
                            **{self.param: resource[self.key]})
        resource[self.annotation] = found or []

    def process(self, resources, event=None):
        want = self.data.get("value", True)
        self.manager.cached(resources, self.annotation, self.fetch)
        return [r for r in resources if bool(r.get(self.annotation)) == bool(want)]

