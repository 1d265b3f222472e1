"""Writes that must happen once (snapshots, copies, deliveries) behind a proxy that throttles,
fails, resets and loses answers: each is carried out once per resource, or reported as
uncertain, never repeated blindly."""
import urllib.parse
import urllib.request

import boto3
import pytest

from cloudmaid.aws import once
from cloudmaid.context import Context
from cloudmaid.policy import Policy, load_plugins
from cloudmaid.session import SessionFactory

from .faultproxy import FaultProxy

load_plugins()
REGION = "us-east-1"


@pytest.fixture
def server(moto_server, monkeypatch):
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"))
    monkeypatch.setattr(once, "BASE_DELAY", 0.001)   # the back-off's curve, not its length
    return moto_server


def direct(server, service, region=REGION):
    """A client straight to moto (setting up, reading back), past the proxy."""
    return boto3.client(service, region_name=region, endpoint_url=server)


def run(server, monkeypatch, tmp_path, policy, writes, seed=3, rate=0.3, kinds=None):
    """Run ``policy`` with the proxy faulting the ``writes`` operations; (meta, proxy)."""
    kw = {"kinds": kinds} if kinds else {}
    with FaultProxy(server, rate=rate, seed=seed, only=lambda _s, op: op in writes,
                    **kw) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        ctx = Context(SessionFactory(region=REGION), output_dir=str(tmp_path / "out"))
        meta = Policy(dict({"name": "p"}, **policy), ctx).run()
    return meta, proxy


def naive(monkeypatch):
    """What botocore's own retries do: the writes go through the run's retrying clients."""
    monkeypatch.setattr(once, "client", lambda factory, service, region=None:
                        factory.client(service, region))


def volumes(server, count=9):
    ec2 = direct(server, "ec2")
    return [ec2.create_volume(Size=1, AvailabilityZone="us-east-1a", TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "App", "Value": f"v{i}"}]}])["VolumeId"]
        for i in range(count)]


def snapshots(server):
    return direct(server, "ec2").describe_snapshots(OwnerIds=["self"])["Snapshots"]


EBS_SNAPSHOT = {"resource": "ebs", "actions": ["snapshot"]}


def test_ebs_snapshot_once_per_volume(server, monkeypatch, tmp_path):
    ids = volumes(server)
    meta, proxy = run(server, monkeypatch, tmp_path, EBS_SNAPSHOT, {"CreateSnapshot"})
    assert proxy.count("CreateSnapshot", "lost") >= 2       # the faults this test is about
    made = snapshots(server)
    assert sorted(s["VolumeId"] for s in made) == sorted(ids)
    result = meta["actions"][0]
    assert result["succeeded"] == 9 and not result["failed"]
    assert sorted(result["snapshots"]) == sorted(s["SnapshotId"] for s in made)
    for s in made:     # Custodian's tags and description, plus the run's marker
        tags = {t["Key"]: t["Value"] for t in s["Tags"]}
        assert tags["custodian_snapshot"] == "" and tags["App"].startswith("v")
        assert tags[once.MARKER] == f"{meta['execution']['id']}:{s['VolumeId']}"
        assert s["Description"] == "Automated snapshot by cloudmaid - p"


def test_ebs_snapshot_naive_retries_make_extra_snapshots(server, monkeypatch, tmp_path):
    """The same run with botocore's retries re-sending: the lost answers make extra
    snapshots (what the test above would catch)."""
    volumes(server)
    naive(monkeypatch)
    _, proxy = run(server, monkeypatch, tmp_path, EBS_SNAPSHOT, {"CreateSnapshot"})
    assert proxy.reached("CreateSnapshot") > 9
    assert len(snapshots(server)) > 9


