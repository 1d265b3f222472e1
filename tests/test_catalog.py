"""Every declaration checked against botocore's service models, the way botocore's own
test_paginator_config.py checks paginators-1.json: a typo in a row fails here, not in AWS."""
import re
import types

import boto3
import botocore.session
import jmespath
import pytest
from botocore import xform_name

from cloudmaid import index
from cloudmaid.resources import catalog
from cloudmaid.resources.declaration import GLOBAL, REGIONAL, TAGGING_API, AugmentQuery
from cloudmaid.resources.manager import ResourceManager

ROWS = sorted(catalog.CATALOG.values(), key=lambda r: r.name)
_session = botocore.session.get_session()
#: types whose listing AWS is known to page (botocore must have their paginator)
PAGINATED = {"ec2", "ebs", "ebs-snapshot", "ami", "security-group", "subnet"}


def model(service):
    return _session.get_service_model(service)


def operation(row, op=None):
    op = op or row.enum_op
    m = model(row.service)
    names = {xform_name(n): n for n in m.operation_names}
    assert op in names, f"{row.name}: {row.service} has no operation {op}"
    return m.operation_model(names[op])


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


def pseudo(row):
    """A type whose manager builds its resources (account): the row names the call made."""
    from cloudmaid.resources.manager import manager_class
    return getattr(manager_class(row.name), "builds_resources", False)


def completed(row, listed):
    """The shape of a listed item (a bare id or a summary) merged with the row's ``get``
    answer; None when that answer is a map."""
    op = operation(row, row.get.op)
    assert row.get.param in op.input_shape.members, (row.name, row.get.param)
    shape = walk(op.output_shape, row.get.path.replace("[0]", "[]")) if row.get.path \
        else op.output_shape
    if shape.type_name == "map":
        return None
    members = dict(listed.members) if listed.type_name == "structure" else {}
    members.update(shape.members)
    return types.SimpleNamespace(type_name="structure", members=members, name=shape.name)


def added_keys(row):
    from cloudmaid.resources.manager import manager_class
    return getattr(manager_class(row.name), "added_keys", ())


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
    if pseudo(row):
        return   # its manager builds the resource from this answer (account)
    if row.complete:
        item = completed(row, item)
        if item is None:
            return   # completed by a map (GetQueueAttributes' Attributes): keys unmodelled
    assert item.type_name == "structure"
    for key in (row.id, row.name_key, row.date):
        if key:
            assert key in item.members, f"{row.name}: {key} not in {item.name}"
    if row.tags not in (None, TAGGING_API, "detail"):
        assert row.tags in item.members, f"{row.name}: tags are not inline in {item.name}"
        tags = item.members[row.tags]
        assert tags.type_name == "list" and {"Key", "Value"} <= set(tags.member.members)
    if row.arn_key:   # in the answer, or added by the type's manager (ecr-image's imageArn)
        assert row.arn_key in item.members or row.arn_key in added_keys(row)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_row_fields(row):
    assert row.scope in (GLOBAL, REGIONAL)
    assert row.arn or row.arn_key, f"{row.name}: no ARN"
    if row.arn:
        assert row.arn.startswith("arn:{partition}:")
        assert row.arn.endswith("{id}") or pseudo(row)   # the account's: its root principal
        assert row.arn_placeholders() <= {"partition", "region", "account", "id"}
        # a regional ARN names its region and account; a global one neither
        regional = {"region", "account"} <= row.arn_placeholders()
        assert regional == (row.scope == REGIONAL) or pseudo(row), row.arn
        meta = model(row.service).metadata
        assert row.arn_service in meta.get("signingName", row.service) \
            or row.arn_service in (row.service, meta.get("endpointPrefix"))
    for name in row.report:
        if not name.startswith("tag:"):
            jmespath.compile(name)
    if row.config_type:
        assert re.fullmatch(r"AWS::\w+::\w+", row.config_type)


