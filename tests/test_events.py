"""events/: the CloudTrail shortcut table, EventBridge pattern matching, schedule expressions."""
import json
import pathlib

import jmespath
import pytest

from cloudmaid.events import pattern, schedule, trail

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "events"


def load(name):
    return json.loads((FIXTURES / name).read_text())


# -- shortcut table --------------------------------------------------------------------------
# the shortcuts of the declared types (each type's row holds its own)
REQUIRED = ("RunInstances CreateVolume CreateSnapshot CreateImage CreateSecurityGroup "
            "AuthorizeSecurityGroupIngress CreateBucket PutBucketAcl PutBucketPolicy "
            "DeleteBucketEncryption PutBucketPublicAccessBlock").split()


@pytest.mark.parametrize("name", REQUIRED)
def test_shortcut_rows_are_complete_and_compile(name):
    row = trail.lookup(name)
    assert row["source"].endswith(".amazonaws.com")
    jmespath.compile(row["ids"])
    assert row["event"] == ("CreateFunction20150331" if name == "CreateFunction" else name)


def test_eventbridge_source_and_detail_type():
    assert trail.eventbridge_source("ec2.amazonaws.com") == "aws.ec2"
    assert trail.eventbridge_source("elasticloadbalancing.amazonaws.com") == "aws.elasticloadbalancing"
    assert trail.eventbridge_source("monitoring.amazonaws.com") is None
    for name in REQUIRED:
        assert trail.eventbridge_source(trail.lookup(name)["source"])
    assert trail.detail_type("signin.amazonaws.com") == "AWS Console Sign In via CloudTrail"
    assert trail.detail_type("s3.amazonaws.com") == "AWS API Call via CloudTrail"


def test_unknown_shortcut():
    assert trail.lookup("RunInstance") is None


# -- pattern matching ------------------------------------------------------------------------
EV = {"source": "aws.ec2", "detail-type": "EC2 Instance State-change Notification",
      "detail": {"state": "running", "instance-id": "i-1", "count": 5, "tags": ["a", "b"],
                 "flag": False, "none": None, "ip": "10.0.1.7", "nested": {"deep": {"x": "yes"}}}}


@pytest.mark.parametrize("p,expected", [
    ({"source": ["aws.ec2"]}, True),
    ({"source": ["aws.s3"]}, False),
    ({"source": ["aws.s3", "aws.ec2"]}, True),
    ({"detail": {"state": ["running"]}}, True),
    ({"detail": {"state": ["stopped"]}}, False),
    ({"detail": {"nested": {"deep": {"x": ["yes"]}}}}, True),
    ({"detail": {"nested": {"deep": {"x": ["no"]}}}}, False),
    ({"detail": {"state": [{"prefix": "run"}]}}, True),
    ({"detail": {"state": [{"prefix": "stop"}]}}, False),
    ({"detail": {"state": [{"suffix": "ing"}]}}, True),
    ({"detail": {"state": [{"prefix": {"equals-ignore-case": "RUN"}}]}}, True),
    ({"detail": {"state": [{"equals-ignore-case": "RUNNING"}]}}, True),
    ({"detail": {"state": [{"wildcard": "r*ng"}]}}, True),
    ({"detail": {"state": [{"wildcard": "s*"}]}}, False),
    ({"detail": {"state": [{"anything-but": "stopped"}]}}, True),
    ({"detail": {"state": [{"anything-but": ["running", "stopped"]}]}}, False),
    ({"detail": {"state": [{"anything-but": {"prefix": "run"}}]}}, False),
    ({"detail": {"missing": [{"anything-but": "x"}]}}, False),
    ({"detail": {"count": [{"numeric": [">", 0, "<=", 5]}]}}, True),
    ({"detail": {"count": [{"numeric": [">", 5]}]}}, False),
    ({"detail": {"count": [5]}}, True),
    ({"detail": {"count": ["5"]}}, False),
    ({"detail": {"state": [{"numeric": [">", 0]}]}}, False),
    ({"detail": {"missing": [{"exists": False}]}}, True),
    ({"detail": {"missing": [{"exists": True}]}}, False),
    ({"detail": {"state": [{"exists": True}]}}, True),
    ({"detail": {"state": [{"exists": False}]}}, False),
    ({"detail": {"nested": [{"exists": True}]}}, False),   # exists works on leaves only
    ({"detail": {"absent": {"x": [{"exists": False}]}}}, True),
    ({"detail": {"absent": {"x": ["y"]}}}, False),
    ({"detail": {"tags": ["b"]}}, True),                  # arrays: any element
    ({"detail": {"tags": ["c"]}}, False),
    ({"detail": {"flag": [False]}}, True),
    ({"detail": {"flag": [0]}}, False),
    ({"detail": {"none": [None]}}, True),
    ({"detail": {"missing": [None]}}, False),
    ({"detail": {"ip": [{"cidr": "10.0.0.0/16"}]}}, True),
    ({"detail": {"ip": [{"cidr": "10.1.0.0/16"}]}}, False),
    ({"$or": [{"source": ["aws.s3"]}, {"detail": {"state": ["running"]}}]}, True),
    ({"$or": [{"source": ["aws.s3"]}, {"detail": {"state": ["stopped"]}}]}, False),
    ({"source": ["aws.ec2"], "detail": {"state": ["stopped"]}}, False),   # all fields must match
])
def test_pattern_matching(p, expected):
    assert pattern.matches(p, EV) is expected
    # the explanation agrees with the match, and names a field when there is none
    why = pattern.mismatch(p, EV)
    assert (why is None) is expected
    assert expected or (why and "\n" not in why)