def test_ec2_snapshot_once_per_instance(server, monkeypatch, tmp_path):
    from .conftest import run_instances
    ec2 = direct(server, "ec2")
    ids = run_instances(ec2, count=6, tags={"Name": "web"})
    meta, proxy = run(server, monkeypatch, tmp_path, {"resource": "ec2", "actions": [
        {"type": "snapshot", "copy-tags": ["Name"]}]}, {"CreateSnapshots"}, seed=7)
    assert proxy.count("CreateSnapshots", "lost") >= 1
    attached = [b["Ebs"]["VolumeId"] for r in ec2.describe_instances(InstanceIds=ids)[
        "Reservations"] for i in r["Instances"] for b in i["BlockDeviceMappings"]]
    made = [s for s in snapshots(server) if s["VolumeId"] in attached]   # not the AMI's
    assert sorted(s["VolumeId"] for s in made) == sorted(attached)
    result = meta["actions"][0]
    assert result["succeeded"] == 6 and not result["failed"]
    for s in made:
        tags = {t["Key"]: t["Value"] for t in s["Tags"]}
        assert tags["Name"] == "web" and tags["custodian_snapshot"] == ""
        assert tags[once.MARKER].startswith(meta["execution"]["id"] + ":i-")


def test_snapshot_copy_once_per_snapshot(server, monkeypatch, tmp_path):
    ec2 = direct(server, "ec2")
    sources = [ec2.create_snapshot(VolumeId=v, Description=f"d{i}", TagSpecifications=[
        {"ResourceType": "snapshot", "Tags": [{"Key": "Orig", "Value": str(i)}]}])["SnapshotId"]
        for i, v in enumerate(volumes(server, 6))]
    meta, proxy = run(server, monkeypatch, tmp_path, {
        "resource": "ebs-snapshot", "filters": [{"tag:Orig": "present"}],
        "actions": [{"type": "copy", "encrypted": False}]}, {"CopySnapshot"}, seed=7)
    assert proxy.count("CopySnapshot", "lost") >= 1
    copies = [s for s in snapshots(server) if s["SnapshotId"] not in sources]
    assert sorted(s["Description"] for s in copies) == [f"d{i}" for i in range(6)]
    result = meta["actions"][0]
    assert result["succeeded"] == 6 and not result["failed"]
    assert sorted(result["copies"].values()) == sorted(s["SnapshotId"] for s in copies)


def test_image_copy_sends_one_token_per_image(server, monkeypatch, tmp_path):
    """CopyImage carries the run's token for the image: AWS answers a repeat (botocore's
    retry of a lost answer) with the first copy."""
    from .conftest import make_ami
    ec2 = direct(server, "ec2")
    images = [make_ami(ec2) for _ in range(2)]
    with FaultProxy(server, rate=1.0, kinds=("lost",), max_in_row=1,
                    only=lambda _s, op: op == "CopyImage") as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        ctx = Context(SessionFactory(region=REGION), output_dir=str(tmp_path / "out"))
        sent = []
        ctx.session_factory.client("ec2").meta.events.register(
            "before-send.ec2.CopyImage", lambda request, **_: sent.append(
                dict(urllib.parse.parse_qsl(request.body if isinstance(request.body, str)
                                            else request.body.decode()))))
        meta = Policy({"name": "p", "resource": "ami", "actions": [{"type": "copy"}]}, ctx).run()
    assert not meta["actions"][0]["failed"]
    tokens = {}
    for body in sent:
        tokens.setdefault(body["SourceImageId"], set()).add(body["ClientToken"])
    assert sorted(tokens) == sorted(images) and proxy.reached("CopyImage") == 4
    assert all(len(t) == 1 for t in tokens.values())          # each retry: the same token
    assert len({t for ts in tokens.values() for t in ts}) == 2  # one per image


def test_rds_snapshot_once_per_instance(server, monkeypatch, tmp_path):
    rds = direct(server, "rds")
    for i in range(5):
        rds.create_db_instance(DBInstanceIdentifier=f"db{i}", DBInstanceClass="db.t3.micro",
                               Engine="postgres", MasterUsername="u", MasterUserPassword="p" * 8,
                               AllocatedStorage=20)
    meta, proxy = run(server, monkeypatch, tmp_path, {"resource": "rds", "actions": ["snapshot"]},
                      {"CreateDBSnapshot"}, seed=7)
    assert proxy.count("CreateDBSnapshot", "lost") >= 1
    made = rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]
    assert sorted(s["DBInstanceIdentifier"] for s in made) == [f"db{i}" for i in range(5)]
    result = meta["actions"][0]
    assert result["succeeded"] == 5 and not result["failed"]
    assert sorted(n.lower() for n in result["snapshots"]) == sorted(
        s["DBSnapshotIdentifier"] for s in made)     # RDS keeps identifiers in lower case


