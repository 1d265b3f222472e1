"""The value filter's ``default``: the value of a key the resource lacks (missing or null), read
as if the resource had it -- then ``value_regex``, ``value_type`` and the op apply to it. The
value filter's relatives (event, and the related-resource filters) share it. At the end: the
JMESPath of keys and of tag value lookups is checked at validation, with Custodian's functions.

Cloud Custodian's schema accepts ``default`` (a mapping only) and ignores it; the expected
results below are this meaning, not recorded from Custodian. Each case runs through the
generated loop and through the closures.
"""
import datetime
import textwrap

import boto3
import pytest
from dateutil.tz import tzutc

from cloudmaid.filters import core, predicate
from cloudmaid.filters.event import EventFilter
from cloudmaid.filters.valuecheck import value_problems
from cloudmaid.policy import Policy
from cloudmaid.validate import load_and_check

from .conftest import make_ami, run_instances

NOW = datetime.datetime.now(tz=tzutc())   # match() reads the clock itself


def DAYS_AGO(n):  # noqa: N802 -- reads as a value in the table
    return (NOW - datetime.timedelta(days=n)).isoformat()


CASES = [
    # the default stands in for a missing key, and only for a missing one
    ({"key": "Size", "value": 8, "default": 8}, {}, True),
    ({"key": "Size", "value": 8, "default": 8}, {"Size": None}, True),
    ({"key": "Size", "value": 8, "default": 8}, {"Size": 100}, False),
    ({"key": "Size", "value": 100, "default": 8}, {"Size": 100}, True),
    ({"key": "Size", "value": 8, "default": 9}, {}, False),
    # ops, sets and regexes see it as the resource's value
    ({"key": "Size", "op": "gt", "value": 5, "default": 8}, {}, True),
    ({"key": "Size", "op": "lt", "value": 5, "default": 8}, {}, False),
    ({"key": "Kind", "op": "in", "value": ["a", "b"], "default": "b"}, {}, True),
    ({"key": "Kind", "op": "not-in", "value": ["a", "b"], "default": "b"}, {}, False),
    ({"key": "Kind", "op": "not-in", "value": ["a", "b"], "default": "c"}, {}, True),
    ({"key": "Kind", "op": "regex", "value": "^pr", "default": "prod"}, {}, True),
    ({"key": "Kind", "op": "contains", "value": "x", "default": ["x", "y"]}, {}, True),
    # absent/present: with a default a missing key is never absent, always present
    ({"key": "Kind", "value": "absent", "default": "none"}, {}, False),
    ({"key": "Kind", "value": "present", "default": "none"}, {}, True),
    ({"key": "Kind", "value": "empty", "default": ""}, {}, True),
    ({"key": "Kind", "value": "empty", "default": "x"}, {}, False),
    ({"key": "Kind", "value": "not-null", "default": "x"}, {}, True),
    ({"key": "Kind", "value": "absent", "default": None}, {}, True),   # null: no default
    # tags, dotted paths and JMESPath keys
    ({"key": "tag:Env", "value": "dev", "default": "dev"}, {"Tags": []}, True),
    ({"key": "tag:Env", "value": "dev", "default": "dev"},
     {"Tags": [{"Key": "Env", "Value": "prod"}]}, False),
    ({"key": "tag:Env", "value": "dev", "default": "dev", "tag_key_transforms": ["lower"]},
     {"Tags": []}, True),
    ({"key": "State.Name", "value": "running", "default": "running"}, {"State": {}}, True),
    ({"key": "State.Name", "value": "running", "default": "running"},
     {"State": {"Name": "stopped"}}, False),
    ({"key": "Tags[?Key=='Env'].Value | [0]", "value": "dev", "default": "dev"}, {"Tags": []},
     True),
    ({"key": "Ips[0]", "value": "10.0.0.1", "default": "10.0.0.1"}, {"Ips": []}, True),
    # value_type converts the default as it would the resource's value
    ({"key": "Count", "value_type": "integer", "op": "gte", "value": 3, "default": "4"},
     {}, True),
    ({"key": "Name", "value_type": "normalize", "value": "web", "default": " WEB "}, {}, True),
    ({"key": "Created", "value_type": "age", "op": "gt", "value": 30,
      "default": DAYS_AGO(40)}, {}, True),
    ({"key": "Created", "value_type": "age", "op": "gt", "value": 30,
      "default": DAYS_AGO(20)}, {}, False),
    ({"key": "Ip", "value_type": "cidr", "op": "in", "value": "10.0.0.0/8",
      "default": "10.1.2.3"}, {}, True),
    ({"key": "Ver", "value_type": "version", "op": "gte", "value": "1.10",
      "default": "1.9"}, {}, False),
    ({"key": "Kind", "value_type": "swap", "op": "in", "value": "prod",
      "default": "production"}, {}, True),
    # value_regex captures from the default, as from the resource's value
    ({"key": "tag:Expiry", "value_regex": r"(\d+)", "value_type": "integer", "op": "lt",
      "value": 10, "default": "day 5"}, {}, True),
    # value_path and value_type expr: the default is the key's side only
    ({"key": "Used", "op": "lt", "value_path": "Limit", "default": 0}, {"Limit": 3}, True),
    ({"key": "Used", "value_type": "expr", "value": "Limit", "default": 3}, {"Limit": 3}, True),
    ({"key": "Used", "value_type": "expr", "value": "Limit", "default": 3}, {"Limit": 4}, False),
]


