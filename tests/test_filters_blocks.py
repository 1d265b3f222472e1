"""Boolean blocks, reduce, list-item and event filters.

The reduce and list-item tables are Cloud Custodian's own results (c7n 0.9.53's ReduceFilter
and ListItemFilter on the same resources), recorded with a differential script.
"""
import copy

import pytest

from cloudmaid.errors import PolicyError
from cloudmaid.filters import core
from cloudmaid.filters.core import Filter, filters
from cloudmaid.policy import Policy

from .conftest import run_instances
from .test_filters_value import codegen  # noqa: F401 -- the fixture: generated code on and off


def ids(resources, key="Id"):
    return [r[key] for r in resources]


def run(data, resources, event=None):
    return core.apply(core.parse(data, None), resources, event)


RESOURCES = [{'Id': 'a',
  'Tags': [{'Key': 'asg', 'Value': 'g1'}],
  'Launch': '2024-01-05T00:00:00Z',
  'Size': '10',
  'Name': 'web-3'},
 {'Id': 'b',
  'Tags': [{'Key': 'asg', 'Value': 'g2'}],
  'Launch': '2024-01-01T00:00:00Z',
  'Size': 2,
  'Name': 'web-10'},
 {'Id': 'c',
  'Tags': [{'Key': 'asg', 'Value': 'g1'}],
  'Launch': '2023-12-01T00:00:00Z',
  'Size': 7,
  'Name': 'db-1'},
 {'Id': 'd', 'Tags': [], 'Launch': '2024-02-01T00:00:00Z', 'Name': 'web-2'},
 {'Id': 'e', 'Tags': [{'Key': 'asg', 'Value': 'g2'}], 'Size': 'x', 'Name': 'web-1'},
 {'Id': 'f',
  'Tags': [{'Key': 'asg', 'Value': 'g1'}],
  'Launch': '2024-03-01T00:00:00Z',
  'Size': 1,
  'Name': 'api-7'},
 {'Id': 'g', 'Tags': [{'Key': 'asg', 'Value': 'g3'}], 'Launch': 'garbage', 'Size': 30}]
