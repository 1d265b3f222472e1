"""Seed moto with resources of every declared type, and real-shaped CloudTrail events naming them.

Each service's seeders live in ``tests/seeders/<service>.py``, registered with ``@seeder(type,
fixture)``: a function ``(world, label) -> [ids]`` creating at least one resource of the type,
and the CloudTrail fixture (tests/fixtures/events/) whose call creates or changes one. The ids
path in that event is the type's shortcut for the event's name (``ids`` when it has none).

Each seed is tagged ``maid-test: LABEL`` (a fresh label per seed), so that tests sharing one
moto stay apart: a policy filtering on its label sees only its own resources. Seeds also carry
the tags the tag actions read (``old`` for rename-tag/remove-tag, ``maid_status`` for unmark),
so that every action has something to change.
"""
import copy
import importlib
import itertools
import json
import pathlib
import pkgutil

import boto3

FIXTURES = pathlib.Path(__file__).parent.parent / "fixtures" / "events"
LABEL_KEY = "maid-test"
REGION = "us-east-1"
ZONE = "us-east-1a"
ACCOUNT = "123456789012"

#: resource type -> seeder function
SEEDERS = {}
#: (resource type, action) -> the options the no-writes safety test gives the action so that it
#: has something to change on the seeded resource (required keys; generic ones are in
#: tests/test_safety_no_writes.py OPTIONS)
ACTION_OPTIONS = {}
#: label -> (resource type, ids) of every seed
SEEDED = {}
#: resource type -> (CloudTrail fixture whose call creates or changes one, ids path in detail)
TRAIL = {}
#: label -> other ids an action on that seed names in its call instead of the seed's own
#: (the association an elastic IP's disassociate removes, the attachment a detach removes)
NAMED = {}


def seeder(rtype, event, ids=None):
    """Register ``fn(world, label) -> ids`` for ``rtype`` and its CloudTrail fixture."""
    def decorate(fn):
        assert rtype not in SEEDERS, f"two seeders for {rtype}"
        SEEDERS[rtype] = fn
        TRAIL[rtype] = (event, ids)
        return fn
    return decorate


def named(label, *ids):
    """Record ids an action on the seed ``label`` names in its calls (see NAMED)."""
    NAMED.setdefault(label, []).extend(ids)


#: (resource type, action) -> filters the no-writes test adds before the action (an action
#: acting on what a filter of its own kind matched: modify-listener after listener)
ACTION_FILTERS = {}


def action_filters(rtype, table):
    """Register ``{action: [filters]}`` for actions of ``rtype`` (see ACTION_FILTERS)."""
    for name, items in table.items():
        ACTION_FILTERS[(rtype, name)] = list(items)


def action_options(rtype, table):
    """Register ``{action: options}`` for actions of ``rtype`` (see ACTION_OPTIONS)."""
    for name, options in table.items():
        ACTION_OPTIONS[(rtype, name)] = options


def taggable(rtype):
    from cloudmaid.actions import taggers
    from cloudmaid.resources import catalog
    return taggers.tagger_class(catalog.get(rtype)) is not None


def select(label):
    """The policy filters selecting one seed: its label tag, or its ids for a type without tags."""
    rtype, ids = SEEDED[label]
    if taggable(rtype):
        return [{f"tag:{LABEL_KEY}": label}]
    from cloudmaid.resources import catalog
    return [{"type": "value", "key": catalog.get(rtype).id, "op": "in", "value": ids}]


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def ids_path(rtype):
    name, ids = TRAIL[rtype]
    if ids:
        return ids
    from cloudmaid.resources import catalog
    event = fixture(name)["detail"]["eventName"]
    row = catalog.get(rtype)
    for shortcut_name, shortcut in row.trail.items():
        if (shortcut.event or shortcut_name) == event:
            return shortcut.ids
    raise AssertionError(f"{rtype}: {name} is {event}, not one of its shortcuts: give ids=")


def trail_spec(rtype):
    """The cloudtrail-mode ``{source, event, ids}`` entry for the type's fixture event."""
    detail = fixture(TRAIL[rtype][0])["detail"]
    return {"source": detail["eventSource"], "event": detail["eventName"], "ids": ids_path(rtype)}


def trail_event(rtype, ids):
    """The type's fixture event, naming ``ids`` where its ``{source, event, ids}`` path reads."""
    event = fixture(TRAIL[rtype][0])
    place(event["detail"], ids_path(rtype).split("."), list(ids))
    return event


def place(node, parts, ids):
    """Write ``ids`` at a dotted path; ``x[]`` is a list of items copied from its first one."""
    head, rest = parts[0], parts[1:]
    if head.endswith("[]"):
        items = node[head[:-2]]
        template = items[0] if items else {}
        node[head[:-2]] = [copy.deepcopy(template) for _ in ids]
        for item, i in zip(node[head[:-2]], ids):
            place(item, rest, [i])
    elif rest:
        place(node.setdefault(head, {}), rest, ids)
    else:
        assert len(ids) == 1, f"{head} holds one id"
        node[head] = ids[0]


class World:
    """Seeds into the running moto; ``seed(rtype)`` -> (label, ids of the new resources).
    Seeders share what they need through ``client(service)`` and ``shared(name, make)``."""

    def __init__(self, region=REGION):
        self.region = region
        self._clients = {}
        self._shared = {}
        self._n = itertools.count(1)
        self.seeders = SEEDERS

    def client(self, service):
        if service not in self._clients:
            self._clients[service] = boto3.client(service, region_name=self.region)
        return self._clients[service]

    @property
    def ec2(self):
        return self.client("ec2")

    @property
    def s3(self):
        return self.client("s3")

    def shared(self, name, make):
        """One ``make(world)`` per world (a VPC, a base image, a role to pass)."""
        if name not in self._shared:
            self._shared[name] = make(self)
        return self._shared[name]

    def number(self, label):
        return int(label.rsplit("-", 1)[1])

    def seed(self, rtype):
        label = f"maid-test-{next(self._n):04d}"
        ids = SEEDERS[rtype](self, label)
        SEEDED[label] = (rtype, list(ids))
        return label, ids

    @staticmethod
    def tags(label):
        return {LABEL_KEY: label, "old": "v", "maid_status": "Resource does not meet policy: "
                                                             "stop@2020/01/01"}

    def tag_list(self, label, key="Key", value="Value"):
        return [{key: k, value: v} for k, v in self.tags(label).items()]

    def spec(self, kind, label):
        return [{"ResourceType": kind, "Tags": self.tag_list(label)}]

    @property
    def vpc(self):
        return self.shared("vpc", lambda w: w.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"])

    @property
    def base_image(self):
        """An untagged image to launch instances from (outside every label's filter)."""
        return self.shared("image", lambda w: w.ec2.register_image(
            Name="base", RootDeviceName="/dev/sda1",
            BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}])["ImageId"])


for _m in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_m.name}")
