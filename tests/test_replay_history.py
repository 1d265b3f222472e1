"""``maid replay`` on an account's CloudTrail event history (LookupEvents): the history of a
scripted session, recorded the way the sandbox records calls (CloudTrail records rendered
from the real calls), served through botocore's Stubber in LookupEvents' own shapes (moto
has no LookupEvents); queries per event name, paginated, throttle-aware; always a dry run."""
import datetime
import json
import pathlib

import boto3
import pytest
from botocore.stub import ANY, Stubber
from click.testing import CliRunner

from cloudmaid.cli import main
from cloudmaid.modes.core import EventMode
from cloudmaid.replay import evaluate, lookup
from cloudmaid.sandbox.trail import Trail
from cloudmaid.session import SessionFactory

from .conftest import make_ami, run_instances

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "replay"
POLICIES = str(FIXTURES / "policies.yml")
ACCOUNT = "123456789012"


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(EventMode, "sleep", staticmethod(lambda s: None))


def lookup_item(record):
    """One LookupEvents ``Events`` item, as CloudTrail returns it for a record."""
    resources = [{"ResourceType": r.get("type"), "ResourceName": r.get("ARN")}
                 for r in record.get("resources") or ()]
    when = datetime.datetime.fromisoformat(record["eventTime"].replace("Z", "+00:00"))
    return {"EventId": record["eventID"], "EventName": record["eventName"],
            "ReadOnly": str(record.get("readOnly", False)).lower(),
            "AccessKeyId": "AKIAEXAMPLEKEY", "EventTime": when,
            "EventSource": record["eventSource"],
            "Username": record["userIdentity"].get("userName", ""),
            "Resources": resources, "CloudTrailEvent": json.dumps(record)}


class History:
    """LookupEvents answers for a list of CloudTrail records, newest first as CloudTrail
    answers, ``page`` items per page."""

    def __init__(self, records_list, page=2):
        self.records = sorted(records_list, key=lambda r: r["eventTime"], reverse=True)
        self.page = page
        self.stubbers = []

    def expect(self, stubber, region, attribute, matching):
        # each region's history holds that region's calls
        items = [lookup_item(r) for r in self.records if r["awsRegion"] == region and matching(r)]
        pages = [items[i:i + self.page] for i in range(0, len(items), self.page)] or [[]]
        for n, chunk in enumerate(pages):
            params = {"LookupAttributes": [attribute], "StartTime": ANY, "EndTime": ANY,
                      "MaxResults": lookup.PAGE}
            if n:
                params["NextToken"] = f"token-{n}"
            answer = {"Events": chunk}
            if n + 1 < len(pages):
                answer["NextToken"] = f"token-{n + 1}"
            stubber.add_response("lookup_events", answer, params)

    def by_name(self, *names):
        """Stub clients expecting one query per event name (sorted), as replay makes them."""
        def setup(stubber, region):
            for name in sorted(names):
                self.expect(stubber, region, {"AttributeKey": "EventName", "AttributeValue": name},
                            lambda r, name=name: r["eventName"] == name)
        return setup

    def writes(self):
        def setup(stubber, region):
            self.expect(stubber, region, {"AttributeKey": "ReadOnly", "AttributeValue": "false"},
                        lambda r: not r.get("readOnly"))
        return setup


@pytest.fixture
def serve(monkeypatch):
    """Serve LookupEvents from stubbed real clients: ``serve(setup)``; the clients made are
    returned, each with its region, to check every expected call was made."""
    made = []

    def install(setup):
        real = lookup.client

        def client(factory, region):
            c = real(factory, region)
            stubber = Stubber(c)
            setup(stubber, region)
            stubber.activate()
            made.append((region, c, stubber))
            return c
        monkeypatch.setattr(lookup, "client", client)
        return made
    return install


