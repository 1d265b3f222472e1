"""The engine under injected faults: ``maid run`` through FaultProxy (throttles, 500, 503,
resets, lost answers) in front of moto's server gives the matches and writes of a clean run,
counts the retries in metadata.json, and a read whose retries run out fails the policy (exit
1, a clear line), never "0 matched".

botocore's backoff is set to zero: the retries are real, the waits between them are not.
"""
import json
import textwrap
import urllib.parse
import urllib.request

import boto3
import botocore.retries.standard
import pytest
from click.testing import CliRunner

from cloudmaid.cli import main

from .faultproxy import FaultProxy

CORPUS = """
policies:
  # read-only first: they share one listing of the 500 instances
  - name: dev-micro
    resource: ec2
    filters:
      - tag:env: dev
      - type: value
        key: InstanceType
        value: t3.micro
  - name: web-group
    resource: ec2
    filters:
      - type: security-group
        key: GroupName
        value: web
  - name: untagged-or-big
    resource: ec2
    filters:
      - or:
          - tag:env: absent
          - and:
              - InstanceType: m5.large
              - not:
                  - type: value
                    key: AmiLaunchIndex
                    op: gte
                    value: 100
  - name: default-subnet
    resource: ec2
    filters:
      - type: subnet
        key: DefaultForAz
        value: true
      - type: value
        key: AmiLaunchIndex
        op: lt
        value: 20
  - name: open-ssh
    resource: security-group
    filters:
      - type: ingress
        Ports: [22]
        Cidr: {value: 0.0.0.0/0}
  - name: dev-buckets
    resource: s3
    filters:
      - tag:env: dev
      - type: bucket-encryption
        state: false
  - name: never-rotated
    resource: kms-key
    filters:
      - type: last-rotation
        key: RotationDate
        value: absent
  # writes, each on a subset
  - name: tag-dev
    resource: ec2
    filters:
      - tag:env: dev
      - type: value
        key: AmiLaunchIndex
        op: lt
        value: 150
    actions:
      - type: tag
        key: reviewed
        value: "yes"
  - name: mark-untagged
    resource: ec2
    filters:
      - tag:env: absent
    actions:
      - type: mark-for-op
        op: stop
        days: 3
  - name: stop-some-prod
    resource: ec2
    query:
      - instance-type: m5.large
    filters:
      - tag:env: prod
      - type: value
        key: AmiLaunchIndex
        op: lt
        value: 60
    actions: [stop]
  - name: tag-buckets
    resource: s3
    filters:
      - tag:env: dev
    actions:
      - type: tag
        key: reviewed
        value: "yes"
"""
NAMES = [line.split(": ", 1)[1] for line in CORPUS.splitlines() if line.startswith("  - name: ")]


@pytest.fixture
def no_backoff(monkeypatch):
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount",
                        lambda self, context: 0)


def post(url):
    urllib.request.urlopen(urllib.request.Request(url, method="POST"))


def fresh(moto_server):
    """A clean moto whose ids come out the same each time (instance ids are compared)."""
    post(f"{moto_server}/moto-api/reset")
    post(f"{moto_server}/moto-api/seed?a=42")
    return {name: boto3.client(name, region_name="us-east-1", endpoint_url=moto_server)
            for name in ("ec2", "s3", "kms")}


def seed(clients):
    """500 instances in three launches, two security groups, four buckets, a KMS key."""
    ec2, s3 = clients["ec2"], clients["s3"]
    clients["kms"].create_key(Description="data")
    web = ec2.create_security_group(GroupName="web", Description="web")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    db = ec2.create_security_group(GroupName="db", Description="db")["GroupId"]
    image = ec2.register_image(Name="base", RootDeviceName="/dev/sda1")["ImageId"]
    for count, itype, env, group in ((200, "t3.micro", "dev", web), (200, "m5.large", "prod", db),
                                     (100, "t3.small", None, None)):
        params = dict(ImageId=image, MinCount=count, MaxCount=count, InstanceType=itype)
        if group:
            params["SecurityGroupIds"] = [group]
        if env:
            params["TagSpecifications"] = [{"ResourceType": "instance",
                                            "Tags": [{"Key": "env", "Value": env}]}]
        ec2.run_instances(**params)
    for i, env in enumerate(("dev", "dev", "prod", None)):
        s3.create_bucket(Bucket=f"bucket-{i}")
        if env:
            s3.put_bucket_tagging(Bucket=f"bucket-{i}",
                                  Tagging={"TagSet": [{"Key": "env", "Value": env}]})
    s3.put_bucket_encryption(Bucket="bucket-1", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})


