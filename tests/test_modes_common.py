"""The keys every event mode takes: each is honoured as Cloud Custodian does, or refused in one
line saying why; shapes Lambda would refuse at deploy time are refused at validation."""
import io
import json
import logging
import pathlib
import zipfile

import boto3
import pytest
import yaml

from cloudmaid.modes import load, modes
from cloudmaid.mu import handler, package
from cloudmaid.validate import load_and_check
from tests.test_deploy import run_deploy, specs_of

load()
FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "events"
BASE = {"type": "periodic", "schedule": "rate(1 day)", "role": "arn:aws:iam::123456789012:role/maid"}


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def problems(tmp_path, *policies):
    """The problem lines of a policy file, without the ``FILE:LINE: `` prefix."""
    path = tmp_path / "p.yml"
    path.write_text(yaml.safe_dump({"policies": list(policies)}))
    return [line.split(": ", 1)[1] for line in load_and_check([str(path)])[1]]


def mode_problems(tmp_path, **keys):
    return problems(tmp_path, {"name": "a", "resource": "ec2", "mode": dict(BASE, **keys)})


@pytest.mark.parametrize("keys,expected", [
    ({"tracing_config": {"Mode": "On"}}, "mode.tracing_config.Mode: unknown Mode 'On' (expected one of: Active, PassThrough)"),
    ({"tracing_config": {"mode": "Active"}}, "mode.tracing_config: unknown key 'mode' (did you mean 'Mode'?)"),
    ({"dead_letter_config": {"TargetArn": 5}}, "mode.dead_letter_config.TargetArn: expected a string, got number 5"),
    ({"dead_letter_config": {}}, "mode.dead_letter_config: missing required key 'TargetArn'"),
    ({"concurrency": -1}, "mode.concurrency: must be >= 0, got -1"),
    ({"subnets": [1], "security_groups": ["sg-1"]}, "mode.subnets[0]: expected a string, got number 1"),
    ({"subnets": ["subnet-1"]}, "mode.subnets: subnets without security_groups: a function in a VPC needs both"),
    ({"security_groups": ["sg-1"]},
     "mode.security_groups: security_groups without subnets: a function in a VPC needs both"),
    ({"environment": {"Variables": {"LEVEL": 1}}}, "mode.environment.Variables.LEVEL: expected a string, got number 1"),
    ({"environment": {"LEVEL": "1"}}, "mode.environment: unknown key 'LEVEL'"),
    ({"execution-options": {"metrics_enabled": True}},
     "mode.execution-options.metrics_enabled: not supported: cloudmaid publishes no CloudWatch metrics"),
    ({"execution-options": {"metrics": "aws"}}, "mode.execution-options.metrics: not supported: "),
    ({"execution-options": {"log_group": "/cloud-custodian/policies"}},
     "mode.execution-options.log_group: not supported: the function logs to its own log group"),
    ({"execution-options": {"outputdir": "s3://b"}},
     "mode.execution-options: unknown key 'outputdir' (did you mean 'output_dir'?)"),
    ({"packages": ["not a module"]}, "mode.packages[0]: 'not a module' does not match the pattern"),
])
def test_mode_keys_lambda_would_refuse(tmp_path, keys, expected):
    found = mode_problems(tmp_path, **keys)
    assert len(found) == 1 and found[0].startswith("policy 'a': " + expected), found


def test_shapes_lambda_takes_validate(tmp_path):
    assert mode_problems(tmp_path, tracing_config={"Mode": "Active"}, concurrency=0,
                         dead_letter_config={"TargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq"},
                         subnets=["subnet-1"], security_groups=["sg-1"], log=False, packages=["six"],
                         environment={"Variables": {"LEVEL": "1"}},
                         **{"execution-options": {"output_dir": "s3://b/p", "region": "us-east-1",
                                                  "account_id": "123456789012", "dryrun": True}}) == []


def test_vpc_settings_deploy_as_a_pair(ctx, aws, tmp_path):
    boto3.client("iam").create_role(RoleName="maid", AssumeRolePolicyDocument="{}")
    policy = {"name": "vpc", "resource": "ec2",
              "mode": dict(BASE, subnets=["subnet-1"], security_groups=["sg-1"])}
    code, _, lines = run_deploy(specs_of(tmp_path, policy), ctx, plan_only=True)
    assert code == 0, lines
    assert 'VpcConfig={"SecurityGroupIds": ["sg-1"], "SubnetIds": ["subnet-1"]}' in lines[1]


# -- packages: modules of the deploying environment go into the zip (Cloud Custodian's key) ------
def zip_names(data):
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_packages_add_installed_modules_to_the_zip():
    policy = {"name": "p", "resource": "ec2", "mode": dict(BASE, packages=["six", "jmespath"])}
    data, sha = package.build(policy)
    names = zip_names(data)
    assert "six.py" in names and "jmespath/__init__.py" in names and "jmespath/functions.py" in names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert package.build(policy)[1] == sha                         # still deterministic
    assert package.build({**policy, "mode": BASE})[1] != sha
    # the key configures the zip only: the function's policy does not carry it
    config = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("config.json"))
    assert "packages" not in config["policy"]["mode"]