@pytest.fixture(params=[True, False], ids=["codegen", "closures"])
def codegen(request, monkeypatch):
    monkeypatch.setattr(predicate, "CODEGEN", request.param)


@pytest.mark.parametrize("data,resource,expected", CASES,
                         ids=[f"{d}-{r}"[:90] for d, r, _ in CASES])
def test_default(data, resource, expected, codegen):
    data = dict(data, type="value")
    [f] = core.parse([data], None)
    assert f.validate() == []
    assert bool(core.apply([f], [resource], now=NOW)) is expected
    keep = {"type": "value", "key": "NoSuchKey", "value": "absent"}   # inlined between others
    assert bool(core.apply(core.parse([keep, data, keep], None), [resource], now=NOW)) is expected
    assert bool(f.match(resource)) is expected   # the per-resource form related filters use


def test_default_with_value_from(tmp_path, codegen):
    path = tmp_path / "allowed.txt"
    path.write_text("t3.micro\nt3.small\n")
    [f] = core.parse([{"type": "value", "key": "InstanceType", "op": "in", "default": "t3.small",
                       "value_from": {"url": str(path)}}], None)
    rows = [{"Id": "a"}, {"Id": "b", "InstanceType": "m5.large"},
            {"Id": "c", "InstanceType": "t3.micro"}]
    assert [r["Id"] for r in core.apply([f], rows, now=NOW)] == ["a", "c"]


def test_event_filter_default():
    f = EventFilter({"type": "event", "key": "detail.userIdentity.type", "value": "Root",
                     "default": "Root"})
    assert f.run([{"Id": "a"}], {"detail": {}}, NOW) == [{"Id": "a"}]
    assert f.run([{"Id": "a"}], {"detail": {"userIdentity": {"type": "IAMUser"}}}, NOW) == []


def test_default_with_resource_count_is_rejected():
    assert value_problems({"type": "value", "value_type": "resource_count", "op": "gt",
                           "value": 1, "default": 0}) == [
        (("default",), "value_type 'resource_count' counts resources: it reads no key, so "
                       "'default' has nothing to stand in for")]


def test_related_filter_default(ctx, ec2):
    # an untagged subnet reads as Tier=private
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", TagSpecifications=[
        {"ResourceType": "subnet", "Tags": [{"Key": "Tier", "Value": "public"}]}])["Subnet"]
    untagged = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")["Subnet"]
    ami = make_ami(ec2)
    [in_public] = run_instances(ec2, ImageId=ami, SubnetId=public["SubnetId"])
    [in_untagged] = run_instances(ec2, ImageId=ami, SubnetId=untagged["SubnetId"])

    def matched(f):
        meta = Policy({"name": "p", "resource": "ec2", "filters": [f]}, ctx).run()
        return sorted(r["InstanceId"] for r in meta["matched"])
    subnet = {"type": "subnet", "key": "tag:Tier", "value": "private"}
    assert matched(subnet) == []
    assert matched(dict(subnet, default="private")) == [in_untagged]
    assert matched(dict(subnet, value="public", default="private")) == [in_public]


def problems(tmp_path, text):
    f = tmp_path / "p.yml"
    body = textwrap.indent(textwrap.dedent(text).lstrip("\n"), "    ")
    f.write_text("policies:\n  - name: a\n" + body)
    return [p.split(":", 1)[1] for p in load_and_check([str(f)])[1]]


def test_validate_default(tmp_path):
    assert problems(tmp_path, """
        resource: ec2
        filters:
          - {type: value, key: CpuOptions.CoreCount, op: gte, value: 2, default: 1}
          - {type: subnet, key: tag:Tier, value: private, default: private}
    """) == []
    assert problems(tmp_path, """
        resource: ec2
        filters:
          - type: value
            value_type: resource_count
            op: gt
            value: 1
            default: 0
    """) == ["9: policy 'a': filters[0].default: value_type 'resource_count' counts resources: "
             "it reads no key, so 'default' has nothing to stand in for"]


def test_validate_tag_lookups_in_a_mapping(tmp_path):
    assert problems(tmp_path, """
        resource: ec2
        actions:
          - type: tag
            tags:
              Team: {type: resource, key: "split('-', tag_value)[0]"}
              Owner: {type: resource, key: "nofn(Tags)"}
    """) == ["8: policy 'a': actions[0].tags.Owner.key: invalid JMESPath 'nofn(Tags)': "
             "unknown function nofn()"]


def test_tag_lookup_uses_custodians_functions(ctx, ec2):
    [iid] = run_instances(ec2, tags={"Name": "web-eu-1"})
    Policy({"name": "p", "resource": "ec2", "actions": [{"type": "tag", "tags": {"Site": {
        "type": "resource", "key": "split('-', Tags[?Key=='Name'].Value | [0])[1]"}}}]},
        ctx).run()
    [found] = boto3.client("ec2", region_name="us-east-1").describe_tags(
        Filters=[{"Name": "resource-id", "Values": [iid]}, {"Name": "key", "Values": ["Site"]}]
    )["Tags"]
    assert found["Value"] == "eu"
