"""The sandbox as a local event-mode lab, in-process: every client's calls recorded server-side
as CloudTrail (every protocol), LookupEvents, state changes delivered in order, schedules on a
clock the test moves, a loop of function-caused events stopped, Config rules evaluated."""
import datetime
import io
import json
import zipfile

import boto3
import botocore.exceptions
import pytest
from click.testing import CliRunner

from cloudmaid.sandbox import fleet
from cloudmaid.sandbox.clock import UTC, Cron, ManualClock, next_time
from cloudmaid.sandbox.server import Sandbox

PROBE = '''
import json, os, boto3
def handler(event, context):
    detail = event.get("detail") or {}
    if os.environ.get("PROBE_RETAG") and detail.get("eventName") == "CreateTags":
        rid = detail["requestParameters"]["resourcesSet"]["items"][0]["resourceId"]
        boto3.client("ec2").create_tags(Resources=[rid], Tags=[{"Key": "seen", "Value": context.aws_request_id}])
    return {"type": event.get("detail-type"), "state": detail.get("state"), "time": event.get("time"),
            "instance": detail.get("instance-id"), "resources": event.get("resources")}
'''


@pytest.fixture(scope="module")
def clock():
    return ManualClock(datetime.datetime.now(UTC).replace(microsecond=0))


@pytest.fixture(scope="module")
def sb(clock):
    with Sandbox(events=True, clock=clock) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def user(sb):
    """A plain boto3 session, as any user's script would have (not the sandbox's own)."""
    s = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    return lambda service: s.client(service, endpoint_url=sb.endpoint)


@pytest.fixture(scope="module")
def image(sb, user):
    return fleet.base_image(user("ec2"))


def _zip(text):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("probe.py", text)
    return buf.getvalue()


def _probe(sb, user, name, pattern=None, schedule=None, env=None):
    arn = user("lambda").create_function(
        FunctionName=name, Runtime="python3.11", Role=sb.role_arn, Handler="probe.handler",
        Code={"ZipFile": _zip(PROBE)}, Timeout=60,
        Environment={"Variables": env or {}})["FunctionArn"]
    events = user("events")
    events.put_rule(Name=name, **({"EventPattern": json.dumps(pattern)} if pattern
                                  else {"ScheduleExpression": schedule}))
    events.put_targets(Rule=name, Targets=[{"Id": "1", "Arn": arn}])
    return arn


def _records(sb, name):
    return [r for r in sb.lab.history.records() if r["eventName"] == name]


def _launch(user, image, encrypted=True, tags=None):
    return fleet.launch(user("ec2"), image, "lab", tags, encrypted=encrypted)


# -- recording: any client, every protocol -------------------------------------------------

def test_calls_of_every_protocol_are_recorded_as_cloudtrail(sb, user):
    ec2, iam, s3 = user("ec2"), user("iam"), user("s3")
    gid = ec2.create_security_group(GroupName="lab-web", Description="web")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.describe_security_groups(GroupIds=[gid])                          # read-only: not recorded
    iam.create_user(UserName="lab-user")                                  # query
    user("events").put_rule(Name="lab-rule", EventPattern='{"source": ["lab"]}')   # json
    user("logs").create_log_group(logGroupName="/lab/group")              # json
    s3.create_bucket(Bucket="lab-bucket")                                 # rest-xml
    s3.put_bucket_tagging(Bucket="lab-bucket", Tagging={"TagSet": [{"Key": "team", "Value": "a"}]})
    s3.put_object(Bucket="lab-bucket", Key="k", Body=b"x")                # a data event: not recorded
    user("lambda").tag_resource(                                          # rest-json
        Resource=_probe(sb, user, "lab-rest-json", pattern={"source": ["nothing"]}), Tags={"k": "v"})

    (auth,) = _records(sb, "AuthorizeSecurityGroupIngress")
    assert auth["eventSource"] == "ec2.amazonaws.com" and auth["requestParameters"]["groupId"] == gid
    perm = auth["requestParameters"]["ipPermissions"]["items"][0]
    assert (perm["fromPort"], perm["ipRanges"]["items"][0]["cidrIp"]) == (443, "0.0.0.0/0")
    assert _records(sb, "DescribeSecurityGroups") == [] and _records(sb, "PutObject") == []
    (made,) = _records(sb, "CreateUser")
    assert made["requestParameters"] == {"userName": "lab-user"}
    assert made["responseElements"]["user"]["userName"] == "lab-user"
    (rule,) = _records(sb, "PutRule")[:1]
    assert rule["requestParameters"] == {"name": "lab-rule", "eventPattern": '{"source": ["lab"]}'}
    assert _records(sb, "CreateLogGroup")[0]["requestParameters"] == {"logGroupName": "/lab/group"}
    (tagging,) = _records(sb, "PutBucketTagging")
    assert tagging["requestParameters"]["bucketName"] == "lab-bucket"
    assert tagging["requestParameters"]["Tagging"] == {"TagSet": [{"Key": "team", "Value": "a"}]}
    assert tagging["responseElements"] is None
    (tagged,) = _records(sb, "TagResource")
    assert tagged["eventSource"] == "lambda.amazonaws.com"
    assert tagged["requestParameters"]["resource"].endswith(":function:lab-rest-json")
    (created,) = _records(sb, "CreateFunction")[:1]
    assert created["requestParameters"]["functionName"] == "lab-rest-json"
    for r in (auth, made, tagging):
        assert r["userIdentity"]["type"] == "IAMUser" and r["userIdentity"]["accessKeyId"] == "testing"
        assert "Boto3/" in r["userAgent"] and r["readOnly"] is False
        assert r["eventTime"].endswith("Z") and r["recipientAccountId"] == sb.account_id


