"""Tag actions for every resource type, with Cloud Custodian's names, keys and semantics:
``tag`` (``mark``), ``remove-tag`` (``unmark``, ``untag``), ``rename-tag``, ``mark-for-op``.

The service-specific writing lives in taggers.py. Every write goes through ``TagAction.write``:
batches of the tagger's size via ``Action.batched`` (one failure never stops the others; ids
the tagger reads as gone in an error are failed and the rest retried in one call), and the
in-memory Tags are updated so later actions of the same policy see the change.
"""
import datetime
import functools
import re

from . import taggers
from .core import Action, actions
from ..errors import jmespath_problem
from ..filters.keys import FUNCTIONS, compile_path
from ..filters.tags import DEFAULT_TAG, action_date, mark_problems

#: a tag value is a scalar or a lookup on the resource (Custodian's ``type: resource``)
TAG_VALUE = {"oneOf": [
    {"type": "object", "additionalProperties": False, "required": ["type"],
     "properties": {"type": {"enum": ["resource"]}, "key": {"type": "string"},
                    "default-value": {"type": "string"}},
     "anyOf": [{"required": ["key"]}, {"required": ["default-value"]}]},
    {"type": ["string", "number", "boolean"]},
]}
_SKIP = object()
#: a lookup's compiled key, shared by the resources of a run
_search = functools.lru_cache(maxsize=256)(compile_path)
#: how old an event may be and still be a redelivery (mark-for-op counts from its time)
REDELIVERY_WINDOW = datetime.timedelta(hours=24)
CLOCK_SKEW = datetime.timedelta(minutes=5)


def all_permissions(*needs):
    """Every service's permissions for the docs; an instance narrows them to its service."""
    return tuple(dict.fromkeys(p for t in taggers.TAGGERS.values() for n in needs
                               for p in getattr(t, f"{n}_permissions")))


