"""Nothing changes unless asked: every registered action, on every resource type it applies to,
through ``maid run`` with ``--dryrun``, ``--plan`` and ``--plan/--dryrun --event``, makes no write
call. moto's request recorder sees every request that reaches AWS; a write is any operation
not named as a read (tests/recording.py).

The cases come from the registries: a new action or resource type is covered without editing
this file (a type needs a seeder and an event in tests/seeders/<service>.py, an action with
required keys an entry in OPTIONS or, for one type, ``action_options`` beside its seeder; both
fail loudly here until they have one). Every case must match at least
one seeded resource, and the same policy without a dry flag must write: neither half can pass
vacuously.

For speed, one ``maid run`` per (variant, type) holds a policy per action; a case is judged on
its own policy's matches and on the run's calls. When that run wrote anything, the case is run
again alone, so that a failure names the action that wrote.
"""
import json

import pytest
import yaml
from click.testing import CliRunner

from cloudmaid import plugins
from cloudmaid.actions.core import actions
from cloudmaid.actions.tags import TagAction
from cloudmaid.cli import main
from cloudmaid.modes.core import EventMode
from cloudmaid.resources.catalog import CATALOG

from .httpserver import serving
from .recording import recording, writes
from .seeders import (ACTION_FILTERS, ACTION_OPTIONS, NAMED, TRAIL, World, select, taggable,
                      trail_event, trail_spec)

plugins.load_all()

ROLE = "arn:aws:iam::123456789012:role/maid-role"
#: options an action needs to have something to do (names of the seeds' tags)
OPTIONS = {
    "tag": {"key": "k", "value": "v"},
    "mark": {"key": "k", "value": "v"},
    "remove-tag": {"tags": ["old"]},
    "unmark": {"tags": ["old"]},
    "untag": {"tags": ["old"]},
    "rename-tag": {"old_key": "old", "new_key": "renamed"},
    "mark-for-op": {"days": 1},
    "notify": {"to": ["ops@example.com"], "transport": {"type": "sqs", "queue": "maid-safety"}},
    "put-metric": {"key": "Tags", "namespace": "maid-safety", "metric_name": "matched"},
    "invoke-lambda": {"function": "maid-safety"},
    "auto-tag-user": {"tag": "Creator"},
    "post-finding": {"types": ["Software and Configuration Checks/AWS Security Best Practices"]},
    "webhook": {"body": "resource"},   # the url: the test's HTTP server (the world fixture)
}
#: actions that change no resource but deliver it somewhere: their calls (compressed
#: messages, metrics, invocations) name no resource id, so the action's own calls count
DELIVERIES = ("SendMessage", "Publish", "PutMetricData", "Invoke")
#: actions that act on the event's caller: always in cloudtrail mode, run on the event
EVENT_ONLY = ("auto-tag-user",)
#: (type, action) -> why the seed gives the action nothing to change: its live run must then
#: write nothing for the seed (the type's own tests show the change)
NOTHING_TO_CHANGE = {
    ("rds", "start"): "the seeded instance is available (tests/test_aws_rds.py starts one)",
    ("redshift", "resume"): "the seeded cluster is available (tests/test_aws_redshift.py)",
    ("rds", "upgrade"): "moto has no DescribeDBEngineVersions, so no upgrade is known "
                        "(tests/test_aws_rds.py uses the Stubber)",
    ("ec2", "propagate-spot-tags"): "the seeded instances are on-demand, not spot "
                                    "(tests/test_aws_ec2_depth_actions.py launches spot ones)",
    ("security-group", "patch"): "moto records no Config history for security groups, so "
                                 "diff finds no revision (tests/test_aws_sg_depth.py patches "
                                 "through the Stubber)",
    ("s3", "no-op"): "no-op changes nothing, by design",
}


def pairs():
    """Every (resource type, action name) the registry allows, aliases included."""
    out = []
    for name in actions.all_names():
        scopes = actions.scopes(name)
        types = sorted(CATALOG) if "*" in scopes else [s for s in scopes if s in CATALOG]
        # tag actions validate only on types with tags (test_types_contract checks the refusal)
        out.extend((rtype, name) for rtype in types
                   if taggable(rtype) or not issubclass(actions.get(name, rtype), TagAction))
    return out