def test_failed_calls_are_recorded_with_cloudtrails_error_code(sb, user):
    with pytest.raises(botocore.exceptions.ClientError):
        user("ec2").terminate_instances(InstanceIds=["i-0123456789abcdef0"])
    with pytest.raises(botocore.exceptions.ClientError):
        user("s3").create_bucket(Bucket="x")
    (ec2,) = _records(sb, "TerminateInstances")[-1:]
    assert ec2["errorCode"] == "Client.InvalidInstanceID.NotFound"
    assert "i-0123456789abcdef0" in ec2["errorMessage"] and ec2["responseElements"] is None
    assert ec2["requestParameters"] == {"instancesSet": {"items": [{"instanceId": "i-0123456789abcdef0"}]}}
    assert _records(sb, "CreateBucket")[-1]["errorCode"] == "InvalidBucketName"


# -- delivery ------------------------------------------------------------------------------

def test_state_changes_reach_their_rule_in_order(sb, user, image):
    _probe(sb, user, "lab-states", pattern={
        "source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]})
    iid = _launch(user, image)
    user("ec2").stop_instances(InstanceIds=[iid])
    user("ec2").start_instances(InstanceIds=[iid])
    assert sb.lab.drain(120)
    user("events").disable_rule(Name="lab-states")
    seen = [inv for inv in sb.lab.invocations if inv.function == "lab-states"
            and inv.result["instance"] == iid]
    assert all(inv.ok for inv in seen)
    assert [inv.result["state"] for inv in seen] == [
        "pending", "running", "stopping", "stopped", "pending", "running"]
    # each invocation's log lines are in the function's log group
    messages = [e["message"] for e in user("logs").filter_log_events(
        logGroupName="/aws/lambda/lab-states")["events"]]
    assert sum(m.startswith("START RequestId:") for m in messages) >= len(seen)


def test_a_loop_of_function_caused_events_stops_as_lambdas_does(sb, user, image):
    # the function retags the resource of every CreateTags event: each of its calls is an
    # event for itself again
    _probe(sb, user, "lab-loop", env={"PROBE_RETAG": "1"}, pattern={
        "source": ["aws.ec2"], "detail": {"eventName": ["CreateTags"], "errorCode": [{"exists": False}]}})
    iid = _launch(user, image)
    sb.lab.dispatcher.max_chain = 3
    try:
        user("ec2").create_tags(Resources=[iid], Tags=[{"Key": "start", "Value": "1"}])
        assert sb.lab.drain(120)
    finally:
        sb.lab.dispatcher.max_chain = 16
        user("events").disable_rule(Name="lab-loop")
    runs = [inv for inv in sb.lab.invocations if inv.function == "lab-loop"]
    assert len(runs) == 3 and all(inv.ok for inv in runs)
    assert any(e["detail"].get("eventName") == "CreateTags" for e in sb.lab.dispatcher.dropped)
    calls = [r for r in _records(sb, "CreateTags") if r["requestParameters"]["resourcesSet"]
             == {"items": [{"resourceId": iid}]}]
    assert [c["userIdentity"]["type"] for c in calls] == ["IAMUser"] + ["AssumedRole"] * 3
    assert calls[1]["userIdentity"]["arn"].endswith(":assumed-role/maid-sandbox-lambda/lab-loop")


# -- LookupEvents --------------------------------------------------------------------------

def test_lookup_events_filters_and_pages_like_cloudtrail(sb, user, clock, image):
    ct = user("cloudtrail")
    clock.advance(minutes=10)
    before = clock.now()
    first = _launch(user, image)
    clock.advance(minutes=5)
    second = _launch(user, image)
    clock.advance(minutes=5)
    runs = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "RunInstances"}],
                            StartTime=before)["Events"]
    assert [r["Resources"][0]["ResourceName"] for r in runs] == [second, first]   # newest first
    assert runs[0]["EventTime"] == before + datetime.timedelta(minutes=5)
    assert {r["EventSource"] for r in runs} == {"ec2.amazonaws.com"} and runs[0]["ReadOnly"] == "false"
    assert json.loads(runs[0]["CloudTrailEvent"])["eventID"] == runs[0]["EventId"]
    window = ct.lookup_events(StartTime=before, EndTime=before + datetime.timedelta(minutes=1),
                              LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "RunInstances"}])
    assert [e["Resources"][0]["ResourceName"] for e in window["Events"]] == [first]
    by_resource = ct.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": first}])
    assert {e["EventName"] for e in by_resource["Events"]} == {"RunInstances"}
    page = ct.lookup_events(MaxResults=1, StartTime=before)
    assert len(page["Events"]) == 1 and page["NextToken"]
    pages = ct.get_paginator("lookup_events").paginate(StartTime=before, PaginationConfig={"PageSize": 1})
    assert [e["EventId"] for p in pages for e in p["Events"]][:2] == [runs[0]["EventId"], runs[1]["EventId"]]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "A"},
                                           {"AttributeKey": "ReadOnly", "AttributeValue": "false"}])
    assert e.value.response["Error"]["Code"] == "InvalidLookupAttributesException"


