"""plugins.py: a policy loads only its resource type's and mode's modules (plus the generic
ones), and that subset registers exactly what ``load_all`` registers for that type."""
import json
import os
import subprocess
import sys

import pytest

from cloudmaid import plugins
from cloudmaid.resources.catalog import CATALOG

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Prints what is registered for each resource type named and a mode after loading ``how``
# (everything, or the subset for the one type named).
PROBE = r"""
import json, sys
from cloudmaid import plugins
how, mode, *rtypes = sys.argv[1:]
if how == "all":
    plugins.load_all()
else:
    [rtype] = rtypes
    plugins.load_for(rtype, mode)
from cloudmaid.actions.core import actions
from cloudmaid.filters.core import filters
from cloudmaid.modes.core import modes
from cloudmaid.resources.manager import MANAGERS

def name(cls):
    return cls and f"{cls.__module__}.{cls.__qualname__}"

print(json.dumps({rtype: {
    "filters": {n: name(c) for n, c in filters.items(rtype)},
    "actions": {n: name(c) for n, c in actions.items(rtype)},
    "manager": name(MANAGERS.get(rtype)),
    "mode": name(modes.get(mode)),
    "modules": sorted(m for m in sys.modules if m.startswith("cloudmaid.")),
} for rtype in rtypes}))
"""


def probes(how, mode, rtypes):
    out = subprocess.run([sys.executable, "-c", PROBE, how, mode, *rtypes], cwd=ROOT, check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ROOT})
    return json.loads(out.stdout)


def probe(how, rtype, mode="pull"):
    return probes(how, mode, [rtype])[rtype]


@pytest.fixture(scope="module")
def everything():
    """type -> what ``load_all`` registers for it: one fresh process serves every type."""
    return probes("all", "cloudtrail", sorted(CATALOG))


def test_index_is_up_to_date():
    # a fresh process: other tests register elements of their own in this one
    out = subprocess.run([sys.executable, "-m", "cloudmaid.tools.index", "--check"], cwd=ROOT,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ROOT})
    assert out.returncode == 0, out.stdout + out.stderr


def test_index_maps_every_type_and_mode():
    from cloudmaid import index
    assert set(index.TYPES) == set(CATALOG)
    plugins.load_all()
    from cloudmaid.modes.core import modes
    assert set(modes.all_names()) == set(index.MODES)


@pytest.mark.parametrize("rtype", sorted(CATALOG))
def test_subset_registers_what_load_all_registers(rtype, everything):
    subset = probe("subset", rtype, "cloudtrail")
    for key in ("filters", "actions", "manager", "mode"):
        assert subset[key] == everything[rtype][key], key
    assert len(subset["modules"]) < len(everything[rtype]["modules"])


def test_ec2_policy_loads_no_other_resource_or_mode_module():
    loaded = set(probe("subset", "ec2", "cloudtrail")["modules"])
    assert {"cloudmaid.aws.ec2.types", "cloudmaid.aws.ec2.instance",
            "cloudmaid.aws.ec2.instance_filters",
            "cloudmaid.modes.cloudtrail", "cloudmaid.filters.value"} <= loaded
    for other in ("cloudmaid.aws.s3.types", "cloudmaid.aws.s3.manager", "cloudmaid.aws.s3.filters",
                  "cloudmaid.aws.ec2.volumes", "cloudmaid.aws.ec2.security_group",
                  "cloudmaid.modes.periodic", "cloudmaid.modes.config_rule",
                  "cloudmaid.events.schedule"):
        assert other not in loaded


def test_index_names_the_module_of_every_registration():
    plugins.load_all()
    from cloudmaid import index
    from cloudmaid.actions.core import actions
    from cloudmaid.filters.core import filters
    for table, registry in ((index.FILTERS, filters), (index.ACTIONS, actions)):
        for name in registry.all_names():
            for scope in registry.scopes(name):
                if not registry.get(name, scope).__module__.startswith("cloudmaid."):
                    continue   # registered by a test
                assert table[name][scope] == registry.get(name, scope).__module__


