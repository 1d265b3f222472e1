"""Faults while actions run, on moto: a resource deleted between the describe and the action,
an action AWS refuses (termination protection), credentials expiring mid-run. Each is
reported for its own resources, the others are done, the run exits 1 and metadata.json says
which resource failed and why."""
import datetime
import json
import pathlib

import boto3
import pytest
from botocore.credentials import CredentialProvider, RefreshableCredentials
from botocore.exceptions import CredentialRetrievalError
from botocore.session import get_session
from botocore.stub import Stubber

from cloudmaid import loader
from cloudmaid.actions.core import actions
from cloudmaid.context import Context
from cloudmaid.policy import load_plugins
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.runner import run_one
from cloudmaid.session import SessionFactory
from cloudmaid.validate import PolicySpec

from .conftest import make_ami, run_instances

ACCOUNT = "123456789012"   # moto's default account


def spec_of(policy):
    source = loader.Source("p.yml", {"policies": [policy]}, {})
    return PolicySpec(policy, source, 0)


class Echo:
    def __init__(self):
        self.lines, self.errors = [], []

    def __call__(self, msg, err=False):
        (self.errors if err else self.lines).append(msg)


def maid_run(ctx, policy):
    """``maid run`` of one policy in ``ctx``: (exit code, metadata.json, echo)."""
    echo = Echo()
    code = run_one(spec_of(policy), ctx, echo)
    meta = json.loads((ctx_dir(ctx) / policy["name"] / "metadata.json").read_text())
    return code, meta, echo


def ctx_dir(ctx):
    return pathlib.Path(ctx.output_dir)


def after_describe(ctx, do):
    """``do()`` once, right after the policy's describe: what changes in the account while
    the policy runs."""
    done = []

    def hook(**kw):
        if not done:
            done.append(1)
            do()
    ctx.session_factory.client("ec2").meta.events.register(
        "after-call.ec2.DescribeInstances", hook)


def attempts(ctx, operation):
    """The InstanceIds of every ``operation`` call the run's ec2 client makes from now on."""
    seen = []
    ctx.session_factory.client("ec2").meta.events.register(
        f"provide-client-params.ec2.{operation}",
        lambda params, **kw: seen.append(list(params.get("InstanceIds") or params.get(
            "Resources") or ())))
    return seen


def purge(iid):
    """The instance is gone from the account (as a terminated one is, an hour later):
    every call naming it answers InvalidInstanceID.NotFound."""
    from moto.ec2.models import ec2_backends
    backend = ec2_backends[ACCOUNT]["us-east-1"]
    for rid, reservation in list(backend.reservations.items()):
        reservation.instances = [i for i in reservation.instances if i.id != iid]


def states(ec2, *ids):
    found = {i["InstanceId"]: i["State"]["Name"] for r in ec2.describe_instances(
        InstanceIds=list(ids))["Reservations"] for i in r["Instances"]}
    return [found[i] for i in ids]


def tags_of(ec2, iid):
    return {t["Key"]: t["Value"] for t in ec2.describe_tags(Filters=[
        {"Name": "resource-id", "Values": [iid]}])["Tags"]}


# -- a resource deleted between describe and action ------------------------------------
def test_instance_deleted_after_describe_fails_alone_and_the_batch_is_retried_once(ctx, ec2):
    a, gone, c = run_instances(ec2, count=3)
    after_describe(ctx, lambda: purge(gone))
    stops = attempts(ctx, "StopInstances")
    code, meta, echo = maid_run(ctx, {"name": "stop-all", "resource": "ec2", "actions": [
        "stop", {"type": "tag", "key": "stopped-by", "value": "maid"}]})
    assert code == 1
    stop, _ = meta["actions"]
    assert stop["succeeded"] == 2 and [f["id"] for f in stop["failed"]] == [gone]
    assert stop["failed"][0]["error"].startswith("InvalidInstanceID.NotFound: ")
    # the whole-batch refusal names the gone id: the rest go again in one call (Custodian
    # fails the whole batch; a per-id retry would cost a call per instance)
    assert stops == [[a, gone, c], [a, c]]
    assert states(ec2, a, c) == ["stopped", "stopped"]
    # the next action still runs (moto's CreateTags accepts unknown ids: no failure there)
    assert tags_of(ec2, a) == {"stopped-by": "maid"} == tags_of(ec2, c)
    assert meta["errors"] == [f"stop {gone}: {stop['failed'][0]['error']}"]
    assert "stop-all" in echo.lines[0]


