"""``maid replay --from``: CloudTrail log files (and files of EventBridge events) turned into the
events EventBridge delivers, matched by each policy's deployed rule, and evaluated now as a dry
run: which resources match and what the actions would do; never a write call."""
import gzip
import json
import pathlib
import re

import boto3
import pytest
from click.testing import CliRunner

from cloudmaid.cli import main
from cloudmaid.events import records
from cloudmaid.modes.core import EventMode
from cloudmaid.replay import files

from .conftest import run_instances
from .recording import recording, writes

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "replay"
EVENTS = pathlib.Path(__file__).parent / "fixtures" / "events"
LOGS = FIXTURES / "AWSLogs"
POLICIES = str(FIXTURES / "policies.yml")
US_LOG = next(LOGS.glob("*/CloudTrail/us-east-1/**/*.json.gz"))
ACCOUNT = "123456789012"


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(EventMode, "sleep", staticmethod(lambda s: None))


def us_records():
    return json.loads(gzip.decompress(US_LOG.read_bytes()))["Records"]


def by_name(records_list, name):
    return next(r for r in records_list if r["eventName"] == name)


# -- records -> events ----------------------------------------------------------------------
def test_a_record_becomes_the_event_eventbridge_delivers():
    record = by_name(us_records(), "CreateBucket")
    event = records.to_event(record)
    assert event == {"version": "0", "id": record["eventID"],
                     "detail-type": "AWS API Call via CloudTrail", "source": "aws.s3",
                     "account": ACCOUNT, "time": "2026-11-30T10:00:12Z", "region": "us-east-1",
                     "resources": [], "detail": record}


def test_the_converted_event_is_shaped_like_a_delivered_one():
    # the recorded EventBridge event and the converter agree on every envelope field
    delivered = json.loads((EVENTS / "cloudtrail-create-bucket.json").read_text())
    converted = records.to_event(delivered["detail"])
    for key in ("version", "detail-type", "source", "account", "region", "resources", "detail"):
        assert converted[key] == delivered[key], key


@pytest.mark.parametrize("name, detail_type, source", [
    ("ConsoleLogin", "AWS Console Sign In via CloudTrail", "aws.signin"),
    ("RotateKey", "AWS Service Event via CloudTrail", "aws.kms"),
    ("RunInstances", "AWS API Call via CloudTrail", "aws.ec2"),
])
def test_detail_type_and_source_follow_the_record(name, detail_type, source):
    event = records.to_event(by_name(us_records(), name))
    assert (event["detail-type"], event["source"]) == (detail_type, source)


def test_a_service_without_a_known_bus_source_gets_its_prefix():
    event = records.to_event({"eventSource": "monitoring.amazonaws.com", "eventName": "PutMetricAlarm"})
    assert event["source"] == "aws.monitoring" and event["detail-type"] == "AWS API Call via CloudTrail"


def test_read_only_calls_are_not_on_the_bus_for_enabled_rules():
    events = {r["eventName"]: records.to_event(r) for r in us_records()}
    assert "read-only" in records.not_on_the_bus(events["ListBuckets"])
    assert records.not_on_the_bus(events["CreateBucket"]) is None
    assert records.not_on_the_bus(json.loads((EVENTS / "ec2-instance-state-pending.json").read_text())) is None


def test_documents_of_every_known_shape():
    record = by_name(us_records(), "CreateUser")
    event = records.to_event(record)
    lookup = {"Events": [{"EventId": record["eventID"], "EventName": "CreateUser",
                          "CloudTrailEvent": json.dumps(record)}]}
    assert records.from_document({"Records": [record]}) == [event]
    assert records.from_document(lookup) == [event]
    assert records.from_document(event) == [event]
    assert records.from_document(record) == [event]
    assert records.from_document([event, {"Records": [record]}]) == [event, event]
    assert records.from_document({"digestStartTime": "2026-11-30T10:00:00Z", "logFiles": []}) == []
    with pytest.raises(records.RecordError, match="neither CloudTrail records"):
        records.from_document({"hello": 1})
    with pytest.raises(records.RecordError, match="not JSON"):
        records.from_lookup({"CloudTrailEvent": "{oops"})


def test_labels():
    assert records.label(records.to_event(by_name(us_records(), "CreateUser"))) == "CreateUser"
    pending = json.loads((EVENTS / "ec2-instance-state-pending.json").read_text())
    assert records.label(pending) == "EC2 Instance State-change Notification (pending)"