PAIRS = pairs()
#: the cases; under ``-n`` (``--dist loadgroup``, pyproject.toml) a type's share one worker,
#: and so its runs below, made once per worker that needs them
CASES = [pytest.param(t, n, id=f"{t}:{n}", marks=pytest.mark.xdist_group(f"safety-{t}"))
         for t, n in PAIRS]


def action_data(rtype, name):
    data = {"type": name, **ACTION_OPTIONS.get((rtype, name), OPTIONS.get(name, {}))}
    if name == "mark-for-op":
        data["op"] = next(n for n in ("stop", "delete", "tag") if actions.get(n, rtype))
    missing = [k for k in actions.get(name, rtype).required if k not in data]
    assert not missing, f"give action '{name}' its required {missing} in OPTIONS"
    return data


def policy_name(rtype, name):
    return f"safety-{rtype}-{name}"


def policy(rtype, name, label, event_mode):
    event_mode = event_mode or name in EVENT_ONLY
    p = {"name": policy_name(rtype, name), "resource": rtype,
         "filters": select(label) + ACTION_FILTERS.get((rtype, name), []),
         "actions": [action_data(rtype, name)]}
    if event_mode:
        p["mode"] = {"type": "cloudtrail", "role": ROLE, "events": [trail_spec(rtype)]}
    return p


#: variant -> (event-mode policy?, flags, must match a resource?)
VARIANTS = {
    "dryrun": (False, ["--dryrun"], True),
    "plan": (False, ["--plan"], True),
    "plan-event": (True, ["--plan", "--event"], True),
    "dryrun-event": (True, ["--dryrun", "--event"], True),
    "dryrun-event-mode": (True, ["--dryrun"], True),   # runs once in pull mode
    "plan-deploy": (True, ["--plan"], False),          # the deploy plan: reads only
}


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(EventMode, "sleep", staticmethod(lambda s: None))


@pytest.fixture(scope="module")
def world():
    from moto import mock_aws
    # moto's default AMIs come with ~1300 snapshots "owned" by the caller: listings stay small
    with pytest.MonkeyPatch.context() as mp, mock_aws():
        mp.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        w = World()
        # notify's transport; its tag is what copy-related-tag copies (crosscut_options.py)
        w.client("sqs").create_queue(QueueName="maid-safety", tags={"maid-related": "copied"})
        w.function = w.shared("function", make_function)         # invoke-lambda's
        with serving() as (w.hooks, url):                        # webhook's
            OPTIONS["webhook"]["url"] = url
            mp.setenv("NO_PROXY", "127.0.0.1")
            yield w