@pytest.fixture
def session(aws):
    """A scripted session against the local AWS; its history, recorded as the sandbox
    records calls. Returns (records, names)."""
    trail = Trail(ACCOUNT)
    ec2 = trail.watch(boto3.client("ec2", region_name="us-east-1"))
    s3 = trail.watch(boto3.client("s3", region_name="us-east-1"))
    iam = trail.watch(boto3.client("iam", region_name="us-east-1"))
    ami = make_ami(ec2)
    loose = run_instances(ec2, ImageId=ami)[0]
    owned = run_instances(ec2, ImageId=ami, tags={"Owner": "me"})[0]
    s3.create_bucket(Bucket="session-bucket")
    s3.put_bucket_tagging(Bucket="session-bucket", Tagging={"TagSet": [{"Key": "Owner", "Value": "me"}]})
    s3.create_bucket(Bucket="session-open-bucket")
    iam.create_user(UserName="session-user")
    ec2.describe_instances()
    history = [e["detail"] for e in trail.take() if e["detail-type"] == "AWS API Call via CloudTrail"]
    # the calls a second apart, as a person's session is (CloudTrail times are to the second)
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)
    for i, record in enumerate(history):
        record["eventTime"] = (start + datetime.timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        # CloudTrail records IAM's calls in us-east-1 (boto3's IAM client says aws-global)
        if record["awsRegion"] == "aws-global":
            record["awsRegion"] = "us-east-1"
    return history, {"loose": loose, "owned": owned}


def replay(tmp_path, *args):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["replay", "-s", str(out), *args], catch_exceptions=False)
    doc = json.loads((out / "replay.json").read_text()) if (out / "replay.json").exists() else None
    return result, doc


def test_replay_of_a_scripted_sessions_history(session, serve, tmp_path):
    history, ids = session
    assert [r["eventName"] for r in history] == [
        "RegisterImage", "RunInstances", "RunInstances", "CreateBucket", "PutBucketTagging",
        "CreateBucket", "CreateUser"]
    # one event a page: RunInstances and CreateBucket take two pages each
    made = serve(History(history, page=1).by_name("CreateBucket", "CreateUser", "RunInstances"))
    result, doc = replay(tmp_path, "--since", "1h", POLICIES)
    assert result.exit_code == 0, result.output
    for _, _, stubber in made:
        stubber.assert_no_pending_responses()
    assert [region for region, _, _ in made] == ["us-east-1"]
    assert doc["origin"].startswith("CloudTrail event history, ")
    by_event = [(r["event"], r["policy"], r["matched"], r["would"]) for r in doc["results"]]
    assert by_event == [
        ("RunInstances", "ec2-stop-untagged", [ids["loose"]], [{"action": "stop", "resources": 1}]),
        ("RunInstances", "ec2-stop-untagged", [], []),
        ("CreateBucket", "s3-owner-required", [], []),
        ("CreateBucket", "s3-owner-required", ["session-open-bucket"],
         [{"action": "tag", "resources": 1}, {"action": "set-public-block", "resources": 1}]),
        ("CreateUser", "iam-user-review", ["session-user"], [{"action": "tag", "resources": 1}])]
    assert "ec2-on-pending: ec2-instance-state events are not in CloudTrail's history; replay " \
           "them --from files of EventBridge events" in result.output
    # a dry run: the untagged instance still runs, the open bucket is still untagged
    ec2 = boto3.client("ec2", region_name="us-east-1")
    state = ec2.describe_instances(InstanceIds=[ids["loose"]])["Reservations"][0]["Instances"][0]["State"]
    assert state["Name"] == "running"
    with pytest.raises(Exception, match="NoSuchTagSet"):
        boto3.client("s3").get_bucket_tagging(Bucket="session-open-bucket")


