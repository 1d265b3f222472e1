"""Related lookups: by id below the threshold, the shared listing above it, cached for the
run (gone ids included), forgotten after a write."""
from cloudmaid.resources import related
from cloudmaid.resources.manager import ResourceManager


def vols(ec2, n):
    return [ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"] for _ in range(n)]


def test_few_ids_by_filter_and_gone_ids_cached(ctx, ec2):
    ids = vols(ec2, 3)
    found = related.lookup(ctx, "ebs", ids[:2] + ["vol-00000000000000000"])
    assert sorted(found) == sorted(ids[:2])
    assert ctx.counter.counts["ec2.DescribeVolumes"] == 1
    # again, gone id included: no call
    related.lookup(ctx, "ebs", ids[:2] + ["vol-00000000000000000"])
    assert ctx.counter.counts["ec2.DescribeVolumes"] == 1
    # the listing was not read for a few ids
    assert ("ebs", "us-east-1") not in ctx.cache


def test_many_ids_read_the_shared_listing(ctx, ec2):
    ids = vols(ec2, related.FETCH_THRESHOLD)
    found = related.lookup(ctx, "ebs", ids)
    assert sorted(found) == sorted(ids)
    assert ctx.counter.counts["ec2.DescribeVolumes"] == 1
    # a later ebs policy in the run reuses that listing
    assert len(ResourceManager.for_type(ctx, "ebs").resources()) == len(ids)
    assert ctx.counter.counts["ec2.DescribeVolumes"] == 1


def test_invalidate_forgets_lookups(ctx, ec2):
    [v] = vols(ec2, 1)
    related.lookup(ctx, "ebs", [v])
    ec2.delete_volume(VolumeId=v)
    ResourceManager.for_type(ctx, "ebs").invalidate()
    assert related.lookup(ctx, "ebs", [v]) == {}
    assert ctx.counter.counts["ec2.DescribeVolumes"] == 2