def maid_run(tmp_path, monkeypatch, proxy, name, text=CORPUS, *args):
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    policy = tmp_path / f"{name}.yml"
    policy.write_text(textwrap.dedent(text).lstrip("\n"))
    out = tmp_path / name
    result = CliRunner().invoke(main, ["run", "-s", str(out), *args, str(policy)],
                                catch_exceptions=False)
    return result, out


def matches(out):
    found = {}
    for name in NAMES:
        rows = json.loads((out / name / "resources.json").read_text())
        found[name] = sorted(r.get("InstanceId") or r.get("GroupId") or r.get("Name")
                             or r["KeyId"] for r in rows)
    return found


def retries(out):
    total = {}
    for name in NAMES:
        for op, n in json.loads((out / name / "metadata.json").read_text())["api-retries"].items():
            total[op] = total.get(op, 0) + n
    return total


def writes(proxy):
    """What the writes that reached moto did, deduplicated: (operation, resource, detail)."""
    done = set()
    for service, op, path, body in proxy.requests:
        if service == "ec2" and not op.startswith(("Describe", "Get")):
            form = urllib.parse.parse_qs(body.decode())
            ids = [v[0] for k, v in form.items() if k.startswith(("InstanceId.", "ResourceId."))]
            tags = tuple(sorted((form[k][0], form.get(k[:-3] + "Value", [""])[0])
                                for k in form if k.startswith("Tag.") and k.endswith(".Key")))
            done.update((op, i, tags) for i in ids)
        elif service == "s3" and op.startswith(("PUT ", "POST ", "DELETE ")):
            done.add((op, path, body))
    return done


def state(clients):
    """Every instance's tags and state, every bucket's tags, read from moto directly."""
    ec2, s3 = clients["ec2"], clients["s3"]
    tags = {}
    for page in ec2.get_paginator("describe_tags").paginate():
        for t in page["Tags"]:
            tags.setdefault(t["ResourceId"], set()).add((t["Key"], t["Value"]))
    states = {s["InstanceId"]: s["InstanceState"]["Name"]
              for page in ec2.get_paginator("describe_instance_status").paginate(
                  IncludeAllInstances=True)
              for s in page["InstanceStatuses"]}
    buckets = {}
    for b in s3.list_buckets()["Buckets"]:
        try:
            buckets[b["Name"]] = s3.get_bucket_tagging(Bucket=b["Name"])["TagSet"]
        except s3.exceptions.ClientError:
            buckets[b["Name"]] = []
    return tags, states, buckets


