"""Central event mode (``member-role``) across two moto accounts: the policy deployed in the
central account, ``maid org forward`` setting up the central bus permission and the member's
forwarding rule, a member's event run by the central function in the member account through
the member role, and ``maid org gc`` removing the plumbing once the policy is gone."""
import json

import boto3
import pytest
from click.testing import CliRunner

from cloudmaid import loader
from cloudmaid.cli import main
from cloudmaid.context import Context
from cloudmaid.mu import deploy, handler
from cloudmaid.org import accounts as accounts_mod
from cloudmaid.org.central import CentralError, central_policies, forward_setup, org_gc
from cloudmaid.org.creds import Hub
from cloudmaid.session import SessionFactory
from cloudmaid.validate import PolicySpec
from tests.conftest import run_instances

CENTRAL = "123456789012"          # moto's default account: the caller's own credentials
MEMBER = "222233334444"
REGION = "us-east-1"
FUNCTION_ROLE = f"arn:aws:iam::{CENTRAL}:role/maid-central"

POLICY = {
    "name": "ec2-owner", "resource": "ec2",
    "mode": {"type": "cloudtrail", "events": ["RunInstances"], "role": FUNCTION_ROLE,
             "member-role": "arn:aws:iam::{account_id}:role/maid-member"},
    "filters": [{"tag:Owner": "absent"}],
    "actions": [{"type": "tag", "key": "Needs", "value": "owner"}],
}
ACCOUNTS = f"""
accounts:
  - account_id: "{MEMBER}"
    name: dev
    role: arn:aws:iam::{MEMBER}:role/maid-org
    regions: [{REGION}]
"""


def write_policies(tmp_path, *policies):
    path = tmp_path / "policies.yml"
    path.write_text(json.dumps({"policies": list(policies)}))
    source = loader.load(str(path))
    return [PolicySpec(p, source, i) for i, p in enumerate(source.data["policies"])], str(path)


def member_session():
    creds = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::{MEMBER}:role/maid-org",
                                            RoleSessionName="test")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], region_name=REGION,
                         aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"])


@pytest.fixture
def setup(aws, tmp_path):
    boto3.client("iam").create_role(RoleName="maid-central", AssumeRolePolicyDocument="{}")
    member = member_session()
    member.client("iam").create_role(RoleName="maid-member", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"AWS": FUNCTION_ROLE}}]}))
    (tmp_path / "accounts.yml").write_text(ACCOUNTS)
    accounts = accounts_mod.load(str(tmp_path / "accounts.yml"))
    specs, path = write_policies(tmp_path, POLICY)
    return accounts, specs, path, member


HUB = []


def run(fn, *args, **kw):
    """``fn``'s exit code and lines; one Hub for the file (it keeps the parsed service models)."""
    if not HUB:
        HUB.append(Hub())
    lines = []
    code = fn(*args, echo=lambda m, err=False: lines.append(m), hub=HUB[0], **kw)
    return code, lines


