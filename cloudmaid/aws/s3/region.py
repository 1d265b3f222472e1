"""A bucket's region from what its listing and details hold (no API call)."""


def bucket_region(bucket, default=None):
    """ListBuckets' ``BucketRegion`` (or a recorded ``Region``), else the bucket's Location
    (no constraint means us-east-1, ``EU`` is eu-west-1), else ``default`` (unknown)."""
    if bucket.get("BucketRegion") or bucket.get("Region"):
        return bucket.get("BucketRegion") or bucket["Region"]
    location = bucket.get("Location")
    if not isinstance(location, dict):
        return default
    constraint = location.get("LocationConstraint")
    if constraint == "EU":
        return "eu-west-1"
    return constraint or "us-east-1"
