"""Generic machinery driven by declaration fields: tag sources, the tagging-API tagger, the
age filters' clock."""
import datetime

from cloudmaid.actions import taggers
from cloudmaid.resources import catalog, tagsource
from cloudmaid.resources.declaration import TAGGING_API
from cloudmaid.resources.manager import ResourceManager

from .conftest import run_instances


def test_inline_tags_under_another_key_become_tags():
    row = catalog.get("ec2").replace(tags="TagList")
    items = [{"InstanceId": "i-1", "TagList": [{"Key": "a", "Value": "1"}]}]
    tagsource.normalise(row, items)
    assert items == [{"InstanceId": "i-1", "Tags": [{"Key": "a", "Value": "1"}]}]
    assert tagsource.tag_value(items[0], "a") == "1" and tagsource.tag_map(items[0]) == {"a": "1"}


def test_tagging_api_tags_and_tagger_by_arn(ctx, ec2):
    iid = run_instances(ec2)[0]
    ec2.create_tags(Resources=[iid], Tags=[{"Key": "Owner", "Value": "me"}])
    row = catalog.get("ec2").replace(name="ec2-fetched", tags=TAGGING_API,
                              tagger=TAGGING_API)
    mgr = ResourceManager(ctx, row)
    [r] = [r for r in mgr.describe({}) if r["InstanceId"] == iid]
    r.pop("Tags", None)
    assert "Tags" in mgr.lazy_keys
    mgr.ensure_details([r], {"Tags"})
    assert r["Tags"] == [{"Key": "Owner", "Value": "me"}]
    tagger = taggers.for_manager(mgr)
    assert isinstance(tagger, taggers.TaggingApiTagger)
    tagger.add([r], {"Env": "dev"})
    tags = {t["Key"]: t["Value"] for t in ec2.describe_tags(
        Filters=[{"Name": "resource-id", "Values": [iid]}])["Tags"]}
    assert tags == {"Owner": "me", "Env": "dev"}
    tagger.remove([r], ["Owner"])
    assert [t["Key"] for t in ec2.describe_tags(
        Filters=[{"Name": "resource-id", "Values": [iid]}])["Tags"]] == ["Env"]


def test_age_threshold_follows_the_run_clock():
    from cloudmaid.filters.core import filters
    from cloudmaid import plugins
    plugins.load_names({"age"})
    mgr = ResourceManager(None, catalog.get("ebs-snapshot"))
    f = filters.get("age", "ebs-snapshot")({"type": "age", "days": 1}, mgr)
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    snap = {"SnapshotId": "snap-1", "StartTime": start}
    # one filter object, two runs (a warm Lambda container): the later run sees it as old
    assert f.run([snap], None, start + datetime.timedelta(hours=1)) == []
    assert f.run([snap], None, start + datetime.timedelta(days=2)) == [snap]