def test_a_package_not_installed_stops_the_deploy_in_one_line(ctx, aws, tmp_path):
    policy = {"name": "p", "resource": "ec2", "mode": dict(BASE, packages=["six", "maid_no_such_module"])}
    code, calls, lines = run_deploy(specs_of(tmp_path, policy), ctx, plan_only=True)
    assert code == 1 and calls == {}
    line = (tmp_path / "p.yml").read_text().splitlines().index("    - maid_no_such_module") + 1
    assert lines == [f"{tmp_path / 'p.yml'}:{line}: policy 'p': package 'maid_no_such_module' is not "
                     "installed where maid runs: it cannot be added to the function"]


# -- log: false -----------------------------------------------------------------------------------
@pytest.fixture
def root_handlers():
    root = logging.getLogger()
    saved = list(root.handlers)
    yield root
    root.handlers = saved


@pytest.mark.parametrize("log,silent", [(False, True), (True, False), (None, False)])
def test_log_false_silences_the_function(aws, root_handlers, log, silent):
    mode = dict(BASE, **({} if log is None else {"log": log}))
    handler.Runtime({"policy": {"name": "p", "resource": "ec2", "mode": mode}})
    nulls = [h for h in root_handlers.handlers if isinstance(h, logging.NullHandler)]
    assert (root_handlers.handlers == nulls and nulls != []) is silent


# -- deploy-only keys: each mode declares its own ------------------------------------------------
@pytest.mark.parametrize("mode,kept", [
    ({"type": "periodic", "schedule": "rate(1 day)", "memory": 256}, {"type"}),
    ({"type": "schedule", "schedule": "rate(1 day)", "timezone": "Europe/Paris", "group-name": "g",
      "scheduler-role": "r", "start-date": "2030-01-01"}, {"type", "group-name"}),
    ({"type": "config-poll-rule", "schedule": "One_Hour", "ignore-support-check": True}, {"type"}),
    ({"type": "cloudtrail", "events": ["RunInstances"], "delay": 1, "log": False},
     {"type", "events", "delay", "log"}),
])
def test_the_function_gets_the_keys_it_reads(mode, kept):
    policy = {"name": "p", "resource": "ec2", "mode": mode}
    assert set(package.function_policy(policy)["mode"]) == kept


def test_every_mode_declares_its_deploy_only_keys_among_its_schema():
    for name in modes.all_names():
        cls = modes.get(name)
        if cls.event_mode:
            assert cls.deploy_only <= set(cls.schema), name


# -- every event mode runs from its function's zip alone ---------------------------------------
RUNTIME_CHECK = """
import json, sys
sys.path.insert(0, sys.argv[1])
class Blocked:      # the CLI-side libraries a function must not need
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("yaml", "jsonschema", "click", "moto"):
            raise ImportError(name)
sys.meta_path.insert(0, Blocked())
import maid_handler
class Ctx:
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:maid-p"
    aws_request_id = "r"
runtime = sys.modules["cloudmaid.mu.handler"].load(Ctx())
out = sys.modules["cloudmaid.mu.handler"].process(runtime.policy, {"source": "nobody"})
print(json.dumps({"status": out["status"], "reason": out["reason"],
                  "mu": sorted(m for m in sys.modules if m.startswith("cloudmaid.mu.")),
                  "files": sorted({m.__file__ for n, m in list(sys.modules.items()) if n.startswith("cloudmaid")})}))
"""


def event_mode_examples():
    """The modes' examples on resource types this cloudmaid declares."""
    from cloudmaid.resources.catalog import CATALOG
    from tests.test_triggers import EXAMPLES
    return sorted((n, e) for n, e in EXAMPLES.items() if e[1] in CATALOG)


@pytest.mark.parametrize("name,example", event_mode_examples(), ids=lambda v: v if isinstance(v, str) else "")
def test_each_mode_runs_from_its_zip_without_deploy_side_code(tmp_path, name, example):
    import os
    import subprocess
    import sys
    extra, resource = example
    data, _ = package.build({"name": "p", "resource": resource, "mode": {"type": name, **extra}})
    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path)
    env = {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    out = subprocess.run([sys.executable, "-c", RUNTIME_CHECK, str(tmp_path)], cwd=str(tmp_path), env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    # an event no trigger delivers: skipped by the mode's own decision, before any API call
    assert result["status"] == "skipped" and result["reason"].startswith("not delivered: "), result
    assert result["mu"] == ["cloudmaid.mu.handler"]
    assert all(f.startswith(str(tmp_path)) for f in result["files"])