def test_forward_then_run_a_member_event_in_the_member_account(setup, tmp_path):
    accounts, specs, path, member = setup
    central = Context(SessionFactory(region=REGION), region=REGION, account_id=CENTRAL)
    assert deploy.deploy(specs, central, echo=lambda m, err=False: None) == 0

    # --plan: the whole plan printed, nothing written in either account
    code, lines = run(forward_setup, accounts, accounts, specs, plan_only=True)
    assert code == 0, lines
    text = "\n".join(lines)
    assert f"central {CENTRAL} in {REGION}: bus permissions: plan, 1 step(s)" in text
    assert "events.put_permission(Action=events:PutEvents, StatementId=maid-forward-222233334444, Principal=222233334444)" in text
    assert "dev: role maid-event-forwarder: plan, 2 step(s)" in text
    assert "dev in us-east-1: forwarders: plan, 2 step(s)" in text
    assert "Policy" not in boto3.client("events", region_name=REGION).describe_event_bus(Name="default")
    assert member.client("events").list_rules()["Rules"] == []
    assert member.client("iam").list_roles(PathPrefix="/cloudmaid/")["Roles"] == []

    code, lines = run(forward_setup, accounts, accounts, specs)
    assert code == 0, lines
    # the central bus lets the member put events
    policy = json.loads(boto3.client("events", region_name=REGION).describe_event_bus(Name="default")["Policy"])
    [st] = policy["Statement"]
    assert st["Sid"] == f"maid-forward-{MEMBER}" and st["Action"] == "events:PutEvents"
    assert st["Principal"] == {"AWS": f"arn:aws:iam::{MEMBER}:root"}
    # the member's forwarding rule repeats the central rule's pattern, to the central bus
    central_rule = boto3.client("events", region_name=REGION).describe_rule(Name="maid-ec2-owner")
    events = member.client("events")
    rule = events.describe_rule(Name="maid-ec2-owner")
    assert json.loads(rule["EventPattern"]) == json.loads(central_rule["EventPattern"])
    assert json.loads(rule["EventPattern"])["detail"]["eventName"] == ["RunInstances"]
    [target] = events.list_targets_by_rule(Rule="maid-ec2-owner")["Targets"]
    assert target["Arn"] == f"arn:aws:events:{REGION}:{CENTRAL}:event-bus/default"
    assert target["RoleArn"] == f"arn:aws:iam::{MEMBER}:role/cloudmaid/maid-event-forwarder"
    tags = {t["Key"]: t["Value"] for t in events.list_tags_for_resource(ResourceARN=rule["Arn"])["Tags"]}
    assert tags["maid-policy"] == "ec2-owner"
    iam = member.client("iam")
    trust = iam.get_role(RoleName="maid-event-forwarder")["Role"]["AssumeRolePolicyDocument"]
    assert "events.amazonaws.com" in json.dumps(trust)
    doc = iam.get_role_policy(RoleName="maid-event-forwarder", PolicyName="maid-forward")["PolicyDocument"]
    doc = json.loads(doc) if isinstance(doc, str) else doc
    assert doc["Statement"][0]["Resource"] == [target["Arn"]]

    # unchanged: reads only
    code, lines = run(forward_setup, accounts, accounts, specs)
    assert code == 0 and all(line.endswith("up to date") for line in lines), lines

    # a RunInstances event of the member account, delivered to the central function
    ec2 = member.client("ec2")
    iid = run_instances(ec2)[0]
    event = json.loads(open("tests/fixtures/events/cloudtrail-run-instances.json").read())
    event["account"] = MEMBER
    event["detail"]["responseElements"]["instancesSet"]["items"][0]["instanceId"] = iid
    runtime = handler.Runtime({"policy": POLICY, "options": {"account_id": CENTRAL, "region": REGION}})
    policy = runtime.policy_for(event)
    assert policy.ctx.account_id == MEMBER
    assert policy.ctx.session_factory.assume_role == f"arn:aws:iam::{MEMBER}:role/maid-member"
    out = handler.process(policy, event)
    assert out["status"] == "ok" and out["matched"] == [iid], out
    tags = {t["Key"]: t["Value"] for t in ec2.describe_tags(
        Filters=[{"Name": "resource-id", "Values": [iid]}])["Tags"]}
    assert tags.get("Needs") == "owner"
    # the same event in the central account finds nothing there: it acted in the member's
    assert boto3.client("ec2", region_name=REGION).describe_instances()["Reservations"] == []

    # the policy goes: org gc removes the forwarder, its role and the bus statement
    (tmp_path / "rest.yml").write_text("policies:\n  - {name: other, resource: ec2}\n")
    source = loader.load(str(tmp_path / "rest.yml"))
    rest = [PolicySpec(source.data["policies"][0], source, 0)]
    code, lines = run(org_gc, accounts, accounts, rest, plan_only=True)
    assert code == 0 and events.list_rules()["Rules"], lines
    text = "\n".join(lines)
    assert "events.delete_rule(Name=maid-ec2-owner)" in text
    assert "iam.delete_role(RoleName=maid-event-forwarder)" in text
    # the central account is reached as a member of the file only: add it to gc its bus
    both = accounts + [accounts_mod.Account(name="sec", account_id=CENTRAL,
                                            roles=(f"arn:aws:iam::{CENTRAL}:role/maid-org",),
                                            regions=(REGION,))]
    code, lines = run(org_gc, both, both, rest)
    assert code == 0, lines
    assert events.list_rules()["Rules"] == []
    assert "Policy" not in boto3.client("events", region_name=REGION).describe_event_bus(Name="default") \
        or json.loads(boto3.client("events", region_name=REGION).describe_event_bus(
            Name="default")["Policy"])["Statement"] == []
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName="maid-event-forwarder")
    assert boto3.client("lambda", region_name=REGION).list_functions()["Functions"] == []