# -- an action AWS refuses -------------------------------------------------------------
def test_terminate_without_force_reports_the_protected_instance_and_does_the_rest(ctx, ec2):
    ami = make_ami(ec2)
    first, protected, last = run_instances(ec2, count=3, ImageId=ami)
    ec2.modify_instance_attribute(InstanceId=protected, DisableApiTermination={"Value": True})
    terminates = attempts(ctx, "TerminateInstances")
    code, meta, _ = maid_run(ctx, {"name": "reap", "resource": "ec2", "actions": ["terminate"]})
    assert code == 1
    [result] = meta["actions"]
    assert result["succeeded"] == 2
    assert [f["id"] for f in result["failed"]] == [protected]
    assert result["failed"][0]["error"].startswith("OperationNotPermitted: ")
    assert protected in result["failed"][0]["error"]
    assert terminates == [[first, protected, last], [first, last]]
    assert states(ec2, first, protected, last) == ["terminated", "running", "terminated"]
    assert meta["errors"] == [f"terminate {protected}: {result['failed'][0]['error']}"]
    assert "ec2.ModifyInstanceAttribute" not in meta["api-stats"]


def test_terminate_force_turns_off_protection_of_every_refused_instance(ctx, ec2):
    ami = make_ami(ec2)
    ids = run_instances(ec2, count=4, ImageId=ami)
    for iid in ids[1:3]:   # AWS names one refused instance per answer
        ec2.modify_instance_attribute(InstanceId=iid, DisableApiTermination={"Value": True})
    modified = []
    ctx.session_factory.client("ec2").meta.events.register(
        "provide-client-params.ec2.ModifyInstanceAttribute",
        lambda params, **kw: modified.append(params["InstanceId"]))
    code, meta, _ = maid_run(ctx, {"name": "reap", "resource": "ec2",
                                   "actions": [{"type": "terminate", "force": True}]})
    assert code == 0 and meta["errors"] == []
    assert meta["actions"][0]["succeeded"] == 4
    assert states(ec2, *ids) == ["terminated"] * 4
    # termination and stop protection, of the refused instances only
    assert sorted(modified) == sorted(ids[1:3] * 2)


# -- credentials expiring mid-run ------------------------------------------------------
class Clock:
    def __init__(self):
        self.now = datetime.datetime.now(datetime.timezone.utc)

    def __call__(self):
        return self.now


class RoleProvider(CredentialProvider):
    """Assumed-role credentials, refreshed by botocore through STS (Stubber playing STS with
    its real shapes) on a clock the test moves."""
    METHOD = "assume-role"

    def __init__(self, sts, clock):
        super().__init__()
        self.sts, self.clock = sts, clock
        self.refusals = 0

    def fetch(self):
        if self.refusals:
            self.refusals -= 1
            raise CredentialRetrievalError(provider=self.METHOD, error_msg="refresh refused")
        creds = self.sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/maid",
                                     RoleSessionName="cloudmaid")["Credentials"]
        return {"access_key": creds["AccessKeyId"], "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"], "expiry_time": creds["Expiration"].isoformat()}

    def load(self):
        start = self.clock() + datetime.timedelta(hours=1)
        return RefreshableCredentials("AKIAFIRST", "secret", "token", start, self.fetch,
                                      self.METHOD, time_fetcher=self.clock)


def assume_role_answer(clock):
    return {"Credentials": {"AccessKeyId": "ASIAEXAMPLESECOND01", "SecretAccessKey": "secret",
                            "SessionToken": "token2",
                            "Expiration": clock() + datetime.timedelta(days=1)},
            "AssumedRoleUser": {"AssumedRoleId": "AROAEXAMPLEEXAMPLE01:cloudmaid",
                                "Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/maid/cloudmaid"}}


