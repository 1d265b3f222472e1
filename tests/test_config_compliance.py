"""config-compliance: resources in moto, AWS Config's evaluation results through botocore's
Stubber (moto has no GetComplianceDetailsByConfigRule), with the real response shape."""
import datetime

import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.policy import Policy, load_plugins
from cloudmaid.validate import PolicyChecker

from .conftest import run_instances

load_plugins()
NOW = datetime.datetime.now(datetime.timezone.utc)


def evaluation(rid, rtype="AWS::EC2::Instance", rule="r1", kind="NON_COMPLIANT", days=1,
               note="not encrypted"):
    when = NOW - datetime.timedelta(days=days)
    return {"EvaluationResultIdentifier": {
        "EvaluationResultQualifier": {"ConfigRuleName": rule, "ResourceType": rtype,
                                      "ResourceId": rid, "EvaluationMode": "DETECTIVE"},
        "OrderingTimestamp": when},
        "ComplianceType": kind, "ResultRecordedTime": when, "ConfigRuleInvokedTime": when,
        "Annotation": note}


@pytest.fixture
def config(ctx):
    """``expect(rule, results, states=[NON_COMPLIANT], pages=1)`` on the context's client."""
    stub = Stubber(ctx.session_factory.client("config"))

    def expect(rule, results, states=("NON_COMPLIANT",), pages=1):
        size = -(-len(results) // pages) if results else 0
        for n in range(pages):
            page = {"EvaluationResults": results[n * size:(n + 1) * size]}
            params = {"ConfigRuleName": rule, "ComplianceTypes": list(states)}
            if n:
                params["NextToken"] = f"t{n}"
            if n + 1 < pages:
                page["NextToken"] = f"t{n + 1}"
            stub.add_response("get_compliance_details_by_config_rule", page, params)
    stub.activate()
    yield expect
    stub.assert_no_pending_responses()
    stub.deactivate()


def run(ctx, resource, **data):
    meta = Policy({"name": "p", "resource": resource,
                   "filters": [{"type": "config-compliance", **data}]}, ctx).run()
    assert not meta["errors"], meta["errors"]
    return meta["matched"]


def test_non_compliant_instances_of_any_rule(ctx, ec2, config):
    a, b, c = run_instances(ec2, count=3)
    config("r1", [evaluation(a), evaluation("vol-1", "AWS::EC2::Volume")])
    config("r2", [evaluation(b, rule="r2"), evaluation(a, rule="r2")], pages=2)
    found = run(ctx, "ec2", rules=["r1", "r2"])
    assert sorted(r["InstanceId"] for r in found) == sorted([a, b])
    by_id = {r["InstanceId"]: r["c7n:config-compliance"] for r in found}
    assert [e["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ConfigRuleName"]
            for e in by_id[a]] == ["r1", "r2"]


def test_states_and_eval_filters_with_op(ctx, ec2, config):
    a, b = run_instances(ec2, count=2)
    states = ["COMPLIANT", "NON_COMPLIANT"]
    config("r1", [evaluation(a, days=40), evaluation(b, days=2, kind="COMPLIANT")], states)
    recent = {"type": "value", "key": "ResultRecordedTime", "value_type": "age",
              "value": 30, "op": "less-than"}
    assert [r["InstanceId"] for r in run(ctx, "ec2", rules=["r1"], states=states,
                                         eval_filters=[recent])] == [b]
    ctx.cache.clear()
    config("r1", [evaluation(a, days=40), evaluation(b, days=2, kind="COMPLIANT")], states)
    either = [recent, {"ComplianceType": "NON_COMPLIANT"}]
    assert sorted(r["InstanceId"] for r in run(ctx, "ec2", rules=["r1"], states=states,
                                               eval_filters=either)) == sorted([a, b])
    ctx.cache.clear()
    config("r1", [evaluation(a, days=40), evaluation(b, days=2, kind="COMPLIANT")], states)
    assert run(ctx, "ec2", rules=["r1"], states=states, eval_filters=either, op="and") == []


def test_rds_matched_by_the_id_config_records(ctx, config):
    rds = boto3.client("rds", region_name="us-east-1")
    db = rds.create_db_instance(DBInstanceIdentifier="db1", DBInstanceClass="db.t3.micro",
                                Engine="postgres", MasterUsername="u",
                                MasterUserPassword="password1", AllocatedStorage=20)["DBInstance"]
    config("rds-rule", [evaluation(db["DbiResourceId"], "AWS::RDS::DBInstance")])
    found = run(ctx, "rds", rules=["rds-rule"])
    assert [r["DBInstanceIdentifier"] for r in found] == ["db1"]
    ctx.cache.clear()
    config("rds-rule", [evaluation("db-SOMEOTHERINSTANCE", "AWS::RDS::DBInstance")])
    assert run(ctx, "rds", rules=["rds-rule"]) == []


def test_matched_by_arn_and_by_the_arn_resource_of_arn_ids(ctx, config):
    sns = boto3.client("sns", region_name="us-east-1")
    arn = sns.create_topic(Name="alerts")["TopicArn"]
    sns.create_topic(Name="quiet")
    config("sns-rule", [evaluation("alerts", "AWS::SNS::Topic")])
    assert [r["TopicArn"] for r in run(ctx, "sns", rules=["sns-rule"])] == [arn]
    ctx.cache.clear()
    config("sns-rule", [evaluation(arn, "AWS::SNS::Topic")])
    assert [r["TopicArn"] for r in run(ctx, "sns", rules=["sns-rule"])] == [arn]


@pytest.mark.parametrize("resource,data,message", [
    ("key-pair", {"rules": ["r"]}, "AWS Config records no resource type"),
    ("ec2", {"rules": ["r"], "eval_filters": [{"type": "marked-for-op"}]},
     "eval_filters hold value filters"),
    ("ec2", {"rules": ["r"], "eval_filters": [{"type": "value", "key": "A", "op": "eqq",
                                               "value": 1}]}, "eqq"),
    ("ec2", {"rules": ["r"], "states": ["BAD"]}, "BAD"),
    ("ec2", {}, "rules"),
])
def test_validation(resource, data, message):
    problems = PolicyChecker({"name": "p", "resource": resource, "filters": [
        {"type": "config-compliance", **data}]}).run()
    assert any(message in m for _, m, _ in problems), problems
