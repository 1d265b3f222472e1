"""ops-item: instances in moto, OpsCenter items through botocore's Stubber (moto has no
DescribeOpsItems), with the real response shape and the exact query Custodian sends."""
import datetime
import json

import pytest
from botocore.stub import Stubber

from cloudmaid.policy import Policy, load_plugins
from cloudmaid.validate import PolicyChecker

from .conftest import run_instances

load_plugins()
ARN = "arn:aws:ec2:us-east-1:123456789012:instance/{}"


def item(oid, *ids, status="Open"):
    now = datetime.datetime.now(datetime.timezone.utc)
    return {"OpsItemId": oid, "Title": "Instance over-privileged", "Source": "Cloud Custodian",
            "Status": status, "Priority": 2, "CreatedBy": "arn:aws:iam::123456789012:root",
            "CreatedTime": now, "LastModifiedBy": "arn:aws:iam::123456789012:root",
            "LastModifiedTime": now,
            "OperationalData": {"/aws/resources": {
                "Type": "SearchableString",
                "Value": json.dumps([{"arn": ARN.format(i)} for i in ids])}}}


@pytest.fixture
def ssm(ctx):
    stub = Stubber(ctx.session_factory.client("ssm"))

    def expect(ids, pages, extra=(), status=("Open",)):
        query = [{"Key": "Status", "Operator": "Equal", "Values": list(status)}, *extra,
                 {"Key": "ResourceId", "Operator": "Contains", "Values": list(ids)}]
        for n, items in enumerate(pages):
            params = {"OpsItemFilters": query}
            page = {"OpsItemSummaries": items}
            if n:
                params["NextToken"] = f"t{n}"
            if n + 1 < len(pages):
                page["NextToken"] = f"t{n + 1}"
            stub.add_response("describe_ops_items", page, params)
    stub.activate()
    yield expect
    stub.assert_no_pending_responses()
    stub.deactivate()


def run(ctx, **data):
    meta = Policy({"name": "p", "resource": "ec2",
                   "filters": [{"type": "ops-item", **data}]}, ctx).run()
    assert not meta["errors"], meta["errors"]
    return {r["InstanceId"]: r["c7n:opsitems"] for r in meta["matched"]}


def listed(ctx):
    from cloudmaid.resources.manager import ResourceManager
    return [r["InstanceId"] for r in ResourceManager.for_type(ctx, "ec2").resources()]


def test_instances_named_by_open_items(ctx, ec2, ssm):
    run_instances(ec2, count=3)
    a, b, c = listed(ctx)
    ssm([a, b, c], [[item("oi-1", a), item("oi-2", a, "i-elsewhere")], [item("oi-3", c)]])
    assert run(ctx) == {a: ["oi-1", "oi-2"], c: ["oi-3"]}


def test_query_keys_and_ten_resources_per_query(ctx, ec2, ssm):
    run_instances(ec2, count=12)
    ids = listed(ctx)
    extra = [{"Key": "Priority", "Operator": "Equal", "Values": ["1", "2"]},
             {"Key": "Title", "Operator": "Contains", "Values": ["privileged"]},
             {"Key": "Source", "Operator": "Equal", "Values": ["Cloud Custodian"]}]
    status = ["Open", "In progress"]
    ssm(ids[:10], [[item("oi-1", ids[0])]], extra, status)
    ssm(ids[10:], [[item("oi-2", ids[11], status="In progress")]], extra, status)
    assert run(ctx, status=status, priority=[1, 2], title="privileged",
               source="Cloud Custodian") == {ids[0]: ["oi-1"], ids[11]: ["oi-2"]}


@pytest.mark.parametrize("data,message", [
    ({"priority": [6]}, "6"), ({"status": ["Closed"]}, "Closed"),
    ({"title": 3}, "expected a string"),
])
def test_validation(data, message):
    problems = PolicyChecker({"name": "p", "resource": "ec2", "filters": [
        {"type": "ops-item", **data}]}).run()
    assert any(message in m for _, m, _ in problems), problems