def make_function(world):
    import io
    import zipfile
    role = world.client("iam").create_role(RoleName="maid-safety-fn",
                                           AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("h.py", "def h(event, context):\n    return None\n")
    return world.client("lambda").create_function(
        FunctionName="maid-safety", Runtime="python3.12", Role=role, Handler="h.h",
        Code={"ZipFile": code.getvalue()})["FunctionArn"]


class Run:
    def __init__(self, result, calls, out, hooks=()):
        self.result, self.calls, self.out = result, calls, out
        self.hooks = list(hooks)   # what the webhook server received during the run

    @property
    def output(self):
        return self.result.output

    def matched(self, rtype, name):
        found = self.out / policy_name(rtype, name) / "resources.json"
        rows = json.loads(found.read_text()) if found.exists() else []
        return [r[CATALOG[rtype].id] for r in rows]

    def clean(self):
        return not writes(self.calls) and self.result.exit_code == 0


def maid_run(folder, policies, flags, event=None, hooks=None):
    """``maid run`` on the policies with its requests (to moto, to the webhook server)
    recorded."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "policies.yml"
    path.write_text(yaml.safe_dump({"policies": policies}))
    out = folder / "out"
    args = ["run", "-s", str(out), "-r", "us-east-1", str(path)]
    for flag in flags:
        args.append(flag)
        if flag == "--event":
            (folder / "event.json").write_text(json.dumps(event))
            args.append(str(folder / "event.json"))
    seen = len(hooks.seen) if hooks is not None else 0
    with recording(folder / "recording") as calls:
        result = CliRunner().invoke(main, args)
    return Run(result, calls, out, hooks.seen[seen:] if hooks is not None else ())


@pytest.fixture(scope="module")
def dry_runs(world, tmp_path_factory):
    """(variant, type) -> one dry ``maid run`` of a policy per action, all on one seed."""
    runs = {}

    def get(variant, rtype):
        if (variant, rtype) not in runs:
            label, ids = world.seed(rtype)
            event_mode, flags, _ = VARIANTS[variant]
            names = [n for t, n in PAIRS if t == rtype and n not in EVENT_ONLY]
            runs[variant, rtype] = maid_run(
                tmp_path_factory.mktemp(f"{variant}-{rtype}"),
                [policy(rtype, n, label, event_mode) for n in names], flags,
                trail_event(rtype, ids), world.hooks), ids
        return runs[variant, rtype]
    return get


def test_every_type_has_a_seeder_and_an_event(world):
    assert PAIRS, "no actions registered"
    assert set(world.seeders) == set(CATALOG) == set(TRAIL)


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("rtype,name", CASES)
def test_dry_runs_make_no_write_call(dry_runs, world, tmp_path, rtype, name, variant):
    event_mode, flags, must_match = VARIANTS[variant]
    if name in EVENT_ONLY:   # alone, on the event (flags without --event would deploy)
        flags = flags if "--event" in flags else flags + ["--event"]
        label, ids = world.seed(rtype)
        run = maid_run(tmp_path, [policy(rtype, name, label, True)], flags,
                       trail_event(rtype, ids), world.hooks)
    else:
        run, ids = dry_runs(variant, rtype)
    if not run.clean() or run.hooks:   # find out whether this action is the one that wrote
        label, ids = world.seed(rtype)
        run = maid_run(tmp_path, [policy(rtype, name, label, event_mode)], flags,
                       trail_event(rtype, ids), world.hooks)
    assert run.hooks == [], f"maid run {' '.join(flags)} called the webhook\n{run.output}"
    assert "Traceback" not in run.output, run.output
    assert writes(run.calls) == [], f"maid run {' '.join(flags)} wrote\n{run.output}"
    assert run.calls, f"the recorder saw no request at all\n{run.output}"
    if must_match:
        matched = run.matched(rtype, name)
        assert matched, f"matched no seeded {rtype}: the check would be vacuous\n{run.output}"
        assert set(matched) <= set(ids)
    assert run.result.exit_code == 0, run.output


@pytest.fixture(scope="module")
def live_runs(world, tmp_path_factory):
    """type -> one ``maid run`` without dry flags, a policy per action, a seed per policy."""
    runs = {}

    def get(rtype):
        if rtype not in runs:
            names = [n for t, n in PAIRS if t == rtype and n not in EVENT_ONLY]
            seeded = {n: world.seed(rtype) for n in names}
            runs[rtype] = maid_run(tmp_path_factory.mktemp(f"live-{rtype}"),
                                   [policy(rtype, n, seeded[n][0], False) for n in names], [],
                                   hooks=world.hooks), seeded
        return runs[rtype]
    return get


@pytest.mark.parametrize("rtype,name", CASES)
def test_same_policy_without_dry_flags_writes(live_runs, world, tmp_path, rtype, name):
    """The recorder sees writes, and each action's policy above has something to change."""
    if name in EVENT_ONLY:
        label, ids = world.seed(rtype)
        run = maid_run(tmp_path, [policy(rtype, name, label, True)], ["--event"],
                       trail_event(rtype, ids), world.hooks)
        seeded = {name: (label, ids)}
    else:
        run, seeded = live_runs(rtype)
    label, ids = seeded[name]
    if name == "webhook":   # delivered over HTTP, not to AWS
        assert any(i in json.dumps(h["body"]) for h in run.hooks for i in ids), run.output
        return
    assert set(run.matched(rtype, name)) == set(ids), run.output
    names = list(ids) + NAMED.get(label, [])
    # account-level calls (UpdateAccountPasswordPolicy) name no resource: the action's own
    # and messages (notify) name them only compressed: the action's own message calls
    own = {p.split(":", 1)[1] for p in actions.get(name, rtype).permissions} \
        if CATALOG[rtype].id == "account_id" else set()
    if not actions.get(name, rtype).writes:   # in this run, only it makes such calls
        own |= set(DELIVERIES)
    mine = [c for c in writes(run.calls) if any(i in c.text for i in names) or c.operation in own]
    if (rtype, name) in NOTHING_TO_CHANGE:
        assert not mine, f"{rtype}/{name}: {NOTHING_TO_CHANGE[rtype, name]}, yet it wrote {mine}"
        return
    assert mine, f"{rtype}/{name} made no write call naming {ids}: {run.calls}\n{run.output}"
