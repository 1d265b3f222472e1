"""``copy-related-tag``: copy tags from a related resource onto each resource, Cloud Custodian's
keys and semantics, for every type with a tag writer.

``resource`` (required): the related resource's type (``aws.`` prefix allowed), or
``resourcegroupstaggingapi`` when ``key`` yields ARNs, read with the Tagging API's
GetResources. ``key`` (required): where the related id is on the resource, a JMESPath or
``tag:NAME``. ``tags`` (required): the tag keys to copy, or ``'*'`` for all but ``aws:`` ones.
Only tags the resource lacks or holds with another value are written; resources with the same
tags to write share calls. ``skip_missing`` (default true): false makes each resource whose
related resource cannot be found a failure of the action (Custodian fails the whole policy
before tagging any); the others are still tagged.
"""
import re

from . import taggers
from .core import AWS_ERRORS, actions
from .tags import TagAction, all_permissions
from ..errors import jmespath_problem
from ..filters.keys import FUNCTIONS, compile_path
from ..resources.tagsource import tag_value

UNIVERSAL = "resourcegroupstaggingapi"
ARNS_PER_CALL = 100   # GetResources' ResourceARNList limit
_HEAD = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)")


def related_type(name):
    """The related type named by ``resource`` (Custodian accepts ``aws.ebs``)."""
    return name.split(".")[-1] if isinstance(name, str) else name


def copied(resource, related, wanted):
    """The tags to write on ``resource`` from the related resource's ``related`` tags."""
    own = taggers.tag_map(resource)
    if wanted == "*":
        return {k: v for k, v in related.items() if not k.startswith("aws:") and own.get(k) != v}
    return {k: v for k, v in related.items() if k in wanted and own.get(k) != v}


@actions.register("copy-related-tag")
class CopyRelatedTag(TagAction):
    """Copy tags of a related resource (see the module doc)."""
    schema = {"resource": {"type": "string"}, "key": {"type": "string"},
              "tags": {"oneOf": [{"enum": ["*"]},
                                 {"type": "array", "items": {"type": "string"}}]},
              "skip_missing": {"type": "boolean"}}
    required = ("resource", "key", "tags")
    permissions = all_permissions("add")

    @property
    def reads(self):
        """Resource types whose get-by-ids and tags the action reads (their permissions are
        the type's; the Tagging API's GetResources is declared with it)."""
        name = related_type(self.data.get("resource"))
        return (name,) if isinstance(name, str) and name != UNIVERSAL else ()

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        if related_type(self.data.get("resource")) == UNIVERSAL:
            self.permissions = tuple(self.permissions) + ("tag:GetResources",)

    def validate(self):
        problems = super().validate()
        from ..resources import catalog
        from ..suggest import did_you_mean
        name = related_type(self.data.get("resource"))
        if isinstance(name, str) and name != UNIVERSAL and catalog.get(name) is None:
            problems.append((("resource",), f"unknown resource type '{name}'" + did_you_mean(
                name, list(catalog.CATALOG) + [UNIVERSAL])))
        key = self.data.get("key")
        if isinstance(key, str) and not key.startswith("tag:"):
            message = jmespath_problem(key, FUNCTIONS)
            if message:
                problems.append((("key",), message))
        return problems

    def finder(self):
        """``fn(resource) -> related id`` for ``key``."""
        key = self.data["key"]
        if key.startswith("tag:"):
            name = key.split(":", 1)[1]
            return lambda r: tag_value(r, name)
        return compile_path(key)

    def needed_keys(self):
        """Resource keys the lookup reads (None: possibly any detail)."""
        key = self.data["key"]
        if key.startswith("tag:"):
            return {"Tags"}
        head = _HEAD.match(key)
        return {"Tags", head.group(1)} if head else None

    # -- the related resources' tags -----------------------------------------------------
    def related_tags(self, ids):
        """``{related id: {key: value}}`` of the related resources found."""
        name = related_type(self.data["resource"])
        if not ids:
            return {}
        if name == UNIVERSAL:
            return self.universal_tags(sorted(ids))
        from ..resources.manager import ResourceManager
        manager = ResourceManager.for_type(self.manager.ctx, name)
        found = manager.get_resources(sorted(ids))
        manager.ensure_details(found, {"Tags"})
        return {manager.resource_id(r): taggers.tag_map(r) for r in found}

    def universal_tags(self, arns):
        """Tags by ARN from the Tagging API, asked in each ARN's region (IAM's: us-east-1,
        other ARNs without a region: the run's). Untagged or unknown resources are absent."""
        by_region = {}
        for arn in arns:
            parts = arn.split(":")
            region = parts[3] if len(parts) > 5 else None
            if not region:
                region = "us-east-1" if parts[2:3] == ["iam"] else self.manager.ctx.region
            by_region.setdefault(region, []).append(arn)
        out = {}
        for region, group in sorted(by_region.items()):
            client = self.manager.client("resourcegroupstaggingapi", region)
            for start in range(0, len(group), ARNS_PER_CALL):
                answer = client.get_resources(ResourceARNList=group[start:start + ARNS_PER_CALL])
                for m in answer.get("ResourceTagMappingList") or ():
                    out[m["ResourceARN"]] = {t["Key"]: t.get("Value") for t in m.get("Tags") or ()}
        return out

    # -- copying ---------------------------------------------------------------------------
    def process(self, resources):
        find = self.finder()
        taggers.fetch_details(self.manager, resources, self.needed_keys())
        pairs = []
        for r in resources:
            rid = find(r)
            pairs.append((rid if isinstance(rid, str) and rid else None, r))
        try:
            found = self.related_tags({rid for rid, _ in pairs if rid})
        except AWS_ERRORS as e:
            for r in resources:
                self.fail(r, e)
            return
        wanted, skip = self.data["tags"], self.data.get("skip_missing", True)
        groups = {}
        for rid, r in pairs:
            if rid not in found:
                if not skip:
                    self.fail(r, RuntimeError(
                        f"related {related_type(self.data['resource'])} "
                        f"{rid or '(no ' + self.data['key'] + ')'} not found"))
                continue
            tags = copied(r, found[rid], wanted)
            if tags:
                groups.setdefault(tuple(sorted(tags.items())), ([], tags))[0].append(r)
        for group, tags in groups.values():
            self.write(group, lambda b, t=tags: self.tagger.add(b, t),
                       lambda b, t=tags: [taggers.set_tags(r, add=t) for r in b])
