"""What every declared resource type must do against moto, walked over the catalog: a type
is covered by adding its seeder (tests/seeders/<service>.py), and this file fails until it has
one. Listing finds the seeded resources with Custodian's ``Tags``; get-by-ids (event modes)
finds exactly them; tag, remove-tag and mark-for-op write tags a fresh listing reads back; the
type's CloudTrail shortcut for its fixture event delivers the seeded ids to a cloudtrail-mode
policy, which acts on them. A type without tags refuses the tag actions at validation."""
import copy

import pytest

from cloudmaid.context import Context
from cloudmaid.policy import Policy
from cloudmaid.resources.catalog import CATALOG
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.resources.tagsource import tag_map
from cloudmaid.session import SessionFactory

from .seeders import ACCOUNT, LABEL_KEY, TRAIL, World, fixture, select, taggable, trail_event

TYPES = sorted(CATALOG)
ROLE = f"arn:aws:iam::{ACCOUNT}:role/maid-role"


@pytest.fixture(scope="module")
def world():
    from moto import mock_aws
    with pytest.MonkeyPatch.context() as mp, mock_aws():
        mp.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        w = World()
        w.factory = SessionFactory(region="us-east-1")
        yield w


def context(world, tmp_path):
    return Context(world.factory, account_id=ACCOUNT, output_dir=str(tmp_path / "out"))


def listed(world, tmp_path, rtype, ids):
    """The seeded resources as a fresh listing shows them, details (tags) filled in."""
    m = ResourceManager.for_type(context(world, tmp_path), rtype)
    found = [copy.deepcopy(r) for r in m.resources() if m.resource_id(r) in ids]
    m.ensure_details(found, {"Tags"})
    return {m.resource_id(r): r for r in found}


def run(world, tmp_path, rtype, label, actions, mode=None, event=None):
    data = {"name": "contract", "resource": rtype, "actions": actions,
            "filters": select(label)}
    if mode:
        data["mode"] = mode
    return Policy(data, context(world, tmp_path)).run(event)


def test_every_type_has_a_seeder():
    assert set(TRAIL) == set(CATALOG), "a type without a seeder in tests/seeders/"


@pytest.mark.parametrize("rtype", TYPES)
def test_lists_with_tags_and_gets_by_id(world, tmp_path, rtype):
    label, ids = world.seed(rtype)
    assert ids
    found = listed(world, tmp_path, rtype, ids)
    assert sorted(found) == sorted(ids), f"{rtype}: the listing lacks seeded {ids}"
    for r in found.values() if taggable(rtype) else ():
        assert tag_map(r).get(LABEL_KEY) == label, (rtype, r.get("Tags"))
    m = ResourceManager.for_type(context(world, tmp_path), rtype)
    got = m.get_resources(list(ids))
    assert sorted(m.resource_id(r) for r in got) == sorted(ids)
    for r in got:   # the same shape as the listing's
        assert set(found[m.resource_id(r)]) - {"Tags"} <= set(r) | set(m.lazy_keys), rtype


@pytest.mark.parametrize("rtype", [t for t in TYPES if not taggable(t)])
def test_tag_actions_refused_on_types_without_tags(rtype):
    from cloudmaid.validate import PolicyChecker
    problems = PolicyChecker({"name": "p", "resource": rtype, "actions": [
        {"type": "tag", "key": "k", "value": "v"}]}).run()
    assert any("not supported" in message for _, message, _ in problems), problems


@pytest.mark.parametrize("rtype", [t for t in TYPES if taggable(t)])
def test_tag_remove_tag_and_mark_for_op_write(world, tmp_path, rtype):
    label, ids = world.seed(rtype)
    meta = run(world, tmp_path, rtype, label, [
        {"type": "tag", "key": "owner", "value": "team-a"},
        {"type": "remove-tag", "tags": ["old"]},
        {"type": "mark-for-op", "op": "notify", "days": 2}])
    assert meta["resources"]["matched"] == len(ids)
    assert not meta["errors"], meta["errors"]
    for r in listed(world, tmp_path, rtype, ids).values():
        tags = tag_map(r)
        assert tags["owner"] == "team-a" and "old" not in tags, (rtype, tags)
        assert "notify@" in tags["maid_status"], (rtype, tags)


@pytest.mark.parametrize("rtype", TYPES)
def test_cloudtrail_shortcut_delivers_the_ids(world, tmp_path, rtype):
    label, ids = world.seed(rtype)
    event = trail_event(rtype, ids)
    name = fixture(TRAIL[rtype][0])["detail"]["eventName"]
    shortcut = next((s for s, spec in CATALOG[rtype].trail.items()
                     if (spec.event or s) == name), None)
    events = [shortcut] if shortcut else [{"source": event["detail"]["eventSource"],
                                          "event": name, "ids": TRAIL[rtype][1]}]
    tags = taggable(rtype)
    meta = run(world, tmp_path, rtype, label,
               [{"type": "tag", "key": "seen", "value": "1"}] if tags else [],
               mode={"type": "cloudtrail", "role": ROLE, "events": events}, event=event)
    assert meta["resources"]["matched"] == len(ids), (rtype, meta)
    assert all(tag_map(r).get("seen") == "1"
               for r in listed(world, tmp_path, rtype, ids).values() if tags)