# -- schedules -----------------------------------------------------------------------------

def test_schedules_fire_on_the_clock(sb, user, clock):
    _probe(sb, user, "lab-hourly", schedule="rate(1 hour)")
    _probe(sb, user, "lab-noon", schedule="cron(0 12 * * ? *)")
    created = clock.now()
    noon = Cron("0 12 * * ? *").next(created)

    def fired(name):
        return [inv for inv in sb.lab.invocations if inv.function == name]
    clock.advance(minutes=59)
    clock.advance(minutes=1)
    hourly = sb.lab.dispatcher.wait_for(lambda inv: inv.function == "lab-hourly", timeout=60)
    assert hourly is not None and hourly.ok
    assert hourly.result["type"] == "Scheduled Event"
    assert hourly.result["resources"] == [f"arn:aws:events:us-east-1:{sb.account_id}:rule/lab-hourly"]
    assert hourly.result["time"] == (created + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert [t for key, t in sb.lab.schedules.fired if key == ("rule", "lab-hourly")] == [
        created + datetime.timedelta(hours=1)]     # not at 59 minutes
    user("events").disable_rule(Name="lab-hourly")
    clock.advance(seconds=(noon - clock.now()).total_seconds())
    at_noon = sb.lab.dispatcher.wait_for(lambda inv: inv.function == "lab-noon", timeout=60)
    assert at_noon is not None and at_noon.result["type"] == "Scheduled Event"
    assert at_noon.result["time"] == noon.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert sb.lab.drain(60)
    assert (len(fired("lab-noon")), len(fired("lab-hourly"))) == (1, 1)
    # fired now, on request (`maid sandbox fire`)
    (now,) = sb.lab.dispatcher.wait_for_all(sb.lab.fire("lab-noon"), 60)
    assert now.ok and now.result["type"] == "Scheduled Event"
    user("events").disable_rule(Name="lab-noon")


def test_scheduler_schedules_fire_in_their_time_zone(sb, user, clock):
    from cloudmaid.modes.scheduler import EVENT
    arn = _probe(sb, user, "lab-scheduler", pattern={"source": ["nothing"]})
    zone = "America/New_York"
    created = clock.now()
    expected = Cron("0 9 * * ? *").next(created, __import__("zoneinfo").ZoneInfo(zone))
    user("scheduler").create_schedule(
        Name="lab-nine", ScheduleExpression="cron(0 9 * * ? *)", ScheduleExpressionTimezone=zone,
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": arn, "RoleArn": sb.role_arn, "Input": json.dumps(EVENT)})
    clock.advance(seconds=(expected - clock.now()).total_seconds())
    inv = sb.lab.dispatcher.wait_for(lambda i: i.function == "lab-scheduler", timeout=60)
    assert inv is not None and inv.ok
    assert inv.result["type"] == "Scheduled Event"
    assert inv.result["time"] == expected.strftime("%Y-%m-%dT%H:%M:%SZ")     # 9:00 in New York
    assert inv.result["resources"][0].endswith(":schedule/default/lab-nine")
    user("scheduler").delete_schedule(Name="lab-nine")


@pytest.mark.parametrize("expr,after,expected", [
    ("cron(0 12 * * ? *)", "2026-03-02T12:00", "2026-03-03T12:00"),
    ("cron(0/15 * * * ? *)", "2026-03-02T10:07", "2026-03-02T10:15"),
    ("cron(0 9 ? * MON-FRI *)", "2026-03-06T09:00", "2026-03-09T09:00"),   # Fri -> Mon
    ("cron(0 0 L * ? *)", "2026-02-10T00:00", "2026-02-28T00:00"),
    ("cron(0 10 ? * 6L *)", "2026-03-01T00:00", "2026-03-27T10:00"),      # last Friday
    ("cron(0 8 ? * 2#1 *)", "2026-03-03T00:00", "2026-04-06T08:00"),      # first Monday
    ("cron(30 6 15W * ? *)", "2026-03-01T00:00", "2026-03-16T06:30"),     # 15th is a Sunday
    ("cron(0 0 1 JAN ? 2027)", "2026-03-01T00:00", "2027-01-01T00:00"),
    ("rate(5 minutes)", "2026-03-02T10:07", "2026-03-02T10:10"),
    ("at(2026-03-05T08:00:00)", "2026-03-02T10:07", "2026-03-05T08:00"),
])
def test_next_time_of_schedule_expressions(expr, after, expected):
    at = datetime.datetime.fromisoformat(after).replace(tzinfo=UTC)
    anchor = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert next_time(expr, at, anchor) == datetime.datetime.fromisoformat(expected).replace(tzinfo=UTC)


def test_cron_in_a_time_zone_and_a_one_time_schedule_past():
    at = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert next_time("cron(0 9 * * ? *)", at, tz="Europe/Paris") == datetime.datetime(2026, 7, 2, 7, 0, tzinfo=UTC)
    assert next_time("at(2026-03-05T08:00:00)", at) is None


# -- AWS Config rules ----------------------------------------------------------------------

def test_config_rule_policy_evaluates_and_its_compliance_reads_back(sb, user, image, tmp_path):
    from cloudmaid.cli import main
    owned = _launch(user, image, tags={"Owner": "a@example.com"})
    loose = _launch(user, image)
    policy = tmp_path / "config.yml"
    policy.write_text(
        "policies:\n"
        "  - name: lab-owner\n"
        "    resource: ec2\n"
        "    mode: {type: config-rule, role: maid-sandbox-lambda}\n"
        "    filters: [{'tag:Owner': absent}]\n")
    result = CliRunner().invoke(main, ["run", "-s", str(tmp_path / "out"), str(policy)], env=sb.env())
    assert result.exit_code == 0, result.output
    assert sb.lab.drain(300)
    config = user("config")

    def results():
        rows = config.get_compliance_details_by_config_rule(ConfigRuleName="maid-lab-owner")["EvaluationResults"]
        return {r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]: r["ComplianceType"]
                for r in rows}
    found = results()
    assert (found[owned], found[loose]) == ("COMPLIANT", "NON_COMPLIANT")
    summary = config.describe_compliance_by_config_rule(ConfigRuleNames=["maid-lab-owner"])
    assert summary["ComplianceByConfigRules"][0]["Compliance"]["ComplianceType"] == "NON_COMPLIANT"
    # a change to a resource in scope is evaluated again
    user("ec2").create_tags(Resources=[loose], Tags=[{"Key": "Owner", "Value": "b@example.com"}])
    assert sb.lab.drain(120)
    assert results()[loose] == "COMPLIANT"
    by_resource = config.get_compliance_details_by_resource(ResourceType="AWS::EC2::Instance", ResourceId=loose)
    assert [r["ComplianceType"] for r in by_resource["EvaluationResults"]] == ["COMPLIANT"]
    # PutEvaluations as Config takes it: TestMode, or a token Config issued
    evaluation = {"ComplianceResourceType": "AWS::EC2::Instance", "ComplianceResourceId": loose,
                  "ComplianceType": "COMPLIANT", "OrderingTimestamp": datetime.datetime.now(UTC)}
    assert config.put_evaluations(Evaluations=[evaluation], ResultToken="x", TestMode=True)["FailedEvaluations"] == []
    with pytest.raises(botocore.exceptions.ClientError) as e:
        config.put_evaluations(Evaluations=[evaluation], ResultToken="not-issued")
    assert e.value.response["Error"]["Code"] == "InvalidResultTokenException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        config.get_compliance_details_by_config_rule(ConfigRuleName="nope")
    assert e.value.response["Error"]["Code"] == "NoSuchConfigRuleException"


def test_config_poll_rule_runs_when_put_and_every_period(sb, user, image, clock, tmp_path):
    from cloudmaid.cli import main
    loose = _launch(user, image)
    policy = tmp_path / "poll.yml"
    policy.write_text(
        "policies:\n"
        "  - name: lab-poll\n"
        "    resource: ec2\n"
        "    mode: {type: config-poll-rule, role: maid-sandbox-lambda, schedule: One_Hour,\n"
        "           ignore-support-check: true}\n"
        "    filters: [{'tag:Owner': absent}]\n")
    result = CliRunner().invoke(main, ["run", "-s", str(tmp_path / "out"), str(policy)], env=sb.env())
    assert result.exit_code == 0, result.output
    assert sb.lab.drain(300)
    runs = [i for i in sb.lab.invocations if i.function == "maid-lab-poll"]
    assert len(runs) == 1 and runs[0].ok and runs[0].result["status"] == "ok", runs[0].logs
    config = user("config")
    rows = config.get_compliance_details_by_config_rule(ConfigRuleName="maid-lab-poll")["EvaluationResults"]
    kinds = {r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]: r["ComplianceType"]
             for r in rows}
    assert kinds[loose] == "NON_COMPLIANT"
    clock.advance(hours=1)
    again = sb.lab.dispatcher.wait_for(
        lambda i: i.function == "maid-lab-poll" and i is not runs[0], timeout=120)
    assert again is not None and again.ok
    assert json.loads(again.event["invokingEvent"])["messageType"] == "ScheduledNotification"


def test_log_lines_keep_the_time_the_runtime_stamped_on_them():
    from cloudmaid.sandbox.deliver import _timed
    start = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=UTC).timestamp()
    events = _timed(["START RequestId: r", "[INFO]\t2026-03-02T10:00:01.250Z\tr\tone", "",
                     "plain print", "[ERROR]\t2026-03-02T10:00:00.500Z\tr\tearlier clock",
                     "REPORT RequestId: r"], start, start + 3)
    assert [e["timestamp"] - int(start * 1000) for e in events] == [0, 1250, 1250, 1250, 3000]


def test_an_action_moto_lacks_is_an_aws_error_not_a_server_failure(sb, user):
    # a 500 would be retried by every SDK and print a traceback on the sandbox's console
    for client, call in ((user("service-quotas"), lambda c: c.list_service_quotas(ServiceCode="events")),
                         (user("ec2"), lambda c: c.describe_fpga_images())):
        with pytest.raises(botocore.exceptions.ClientError) as e:
            call(client)
        assert e.value.response["Error"]["Code"] == "NotImplemented"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