@pytest.mark.parametrize("refused, expected", [
    # the role's source credentials had expired too: STS answers ExpiredToken
    ("sts", "ExpiredToken: The security token included in the request is expired"),
    # a credential process or SSO refresh failing: botocore's own error
    ("provider", "CredentialRetrievalError: Error when retrieving credentials from "
                 "assume-role: refresh refused"),
])
def test_credentials_expiring_mid_run_fail_that_action_and_the_rest_continue(
        aws, ec2, tmp_path, refused, expected):
    ids = run_instances(ec2, count=3)
    clock = Clock()
    sts = boto3.client("sts", region_name="us-east-1")
    stub = Stubber(sts)
    if refused == "sts":
        stub.add_client_error("assume_role", "ExpiredToken",
                              "The security token included in the request is expired", 400)
    stub.add_response("assume_role", assume_role_answer(clock))   # the next refresh works
    stub.activate()
    provider = RoleProvider(sts, clock)
    if refused == "provider":
        provider.refusals = 1
    core = get_session()
    core.get_component("credential_provider").insert_before("env", provider)
    ctx = Context(SessionFactory(region="us-east-1", session=boto3.Session(botocore_session=core)),
                  output_dir=str(tmp_path / "out"), account_id=ACCOUNT)

    def expire():   # the describe took longer than the credentials lived
        clock.now += datetime.timedelta(hours=2)
    after_describe(ctx, expire)
    stops = attempts(ctx, "StopInstances")
    code, meta, _ = maid_run(ctx, {"name": "stop-all", "resource": "ec2", "actions": [
        "stop", {"type": "tag", "key": "seen", "value": "yes"}]})
    stub.assert_no_pending_responses()
    assert code == 1
    stop, tag = meta["actions"]
    assert sorted(f["id"] for f in stop["failed"]) == sorted(ids) and stop["succeeded"] == 0
    assert [f["error"] for f in stop["failed"]] == [expected] * 3
    # an error about the caller is not retried one instance at a time
    assert len(stops) == 1
    assert states(ec2, *ids) == ["running"] * 3
    # the refreshed credentials serve the next action
    assert tag["succeeded"] == 3 and tag["failed"] == []
    assert all(tags_of(ec2, i) == {"seen": "yes"} for i in ids)
    assert sorted(meta["errors"]) == sorted(f"stop {i}: {expected}" for i in ids)


def test_force_that_cannot_lift_protection_says_so_and_does_the_others(ctx):
    # moto grants every ModifyInstanceAttribute: a Stubber with EC2's real shapes plays AWS
    load_plugins()
    mgr = ResourceManager.for_type(ctx, "ec2")
    ids = ["i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa2"]
    instances = [{"InstanceId": i, "State": {"Name": "running", "Code": 16}} for i in ids]
    refused = f"The instance '{ids[0]}' may not be terminated. Modify its " \
              "'disableApiTermination' instance attribute and try again."
    with Stubber(ctx.session_factory.client("ec2")) as stub:
        stub.add_client_error("terminate_instances", "OperationNotPermitted", refused, 400,
                              expected_params={"InstanceIds": ids})
        stub.add_client_error("modify_instance_attribute", "UnauthorizedOperation",
                              "You are not authorized to perform this operation.", 403,
                              expected_params={"InstanceId": ids[0],
                                               "DisableApiTermination": {"Value": False}})
        stub.add_response("terminate_instances", {"TerminatingInstances": [
            {"InstanceId": ids[1], "CurrentState": {"Code": 32, "Name": "shutting-down"},
             "PreviousState": {"Code": 16, "Name": "running"}}]},
            {"InstanceIds": ids[1:]})
        result = actions.get("terminate", "ec2")({"type": "terminate", "force": True},
                                                 mgr).run(instances)
        stub.assert_no_pending_responses()
    assert result["succeeded"] == 1
    assert result["failed"] == [{"id": ids[0], "error": (
        f"OperationNotPermitted: {refused} (turning DisableApiTermination off failed: "
        "UnauthorizedOperation: You are not authorized to perform this operation.)")}]
