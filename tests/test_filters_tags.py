"""tag-count and marked-for-op: Custodian's semantics, and the round trip with mark-for-op."""
import datetime
import types

import pytest

from cloudmaid.filters.core import filters
from cloudmaid.filters.tags import parse_mark
from cloudmaid.policy import Policy, load_plugins
from cloudmaid.resources.manager import ResourceManager

from .conftest import run_instances

load_plugins()
UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def res(**tags):
    return {"InstanceId": "i-1", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}


def marked(data, now=NOW):
    """A marked-for-op filter on ec2 whose clock is ``now``."""
    mgr = ResourceManager.for_type(None, "ec2")
    mgr.ctx = types.SimpleNamespace(now=now)
    return filters.get("marked-for-op", "ec2")(dict({"type": "marked-for-op"}, **data), mgr)


# -- tag-count -----------------------------------------------------------------------------
@pytest.mark.parametrize("data,expected", [
    ({}, False),                                   # default: gte 10
    ({"count": 3}, True),
    ({"count": 4}, False),                         # aws: tags are not counted
    ({"count": 3, "op": "eq"}, True),
    ({"count": 4, "op": "lt"}, True),
    ({"count": 0, "op": "gt"}, True),
])
def test_tag_count(data, expected):
    r = res(A="1", B="2", C="3", **{"aws:cloudformation:stack-name": "s"})
    f = filters.get("tag-count", "ec2")(dict({"type": "tag-count"}, **data))
    assert f.match(r) is expected


def test_tag_count_without_tags():
    f = filters.get("tag-count", "ec2")({"type": "tag-count", "count": 0, "op": "eq"})
    assert f.match({"InstanceId": "i-1"}) is True


def test_tag_count_in_a_policy(ctx, ec2):
    many = run_instances(ec2, tags={"A": "1", "B": "2"})[0]
    run_instances(ec2, tags={"A": "1"})
    meta = Policy({"name": "p", "resource": "ec2",
                   "filters": [{"type": "tag-count", "count": 2}]}, ctx).run()
    assert [r["InstanceId"] for r in meta["matched"]] == [many]


# -- marked-for-op ---------------------------------------------------------------------------
@pytest.mark.parametrize("value,data,expected", [
    ("Resource does not meet policy: stop@2026/03/10", {}, True),        # due today
    ("Resource does not meet policy: stop@2026/03/11", {}, False),
    ("Resource does not meet policy: stop@2026/03/11", {"skew": 1}, True),
    ("Resource does not meet policy: stop@2026/03/10 1300 UTC", {}, False),
    ("Resource does not meet policy: stop@2026/03/10 1300 UTC", {"skew_hours": 1}, True),
    ("Resource does not meet policy: stop@2026/03/10 1159 UTC", {}, True),
    ("Resource does not meet policy: terminate@2026/01/01", {}, False),  # another op
    ("Resource does not meet policy: terminate@2026/01/01", {"op": "terminate"}, True),
    ("custom text: stop@2026/01/01", {}, True),                           # any message
    ("no colon stop@2026/01/01", {}, False),
    ("Resource does not meet policy: stop", {}, False),
    ("bad: stop@not-a-date", {}, False),
    # 08:00 EDT is 12:00 UTC: an abbreviation of the filter's zone is read in that zone
    ("x: stop@2026/03/10 0800 EDT", {"tz": "et"}, True),
    ("x: stop@2026/03/10 0801 EDT", {"tz": "et"}, False),
    # a date without a zone is read on the filter's clock (08:00 in New York)
    ("x: stop@2026/03/10 0800", {"tz": "America/New_York"}, True),
    ("x: stop@2026/03/10 0801", {"tz": "America/New_York"}, False),
])
def test_marked_for_op(value, data, expected):
    f = marked(dict({"op": "stop"}, **data))
    assert f.match(res(maid_status=value)) is expected


def test_marked_for_op_custom_tag_and_missing_tag():
    f = marked({"op": "stop", "tag": "custodian_status"})
    assert f.match(res(custodian_status="x: stop@2026/01/01")) is True
    assert f.match(res(maid_status="x: stop@2026/01/01")) is False
    assert f.match({"InstanceId": "i-1"}) is False


def test_parse_mark_takes_the_text_after_the_last_colon():
    assert parse_mark("a: b: resize@2026/01/02 0300 UTC") == ("resize", "2026/01/02 0300 UTC")
    assert parse_mark("a: b@x: c") is None
    assert parse_mark(None) is None


