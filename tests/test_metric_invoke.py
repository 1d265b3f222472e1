"""put-metric publishes Custodian's datapoint to moto's CloudWatch; invoke-lambda sends
Custodian's payload in batches (moto runs functions only in Docker, so Lambda's Invoke is
answered by botocore's Stubber with its real response shape)."""
import datetime
import io
import json

import boto3
import pytest
from botocore.stub import ANY, Stubber

from cloudmaid.actions.invoke import InvokeLambda
from cloudmaid.actions.metric import PutMetric
from cloudmaid.policy import Policy
from cloudmaid.validate import PolicyChecker

RESOURCES = [{"InstanceId": "i-1", "BlockDeviceMappings": [{"DeviceName": "/dev/a"},
                                                            {"DeviceName": "/dev/b"}]},
             {"InstanceId": "i-2", "BlockDeviceMappings": [{"DeviceName": "/dev/a"}]}]


def manager(ctx):
    p = Policy({"name": "p", "resource": "ec2"}, ctx)
    p.manager.event = None
    return p.manager


@pytest.mark.parametrize("op,expected", [("count", 3), ("distinct_count", 2)])
def test_put_metric(ctx, op, expected):
    a = PutMetric({"type": "put-metric", "key": "BlockDeviceMappings[].DeviceName",
                   "namespace": "Usage", "metric_name": "Disks", "op": op,
                   "dimensions": [{"Team": "core"}]}, manager(ctx))
    assert a.run(RESOURCES)["succeeded"] == 2
    cw = boto3.client("cloudwatch", region_name="us-east-1")
    (metric,) = cw.list_metrics(Namespace="Usage")["Metrics"]
    assert metric["MetricName"] == "Disks" and metric["Dimensions"] == [{"Name": "Team", "Value": "core"}]
    now = datetime.datetime.now(datetime.timezone.utc)
    stats = cw.get_metric_statistics(Namespace="Usage", MetricName="Disks", Dimensions=metric["Dimensions"],
                                     StartTime=now - datetime.timedelta(minutes=5),
                                     EndTime=now + datetime.timedelta(minutes=5), Period=600,
                                     Statistics=["Sum"])["Datapoints"]
    assert stats[0]["Sum"] == expected and stats[0]["Unit"] == "Count"


def stubbed(action, answers):
    client = boto3.client("lambda", region_name="us-east-1")
    stub = Stubber(client)
    sent = []
    for answer in answers:
        stub.add_response("invoke", answer, {"FunctionName": "handler", "Payload": ANY,
                                             "InvocationType": "Event", "Qualifier": "live"})
    client.meta.events.register("provide-client-params.lambda.Invoke",
                                lambda params, **kw: sent.append(json.loads(params["Payload"])))
    stub.activate()
    action.client = lambda: client
    return stub, sent


def test_invoke_lambda_payload_and_batches(ctx):
    a = InvokeLambda({"type": "invoke-lambda", "function": "handler", "qualifier": "live",
                      "batch_size": 1, "vars": {"team": "core"}}, manager(ctx))
    ok = {"StatusCode": 202, "Payload": io.BytesIO(b"")}
    stub, sent = stubbed(a, [ok, dict(ok, FunctionError="Unhandled")])
    result = a.run(RESOURCES)
    stub.assert_no_pending_responses()
    assert result["succeeded"] == 1 and result["failed"][0]["id"] == "i-2"
    assert [p["resources"][0]["InstanceId"] for p in sent] == ["i-1", "i-2"]
    first = sent[0]
    assert sorted(first) == ["account", "account_id", "action", "event", "policy", "region",
                             "resources", "vars", "version"]
    assert first["account_id"] == ctx.account_id and first["policy"]["name"] == "p"
    assert first["vars"] == {"team": "core"} and first["action"]["function"] == "handler"


def problems(action):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "ec2",
                                            "actions": [action]}).run()]


def test_validation():
    assert problems({"type": "put-metric", "key": "InstanceId", "namespace": "n",
                     "metric_name": "m"}) == []
    assert problems({"type": "put-metric", "key": "InstanceId", "namespace": "n"})
    assert problems({"type": "put-metric", "key": "a[", "namespace": "n", "metric_name": "m"})
    assert problems({"type": "put-metric", "key": "k", "namespace": "n", "metric_name": "m",
                     "units": "Furlongs"})
    assert problems({"type": "invoke-lambda", "function": "f"}) == []
    assert problems({"type": "invoke-lambda"})