REDUCE_CASES = [({}, ['a', 'b', 'c', 'd', 'e', 'f', 'g']),
 ({'limit': 2}, ['a', 'b']),
 ({'order': 'asc'}, ['a', 'b', 'c', 'd', 'e', 'f', 'g']),
 ({'order': 'desc'}, ['a', 'b', 'c', 'd', 'e', 'f', 'g']),
 ({'order': 'reverse'}, ['g', 'f', 'e', 'd', 'c', 'b', 'a']),
 ({'sort-by': 'Id', 'order': 'desc'}, ['g', 'f', 'e', 'd', 'c', 'b', 'a']),
 ({'sort-by': 'Launch'}, ['c', 'b', 'a', 'd', 'f', 'g', 'e']),
 ({'sort-by': 'Launch', 'order': 'desc'}, ['g', 'f', 'd', 'a', 'b', 'c', 'e']),
 ({'sort-by': {'key': 'Launch', 'value_type': 'date'}}, ['c', 'b', 'a', 'd', 'f', 'e', 'g']),
 ({'sort-by': {'key': 'Launch', 'value_type': 'date'}, 'order': 'desc'},
  ['f', 'd', 'a', 'b', 'c', 'e', 'g']),
 ({'sort-by': {'key': 'Launch', 'value_type': 'date'}, 'null-order': 'first'},
  ['e', 'g', 'c', 'b', 'a', 'd', 'f']),
 ({'sort-by': {'key': 'Launch', 'value_type': 'date'}, 'order': 'desc', 'null-order': 'first'},
  ['e', 'g', 'f', 'd', 'a', 'b', 'c']),
 ({'sort-by': {'key': 'Size', 'value_type': 'number'}}, ['f', 'b', 'c', 'a', 'g', 'd', 'e']),
 ({'sort-by': {'key': 'Size', 'value_type': 'number'}, 'order': 'desc', 'limit': 3},
  ['g', 'a', 'c']),
 ({'sort-by': {'key': 'Name', 'value_regex': '-(\\d+)$', 'value_type': 'number'}},
  ['a', 'b', 'c', 'd', 'e', 'f', 'g']),
 ({'sort-by': 'Size'}, ['f', 'a', 'b', 'g', 'c', 'e', 'd']),
 ({'group-by': 'tag:asg'}, ['a', 'c', 'f', 'b', 'e', 'g', 'd']),
 ({'group-by': 'tag:asg', 'limit': 1}, ['a', 'b', 'g', 'd']),
 ({'group-by': 'tag:asg', 'sort-by': 'Launch', 'limit': 1}, ['c', 'b', 'g', 'd']),
 ({'group-by': 'tag:asg', 'sort-by': 'Launch', 'order': 'desc', 'limit': 1}, ['g', 'b', 'f', 'd']),
 ({'group-by': 'tag:asg', 'sort-by': {'key': 'Size', 'value_type': 'number'}, 'order': 'desc'},
  ['g', 'b', 'e', 'a', 'c', 'f', 'd']),
 ({'group-by': {'key': 'Name', 'value_regex': '^(\\w+)-'}, 'sort-by': 'Name'},
  ['f', 'c', 'e', 'b', 'd', 'a', 'g']),
 ({'group-by': 'tag:asg', 'order': 'reverse'}, ['g', 'd', 'e', 'b', 'f', 'c', 'a']),
 ({'limit-percent': 50}, ['a', 'b', 'c']),
 ({'limit-percent': 50, 'limit': 2}, ['a', 'b']),
 ({'discard': 2}, ['c', 'd', 'e', 'f', 'g']),
 ({'discard-percent': 30}, ['c', 'd', 'e', 'f', 'g']),
 ({'discard': 1, 'limit': 2, 'sort-by': 'Id'}, ['b', 'c']),
 ({'group-by': 'tag:asg', 'discard': 1}, ['c', 'f', 'e']),
 ({'group-by': 'tag:asg', 'discard-percent': 50, 'sort-by': 'Id'}, ['c', 'f', 'e', 'g', 'd']),
 ({'group-by': 'tag:asg', 'limit-percent': 50, 'sort-by': 'Id', 'order': 'desc'}, ['e', 'f'])]


@pytest.mark.parametrize("config,expected", REDUCE_CASES, ids=[str(c) for c, _ in REDUCE_CASES])
def test_reduce_matches_custodian(config, expected):
    [f] = core.parse([dict(config, type="reduce")], None)
    assert f.validate() == []
    assert ids(core.apply([f], copy.deepcopy(RESOURCES))) == expected


def test_reduce_randomize_keeps_limit_and_membership():
    got = run([{"type": "reduce", "order": "randomize", "limit": 3}], copy.deepcopy(RESOURCES))
    assert len(got) == 3 and set(ids(got)) <= set(ids(RESOURCES))


def test_reduce_validate_value_regex():
    [f] = core.parse([{"type": "reduce", "sort-by": {"key": "Name", "value_regex": "a(b"}}], None)
    assert f.validate() == [(("sort-by", "value_regex"),
                             "invalid regex 'a(b': missing ), unterminated subpattern at position 1")]
    [f] = core.parse([{"type": "reduce", "group-by": {"key": "Name", "value_regex": "ab"}}], None)
    assert f.validate()[0][0] == ("group-by", "value_regex")