def test_organization_statement_and_custom_bus(setup):
    accounts, specs, _, member = setup
    boto3.client("events", region_name=REGION).create_event_bus(Name="central")
    data = json.loads(json.dumps(POLICY))
    data["mode"]["event-bus"] = "central"
    spec = PolicySpec(data, specs[0].source, 0)
    code, lines = run(forward_setup, accounts, accounts, [spec], organization="o-abcdef1234")
    assert code == 0, lines
    bus = boto3.client("events", region_name=REGION).describe_event_bus(Name="central")
    [st] = json.loads(bus["Policy"])["Statement"]
    assert st["Sid"] == "maid-forward-o-abcdef1234"
    assert st["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}}
    [target] = member.client("events").list_targets_by_rule(Rule="maid-ec2-owner")["Targets"]
    assert target["Arn"] == f"arn:aws:events:{REGION}:{CENTRAL}:event-bus/central"
    code, lines = run(forward_setup, accounts, accounts, [spec], organization="o-abcdef1234")
    assert code == 0 and all(line.endswith("up to date") for line in lines), lines


def test_member_role_missing_is_said(setup):
    accounts, specs, _, member = setup
    member.client("iam").delete_role(RoleName="maid-member")
    code, lines = run(forward_setup, accounts, accounts, specs, plan_only=True)
    assert any(f"member role arn:aws:iam::{MEMBER}:role/maid-member does not exist" in line
               for line in lines), lines


def test_central_account_is_the_role_arns_or_central_option(aws, tmp_path):
    bare = json.loads(json.dumps(POLICY))
    bare["mode"]["role"] = "maid-central"
    specs, _ = write_policies(tmp_path, bare, {"name": "local", "resource": "ec2",
                                               "mode": {"type": "periodic", "schedule": "rate(1 day)"}})
    with pytest.raises(CentralError, match="give its ARN or --central ACCOUNT"):
        central_policies(specs)
    [found] = central_policies(specs, central=CENTRAL)   # the policy without member-role is not forwarded
    assert (found.central, found.bus, found.function) == (CENTRAL, "default", "maid-ec2-owner")
    with pytest.raises(CentralError, match="is in account 123456789012, not in the central account 999999999999"):
        central_policies(write_policies(tmp_path, POLICY)[0], central="999999999999")
    periodic = json.loads(json.dumps(POLICY))
    periodic["mode"] = {"type": "periodic", "schedule": "rate(1 day)", "role": FUNCTION_ROLE,
                        "member-role": POLICY["mode"]["member-role"]}
    with pytest.raises(CentralError, match="mode periodic is not delivered by an event pattern rule"):
        central_policies(write_policies(tmp_path, periodic)[0])


def test_central_account_not_reachable_is_one_line(aws, tmp_path):
    (tmp_path / "accounts.yml").write_text(ACCOUNTS)
    accounts = accounts_mod.load(str(tmp_path / "accounts.yml"))
    data = json.loads(json.dumps(POLICY))
    data["mode"]["role"] = "arn:aws:iam::999999999999:role/maid-central"
    specs, _ = write_policies(tmp_path, data)
    code, lines = run(forward_setup, accounts, accounts, specs, plan_only=True)
    assert code == 1
    assert any("account 999999999999 is not in the accounts file and the caller's credentials "
               "are for account 123456789012" in line for line in lines), lines


def test_cli_forward_plan(setup, tmp_path):
    _, _, path, member = setup
    result = CliRunner().invoke(main, ["org", "forward", "-c", str(tmp_path / "accounts.yml"), path, "--plan"])
    assert result.exit_code == 0, result.output
    assert "dev in us-east-1: forwarders: plan, 2 step(s)" in result.output
    assert member.client("events").list_rules()["Rules"] == []
    result = CliRunner().invoke(main, ["org", "forward", "-c", str(tmp_path / "accounts.yml"), path,
                                       "--organization", "abc"])
    assert result.exit_code == 2 and "an organization id starts with 'o-'" in result.output
    result = CliRunner().invoke(main, ["org", "gc", "-c", str(tmp_path / "accounts.yml"), path, "-p", "x"])
    assert result.exit_code == 2 and "-p/-l would remove the others" in result.output


def test_examples_validate():
    for name in ("examples/central-policy.yml", "examples/central-accounts.yml"):
        assert open(name).read()
    result = CliRunner().invoke(main, ["validate", "examples/central-policy.yml"])
    assert result.exit_code == 0, result.output
    assert accounts_mod.load("examples/central-accounts.yml")


def test_changed_pattern_updates_only_the_forwarding_rule(setup):
    accounts, specs, _, member = setup
    assert run(forward_setup, accounts, accounts, specs)[0] == 0
    data = json.loads(json.dumps(POLICY))
    data["mode"]["events"].append({"source": "ec2.amazonaws.com", "event": "StartInstances",
                                   "ids": "requestParameters.instancesSet.items[].instanceId"})
    code, lines = run(forward_setup, accounts, accounts, [PolicySpec(data, specs[0].source, 0)])
    assert code == 0, lines
    assert [line for line in lines if not line.endswith("up to date")][0] == \
        "dev in us-east-1: forwarders: applying 1 step(s)"
    assert lines[-1].startswith("  events.put_rule(Name=maid-ec2-owner")
    rule = member.client("events").describe_rule(Name="maid-ec2-owner")
    assert json.loads(rule["EventPattern"])["detail"]["eventName"] == ["RunInstances", "StartInstances"]


def test_nothing_to_forward_and_all_regions_are_one_line(setup):
    accounts, specs, _, _ = setup
    central_only = [accounts_mod.Account(name="sec", account_id=CENTRAL, roles=(), regions=(REGION,))]
    code, lines = run(forward_setup, accounts + central_only, central_only, specs, plan_only=True)
    assert code == 1 and lines == ["no selected account other than the central account: nothing to forward"]
    code, lines = run(forward_setup, accounts, accounts, specs, regions=["all"], plan_only=True)
    assert code == 1 and lines[0].startswith("-r all: name the regions")