def test_marked_for_op_validation():
    assert marked({"op": "stpo"}).validate() == [
        (("op",), "action 'stpo' is not available on ec2 (did you mean 'stop'?)")]
    assert marked({"op": "stop", "tz": "Nowhere/Land"}).validate() == [
        (("tz",), "unknown timezone 'Nowhere/Land'")]
    assert marked({"op": "stop", "tz": "EST"}).validate() == []    # aliases, any case
    assert marked({}).validate()[0][0] == ("op",)


# -- round trip ----------------------------------------------------------------------------
def due(ctx, now, data):
    ctx.now = now
    meta = Policy({"name": "due", "resource": "ec2",
                   "filters": [dict({"type": "marked-for-op"}, **data)]}, ctx).run()
    return sorted(r["InstanceId"] for r in meta["matched"])


def test_round_trip_days(ctx, ec2):
    marked_id, other = run_instances(ec2, count=2)
    start = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    ctx.now = start
    Policy({"name": "mark", "resource": "ec2", "filters": [{"InstanceId": marked_id}],
            "actions": [{"type": "mark-for-op", "op": "stop", "days": 2}]}, ctx).run()
    assert due(ctx, start, {"op": "stop"}) == []
    assert due(ctx, start + datetime.timedelta(days=1), {"op": "stop"}) == []
    assert due(ctx, start + datetime.timedelta(days=1), {"op": "stop", "skew": 1}) == [marked_id]
    assert due(ctx, start + datetime.timedelta(days=2), {"op": "stop"}) == [marked_id]
    assert due(ctx, start + datetime.timedelta(days=2), {"op": "terminate"}) == []
    # and the usual follow-up: act, then unmark
    ctx.now = start + datetime.timedelta(days=2)
    meta = Policy({"name": "act", "resource": "ec2",
                   "filters": [{"type": "marked-for-op", "op": "stop"}],
                   "actions": ["stop", "unmark"]}, ctx).run()
    assert [a["succeeded"] for a in meta["actions"]] == [1, 1]
    assert due(ctx, start + datetime.timedelta(days=9), {"op": "stop"}) == []
    assert other not in due(ctx, start + datetime.timedelta(days=9), {"op": "stop"})


@pytest.mark.parametrize("mark_tz,filter_tz", [("utc", None), ("et", "et"), ("et", None),
                                               ("Asia/Tokyo", "utc"), ("pt", "Asia/Kolkata"),
                                               ("sgt", None)])
def test_round_trip_hours_across_timezones(ctx, ec2, mark_tz, filter_tz):
    iid = run_instances(ec2)[0]
    start = datetime.datetime(2026, 11, 30, 23, 40, tzinfo=UTC)
    ctx.now = start
    Policy({"name": "mark", "resource": "ec2", "actions": [
        {"type": "mark-for-op", "op": "stop", "hours": 3, "tz": mark_tz}]}, ctx).run()
    data = {"op": "stop"}
    if filter_tz:
        data["tz"] = filter_tz
    # the mark holds minutes: due from exactly three hours later, not a minute before
    assert due(ctx, start + datetime.timedelta(hours=2, minutes=59), data) == []
    assert due(ctx, start + datetime.timedelta(hours=3), data) == [iid]
    assert due(ctx, start + datetime.timedelta(hours=2), dict(data, skew_hours=1)) == [iid]


def test_round_trip_on_s3_fetches_tags_once(ctx, aws):
    import boto3
    s3 = boto3.client("s3", region_name="us-east-1")
    for name in ("mark-me", "leave-me"):
        s3.create_bucket(Bucket=name)
    start = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    ctx.now = start
    Policy({"name": "mark", "resource": "s3", "filters": [{"Name": "mark-me"}],
            "actions": [{"type": "mark-for-op", "op": "delete", "hours": 5}]}, ctx).run()

    def due_buckets(now, **extra):
        ctx.now = now
        meta = Policy({"name": "due", "resource": "s3", "filters": [
            dict({"type": "marked-for-op", "op": "delete"}, **extra),
            {"type": "tag-count", "count": 1, "op": "eq"}]}, ctx).run()
        return [b["Name"] for b in meta["matched"]], meta["api-stats"]

    assert due_buckets(start + datetime.timedelta(hours=4))[0] == []
    names, stats = due_buckets(start + datetime.timedelta(hours=5))
    assert names == ["mark-me"]
    assert stats.get("s3.GetBucketTagging", 0) <= 2   # at most once per bucket per run
    assert due_buckets(start, skew=1)[0] == ["mark-me"]