def test_faulted_run_matches_and_writes_as_a_clean_one(moto_server, tmp_path, monkeypatch,
                                                      no_backoff):
    clients = fresh(moto_server)
    seed(clients)
    with FaultProxy(moto_server, rate=0) as proxy:
        clean, clean_out = maid_run(tmp_path, monkeypatch, proxy, "clean")
    assert clean.exit_code == 0, clean.output
    clean_writes, clean_state = writes(proxy), state(clients)

    clients = fresh(moto_server)
    seed(clients)
    # seeded faults everywhere, and for sure: a lost answer of each kind of write (carried
    # out, then retried) and every kind of fault on the listing
    script = {"CreateTags": ["lost"], "StopInstances": ["lost"], "PUT /bucket-0": ["lost"],
              "DescribeInstances": ["throttle", "500", "503", "reset"]}
    with FaultProxy(moto_server, rate=0.3, seed=11, script=script) as proxy:
        faulted, faulted_out = maid_run(tmp_path, monkeypatch, proxy, "faulted")
    assert faulted.exit_code == 0, faulted.output
    assert proxy.reached("StopInstances") >= 2 and proxy.reached("CreateTags") >= 3

    found = matches(clean_out)
    assert [len(found[n]) for n in NAMES] == [200, 200, 200, 60, 1, 1, 1, 150, 100, 60, 2]
    assert matches(faulted_out) == found
    # nothing lost, nothing extra: the same writes on the same resources, the same end state
    assert writes(proxy) == clean_writes
    assert len(clean_writes) == 150 + 100 + 60 + 2
    assert state(clients) == clean_state
    assert faulted.output == clean.output

    assert retries(clean_out) == {}
    counted = retries(faulted_out)
    # every fault cost its call one retry (an account id read falls outside the policies)
    assert sum(counted.values()) >= len(proxy.faults) - proxy.count("GetCallerIdentity")
    assert counted["ec2.DescribeInstances"] >= 4 and counted["ec2.StopInstances"] >= 1


def small(clients):
    """Three instances, one with a volume attached; a bucket; a KMS key."""
    ec2 = clients["ec2"]
    image = ec2.register_image(Name="base", RootDeviceName="/dev/sda1")["ImageId"]
    ids = [i["InstanceId"] for i in ec2.run_instances(ImageId=image, MinCount=3, MaxCount=3)[
        "Instances"]]
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    ec2.attach_volume(VolumeId=volume, InstanceId=ids[0], Device="/dev/sdf")
    clients["s3"].create_bucket(Bucket="bucket-0")
    clients["kms"].create_key()


EXHAUSTED = """
policies:
  - name: listing              # the listing
    resource: ec2
  - name: related              # a related lookup: the volume's instance
    resource: ebs
    filters:
      - type: instance
        key: InstanceType
        value: t3.micro
  - name: detail               # a per-resource detail: the bucket's tags
    resource: s3
    filters:
      - tag:env: dev
  - name: rotation             # Custodian reads any error here as "never rotated"
    resource: kms-key
    filters:
      - type: last-rotation
        key: RotationDate
        value: absent
  - name: unaffected
    resource: security-group
"""


def test_reads_whose_retries_run_out_fail_the_policy_never_zero_matched(
        moto_server, tmp_path, monkeypatch, no_backoff):
    small(fresh(moto_server))

    def faulted(service, op):
        return op in ("DescribeInstances", "ListKeyRotations") or op.startswith("GET /bucket-")
    with FaultProxy(moto_server, rate=1.0, kinds=("throttle", "503"), max_in_row=3,
                    only=faulted) as proxy:
        result, out = maid_run(tmp_path, monkeypatch, proxy, "run", EXHAUSTED,
                               "--max-attempts", "3")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line.split(": ")[:3] for line in lines] == [
        ["listing", "failed in us-east-1", "listing ec2 failed"],
        ["related", "failed in us-east-1", "filtering ebs failed"],
        ["detail", "failed in us-east-1", "filtering s3 failed"],
        ["rotation", "failed in us-east-1", "filtering kms-key failed"],
        ["unaffected", "1 security-group matched in us-east-1"]]
    assert all(line.endswith("(gave up after 3 attempts)") for line in lines[:4])
    assert lines[1].split(": ")[3] == "DescribeInstances"
    assert lines[3].split(": ")[3] == "ListKeyRotations"
    assert proxy.reached("DescribeInstances") == proxy.reached("ListKeyRotations") == 0
    for name, line in zip(("listing", "related", "detail", "rotation"), lines):
        meta = json.loads((out / name / "metadata.json").read_text())
        assert meta["errors"] == [line.split(": failed in us-east-1: ", 1)[1]]
        assert meta["resources"]["matched"] is None
        assert sum(meta["api-retries"].values()) == 2
        assert not (out / name / "resources.json").exists()
    meta = json.loads((out / "listing" / "metadata.json").read_text())
    assert meta["resources"] == {"candidates": None, "matched": None}
    assert meta["api-retries"] == {"ec2.DescribeInstances": 2}