SGS = [{'GroupId': 'sg-1',
  'IpPermissions': [{'FromPort': 22,
                     'ToPort': 22,
                     'IpProtocol': 'tcp',
                     'IpRanges': [{'CidrIp': '0.0.0.0/0'}]},
                    {'FromPort': 443,
                     'ToPort': 443,
                     'IpProtocol': 'tcp',
                     'IpRanges': [{'CidrIp': '10.0.0.0/8'}]}]},
 {'GroupId': 'sg-2',
  'IpPermissions': [{'FromPort': 22,
                     'ToPort': 22,
                     'IpProtocol': 'tcp',
                     'IpRanges': [{'CidrIp': '10.0.0.0/8'}]}]},
 {'GroupId': 'sg-3', 'IpPermissions': []},
 {'GroupId': 'sg-4'},
 {'GroupId': 'sg-5',
  'IpPermissions': [{'FromPort': 80,
                     'ToPort': 80,
                     'IpProtocol': 'tcp',
                     'IpRanges': [{'CidrIp': '0.0.0.0/0'}]},
                    {'FromPort': 22,
                     'ToPort': 22,
                     'IpProtocol': 'tcp',
                     'IpRanges': [{'CidrIp': '0.0.0.0/0'}, {'CidrIp': '1.2.3.4/32'}]},
                    {'FromPort': 0, 'ToPort': 65535, 'IpProtocol': '-1', 'IpRanges': []}]}]
LIST_ITEM_CASES = [({'key': 'IpPermissions',
   'attrs': [{'type': 'value',
              'key': 'IpRanges[].CidrIp',
              'value': '0.0.0.0/0',
              'op': 'in',
              'value_type': 'swap'},
             {'FromPort': 22}]},
  [('sg-1', ['IpPermissions[0]']), ('sg-5', ['IpPermissions[1]'])]),
 ({'key': 'IpPermissions', 'attrs': [{'FromPort': 22}]},
  [('sg-1', ['IpPermissions[0]']), ('sg-2', ['IpPermissions[0]']), ('sg-5', ['IpPermissions[1]'])]),
 ({'key': 'IpPermissions', 'attrs': []},
  [('sg-1', ['IpPermissions[0]', 'IpPermissions[1]']),
   ('sg-2', ['IpPermissions[0]']),
   ('sg-5', ['IpPermissions[0]', 'IpPermissions[1]', 'IpPermissions[2]'])]),
 ({'key': 'IpPermissions', 'attrs': [{'FromPort': 22}], 'count': 0},
  [('sg-3', None), ('sg-4', None)]),
 ({'key': 'IpPermissions', 'attrs': [{'FromPort': 22}], 'count': 1, 'count_op': 'eq'},
  [('sg-1', None), ('sg-2', None), ('sg-5', None)]),
 ({'key': 'IpPermissions', 'attrs': [], 'count': 2, 'count_op': 'gte'},
  [('sg-1', None), ('sg-5', None)]),
 ({'key': 'IpPermissions', 'attrs': [{'or': [{'FromPort': 80}, {'IpProtocol': '-1'}]}]},
  [('sg-5', ['IpPermissions[0]', 'IpPermissions[2]'])]),
 ({'key': 'IpPermissions', 'attrs': [{'not': [{'FromPort': 22}]}]},
  [('sg-1', ['IpPermissions[1]']), ('sg-5', ['IpPermissions[0]', 'IpPermissions[2]'])]),
 ({'key': 'IpPermissions',
   'attrs': [{'type': 'reduce', 'sort-by': 'FromPort', 'order': 'desc', 'limit': 1},
             {'FromPort': 443}]},
  [('sg-1', ['IpPermissions[1]'])]),
 ({'key': "IpPermissions[?IpProtocol=='tcp']",
   'attrs': [{'type': 'value', 'key': 'ToPort', 'op': 'gte', 'value': 80}]},
  [('sg-1', ["IpPermissions[?IpProtocol=='tcp'][1]"]),
   ('sg-5', ["IpPermissions[?IpProtocol=='tcp'][0]"])])]



@pytest.mark.parametrize("config,expected", LIST_ITEM_CASES,
                         ids=[str(c)[:80] for c, _ in LIST_ITEM_CASES])
