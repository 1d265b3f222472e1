"""A security group against its recorded past: Cloud Custodian's ``diff`` filter and ``patch``
action.

``diff`` reads the group's AWS Config history (GetResourceConfigHistory) and picks a revision:
``selector: previous`` (the default) the latest recorded item, ``date`` the item recorded at or
before ``selector_value``. A group matches when its rules or tags differ from that revision;
the revision is kept in ``c7n:previous-revision`` (date, version_id, events, resource) and the
change in ``c7n:diff``: ``{"tags": {added, removed, updated}, "ingress"/"egress": {added,
removed}}``. Rules are compared by ports, protocol and the sorted CIDRs, prefix lists and
groups they name (descriptions are not compared), as Custodian does.

``patch`` puts the group back as that revision recorded it: it revokes the rules added since,
authorizes the rules removed since and restores the tags. It needs a ``diff`` filter in the
policy.
"""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters.core import Filter, filters
from ...filters.valuetypes import parse_date
from ...resources import config_source
from . import config as _config  # noqa: F401 -- Config items -> describe shape, in the zip too
from .usage import policy_filters

SG = ("security-group",)
PREVIOUS = "c7n:previous-revision"
DIFF = "c7n:diff"
#: rule attribute -> the key naming each of its entries
RULE_ATTRS = (("PrefixListIds", "PrefixListId"), ("UserIdGroupPairs", "GroupId"),
              ("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6"))


def rule_key(rule):
    key = [rule.get("FromPort") or 0, rule.get("ToPort") or 0, rule.get("IpProtocol") or "-1"]
    for attr, name in RULE_ATTRS:
        key.append(tuple(sorted(str(e.get(name)) for e in rule.get(attr) or ())))
    return tuple(key)


def rule_delta(key, source, target):
    before = {rule_key(r): r for r in source.get(key) or ()}
    after = {rule_key(r): r for r in target.get(key) or ()}
    delta = {"removed": [before[k] for k in sorted(set(before) - set(after), key=str)],
             "added": [after[k] for k in sorted(set(after) - set(before), key=str)]}
    return {k: v for k, v in delta.items() if v}


def tag_delta(source, target):
    before = {t["Key"]: t.get("Value") for t in source.get("Tags") or ()}
    after = {t["Key"]: t.get("Value") for t in target.get("Tags") or ()}
    delta = {"added": {k: after[k] for k in after if k not in before},
             "removed": {k: before[k] for k in before if k not in after},
             "updated": {k: after[k] for k in after if k in before and before[k] != after[k]}}
    return {k: v for k, v in delta.items() if v}


def diff(source, target):
    """What changed from ``source`` to ``target`` (two versions of one group); None if nothing."""
    delta = {"tags": tag_delta(source, target),
             "ingress": rule_delta("IpPermissions", source, target),
             "egress": rule_delta("IpPermissionsEgress", source, target)}
    return {k: v for k, v in delta.items() if v} or None


@filters.register("diff", resources=SG)
class Diff(Filter):
    """Groups changed since a recorded AWS Config revision."""
    predicate = False
    schema = {"selector": {"enum": ["previous", "date", "locked"]},
              "selector_value": {"type": "string"}}
    permissions = ("config:GetResourceConfigHistory",)

    def validate(self):
        selector = self.data.get("selector", "previous")
        if selector == "date":
            if "selector_value" not in self.data:
                return [(("selector_value",), "selector 'date' needs a selector_value")]
            if parse_date(self.data["selector_value"]) is None:
                return [(("selector_value",), f"not a date: {self.data['selector_value']!r}")]
        elif selector == "locked":
            return [(("selector",), "selector 'locked' needs a 'locked' filter before it, "
                                    "which security-group does not have")]
        elif "selector_value" in self.data:
            return [(("selector_value",), "selector_value goes with selector 'date'")]
        return []

    def history_params(self, resource):
        params = {"resourceType": self.manager.rtype.config_type,
                  "resourceId": self.manager.resource_id(resource), "limit": 2}
        if self.data.get("selector") == "date":
            params.update(laterTime=parse_date(self.data["selector_value"]), limit=3)
        return params

    def revision(self, client, resource):
        """The selected revision, or None when Config has not recorded the group."""
        try:
            items = client.get_resource_config_history(
                **self.history_params(resource)).get("configurationItems") or ()
        except ClientError as e:
            if e.response["Error"]["Code"] == "ResourceNotDiscoveredException":
                return None
            raise
        for item in items:
            recorded = config_source.load_resource(self.manager.rtype, item)
            if recorded is None:   # recorded as deleted
                return None
            return {"date": item.get("configurationItemCaptureTime"),
                    "version_id": item.get("configurationStateId"),
                    "events": item.get("relatedEvents") or [], "resource": recorded}
        return None

    def process(self, resources, event=None):
        client = self.manager.client("config")
        out = []
        for r in resources:
            r[PREVIOUS] = rev = self.revision(client, r)
            delta = diff(rev["resource"], r) if rev else None
            if delta:
                r[DIFF] = delta
                out.append(r)
        return out

    def keys(self):
        return None


def reverse_calls(group, previous):
    """``[(method, kwargs)]`` that put ``group`` back as ``previous`` recorded it (pure)."""
    back = diff(group, previous) or {}
    gid = group["GroupId"]
    calls = []
    tags = back.get("tags") or {}
    if tags.get("removed"):
        calls.append(("delete_tags", {"Resources": [gid],
                                      "Tags": [{"Key": k} for k in tags["removed"]]}))
    put = {**tags.get("added", {}), **tags.get("updated", {})}
    if put:
        calls.append(("create_tags", {"Resources": [gid],
                                      "Tags": [{"Key": k, "Value": v} for k, v in put.items()]}))
    for direction in ("ingress", "egress"):
        rules = back.get(direction) or {}
        for change, verb in (("removed", "revoke"), ("added", "authorize")):
            if rules.get(change):
                calls.append((f"{verb}_security_group_{direction}",
                              {"GroupId": gid, "IpPermissions": rules[change]}))
    return calls


@actions.register("patch", resources=SG)
class Patch(Action):
    """Undo the changes a ``diff`` filter found: back to the recorded revision."""
    permissions = ("ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
                   "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
                   "ec2:CreateTags", "ec2:DeleteTags")

    def validate(self):
        names = policy_filters(self.manager)
        if names is not None and "diff" not in names:
            return [((), "patch needs a diff filter in the policy (the revision to go back to)")]
        return []

    def process(self, resources):
        client = self.manager.client()

        def apply(group):
            for method, params in reverse_calls(group, group[PREVIOUS]["resource"]):
                getattr(client, method)(**params)
        # a group the diff filter found no revision for has nothing to go back to
        self.each([r for r in resources if r.get(PREVIOUS)], apply)
