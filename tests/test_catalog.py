"""Every catalog row checked against botocore's service models, the way botocore's own
test_paginator_config.py checks paginators-1.json: a typo in a row fails here, not in AWS."""
import boto3
import botocore.session
import pytest
from botocore import xform_name

from cloudmaid.resources import catalog
from cloudmaid.resources.manager import ResourceManager

ROWS = sorted(catalog.CATALOG.values(), key=lambda r: r.name)
_session = botocore.session.get_session()
#: types whose listing AWS pages (the manager must use the paginator)
PAGINATED = {"ec2", "ebs", "ebs-snapshot", "ami", "security-group", "subnet"}


def model(service):
    return _session.get_service_model(service)


def operation(row):
    m = model(row.service)
    names = {xform_name(n): n for n in m.operation_names}
    assert row.enum_op in names, f"{row.name}: {row.service} has no operation {row.enum_op}"
    return m.operation_model(names[row.enum_op])


def walk(shape, path):
    """Follow ``A[].B[]`` through structure/list shapes; returns the item shape."""
    for segment in path.split("."):
        name = segment.replace("[]", "")
        assert shape.type_name == "structure" and name in shape.members, (path, name)
        shape = shape.members[name]
        if segment.endswith("[]"):
            assert shape.type_name == "list", (path, name)
            shape = shape.member
    return shape


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_row_matches_botocore_model(row):
    op = operation(row)
    inputs = op.input_shape.members if op.input_shape else {}
    if row.ids_param:
        assert row.ids_param in inputs
        assert inputs[row.ids_param].type_name == "list"
    for key in row.enum_params:
        assert key in inputs, f"{row.name}: {key} is not a parameter of {op.name}"
    if row.id_filter:
        assert "Filters" in inputs
    item = walk(op.output_shape, row.enum_path)
    assert item.type_name == "structure"
    for key in (row.id, row.name_key, row.date):
        if key:
            assert key in item.members, f"{row.name}: {key} not in {item.name}"
    if row.tags == "inline":
        assert "Tags" in item.members, f"{row.name}: tags are not inline in {item.name}"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_paginator_where_expected(row):
    client = boto3.client(row.service, region_name="us-east-1")
    if row.name in PAGINATED:
        assert client.can_paginate(row.enum_op)
        # the paginator's result key is what enum_path reads first
        config = _session.get_paginator_model(row.service).get_paginator(
            operation(row).name)
        first = row.enum_path.split(".")[0].replace("[]", "")
        keys = config["result_key"]
        assert first in (keys if isinstance(keys, list) else [keys])


def test_id_prefixes_are_distinct():
    prefixes = [r.id_prefix for r in ROWS if r.id_prefix]
    assert len(prefixes) == len(set(prefixes))
    assert catalog.get("ebs").id_prefix == "vol-"
    assert catalog.get("ebs-snapshot").id_prefix == "snap-"
    assert catalog.get("ami").id_prefix == "ami-"
    assert catalog.get("security-group").id_prefix == "sg-"


def test_own_snapshots_and_images_only():
    assert catalog.get("ebs-snapshot").enum_params == {"OwnerIds": ["self"]}
    assert catalog.get("ami").enum_params == {"Owners": ["self"]}


def test_arns():
    assert catalog.get("ebs").arn("vol-1", "eu-west-1", "123") == \
        "arn:aws:ec2:eu-west-1:123:volume/vol-1"
    assert catalog.get("s3").arn("b", "eu-west-1", "123") == "arn:aws:s3:::b"
    assert catalog.get("security-group").arn("sg-1", "us-east-1", "1") == \
        "arn:aws:ec2:us-east-1:1:security-group/sg-1"


# -- every row lists and gets by id against moto ----------------------------------------------
def seed(ec2, s3):
    from .conftest import run_instances
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    iid = run_instances(ec2, SubnetId=subnet)[0]
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    snap = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
    ami = ec2.create_image(InstanceId=iid, Name="mine")["ImageId"]
    sg = ec2.create_security_group(GroupName="g", Description="d", VpcId=vpc)["GroupId"]
    s3.create_bucket(Bucket="bucket-one")
    return {"ec2": iid, "ebs": vol, "ebs-snapshot": snap, "ami": ami,
            "security-group": sg, "subnet": subnet, "s3": "bucket-one"}


def test_every_row_lists_and_gets_by_id(ctx, ec2):
    s3 = boto3.client("s3", region_name="us-east-1")
    ids = seed(ec2, s3)
    assert set(ids) == set(catalog.CATALOG)
    for name, rid in ids.items():
        m = ResourceManager.for_type(ctx, name)
        listed = [m.resource_id(r) for r in m.resources()]
        assert rid in listed, name
        got = m.get_resources([rid])
        assert [m.resource_id(r) for r in got] == [rid], name


def test_listing_asks_for_own_snapshots_and_images_only(ctx, ec2):
    # moto ignores OwnerIds (it lists its public AMIs' snapshots anyway), so assert the request
    sent = {}
    client = ResourceManager.for_type(ctx, "ami").client()
    client.meta.events.register("provide-client-params.ec2.*",
                                lambda params, model, **kw: sent.setdefault(model.name, dict(params)))
    assert ResourceManager.for_type(ctx, "ami").resources() == []
    ResourceManager.for_type(ctx, "ebs-snapshot").resources()
    assert sent["DescribeImages"]["Owners"] == ["self"]
    assert sent["DescribeSnapshots"]["OwnerIds"] == ["self"]
    assert ec2.describe_images()["Images"], "moto should have public images"