def test_list_item_matches_custodian(config, expected, codegen):
    [f] = core.parse([dict(config, type="list-item")], None)
    assert f.validate() == []
    got = core.apply([f], copy.deepcopy(SGS))
    assert [(r["GroupId"], r.get("c7n:ListItemMatches")) for r in got] == expected


def test_list_item_rejects_a_non_list_and_foreign_filters():
    [f] = core.parse([{"type": "list-item", "key": "GroupId", "attrs": []}], None)
    with pytest.raises(PolicyError, match="not a list"):
        core.apply([f], [{"GroupId": "sg-1"}])
    with pytest.raises(PolicyError, match="cannot be used in list-item"):
        core.parse([{"type": "list-item", "key": "X", "attrs": [{"type": "event", "key": "a",
                                                                    "value": 1}]}], None)


def test_list_item_validate_reports_nested_paths():
    [f] = core.parse([{"type": "list-item", "key": "IpPermissions", "attrs": [
        {"FromPort": 22}, {"type": "value", "key": "IpProtocol", "op": "in", "value": 5}]}], None)
    assert f.validate() == [(("attrs", 1, "value"), "op 'in' needs a list value, got number 5")]


# -- boolean blocks --------------------------------------------------------------------------
ROWS = [{"Id": i, "a": i % 2, "b": i % 3, "Tags": [{"Key": "n", "Value": str(i)}]} for i in range(12)]


@pytest.mark.parametrize("data,expected", [
    ([{"or": [{"a": 1}, {"b": 0}]}], [0, 1, 3, 5, 6, 7, 9, 11]),
    ([{"and": [{"a": 1}, {"b": 0}]}], [3, 9]),
    ([{"not": [{"a": 1}, {"b": 0}]}], [0, 1, 2, 4, 5, 6, 7, 8, 10, 11]),
    ([{"not": [{"a": 1}]}], [0, 2, 4, 6, 8, 10]),
    ([{"or": [{"and": [{"a": 1}, {"b": 1}]}, {"not": [{"b": 1}, {"a": 0}]}]}],
     [0, 1, 2, 3, 5, 6, 7, 8, 9, 11]),
    ([{"a": 0}, {"or": [{"b": 2}, {"not": [{"or": [{"b": 0}, {"tag:n": "4"}]}]}]}], [2, 8, 10]),
    ([{"or": []}], []),
    ([{"and": []}], list(range(12))),
    ([{"not": []}], []),
])
def test_boolean_blocks(data, expected, codegen):
    assert ids(run(data, copy.deepcopy(ROWS))) == expected


@filters.register("test-batch-odd")
class BatchOdd(Filter):
    """A batch filter (like a related-resource lookup): keeps odd ids, counts its calls."""
    predicate = False
    calls = []

    def process(self, resources, event=None):
        self.calls.append(len(resources))
        return [r for r in resources if r["Id"] % 2]


@pytest.mark.parametrize("data,expected", [
    ([{"or": [{"b": 0}, {"type": "test-batch-odd"}]}], [0, 1, 3, 5, 6, 7, 9, 11]),
    ([{"and": [{"type": "test-batch-odd"}, {"b": 0}]}], [3, 9]),
    ([{"not": [{"type": "test-batch-odd"}, {"b": 0}]}], [0, 1, 2, 4, 5, 6, 7, 8, 10, 11]),
    ([{"not": [{"or": [{"type": "test-batch-odd"}, {"b": 0}]}]}], [2, 4, 8, 10]),
    ([{"b": 2}, {"or": [{"type": "test-batch-odd"}, {"Id": 2}]}], [2, 5, 11]),
    ([{"type": "reduce", "sort-by": {"key": "Id", "value_type": "number"}, "order": "desc",
       "limit": 4}, {"or": [{"type": "test-batch-odd"}, {"Id": 8}]}], [11, 9, 8]),
])
def test_boolean_blocks_mixed_with_batch_filters(data, expected, codegen):
    assert ids(run(data, copy.deepcopy(ROWS))) == expected


