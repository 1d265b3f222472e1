"""plugins.py: a policy loads only its resource type's and mode's modules (plus the generic
ones), and that subset registers exactly what ``load_all`` registers for that type."""
import json
import os
import pkgutil
import subprocess
import sys

import pytest

from cloudmaid import plugins
from cloudmaid.resources.catalog import CATALOG

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# resources/ modules that register nothing themselves (shared infrastructure)
INFRASTRUCTURE = {"catalog", "manager", "related", "query", "config_source"}

# Prints what is registered for one resource type and mode after loading ``how``.
PROBE = r"""
import json, sys
from cloudmaid import plugins
how, rtype, mode = sys.argv[1:4]
if how == "all":
    plugins.load_all()
else:
    plugins.load_for(rtype, mode)
from cloudmaid.actions.core import actions
from cloudmaid.filters.core import filters
from cloudmaid.modes.core import modes
from cloudmaid.resources.manager import MANAGERS

def name(cls):
    return cls and f"{cls.__module__}.{cls.__qualname__}"

print(json.dumps({
    "filters": {n: name(c) for n, c in filters.items(rtype)},
    "actions": {n: name(c) for n, c in actions.items(rtype)},
    "manager": name(MANAGERS.get(rtype)),
    "mode": name(modes.get(mode)),
    "modules": sorted(m for m in sys.modules if m.startswith("cloudmaid.")),
}))
"""


def probe(how, rtype, mode="pull"):
    out = subprocess.run([sys.executable, "-c", PROBE, how, rtype, mode], cwd=ROOT, check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ROOT})
    return json.loads(out.stdout)


def test_every_catalog_type_and_resource_module_is_mapped():
    assert set(CATALOG) <= set(plugins.RESOURCE_MODULES)
    from cloudmaid import resources
    modules = {i.name for i in pkgutil.iter_modules(resources.__path__)} - INFRASTRUCTURE
    mapped = {m for ms in plugins.RESOURCE_MODULES.values() for m in ms}
    assert modules == mapped


def test_every_mode_is_mapped():
    plugins.load_all()
    from cloudmaid.modes.core import modes
    assert set(modes.all_names()) == set(plugins.MODE_MODULES)


@pytest.mark.parametrize("rtype", sorted(CATALOG))
def test_subset_registers_what_load_all_registers(rtype):
    everything = probe("all", rtype, "cloudtrail")
    subset = probe("subset", rtype, "cloudtrail")
    for key in ("filters", "actions", "manager", "mode"):
        assert subset[key] == everything[key], key
    assert len(subset["modules"]) < len(everything["modules"])


def test_ec2_policy_loads_no_other_resource_or_mode_module():
    loaded = set(probe("subset", "ec2", "cloudtrail")["modules"])
    assert {"cloudmaid.resources.ec2", "cloudmaid.resources.ec2_filters",
            "cloudmaid.modes.cloudtrail", "cloudmaid.filters.value"} <= loaded
    for other in ("cloudmaid.resources.s3", "cloudmaid.resources.s3_filters",
                  "cloudmaid.resources.ebs", "cloudmaid.resources.security_group",
                  "cloudmaid.modes.periodic", "cloudmaid.modes.config_rule",
                  "cloudmaid.events.schedule"):
        assert other not in loaded


def test_optional_modules_declare_exactly_what_they_register():
    plugins.load_all()
    from cloudmaid.actions.core import actions
    from cloudmaid.filters.core import filters
    for module, declared in plugins.OPTIONAL.items():
        registered = {name for registry in (filters, actions) for name in registry.all_names()
                      for scope in registry.scopes(name)
                      if registry.get(name, scope).__module__ == module}
        assert registered == declared, module


def test_optional_modules_only_for_policies_naming_them():
    def optional(policy):
        return {m for m in plugins.policy_modules(policy) if m in plugins.OPTIONAL}
    plain = {"resource": "ec2", "filters": [{"tag:Owner": "absent"}], "actions": ["stop"]}
    assert optional(plain) == set()
    nested = {"resource": "ec2", "filters": [{"or": [{"not": [{"type": "marked-for-op", "op": "stop"}]}]}]}
    assert optional(nested) == {"cloudmaid.filters.tags"}
    alias = {"resource": "ec2", "actions": [{"type": "unmark", "tags": ["x"]}]}
    assert optional(alias) == {"cloudmaid.actions.tags"}
    assert optional({"resource": "ec2", "actions": ["mark-for-op"]}) == {"cloudmaid.actions.tags"}
    aged = {"resource": "ec2", "filters": [{"type": "instance-age", "days": 1}]}
    assert optional(aged) == {"cloudmaid.resources.ec2_filters"}
    # the type's other modules always load: they hold its actions and manager
    assert "cloudmaid.resources.ec2" in plugins.policy_modules(plain)
    assert "cloudmaid.resources.s3" in plugins.policy_modules({"resource": "s3"})
    assert "cloudmaid.resources.s3_filters" not in plugins.policy_modules({"resource": "s3"})


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
    before = sorted(m for m in sys.modules if m.startswith("cloudmaid.resources."))
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
    assert "cloudmaid.resources.s3" not in result["resources_modules"]
    assert "cloudmaid.resources.ec2" in result["resources_modules"]
    assert result["matched"] == 2
    assert set(result["states"]) <= {"stopping", "stopped"}
    assert {"bucket-encryption", "global-grants", "check-public-block"} <= set(result["s3_filters"])