# -- files ------------------------------------------------------------------------------------
def test_a_trail_folder_is_read_recursively_gz_or_plain_digests_skipped():
    events, read = files.read([str(FIXTURES)])
    assert [pathlib.Path(p).name for p in read] == [
        "123456789012_CloudTrail_eu-west-1_20261130T1105Z_Rplay0002.json",
        "123456789012_CloudTrail_us-east-1_20261130T1010Z_Rplay0001.json.gz"]
    assert len(events) == 9
    assert {e["region"] for e in events} == {"us-east-1", "eu-west-1"}
    digest = next(LOGS.glob("*/CloudTrail-Digest/**/*.json.gz"))
    assert files.read([str(digest)]) == ([], [str(digest)])     # integrity hashes, no events


def test_json_lines_of_eventbridge_events(tmp_path):
    pending = (EVENTS / "ec2-instance-state-pending.json").read_text()
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(json.loads(pending)) + "\n" + json.dumps(json.loads(pending)) + "\n")
    events, _ = files.read([str(path)])
    assert len(events) == 2 and events[0]["detail"]["state"] == "pending"


@pytest.mark.parametrize("content, message", [
    (b"not json", "not JSON"),
    (b'{"hello": 1}', "neither CloudTrail records"),
    (b"\x1f\x8b\x08broken", "cannot read"),
])
def test_an_unreadable_file_is_one_line(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(files.FileError, match=message) as e:
        files.read([str(path)])
    assert str(e.value).startswith(str(path)) and "\n" not in str(e.value)
    with pytest.raises(files.FileError, match="no such file or folder"):
        files.read([str(tmp_path / "missing")])


# -- the command on log files ----------------------------------------------------------------
def replay(tmp_path, *args):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["replay", "-s", str(out), *args], catch_exceptions=False)
    doc = json.loads((out / "replay.json").read_text()) if (out / "replay.json").exists() else None
    return result, doc


@pytest.fixture
def account(aws):
    """The account now: one bucket and one user the history created are still there."""
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="replay-open-bucket")
    boto3.client("iam", region_name="us-east-1").create_user(UserName="replay-user")


def test_replay_of_trail_log_files(account, tmp_path):
    result, doc = replay(tmp_path, "--from", str(LOGS), POLICIES)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("replay of 2 file(s): 9 event(s), 5 delivered to a policy "
                        "(dry run: nothing was changed)")
    rows = [re.split(r"\s{2,}", line) for line in lines[3:8]]
    assert [r[:4] for r in rows] == [
        ["2026-11-30T10:00:12Z", "us-east-1", "CreateBucket", "s3-owner-required"],
        ["2026-11-30T10:01:30Z", "us-east-1", "CreateBucket", "s3-owner-required"],
        ["2026-11-30T10:03:00Z", "us-east-1", "CreateUser", "iam-user-review"],
        ["2026-11-30T10:04:00Z", "us-east-1", "RunInstances", "ec2-stop-untagged"],
        ["2026-11-30T11:00:00Z", "eu-west-1", "CreateBucket", "s3-owner-required"]]
    assert [r[4:] for r in rows] == [
        ["replay-open-bucket", "tag 1, set-public-block 1"],
        ["none (1 of 1 gone now)", "-"],
        ["replay-user", "tag 1"],
        ["skipped: failed API call (Client.UnauthorizedOperation)", "-"],
        ["none (1 of 1 gone now)", "-"]]
    assert lines[8:] == [
        "s3-owner-required: 3 event(s) delivered, 1 resource(s) matched",
        "iam-user-review: 1 event(s) delivered, 1 resource(s) matched",
        "ec2-stop-untagged: 1 event(s) delivered, 0 resource(s) matched",
        "ec2-on-pending: 0 event(s) delivered, 0 resource(s) matched",
        "s3-nightly: not replayable: periodic mode runs on its schedule (rate(1 day)), not on events",
        "ec2-config: not replayable: config-rule mode is not invoked through an EventBridge event pattern",
        "ec2-poll: not replayable: pull mode: it runs from the CLI, not on events",
        "1 event(s) read-only (no rule in state ENABLED receives them) skipped",
        "1 event(s) of other accounts skipped",
        f"wrote {tmp_path / 'out' / 'replay.json'}"]

    assert doc["dryrun"] is True and doc["account_id"] == ACCOUNT
    assert doc["counts"] == {"events": 9, "delivered": 5, "read_only": 1, "other_account": 1,
                             "other_region": 0}
    assert doc["regions"] == ["eu-west-1", "us-east-1"]
    first = doc["results"][0]
    assert first["event_id"] == "0a7d3c2e-1f00-4b5e-9d61-000000000001"
    assert first["delivery"] == "pattern matches" and first["status"] == "ok"
    assert first["ids"] == first["matched"] == ["replay-open-bucket"]
    assert first["would"] == [{"action": "tag", "resources": 1}, {"action": "set-public-block", "resources": 1}]
    failed_call = doc["results"][3]
    assert failed_call["status"] == "skipped" and "nothing was created" in failed_call["reason"]
    verdicts = {p["policy"]: p for p in doc["policies"]}
    assert verdicts["ec2-config"]["replayable"] is False and "config-rule" in verdicts["ec2-config"]["reason"]
    assert verdicts["s3-owner-required"] == {"policy": "s3-owner-required", "mode": "cloudtrail",
                                             "resource": "s3", "replayable": True, "cloudtrail": True,
                                             "delivered": 3, "matched": 1}
    assert verdicts["ec2-on-pending"]["cloudtrail"] is False