def test_or_only_sends_unmatched_resources_to_later_batch_children():
    BatchOdd.calls.clear()
    run([{"or": [{"a": 1}, {"type": "test-batch-odd"}]}], copy.deepcopy(ROWS))
    assert BatchOdd.calls == [6]


def test_resource_count():
    data = [{"type": "value", "value_type": "resource_count", "op": "gte", "value": 3}]
    assert len(run(data, copy.deepcopy(ROWS))) == 12
    assert run(data, copy.deepcopy(ROWS[:2])) == []


# -- event -----------------------------------------------------------------------------------
EVENT = {"detail": {"userIdentity": {"type": "Root"}, "eventName": "RunInstances"}}


@pytest.mark.parametrize("data,event,expected", [
    ({"type": "event", "key": "detail.userIdentity.type", "value": "Root"}, EVENT, 12),
    ({"type": "event", "key": "detail.userIdentity.type", "value": "IAMUser"}, EVENT, 0),
    ({"type": "event", "key": "detail.eventName", "op": "in",
      "value": ["RunInstances", "StartInstances"]}, EVENT, 12),
    ({"type": "event", "key": "detail.missing", "value": "absent"}, EVENT, 12),
    ({"type": "event", "key": "detail.userIdentity.type", "value": "Root"}, None, 0),
])
def test_event_filter(data, event, expected, codegen):
    assert len(run([data, {"Id": "present"}], copy.deepcopy(ROWS), event)) == expected


# -- validation ------------------------------------------------------------------------------
@pytest.mark.parametrize("data,problem", [
    ({"type": "value", "key": "k", "op": "regex", "value": "a(b"},
     (("value",), "invalid regex 'a(b': missing ), unterminated subpattern at position 1")),
    ({"type": "value", "key": "k", "op": "regex-case", "value": 5},
     (("value",), "op 'regex-case' needs a regex string, got number 5")),
    ({"type": "value", "key": "k", "value_regex": "x(", "value": 1},
     (("value_regex",), "invalid regex 'x(': missing ), unterminated subpattern at position 1")),
    ({"type": "value", "key": "k", "value_regex": "abc", "value": 1},
     (("value_regex",), "value_regex 'abc' needs exactly one capture group, e.g. '(\\d+)'")),
    ({"type": "value", "key": "k", "op": "in", "value": 5},
     (("value",), "op 'in' needs a list value, got number 5")),
    ({"type": "value", "key": "k", "op": "intersect", "value": "ab"},
     (("value",), "op 'intersect' needs a list value, got string 'ab'")),
    ({"type": "value", "key": "k", "op": "mod", "value": [2, 0]},
     (("value",), "op 'mod' needs a number (a divisor), got a list")),
    ({"type": "value", "key": "k", "value_type": "age", "op": "gt", "value": "30"},
     (("value",), "value_type 'age' needs a number of days, got string '30'")),
    ({"type": "value", "key": "k", "value_type": "expiration", "op": "lt", "value": None},
     (("value",), "value_type 'expiration' needs a number of days, got null")),
    ({"type": "value", "key": "k", "value_type": "date", "op": "lt", "value": "soon"},
     (("value",), "value_type 'date' needs a date, got string 'soon'")),
    ({"type": "value", "key": "k"}, ((), "missing required key 'value'")),
    ({"type": "value", "value": 1}, ((), "missing required key 'key'")),
    ({"type": "event", "key": "k", "op": "ni", "value": True},
     (("value",), "op 'ni' needs a list value, got true")),
])
def test_value_validate(data, problem):
    [f] = core.parse([data], None)
    assert f.validate() == [problem]