def test_every_write_is_read_when_a_pattern_does_not_list_its_event_names(session, serve, tmp_path):
    history, ids = session
    policies = tmp_path / "p.yml"
    policies.write_text(json.dumps({"policies": [{
        "name": "ec2-any-create", "resource": "ec2",
        "mode": {"type": "cloudtrail", "events": ["RunInstances"],
                 "pattern": {"detail": {"eventName": [{"prefix": "Run"}]}}},
        "filters": [{"tag:Owner": "absent"}]}]}))
    made = serve(History(history, page=50).writes())
    result, doc = replay(tmp_path, "--since", "2h", str(policies))
    assert result.exit_code == 0, result.output
    made[0][2].assert_no_pending_responses()
    assert [r["matched"] for r in doc["results"]] == [[ids["loose"]], []]


def test_regions_are_read_one_by_one_and_skipped_when_nothing_there_uses_cloudtrail(session, serve, tmp_path):
    history, _ = session
    made = serve(History(history).by_name("CreateUser"))
    result, doc = replay(tmp_path, "-r", "us-east-1", "-r", "eu-west-1", "-p", "iam-*", POLICIES)
    assert result.exit_code == 0, result.output
    assert [region for region, _, _ in made] == ["us-east-1", "eu-west-1"]
    assert doc["regions"] == ["eu-west-1", "us-east-1"]
    assert [r["matched"] for r in doc["results"]] == [["session-user"]]

    made.clear()
    result, doc = replay(tmp_path, "-p", "ec2-on-pending", "-p", "s3-nightly", POLICIES)
    assert result.exit_code == 0, result.output
    assert made == [] and doc["results"] == []
    assert "cloudtrail.LookupEvents" not in doc["api_calls"]


def test_throttling_past_the_retries_is_one_line(aws, serve, tmp_path):
    def throttled(stubber, region):
        stubber.add_client_error("lookup_events", service_error_code="ThrottlingException",
                                 service_message="Rate exceeded", http_status_code=400)
    serve(throttled)
    result, doc = replay(tmp_path, "-p", "iam-*", POLICIES)
    assert result.exit_code == 1 and doc is None
    assert result.output.strip() == "LookupEvents in us-east-1 failed: ThrottlingException: Rate exceeded"


def test_the_history_client_backs_off_and_paces_itself():
    client = lookup.client(SessionFactory(region="eu-west-1"), "eu-west-1")
    assert client.meta.config.retries["mode"] == "adaptive"
    assert client.meta.config.retries["total_max_attempts"] > 5   # more than the default
    assert client.meta.region_name == "eu-west-1"


def test_the_window_must_fit_the_history(aws, tmp_path):
    result, _ = replay(tmp_path, "--since", "100d", POLICIES)
    assert result.exit_code == 2 and "CloudTrail event history keeps 90 days" in result.output
    result, _ = replay(tmp_path, "--start", "2030-01-02", "--end", "2030-01-01", POLICIES)
    assert result.exit_code == 2 and "must be after its start" in result.output
    result, _ = replay(tmp_path, "--start", "yesterday", POLICIES)
    assert result.exit_code == 2 and "'yesterday' is not a date or time" in result.output


def test_event_names_come_from_the_deployed_patterns():
    assert evaluate.event_names([{"detail": {"eventName": ["B", "A"]}},
                                 {"detail": {"eventName": ["C"]}}]) == {"A", "B", "C"}
    assert evaluate.event_names([{"detail": {"eventName": [{"prefix": "Create"}]}}]) is None
    assert evaluate.event_names([{"detail-type": ["AWS API Call via CloudTrail"]}]) is None
    assert lookup.attributes({"B", "A"}) == [{"AttributeKey": "EventName", "AttributeValue": "A"},
                                             {"AttributeKey": "EventName", "AttributeValue": "B"}]


def test_all_regions_are_the_accounts_regions(aws):
    from cloudmaid.replay.command import resolve
    factory = SessionFactory(region="us-east-1")
    regions = resolve(["all"], factory)
    assert {"us-east-1", "eu-west-1"} <= set(regions) and regions == sorted(regions)
    assert resolve([], factory) == ["us-east-1"]
