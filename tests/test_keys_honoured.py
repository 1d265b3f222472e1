"""No key accepted and ignored: every property a filter, action or mode schema accepts, and
every policy-level key, is read by the code that runs the policy.

The proof is dynamic: the element is built from a dict that records the keys read from it
(``get``, ``[]``, ``in``, ``pop``, ``setdefault``), with the key set to a sample value drawn from
its schema; it is built, validated and run on real resources in moto (filters over the
resources, actions on fresh ones, modes on a real-shaped event and through the deploy model,
the policy through ``Policy.run``). Elements an element builds from a copy of its data (a
related filter's value filter) record into the same log. A key read only by iterating the
whole dict (a copy passed on, a JSON dump) proves little: for those, and for mode keys read
only by the Lambda handler (which rebuilds the policy from its JSON), the fallback is static:
the key is read by name (``.get("key"``, ``["key"]``, ``"key" in``) in the element's module,
its classes' modules, or for modes in ``cloudmaid/mu/``.

KNOWN_IGNORED lists what is accepted and ignored today; each entry fails the test once the
key is honoured, so the list only shrinks.
"""
import copy
import functools
import inspect
import json
import re
import sys

import pytest

from cloudmaid import element, plugins
from cloudmaid import policy as policy_module
from cloudmaid.context import Context
from cloudmaid.resources.catalog import CATALOG
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.schema import POLICY_PROPERTIES
from cloudmaid.session import SessionFactory

from .seeders import World, fixture

#: (kind, element name, scope, key) -> where: accepted by the schema, ignored by the code today
KNOWN_IGNORED = {
}
#: policy keys that are documentation for people and tools (Custodian reads none of them either)
DOCUMENTATION = {"comment", "comments", "metadata", "tags"}

REPRESENTATIVE = "ec2"          # the type elements registered for every type are tried on
ACCOUNT = "123456789012"
#: an event each mode's ids come from
EVENTS = {"cloudtrail": "cloudtrail-run-instances.json",
          "ec2-instance-state": "ec2-instance-state-pending.json",
          "asg-instance-state": "asg-launch-successful.json",
          "guard-duty": "guardduty-finding-ec2.json",
          "config-rule": "config-rule-invocation.json",
          "config-poll-rule": "config-poll-invocation.json",
          "periodic": "scheduled-event.json", "schedule": "scheduler-invocation.json",
          "phd": "health-event-ec2.json", "hub-finding": "securityhub-findings-imported.json",
          "hub-action": "securityhub-custom-action.json"}
ROLE = f"arn:aws:iam::{ACCOUNT}:role/maid"
#: (element name, key) -> keys that must be beside it for it to mean anything
COMPANIONS = {("tag", "tag"): {"value": "v"}, ("mark", "tag"): {"value": "v"},
              ("cloudtrail", "*"): {"events": ["RunInstances"]},
              ("schedule", "*"): {"scheduler-role": "arn:aws:iam::123456789012:role/scheduler"},
              ("*", "security_groups"): {"subnets": ["subnet-1"]}}


class Reads:
    def __init__(self):
        self.direct, self.bulk = set(), set()


class Recorder(dict):
    """A dict noting the keys read from it: one by one (direct) or by iterating (bulk)."""

    def __init__(self, data, reads):
        super().__init__(data)
        self._reads = reads
        self._merging = []   # keys a dict() copy is about to read one by one

    def _note(self, key):
        if self._merging and self._merging[0] == key:
            self._merging.pop(0)
            self._reads.bulk.add(key)
        else:
            self._reads.direct.add(key)

    def __getitem__(self, key):
        self._note(key)
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        self._note(key)
        return dict.get(self, key, default)

    def __contains__(self, key):
        self._note(key)
        return dict.__contains__(self, key)

    def pop(self, key, *default):
        self._note(key)
        return dict.pop(self, key, *default)

    def setdefault(self, key, default=None):
        self._note(key)
        return dict.setdefault(self, key, default)

    def _all(self):
        self._reads.bulk.update(dict.keys(self))

    def keys(self):
        self._all()
        self._merging = list(dict.keys(self))   # dict(self) / {**self} read each key next
        return dict.keys(self)

    def items(self):
        self._all()
        return dict.items(self)

    def values(self):
        self._all()
        return dict.values(self)

    def __iter__(self):
        self._all()
        return dict.__iter__(self)

    def copy(self):
        self._all()
        return Recorder(dict(dict.items(self)), self._reads)


@pytest.fixture
def recording(monkeypatch):
    """Every element built while it is active records the reads of its data in one log."""
    reads = Reads()
    init = element.Element.__init__

    def recorded_init(self, data, *args, **kwargs):
        if isinstance(data, dict) and not isinstance(data, Recorder):
            data = Recorder(data, reads)
        init(self, data, *args, **kwargs)
    monkeypatch.setattr(element.Element, "__init__", recorded_init)
    return reads