@pytest.mark.parametrize("row", [r for r in ROWS if r.details], ids=lambda r: r.name)
def test_details_match_botocore_model(row):
    for d in row.details:
        op = operation(row, d.op)
        assert d.param in op.input_shape.members, (row.name, d.key)
        # required, unless the operation takes the resource in one of several forms
        # (ListTagsForStream: StreamName or StreamARN)
        assert d.param in op.input_shape.required_members \
            or not op.input_shape.required_members, (row.name, d.key)
        if d.select:
            assert d.select in op.output_shape.members, (row.name, d.key, d.select)
    assert len({d.key for d in row.details}) == len(row.details)
    if isinstance(row.query, AugmentQuery):
        assert set(row.query.always) <= set(row.detail_keys)


#: CloudTrail event names that are not the operation's name
TRAIL_SPELLINGS = {"PutBucketPublicAccessBlock": "PutPublicAccessBlock",
                   "DeleteBucketPublicAccessBlock": "DeletePublicAccessBlock"}


@pytest.mark.parametrize("row", [r for r in ROWS if r.trail], ids=lambda r: r.name)
def test_shortcuts_are_operations_of_the_service(row):
    m = model(row.service)
    for name, shortcut in row.trail.items():
        jmespath.compile(shortcut.ids)
        event = shortcut.event or name
        # CloudTrail's eventName is the API operation (Lambda's carries its API version)
        event = TRAIL_SPELLINGS.get(event, re.sub(r"20\d{6}$", "", event))
        assert event in m.operation_names, (row.name, name)
        assert index.SHORTCUTS[name] == row.name


def test_every_shortcut_names_a_declared_type():
    assert index.SHORTCUTS
    for name, rtype in index.SHORTCUTS.items():
        assert rtype in catalog.CATALOG, name
        assert catalog.get(rtype).shortcut(name)["resource"] == rtype


def test_derived_tables():
    assert index.CONFIG_TYPES == {r.name: r.config_type for r in ROWS if r.config_type}
    assert index.GUARD_DUTY == {r.name: (r.guard_duty.ids, r.guard_duty.finding_type)
                                for r in ROWS if r.guard_duty}
    from cloudmaid.modes import config_rule, guard_duty
    assert config_rule.config_type("ebs") == "AWS::EC2::Volume"
    assert guard_duty.TARGETS["ec2"][1] == "Instance"


def test_every_row_with_tags_has_a_tagger():
    from cloudmaid.actions import taggers
    for row in ROWS:
        assert (taggers.tagger_class(row) is not None) == bool(row.tags), row.name
    assert taggers.tagger_name(catalog.get("ec2")) == "ec2"
    assert taggers.tagger_name(catalog.get("s3")) == "s3"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_paged_listings_read_the_paginators_result_key(row):
    """The manager pages whenever botocore has a paginator (tests/test_resources_* show the
    pages are read); the result key of that paginator is what enum_path reads first."""
    client = boto3.client(row.service, region_name="us-east-1")
    if not client.can_paginate(row.enum_op):
        assert row.name not in PAGINATED
        return
    config = _session.get_paginator_model(row.service).get_paginator(operation(row).name)
    first = row.enum_path.split(".")[0].replace("[]", "")
    keys = config["result_key"]
    # a dotted result key (CloudFront's DistributionList.Items) starts with its first part
    assert first in [k.split(".")[0] for k in (keys if isinstance(keys, list) else [keys])]


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
    assert catalog.get("ebs").arn_of("vol-1", "eu-west-1", "123") == \
        "arn:aws:ec2:eu-west-1:123:volume/vol-1"
    assert catalog.get("s3").arn_of("b", "eu-west-1", "123") == "arn:aws:s3:::b"
    assert catalog.get("security-group").arn_of("sg-1", "us-east-1", "1") == \
        "arn:aws:ec2:us-east-1:1:security-group/sg-1"
    assert catalog.get("security-group").arn_type == "security-group"
    assert catalog.get("s3").arn_type is None and catalog.get("s3").arn_service == "s3"


# -- listing parameters (every row lists and gets by id: tests/test_types_contract.py) ------
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