def queue(server, name, **attrs):
    return direct(server, "sqs").create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]


def received(server, url):
    return direct(server, "sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
        "Messages", [])


def notify(url):
    return {"resource": "ebs", "actions": [{"type": "notify", "to": ["a@example.com"],
                                            "transport": {"type": "sqs", "queue": url}}]}


def test_notify_lost_answer_is_not_resent_but_reported(server, monkeypatch, tmp_path):
    ids = volumes(server, 3)
    url = queue(server, "mail")
    meta, proxy = run(server, monkeypatch, tmp_path, notify(url), {"SendMessage"},
                      rate=1.0, kinds=("lost",))
    assert proxy.reached("SendMessage") == 1 and len(received(server, url)) == 1
    result = meta["actions"][0]
    assert sorted(result["uncertain"]) == sorted(ids) and result["succeeded"] == 0
    assert {f["id"] for f in result["failed"]} == set(ids)
    assert all("OutcomeUnknown" in f["error"] for f in result["failed"])


def test_notify_throttled_is_sent_again(server, monkeypatch, tmp_path):
    volumes(server, 3)
    url = queue(server, "mail")
    meta, proxy = run(server, monkeypatch, tmp_path, notify(url), {"SendMessage"},
                      rate=1.0, kinds=("throttle",))
    assert proxy.count("SendMessage", "throttle") == 2 and proxy.reached("SendMessage") == 1
    assert len(received(server, url)) == 1
    assert meta["actions"][0]["succeeded"] == 3 and not meta["actions"][0]["failed"]


def test_notify_reset_connection_is_uncertain(server, monkeypatch, tmp_path):
    """A reset after the request was sent looks the same whether or not it arrived: not
    sent again (this one did not arrive), reported as uncertain."""
    ids = volumes(server, 3)
    url = queue(server, "mail")
    meta, proxy = run(server, monkeypatch, tmp_path, notify(url), {"SendMessage"},
                      rate=1.0, kinds=("reset",))
    assert proxy.count("SendMessage", "reset") == 1 and proxy.reached("SendMessage") == 0
    assert sorted(meta["actions"][0]["uncertain"]) == sorted(ids)


def test_notify_fifo_queue_dedups_a_resent_delivery(server, monkeypatch, tmp_path):
    volumes(server, 3)
    url = queue(server, "mail.fifo", FifoQueue="true")
    meta, proxy = run(server, monkeypatch, tmp_path, notify(url), {"SendMessage"},
                      rate=1.0, kinds=("lost",))
    assert proxy.reached("SendMessage") == 3       # lost twice, sent again with the same id
    assert len(received(server, url)) == 1
    result = meta["actions"][0]
    assert result["succeeded"] == 3 and not result["failed"]


def test_redshift_snapshot_once_per_cluster(server, monkeypatch, tmp_path):
    redshift = direct(server, "redshift")
    for i in range(5):
        redshift.create_cluster(ClusterIdentifier=f"c{i}", NodeType="dc2.large",
                                MasterUsername="u", MasterUserPassword="Passw0rd",
                                Tags=[{"Key": "Team", "Value": f"t{i}"}])
    meta, proxy = run(server, monkeypatch, tmp_path, {"resource": "redshift",
                                                      "actions": ["snapshot"]},
                      {"CreateClusterSnapshot"}, seed=7)
    assert proxy.count("CreateClusterSnapshot", "lost") >= 1
    made = [s for s in redshift.describe_cluster_snapshots()["Snapshots"]
            if s["SnapshotType"] == "manual"]       # moto makes automated ones too
    assert sorted(s["ClusterIdentifier"] for s in made) == [f"c{i}" for i in range(5)]
    result = meta["actions"][0]
    assert result["succeeded"] == 5 and not result["failed"]
    for s in made:      # the cluster's tags, plus the run's marker
        tags = {t["Key"]: t["Value"] for t in s["Tags"]}
        assert tags["Team"] == "t" + s["ClusterIdentifier"][1:]
        assert tags[once.MARKER] == f"{meta['execution']['id']}:{s['ClusterIdentifier']}"