# -- samples -----------------------------------------------------------------------------------
def sample(schema, key=""):
    """A value the schema accepts (the first enum member, the first branch, ...)."""
    if not isinstance(schema, dict):
        return "x"
    if "enum" in schema:
        return schema["enum"][0]
    for branch in ("anyOf", "oneOf"):
        if schema.get(branch):
            return sample(schema[branch][0], key)
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind in ("number", "integer"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "array":
        return [sample(schema.get("items"), key)] if schema.get("items") else ["x"]
    if kind == "object":
        return {k: sample(v, k) for k, v in (schema.get("properties") or {}).items()}
    return {"tz": "UTC", "key": "Tags", "schedule": "rate(1 day)"}.get(key, "x")


def element_data(cls, name, key):
    data = {"type": name}
    for required in cls.required:
        if required != "type":
            data[required] = sample(cls.schema.get(required), required)
    for companion in ((name, "*"), ("*", key), (name, key)):
        data.update(COMPANIONS.get(companion, {}))
    if getattr(cls, "event_mode", False):
        data["role"] = ROLE
    data[key] = sample(cls.schema[key], key)
    return data


# -- the elements ------------------------------------------------------------------------------
def registered():
    """``(kind, name, scope, class)`` for every registered class, each class once."""
    plugins.load_all()
    from cloudmaid.schema import registries
    out, seen = [], set()
    for kind, registry in registries().items():
        for name in registry.all_names():
            for scope in registry.scopes(name):
                cls = registry.get(name, scope)
                if cls in seen or cls.type != name:
                    continue
                seen.add(cls)
                out.append((kind, name, scope, cls))
    return out


def cases():
    return [(kind, name, scope, key) for kind, name, scope, cls in registered()
            for key in sorted(cls.schema or {}) if key != "type"]


def class_of(kind, name, scope):
    from cloudmaid.schema import registries
    return registries()[kind].get(name, scope)


@pytest.fixture(scope="module")
def world():
    from moto import mock_aws
    with mock_aws():
        w = World()
        for rtype in CATALOG:
            w.seed(rtype)
        w.s3.put_bucket_encryption(Bucket=w.s3.list_buckets()["Buckets"][0]["Name"],
                                   ServerSideEncryptionConfiguration={"Rules": [
                                       {"ApplyServerSideEncryptionByDefault": {
                                           "SSEAlgorithm": "AES256"}}]})
        w.factory = SessionFactory(region="us-east-1")   # clients built once for the module
        yield w


def context(world, tmp_path):
    return Context(world.factory, account_id=ACCOUNT, output_dir=str(tmp_path / "out"))


def resources_of(ctx, rtype, ids=None):
    manager = ResourceManager.for_type(ctx, rtype)
    found = manager.resources() if ids is None else manager.get_resources(ids)
    if rtype == "s3" and ids:
        found = [b for b in manager.resources() if b["Name"] in ids]
    found = [copy.deepcopy(r) for r in found]
    manager.ensure_details(found, None)
    return manager, found


def attempt(fn, *args):
    """Run ``fn``; a failure after the reads is as good as a success here."""
    try:
        return fn(*args)
    except Exception:   # noqa: BLE001 -- any failure: the keys were read before it, or not
        return None


def call(obj, method, *args):
    """``obj.method(*args)`` through attempt(), when the object has that method."""
    fn = getattr(obj, method, None)
    return attempt(fn, *args) if callable(fn) else None


def exercise_filter(cls, data, ctx, rtype):
    manager, resources = resources_of(ctx, rtype)
    f = attempt(cls, data, manager)
    if f is None:
        return
    call(f, "validate")
    event = fixture(EVENTS["cloudtrail"])
    call(f, "process", resources, event)
    for r in resources:
        call(f, "match", r, event)


def exercise_action(cls, data, ctx, rtype, world):
    _, ids = world.seed(rtype)
    manager, resources = resources_of(ctx, rtype, ids)
    manager.policy_name = "keys"
    a = attempt(cls, data, manager)
    if a is None:
        return
    call(a, "validate")
    call(a, "run", resources)


def exercise_mode(cls, data, ctx, monkeypatch):
    from cloudmaid.modes.core import EventMode
    from cloudmaid.mu import deploy
    monkeypatch.setattr(EventMode, "sleep", staticmethod(lambda seconds: None))
    policy_data = {"name": "keys", "resource": REPRESENTATIVE, "mode": data}
    policy = attempt(policy_module.Policy, policy_data, ctx)
    if policy is None:
        return
    mode = policy.mode
    call(mode, "validate")
    if not mode.event_mode:
        call(policy, "run")
        return
    call(mode, "rule")
    for event in events_for(mode.type):
        call(mode, "resources", event)
        ctx.dryrun = True
        call(mode, "finish", event, {"matched": []})
    attempt(deploy.desired, policy, policy_data, lambda: ACCOUNT)


def events_for(mode):
    """The mode's real-shaped event; for config-rule also its oversized form (a summary
    without the configuration: the resource is described instead)."""
    event = fixture(EVENTS.get(mode, "cloudtrail-run-instances.json"))
    if mode != "config-rule":
        return [event]
    invoking = json.loads(event["invokingEvent"])
    item = invoking.pop("configurationItem")
    item.pop("configuration")
    invoking.update(configurationItemSummary=item,
                    messageType="OversizedConfigurationItemChangeNotification")
    return [event, dict(event, invokingEvent=json.dumps(invoking))]


# -- the static fallback -----------------------------------------------------------------------
def read_by_name(key, sources):
    k = re.escape(key)
    pattern = re.compile(rf"""(\.get\(|\.pop\(|setdefault\(|\[)\s*["']{k}["']|["']{k}["']\s+(not\s+)?in\b""")
    return any(pattern.search(s) for s in sources)


@functools.lru_cache(maxsize=None)
def module_source(name):
    return inspect.getsource(sys.modules[name])


def element_sources(cls, kind):
    """Filters and actions: their classes' modules. Modes: the Lambda side (cloudmaid/mu/),
    which reads keys such as ``execution-options`` from the policy JSON it ships; the mode's
    own code is exercised."""
    if kind == "modes":
        from cloudmaid.mu import deploy, handler, models, package  # noqa: F401
        names = {m for m in sys.modules if m.startswith("cloudmaid.mu.")}
    else:
        names = {c.__module__ for c in cls.__mro__ if c.__module__.startswith("cloudmaid.")}
    return [module_source(n) for n in sorted(names) if n in sys.modules]


def verdict(reads, key, sources):
    if key in reads.direct:
        return True
    return read_by_name(key, sources)


# -- the tests ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kind,name,scope,key", cases(),
                         ids=lambda v: v if isinstance(v, str) else None)