class TagAction(Action):
    """Shared plumbing: the tagger, batched writes with failure isolation."""
    #: which tagger permissions the action needs
    needs = ("add",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self._tagger = None
        if manager is not None and getattr(manager, "rtype", None) is not None:
            t = taggers.tagger_class(manager.rtype)
            if t:
                self.permissions = tuple(dict.fromkeys(
                    p for n in self.needs for p in getattr(t, f"{n}_permissions")))

    @property
    def tagger(self):
        if self._tagger is None:
            self._tagger = taggers.for_manager(self.manager)
            if self._tagger is None:
                raise RuntimeError(f"tagging is not supported on {self.manager.type} "
                                   f"(service {self.manager.rtype.service})")
        return self._tagger

    def validate(self):
        problems = []
        rtype = getattr(self.manager, "rtype", None)
        if rtype is not None and taggers.tagger_class(rtype) is None:
            problems.append(((), f"{self.type} is not supported on {rtype.name}: no tag writer "
                                 f"for service {rtype.service}"))
        return problems

    def write(self, resources, call, on_success):
        """``call(batch)`` for batches of the tagger's size; returns the resources written."""
        tagger = self.tagger
        done = []

        def once(batch):
            call(batch)
            on_success(batch)
            done.extend(batch)

        self.batched(resources, once, size=tagger.batch_size, bad_ids=tagger.bad_ids)
        return done


@actions.register("tag", aliases=("mark",))
class Tag(TagAction):
    """Set tags: ``key``/``value`` (or legacy ``tag``) and/or a ``tags`` mapping. An empty or
    false ``value`` is written as given ("", "False"); Custodian drops it."""
    schema = {"key": {"type": "string"}, "value": TAG_VALUE, "tag": {"type": "string"},
              "tags": {"type": "object", "additionalProperties": TAG_VALUE}}
    permissions = all_permissions("add")

    def spec(self):
        spec = dict(self.data.get("tags") or {})
        if self.data.get("value") is not None:
            spec[self.data.get("key") or self.data.get("tag") or DEFAULT_TAG] = self.data["value"]
        return spec

    def validate(self):
        problems = super().validate()
        if self.data.get("key") and self.data.get("tag"):
            problems.append(((), "use either 'key' or 'tag', not both"))
        # a bare `mark` (as in the seed text) is valid in Cloud Custodian and sets nothing
        if not self.spec() and self.data.get("type") != "mark":
            problems.append(((), "no tags to set: give 'key' and 'value', or 'tags'"))
        tags = self.data.get("tags")
        specs = [(("tags", k), v) for k, v in (tags.items() if isinstance(tags, dict) else ())]
        specs.append((("value",), self.data.get("value")))
        for where, v in specs:
            if isinstance(v, dict) and isinstance(v.get("key"), str):
                message = jmespath_problem(v["key"], FUNCTIONS)
                if message:
                    problems.append((where + ("key",), message))
        return problems

    def process(self, resources):
        spec = self.spec()
        lookups = [v for v in spec.values() if isinstance(v, dict)]
        if lookups:   # values read from the resource: make sure its details are there
            keys = None if any("key" in v for v in lookups) else {"Tags"}
            taggers.fetch_details(self.manager, resources, keys)
        for group, tags in group_by_tags(resources, spec):
            self.write(group, lambda b, t=tags: self.tagger.add(b, t),
                       lambda b, t=tags: [taggers.set_tags(r, add=t) for r in b])


def group_by_tags(resources, spec):
    """Resolve per-resource lookups; resources with the same resulting tags share calls."""
    if not any(isinstance(v, dict) for v in spec.values()):
        return [(resources, {k: str(v) for k, v in spec.items()})] if spec else []
    groups = {}
    for r in resources:
        current = taggers.tag_map(r)
        tags = {}
        for k, v in spec.items():
            v = lookup(v, r, k in current)
            if v is not _SKIP:
                tags[k] = str(v)
        if tags:
            groups.setdefault(tuple(sorted(tags.items())), ([], tags))[0].append(r)
    return list(groups.values())


def lookup(spec, resource, present):
    """A tag value spec against one resource: a scalar as is; ``{type: resource, key}`` the
    value at that JMESPath (else ``default-value``); without ``key``, ``default-value`` only
    when the resource lacks the tag."""
    if not isinstance(spec, dict):
        return spec
    if "key" not in spec:
        return _SKIP if present else spec["default-value"]
    value = _search(spec["key"])(resource)   # with Custodian's split() and from_json()
    if value is None:
        if "default-value" not in spec:
            return _SKIP   # Custodian raises; skipping that tag keeps the others
        return spec["default-value"]
    return value


@actions.register("remove-tag", aliases=("unmark", "untag"))
class RemoveTag(TagAction):
    """Delete tags by key (default: ``maid_status``, the mark-for-op tag)."""
    schema = {"tags": {"type": "array", "items": {"type": "string"}}}
    needs = ("remove",)
    permissions = all_permissions("remove")

    def process(self, resources):
        keys = list(self.data.get("tags") or [DEFAULT_TAG])
        self.write(resources, lambda b: self.tagger.remove(b, keys),
                   lambda b: [taggers.set_tags(r, remove=keys) for r in b])


@actions.register("rename-tag")
class RenameTag(TagAction):
    """Copy ``old_key``'s value to ``new_key``, then delete ``old_key``; resources without
    ``old_key`` are left alone. A resource whose copy fails keeps its old tag."""
    schema = {"old_key": {"type": "string"}, "new_key": {"type": "string"}}
    required = ("old_key", "new_key")
    needs = ("add", "remove")
    permissions = all_permissions("add", "remove")
    #: AWS's tags-per-resource limit: a full resource must lose the old tag before the new one
    max_tags = 50

    def process(self, resources):
        old, new = self.data["old_key"], self.data["new_key"]
        # S3 fetches tags on demand; tags already in memory are the newest
        taggers.fetch_details(self.manager, [r for r in resources if "Tags" not in r], {"Tags"})
        by_value = {}
        for r in resources:
            tags = taggers.tag_map(r)
            if old in tags and old != new:
                by_value.setdefault(tags[old], []).append(r)
        renamed = 0
        rename = getattr(self.tagger, "rename", None)
        for value, group in by_value.items():
            if rename:   # the service renames in one write (S3)
                renamed += len(self.write(
                    group, lambda b, v=value: rename(b, old, new, v),
                    lambda b, v=value: [taggers.set_tags(r, add={new: v}, remove=[old]) for r in b]))
                continue
            full = [r for r in group if len(taggers.tag_map(r)) >= self.max_tags]
            room = [r for r in group if len(taggers.tag_map(r)) < self.max_tags]
            renamed += len(self.delete(self.create(room, new, value), old, value))
            renamed += len(self.create(self.delete(full, old, value), new, value))
        self.result["succeeded"] = renamed

    def create(self, resources, key, value):
        return self.write(resources, lambda b: self.tagger.add(b, {key: value}),
                          lambda b: [taggers.set_tags(r, add={key: value}) for r in b])

    def delete(self, resources, key, value):
        # with the value (as Custodian): a tag changed since the describe is kept
        return self.write(resources, lambda b: self.tagger.remove(b, [key], {key: value}),
                          lambda b: [taggers.set_tags(r, remove=[key]) for r in b])


@actions.register("mark-for-op")
class MarkForOp(TagAction):
    """Tag resources with an operation due later: ``tag`` (default ``maid_status``) =
    ``msg`` with ``{op}`` and ``{action_date}`` filled in. ``days``/``hours`` from now in
    ``tz`` (default utc), 4 days when neither is given (Custodian documents 4 days but marks
    for today); the date is ``%Y/%m/%d``, or ``%Y/%m/%d %H%M %Z`` with hours.

    In event mode "now" is the event's ``time``, so an event delivered twice (EventBridge
    delivers at least once; Lambda retries) writes the same date both times. A resource that
    already carries the exact value is not written again."""
    schema = {"tag": {"type": "string"}, "msg": {"type": "string"},
              "days": {"type": "number", "minimum": 0}, "hours": {"type": "number", "minimum": 0},
              "tz": {"type": "string"}, "op": {"type": "string"}}
    permissions = all_permissions("add")
    default_template = "Resource does not meet policy: {op}@{action_date}"
    default_days = 4

    def validate(self):
        return super().validate() + mark_problems(self.manager, self.data)

    def message(self, now):
        op = self.data.get("op", "stop")
        days, hours = self.data.get("days"), self.data.get("hours")
        if days is None and hours is None:
            days = self.default_days
        when = action_date(now, days or 0, hours or 0, self.data.get("tz", "utc"))
        template = self.data.get("msg", self.default_template)
        # only {op} and {action_date}: other braces are the user's text
        return re.sub(r"\{(op|action_date)\}",
                      lambda m: op if m.group(1) == "op" else when, template)

    def process(self, resources):
        key = self.data.get("tag", DEFAULT_TAG)
        tags = {key: self.message(mark_clock(self.manager.ctx.now,
                                             getattr(self.manager, "event", None)))}
        unchanged = [r for r in resources if taggers.tag_map(r).get(key) == tags[key]]
        if unchanged:
            self.result["unchanged"] = self.resource_ids(unchanged)
            self.result["succeeded"] += len(unchanged)
        self.write([r for r in resources if taggers.tag_map(r).get(key) != tags[key]],
                   lambda b: self.tagger.add(b, tags),
                   lambda b: [taggers.set_tags(r, add=tags) for r in b])


def mark_clock(now, event):
    """The time mark-for-op counts from: the event's ``time`` when it is a delivery of the
    last day (EventBridge retries for up to 24 hours), else ``now`` (poll mode; a replayed or
    saved event, whose own time would give a date already past)."""
    when = event.get("time") if isinstance(event, dict) else None
    try:
        when = datetime.datetime.fromisoformat(when) if isinstance(when, str) else None
    except ValueError:
        return now
    if when is None:
        return now
    utc = datetime.timezone.utc
    when, now = (t if t.tzinfo else t.replace(tzinfo=utc) for t in (when, now))
    if now - REDELIVERY_WINDOW <= when <= now + CLOCK_SKEW:
        return when
    return now