@pytest.mark.parametrize("data", [
    {"type": "value", "key": "k", "op": "in", "value": "substring"},
    {"type": "value", "key": "k", "op": "mod", "value": 2},
    {"type": "value", "key": "k", "value_type": "age", "op": "gt", "value": 0.5},
    {"type": "value", "key": "k", "value_regex": "x-(\\d+)", "value": "1"},
    {"type": "value", "key": "k", "op": "intersect", "value_path": "other"},
    {"type": "value", "value_type": "resource_count", "op": "lt", "value": 3},
])
def test_value_validate_accepts(data):
    [f] = core.parse([data], None)
    assert f.validate() == []


# -- a policy on moto ------------------------------------------------------------------------
def test_policy_with_reduce_and_list_item_on_ec2(ctx, ec2):
    """Oldest-first reduce per group tag, then list-item over the security groups."""
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    web = ec2.create_security_group(GroupName="web", Description="w", VpcId=vpc)["GroupId"]
    db = ec2.create_security_group(GroupName="db", Description="d", VpcId=vpc)["GroupId"]
    a = run_instances(ec2, count=3, tags={"team": "a"}, SecurityGroupIds=[web])
    b = run_instances(ec2, count=2, tags={"team": "b"}, SecurityGroupIds=[db])
    run_instances(ec2, count=1, tags={"team": "c"}, SecurityGroupIds=[db])
    p = Policy({"name": "reduce-list-item", "resource": "ec2", "filters": [
        {"type": "list-item", "key": "SecurityGroups",
         "attrs": [{"type": "value", "key": "GroupName", "op": "in", "value": ["web", "db"]}]},
        {"not": [{"tag:team": "c"}]},
        {"type": "reduce", "group-by": "tag:team", "sort-by": "InstanceId", "order": "desc",
         "limit": 1},
    ]}, ctx)
    matched = p.run()["matched"]
    # groups are ordered by their key too, so 'desc' puts team b first
    assert [r["InstanceId"] for r in matched] == [max(b), max(a)]
    assert all(r["c7n:ListItemMatches"] == ["SecurityGroups[0]"] for r in matched)
    p = Policy({"name": "no-db", "resource": "ec2", "filters": [
        {"type": "list-item", "key": "SecurityGroups", "attrs": [{"GroupName": "db"}],
         "count": 0}]}, ctx)
    assert sorted(r["InstanceId"] for r in p.run()["matched"]) == sorted(a)


def test_not_and_blocks_sweep_annotations_of_resources_they_drop():
    """Custodian's AnnotationSweeper: list-item's annotation does not survive a 'not' block,
    nor an 'and' block that then drops the resource."""
    li = {"type": "list-item", "key": "IpPermissions", "attrs": [{"FromPort": 22}]}
    got = run([{"not": [li, {"GroupId": "sg-2"}]}], copy.deepcopy(SGS))
    assert [r["GroupId"] for r in got] == ["sg-1", "sg-3", "sg-4", "sg-5"]
    assert all("c7n:ListItemMatches" not in r for r in got)
    sgs = copy.deepcopy(SGS)
    got = run([{"or": [{"and": [li, {"GroupId": "sg-2"}]}, {"GroupId": "sg-1"}]}], sgs)
    assert [(r["GroupId"], r.get("c7n:ListItemMatches")) for r in got] == [
        ("sg-1", None), ("sg-2", ["IpPermissions[0]"])]


def test_annotate_matched_filters_as_custodian(codegen):
    data = [{"a": 1}, {"or": [{"b": 0}, {"tag:n": "3"}, {"and": [{"b": 1}, {"Id": 7}]}]},
            {"not": [{"Id": 5}]}, {"type": "value", "key": "b", "op": "ne", "value": 2}]
    fs = core.parse(data, None)
    got = core.annotate_matched(fs, core.apply(fs, copy.deepcopy(ROWS)))
    assert [(r["Id"], r["c7n:MatchedFilters"]) for r in got] == [
        (3, ["a", "b", "tag:n", "b"]), (7, ["a", "b", "Id", "b"]), (9, ["a", "b", "b"])]
