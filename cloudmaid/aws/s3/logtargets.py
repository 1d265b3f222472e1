"""Buckets other services write to, with Cloud Custodian's names, keys and semantics:
``is-log-target`` (access logs of buckets and classic load balancers, CloudTrail trails,
CloudFormation template buckets) and ``data-events`` (buckets whose object-level events a
trail of this account records)."""
from ...filters.core import Filter, filters
from ...resources.manager import ResourceManager

S3 = ("s3",)
SERVICES = ("s3", "elb", "cloudtrail")


@filters.register("is-log-target", resources=S3)
class IsLogTarget(Filter):
    """Buckets that are log destinations of the ``services`` (all three by default);
    ``self: true`` only buckets logging to themselves; ``value: false`` the buckets that are
    not. Custodian looks for S3 log sources only among the buckets still being filtered, so
    an earlier filter hides a target's sources; here every bucket's logging is read."""
    predicate = False
    schema = {"services": {"type": "array", "items": {"enum": list(SERVICES)}},
              "self": {"type": "boolean"}, "value": {"type": "boolean"}}
    permissions = ("s3:GetBucketLogging", "elasticloadbalancing:DescribeLoadBalancers",
                   "elasticloadbalancing:DescribeLoadBalancerAttributes",
                   "cloudtrail:DescribeTrails")

    def process(self, resources, event=None):
        services = self.data.get("services", list(SERVICES))
        own = bool(self.data.get("self", False))
        targets = set()
        if "s3" in services:
            targets |= self.s3_targets(resources, own)
        if "elb" in services and not own:
            targets |= self.elb_targets()
        if "cloudtrail" in services and not own:
            targets |= self.trail_targets()
        keep = self.data.get("value", True)
        return [b for b in resources if (b["Name"] in targets) == keep]

    def s3_targets(self, resources, own):
        every = {b["Name"]: b for b in self.manager.resources()}
        every.update({b["Name"]: b for b in resources})
        buckets = list(every.values())
        self.manager.ensure_details(buckets, {"Logging"})
        found = set()
        for b in buckets:
            target = (b.get("Logging") or {}).get("TargetBucket")
            if target and (not own or target == b["Name"]):
                found.add(target)
            if not own and b["Name"].startswith("cf-templates-"):
                found.add(b["Name"])
        return found

    def elb_targets(self):
        elb = ResourceManager.for_type(self.manager.ctx, "elb")
        balancers = elb.resources()
        elb.ensure_details(balancers, {"Attributes"})
        return {lb["Attributes"]["AccessLog"]["S3BucketName"] for lb in balancers
                if ((lb.get("Attributes") or {}).get("AccessLog") or {}).get("Enabled")}

    def trail_targets(self):
        answer = self.manager.client("cloudtrail").describe_trails()
        return {t["S3BucketName"] for t in answer.get("trailList") or () if t.get("S3BucketName")}


@filters.register("data-events", resources=S3)
class DataEvents(Filter):
    """``state: present`` (default): buckets whose object data events a trail of this
    account records (a selector for all buckets counts for every bucket); ``absent``: the
    others. A selector value naming a prefix (``arn:aws:s3:::bucket/logs/``) counts for its
    bucket (Custodian compares the whole value with the name and misses it)."""
    predicate = False
    schema = {"state": {"enum": ["present", "absent"]}}
    permissions = ("cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors")

    def process(self, resources, event=None):
        names = self.recorded()
        present = self.data.get("state", "present") == "present"
        return [b for b in resources if (("" in names or b["Name"] in names) == present)]

    def recorded(self):
        """Bucket names the account's trails record data events of ("" for all buckets)."""
        account = self.manager.ctx.account_id
        trails = ResourceManager.for_type(self.manager.ctx, "cloudtrail").resources()
        names = set()
        for t in trails:
            if t.get("TrailARN", "").split(":")[4:5] != [account]:
                continue
            client = self.manager.client("cloudtrail", t.get("HomeRegion"))
            selectors = client.get_event_selectors(TrailName=t["Name"])
            for s in selectors.get("EventSelectors") or ():
                for data in s.get("DataResources") or ():
                    if data.get("Type") != "AWS::S3::Object":
                        continue
                    for value in data.get("Values") or ():
                        names.add(value.split(":::", 1)[1].split("/", 1)[0]
                                  if ":::" in value else "")
        return names