@pytest.mark.parametrize("p,event,why", [
    ({"detail-type": ["A"], "detail": {"x": ["y"]}}, {"detail-type": "B"},
     'detail-type is "B"; the pattern wants "A"'),                 # leaves before nested fields
    ({"detail": {"state": ["pending", "running"]}}, {"detail": {}},
     'the event has no detail.state; the pattern wants one of "pending", "running"'),
    ({"detail": {"state": ["pending"]}}, {"detail": "text"},
     'the event has no detail.state; the pattern wants "pending"'),
    ({"a": [1, 2, 3, 4, 5, 6]}, {"a": 0}, "a is 0; the pattern wants one of 1, 2, 3, 4, ... (6 in all)"),
    ({"a": [{"prefix": "x"}]}, {"a": "y"}, 'a is "y"; the pattern wants {"prefix": "x"}'),
    ({"$or": [{"a": ["1"]}, {"b": ["2"]}]}, {}, "the event matches none of the pattern's $or alternatives"),
    ({"a": ["x"]}, ["not", "an", "object"], "the event is a list, not an object"),
])
def test_mismatch_names_the_first_failing_field(p, event, why):
    assert pattern.mismatch(p, event) == why


def test_pattern_errors_are_reported():
    with pytest.raises(pattern.PatternError):
        pattern.matches({"source": "aws.ec2"}, EV)
    with pytest.raises(pattern.PatternError):
        pattern.matches({"detail": {"state": [{"regex": "x"}]}}, EV)


def test_canonical_rendering_is_order_independent():
    a = {"source": ["aws.s3", "aws.ec2"], "detail": {"eventName": ["B", "A", "B"],
                                                     "n": [{"numeric": [">", 5, "<", 1]}]}}
    b = {"detail": {"n": [{"numeric": [">", 5, "<", 1]}], "eventName": ["A", "B"]},
         "source": ["aws.ec2", "aws.s3"]}
    assert pattern.render(a) == pattern.render(b)
    # numeric operator pairs keep their order
    assert pattern.canonical(a)["detail"]["n"] == [{"numeric": [">", 5, "<", 1]}]
    assert list(pattern.canonical(a)) == ["detail", "source"]


def test_merge_adds_user_pattern():
    base = {"source": ["aws.ec2"], "detail": {"eventName": ["RunInstances"]}}
    merged = pattern.merge(base, {"detail": {"userIdentity": {"type": ["Root"]}}})
    assert merged == {"source": ["aws.ec2"], "detail": {"eventName": ["RunInstances"],
                                                        "userIdentity": {"type": ["Root"]}}}


def test_fixture_events_are_eventbridge_shaped():
    for f in FIXTURES.glob("*.json"):
        ev = json.loads(f.read_text())
        if f.name.startswith("config-"):     # AWS Config rule invocations: change or periodic
            invoking = json.loads(ev["invokingEvent"])
            assert invoking["messageType"] == "ScheduledNotification" or \
                invoking["configurationItem"]["resourceId"], f.name
            continue
        assert {"version", "id", "detail-type", "source", "account", "time", "region",
                "resources", "detail"} <= set(ev), f.name


# -- schedules -------------------------------------------------------------------------------
@pytest.mark.parametrize("expr", [
    "rate(1 day)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(2 days)",
    "cron(0 12 * * ? *)", "cron(15 10 ? * 6L 2026-2030)", "cron(0/15 * * * ? *)",
    "cron(0 8 1 * ? *)", "cron(0 18 ? * MON-FRI *)", "cron(0 10 ? * 2#1 *)",
    "cron(5,35 14 * JAN,FEB ? *)", "cron(0 0 L * ? *)", "cron(0 0 15W * ? *)",
])
def test_valid_schedules(expr):
    assert schedule.problems(expr) == []


@pytest.mark.parametrize("expr,fragment", [
    ("rate(1 days)", "use 'day' with 1"),
    ("rate(5 minute)", "use 'minutes' with 5"),
    ("rate(0 minutes)", "positive whole number"),
    ("rate(1.5 hours)", "positive whole number"),
    ("rate(1 week)", "unknown unit 'week'"),
    ("rate(1day)", "expected rate(N"),
    ("cron(0 12 * * *)", "5 fields"),
    ("cron(0 12 * * * *)", "exactly one of day-of-month and day-of-week must be '?'"),
    ("cron(0 12 ? * ? *)", "exactly one of day-of-month"),
    ("cron(61 12 * * ? *)", "minutes '61': 61 is outside 0-59"),
    ("cron(0 24 * * ? *)", "hours '24'"),
    ("cron(0 12 * FOO ? *)", "month 'FOO'"),
    ("cron(0 12 ? * 8 *)", "day-of-week '8'"),
    ("cron(? 12 * * ? *)", "'?' is only allowed"),
    ("every day", "expected rate(N unit) or cron"),
])
def test_invalid_schedules(expr, fragment):
    problems = schedule.problems(expr)
    assert problems and any(fragment in p for p in problems), problems
