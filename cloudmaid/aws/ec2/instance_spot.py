"""``propagate-spot-tags`` (Cloud Custodian's): copy the tags of the Spot request that launched
a spot instance onto the instance (``only_tags``: just those keys; ``aws:`` tags never).
Instances already carrying them are left alone, and so is one the copy would take past
EC2's 50 tags. Instances that are not spot instances are skipped."""
from ...actions.core import Action, actions

EC2 = ("ec2",)
MAX_TAGS = 50
#: instance ids per DescribeSpotInstanceRequests filter
BATCH = 200


def spot_requests(client, instance_ids):
    """``{instance id: spot request}`` for the requests the instances fulfilled."""
    out = {}
    for start in range(0, len(instance_ids), BATCH):
        pages = client.get_paginator("describe_spot_instance_requests").paginate(
            Filters=[{"Name": "instance-id", "Values": instance_ids[start:start + BATCH]}])
        for page in pages:
            for r in page.get("SpotInstanceRequests") or ():
                if r.get("InstanceId"):
                    out[r["InstanceId"]] = r
    return out


@actions.register("propagate-spot-tags", resources=EC2)
class PropagateSpotTags(Action):
    schema = {"only_tags": {"type": "array", "items": {"type": "string"}}}
    permissions = ("ec2:DescribeInstances", "ec2:DescribeSpotInstanceRequests",
                   "ec2:DescribeTags", "ec2:CreateTags")
    batch_size = 20

    def wanted(self, request):
        """The request's tags to copy (Custodian means ``only_tags`` to keep just those keys;
        its code fails with KeyError when one is missing from the request)."""
        tags = {t["Key"]: t["Value"] for t in request.get("Tags") or ()
                if not t["Key"].startswith("aws:")}
        only = self.data.get("only_tags")
        return {k: v for k, v in tags.items() if k in only} if only else tags

    def process(self, resources):
        spot = [r for r in resources if r.get("InstanceLifecycle") == "spot"]
        if len(spot) < len(resources):
            self.result["skipped"] = [r["InstanceId"] for r in resources if r not in spot]
        if not spot:
            return
        client = self.manager.client()
        requests = spot_requests(client, [r["InstanceId"] for r in spot])
        groups = {}   # the tags to write -> instances
        for i in spot:
            tags = self.wanted(requests.get(i["InstanceId"]) or {})
            have = {t["Key"]: t["Value"] for t in i.get("Tags") or ()}
            if not tags or all(have.get(k) == v for k, v in tags.items()):
                continue
            if len(set(have) | set(tags)) > MAX_TAGS:
                self.fail(i, f"copying the spot request's tags would exceed {MAX_TAGS} tags")
                continue
            groups.setdefault(tuple(sorted(tags.items())), []).append(i)
        for tags, instances in groups.items():
            self.batched(instances, lambda batch, tags=tags: client.create_tags(
                Resources=self.resource_ids(batch),
                Tags=[{"Key": k, "Value": v} for k, v in tags]))