def test_element_modules_only_for_policies_naming_them():
    def elements(policy):
        return {m for m in plugins.policy_modules(policy)
                if not m.endswith(".types") and m not in plugins.GENERIC
                and not m.startswith("cloudmaid.modes.")}
    plain = {"resource": "ec2", "filters": [{"tag:Owner": "absent"}], "actions": ["stop"]}
    assert elements(plain) == {"cloudmaid.aws.ec2.instance"}
    nested = {"resource": "ec2", "filters": [{"or": [{"not": [{"type": "marked-for-op", "op": "stop"}]}]}]}
    # every string counts as a name: the mark's op 'stop' loads the stop action too
    assert elements(nested) == {"cloudmaid.filters.tags", "cloudmaid.aws.ec2.instance"}
    alias = {"resource": "ec2", "actions": [{"type": "unmark", "tags": ["x"]}]}
    assert elements(alias) == {"cloudmaid.actions.tags"}
    assert elements({"resource": "ec2", "actions": ["mark-for-op"]}) == {"cloudmaid.actions.tags"}
    aged = {"resource": "ec2", "filters": [{"type": "instance-age", "days": 1}]}
    assert elements(aged) == {"cloudmaid.aws.ec2.instance_filters"}
    # a type's declaration and manager always load; its filters and actions when named
    assert "cloudmaid.aws.ec2.types" in plugins.policy_modules(plain)
    s3 = plugins.policy_modules({"resource": "s3"})
    assert "cloudmaid.aws.s3.manager" in s3 and "cloudmaid.aws.s3.types" in s3
    assert "cloudmaid.aws.s3.filters" not in s3 and "cloudmaid.aws.s3.config" not in s3
    assert "cloudmaid.aws.s3.config" in plugins.policy_modules({"resource": "s3", "source": "config"})
    # a name registered for another type only loads nothing more
    assert elements({"resource": "ebs", "filters": [{"type": "instance-age"}]}) == set()


def test_modules_for_unknown_type_or_mode_is_none_and_aws_prefix_is_accepted():
    assert plugins.modules_for("no-such-type") is None
    assert plugins.modules_for("ec2", "no-such-mode") is None
    assert plugins.modules_for("aws.ec2", "periodic") == plugins.modules_for("ec2", "periodic")
    assert plugins.policy_modules({"resource": "ec2"}) == plugins.modules_for("ec2", "pull", set())
    assert plugins.policy_modules({"resource": "ec2", "mode": {"type": "periodic"}}) == \
        plugins.modules_for("ec2", "periodic", set())
    # a malformed mode is the validator's business; loading falls back to pull
    assert plugins.policy_modules({"resource": "ec2", "mode": "oops"}) == \
        plugins.modules_for("ec2", "pull", set())


# A fresh process: a poll policy loads its subset and runs against moto; then validation
# (load_all) still sees every registration.
POLL = r"""
import json, sys
from moto import mock_aws
import boto3
from cloudmaid.context import Context
from cloudmaid.policy import Policy
from cloudmaid.session import SessionFactory
with mock_aws():
    ec2 = boto3.client("ec2", region_name="us-east-1")
    ami = ec2.register_image(Name="base", RootDeviceName="/dev/sda1", BlockDeviceMappings=[
        {"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}])["ImageId"]
    ec2.run_instances(ImageId=ami, MinCount=2, MaxCount=2)
    ctx = Context(SessionFactory(region="us-east-1"), region="us-east-1", account_id="123456789012")
    policy = Policy({"name": "p", "resource": "ec2", "filters": [{"tag:Owner": "absent"},
                     {"type": "instance-age", "days": 0, "op": "gte"}], "actions": ["stop"]}, ctx)
    before = sorted(m for m in sys.modules if m.startswith("cloudmaid.aws."))
    meta = policy.run()
    states = [i["State"]["Name"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
from cloudmaid import plugins
plugins.load_all()
from cloudmaid.filters.core import filters
print(json.dumps({"resources_modules": before, "matched": len(meta["matched"]), "states": states,
                  "s3_filters": filters.names("s3")}))
"""


def test_poll_run_with_subset_then_load_all():
    env = {**os.environ, "PYTHONPATH": ROOT, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    env.pop("AWS_ENDPOINT_URL", None)
    out = subprocess.run([sys.executable, "-c", POLL], cwd=ROOT, check=True, capture_output=True,
                         text=True, env=env)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert not [m for m in result["resources_modules"] if m.startswith("cloudmaid.aws.s3")]
    assert "cloudmaid.aws.ec2.instance" in result["resources_modules"]
    assert result["matched"] == 2
    assert set(result["states"]) <= {"stopping", "stopped"}
    assert {"bucket-encryption", "global-grants", "check-public-block"} <= set(result["s3_filters"])