def test_element_key_is_read(kind, name, scope, key, world, recording, tmp_path, monkeypatch):
    cls = class_of(kind, name, scope)
    rtype = REPRESENTATIVE if scope == "*" else scope
    data = element_data(cls, name, key)
    ctx = context(world, tmp_path)
    if kind == "filters":
        exercise_filter(cls, data, ctx, rtype)
    elif kind == "actions":
        exercise_action(cls, data, ctx, rtype, world)
    else:
        exercise_mode(cls, data, ctx, monkeypatch)
    honoured = verdict(recording, key, element_sources(cls, kind))
    where = f"{kind} '{name}' ({scope}, {cls.__module__}.{cls.__name__})"
    if (kind, name, scope, key) in KNOWN_IGNORED:
        assert not honoured, f"{where}: '{key}' is read now: remove it from KNOWN_IGNORED"
    else:
        assert honoured, f"{where}: schema accepts '{key}' but the code never reads it"


#: a sample value per policy key (the policy runs with it, on ec2, in pull mode)
POLICY_SAMPLES = {
    "name": "keys", "resource": "ec2", "description": "what it does", "comment": "c",
    "comments": "c", "mode": {"type": "pull"}, "filters": [{"tag:maid-test": "absent"}],
    "actions": [], "conditions": [{"type": "value", "key": "region", "value": "us-east-1"}],
    "tags": ["t"], "metadata": {"owner": "me"}, "max-resources": 1000,
    "max-resources-percent": 100, "region": "us-east-1", "tz": "UTC",
    "start": "2000-01-01", "end": "2999-01-01", "source": "describe",
    "query": [{"instance-state-name": "running"}],
}


#: keys that only mean something beside another one
POLICY_COMPANIONS = {"tz": {"start": "2000-01-01T00:00:00"}}


def test_every_policy_key_has_a_sample():
    assert set(POLICY_SAMPLES) == set(POLICY_PROPERTIES)


@pytest.mark.parametrize("key", sorted(POLICY_PROPERTIES))
def test_policy_key_is_read(key, world, tmp_path, monkeypatch):
    """The policy runs (pull) and is deployed as a periodic function (deploy model only)."""
    from cloudmaid.mu import deploy
    reads = Reads()
    interpolate = policy_module.interpolate

    def recorded(data, variables):
        out = interpolate(data, variables)
        return Recorder(out, reads) if isinstance(data, Recorder) else out
    monkeypatch.setattr(policy_module, "interpolate", recorded)
    data = {"name": "keys", "resource": "ec2", **POLICY_COMPANIONS.get(key, {}),
            key: POLICY_SAMPLES[key]}
    ctx = context(world, tmp_path)
    p = attempt(policy_module.Policy, Recorder(data, reads), ctx)
    if p is not None:
        call(p, "run")
    periodic = dict(data, mode={"type": "periodic", "schedule": "rate(1 day)", "role": ROLE})
    p = attempt(policy_module.Policy, Recorder(periodic, reads), ctx)
    if p is not None:
        attempt(deploy.desired, p, periodic, lambda: ACCOUNT)
    honoured = key in reads.direct
    if key in DOCUMENTATION or ("policy", key) in KNOWN_IGNORED:
        assert not honoured, f"policy key '{key}' is read now: reclassify it"
    else:
        assert honoured, f"the policy schema accepts '{key}' but the code never reads it"