def test_regions_policies_and_window_narrow_a_file_replay(account, tmp_path):
    result, doc = replay(tmp_path, "--from", str(LOGS), "-r", "eu-west-1", "-p", "s3-*", POLICIES)
    assert result.exit_code == 0, result.output
    assert [(r["region"], r["policy"]) for r in doc["results"]] == [("eu-west-1", "s3-owner-required")]
    assert doc["counts"]["other_region"] == 7
    assert {p["policy"] for p in doc["policies"]} == {"s3-owner-required", "s3-nightly"}

    result, doc = replay(tmp_path, "--from", str(LOGS), "--start", "2026-11-30T10:01:00Z",
                         "--end", "2026-11-30T10:03:30Z", POLICIES)
    assert result.exit_code == 0, result.output
    assert [r["event"] for r in doc["results"]] == ["CreateBucket", "CreateUser"]
    assert doc["window"] == {"start": "2026-11-30T10:01:00Z", "end": "2026-11-30T10:03:30Z"}


def test_non_cloudtrail_modes_replay_files_of_eventbridge_events(aws, ec2, tmp_path):
    loose, owned = run_instances(ec2)[0], run_instances(ec2, tags={"Owner": "me"})[0]
    template = json.loads((EVENTS / "ec2-instance-state-pending.json").read_text())
    events = []
    for i, iid in enumerate((loose, owned, "i-0123456789abcdef0")):
        events.append(dict(template, id=f"ev-{i}", time=f"2026-11-30T12:0{i}:00Z",
                           resources=[f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{iid}"],
                           detail={"instance-id": iid, "state": "pending"}))
    running = dict(events[0], id="ev-running", detail={"instance-id": loose, "state": "running"})
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events + [running]))
    result, doc = replay(tmp_path, "--from", str(path), "-p", "ec2-on-pending", POLICIES)
    assert result.exit_code == 0, result.output
    assert [(r["event_id"], r["matched"], r["gone"], r["would"]) for r in doc["results"]] == [
        ("ev-0", [loose], 0, [{"action": "stop", "resources": 1}]),
        ("ev-1", [], 0, []),
        ("ev-2", [], 1, [])]
    assert "EC2 Instance State-change Notification (pending)" in result.output
    # the dry run stopped nothing
    state = ec2.describe_instances(InstanceIds=[loose])["Reservations"][0]["Instances"][0]["State"]
    assert state["Name"] == "running"


def test_replay_makes_no_write_call(account, tmp_path):
    with recording(tmp_path / "moto_recording") as calls:
        result, doc = replay(tmp_path, "--from", str(LOGS), POLICIES)
    assert result.exit_code == 0, result.output
    # the policies would write (tag, set-public-block) ...
    assert doc["results"][0]["would"] and doc["results"][2]["would"]
    # ... and the replay read what they look at, and wrote nothing
    assert {c.operation for c in calls} >= {"ListBuckets", "GetUser"}
    assert writes(calls) == []
    s3 = boto3.client("s3", region_name="us-east-1")
    assert "TagSet" not in _tags(s3, "replay-open-bucket")


def _tags(s3, bucket):
    try:
        return s3.get_bucket_tagging(Bucket=bucket)
    except s3.exceptions.ClientError:
        return {}


def test_bad_input_is_one_line(aws, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    result, _ = replay(tmp_path, "--from", str(bad), POLICIES)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"{bad}: not JSON: Expecting property name "
                                                  f"enclosed in double quotes: line 1 column 2 (char 1)"]
    result, _ = replay(tmp_path, "--from", str(LOGS), "--since", "tomorrow", POLICIES)
    assert result.exit_code == 2 and "'tomorrow' is not a duration" in result.output
    result, _ = replay(tmp_path, "--from", str(LOGS), "--since", "1h", "--start", "2026-11-30", POLICIES)
    assert result.exit_code == 2 and "give one of them" in result.output
    result, _ = replay(tmp_path, "--from", str(LOGS), "-r", "us-westt-2", POLICIES)
    assert result.exit_code == 1 and "unknown region 'us-westt-2' (did you mean 'us-west-2'?)" in result.output
