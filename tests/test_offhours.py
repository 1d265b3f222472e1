"""offhour/onhour decide as Cloud Custodian does: every case of
tests/fixtures/offhours_cases.json (filter configuration x tag value x the 168 hours of a week,
recorded from Custodian by bench/parity/record_offhours.py) replays through our filters; and
the policy-level behaviour around them (validation, ec2 states, skip-days-from)."""
import datetime
import json
import pathlib

import pytest

from cloudmaid import plugins
from cloudmaid.filters.core import filters
from cloudmaid.filters.offhours import get_tz
from cloudmaid.validate import PolicyChecker

plugins.load_all()
RECORDED = json.loads((pathlib.Path(__file__).parent / "fixtures" / "offhours_cases.json").read_text())


def case_id(c):
    return f"{c['filter']['type']}:{c['week'][:10]}:{json.dumps(c['filter'], sort_keys=True)}:{c['tag']!r}"


@pytest.mark.parametrize("case", RECORDED["cases"], ids=case_id)
def test_hours_match_custodian(case):
    config = case["filter"]
    f = filters.get(config["type"])(dict(config))
    assert f.validate() == []
    key = config.get("tag", "maid_offhours")
    resource = {"InstanceId": "i-1",
                "Tags": [] if case["tag"] is None else [{"Key": key, "Value": case["tag"]}]}
    start = datetime.datetime.fromisoformat(case["week"])
    got = [h for h in range(24 * 7)
           if f.matcher(start + datetime.timedelta(hours=h))(resource)]
    assert got == case["custodian"]["hours"]


def test_recorded_table_covers_the_grammar():
    assert len(RECORDED["cases"]) >= 500
    assert sum(bool(c["custodian"]["hours"]) for c in RECORDED["cases"]) > 200


def problems(filter_data, resource="ec2"):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": resource,
                                            "filters": [filter_data]}).run()]


def test_validation():
    assert problems("offhour") == [] and problems({"type": "onhour"}, "asg") == []
    assert any("unknown time zone 'mars'" in m for m in problems({"type": "offhour",
                                                                   "default_tz": "mars"}))
    assert problems({"type": "offhour", "offhour": 24})
    assert any("not both" in m for m in problems({"type": "offhour", "skip-days": ["2026-12-25"],
                                                  "skip-days-from": {"url": "x.txt"}}))
    assert problems({"type": "offhour", "skip-days": ["Dec 25"]})
    assert problems({"type": "offhour", "state-filter": False}) == []
    assert problems({"type": "offhour", "state-filter": False}, "ebs")   # ec2 only


def test_zones_any_case():
    assert get_tz("pt") is not None and get_tz("America/New_York") is not None
    assert get_tz("america/new_york") is not None and get_tz("america/port-au-prince") is not None
    assert get_tz("nowhere") is None


MONDAY_7PM_ET = datetime.datetime(2026, 12, 7, 19, 30, tzinfo=get_tz("et"))


def instance(state, tags=None):
    return {"InstanceId": "i-1", "State": {"Name": state},
            "Tags": [{"Key": "maid_offhours", "Value": v} for v in [tags] if v is not None]}


def test_ec2_offhour_only_running_unless_state_filter_false():
    off = filters.get("offhour", "ec2")({"type": "offhour"})
    on = filters.get("onhour", "ec2")({"type": "onhour", "onhour": 19})
    match_off, match_on = off.matcher(MONDAY_7PM_ET), on.matcher(MONDAY_7PM_ET)
    assert match_off(instance("running", "on")) and not match_off(instance("stopped", "on"))
    assert match_on(instance("stopped", "on")) and not match_on(instance("running", "on"))
    lifted = filters.get("offhour", "ec2")({"type": "offhour", "state-filter": False})
    assert lifted.matcher(MONDAY_7PM_ET)(instance("stopped", "on"))
    assert filters.get("offhour", "ebs") is not filters.get("offhour", "ec2")


def test_skip_days_from_a_file(tmp_path):
    path = tmp_path / "holidays.txt"
    path.write_text("2026-12-07\n")
    f = filters.get("offhour")({"type": "offhour",
                                "skip-days-from": {"url": str(path), "format": "txt"}})
    assert not f.matcher(MONDAY_7PM_ET)(instance("running", "on"))
    assert f.matcher(MONDAY_7PM_ET + datetime.timedelta(days=1))(instance("running", "on"))


def test_policy_run_stops_tagged_instances_at_their_hour(ctx, ec2):
    from cloudmaid.policy import Policy

    from .conftest import run_instances
    tagged = run_instances(ec2, tags={"maid_offhours": "off=(M-F,19);tz=et"})[0]
    run_instances(ec2)   # untagged: opt-in by default
    ctx.now = MONDAY_7PM_ET.astimezone(datetime.timezone.utc)
    meta = Policy({"name": "off", "resource": "ec2", "filters": ["offhour"],
                   "actions": ["stop"]}, ctx).run()
    assert meta["resources"]["matched"] == 1
    state = ec2.describe_instances(InstanceIds=[tagged])["Reservations"][0]["Instances"][0]
    assert state["State"]["Name"] in ("stopping", "stopped")
