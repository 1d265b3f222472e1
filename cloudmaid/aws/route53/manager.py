"""The hosted zone manager: Custodian's ``c7n:ConfigHostedZoneId`` (the bare zone id) on every
zone, ARNs of the bare id, and tags 10 zones per ListTagsForResources call
(elb/batchtags.py)."""
from botocore.exceptions import ClientError

from ...resources.manager import register_manager
from ..elb.batchtags import BatchTagsManager

CONFIG_ID = "c7n:ConfigHostedZoneId"


def zone_id(resource_id):
    """``/hostedzone/Z1`` -> ``Z1``."""
    return resource_id.rsplit("/", 1)[-1]


@register_manager("hostedzone")
class HostedZoneManager(BatchTagsManager):
    #: IAM actions of the calls the row does not describe
    permissions = ("route53:ListTagsForResources",)
    tag_batch = 10
    tag_op = "list_tags_for_resources"

    def describe(self, params):
        return self.augment(super().describe(params))

    def get_resources(self, ids):
        # a bare zone id names the same zone (CloudTrail and Config give either form)
        ids = [i if i.startswith("/hostedzone/") else f"/hostedzone/{i}" for i in ids]
        return self.augment(super().get_resources(ids))

    @staticmethod
    def augment(zones):
        for z in zones:
            z[CONFIG_ID] = zone_id(z["Id"])
        return zones

    def arn(self, resource):
        return self.rtype.arn_of(zone_id(resource["Id"]), self.ctx.region, self.ctx.account_id,
                                 self.ctx.partition)

    def batch_tags(self, resources):
        by_zone = {zone_id(self.resource_id(r)): self.resource_id(r) for r in resources}
        try:
            found = self.client().list_tags_for_resources(ResourceType="hostedzone",
                                                          ResourceIds=list(by_zone))
        except ClientError as e:
            # one zone gone fails the call: ask for the others one by one
            if e.response["Error"]["Code"] != "NoSuchHostedZone" or len(resources) == 1:
                raise
            out = {}
            for r in resources:
                out.update(self.batch_tags([r]))
            return out
        return {by_zone[s["ResourceId"]]: s.get("Tags") or []
                for s in found.get("ResourceTagSets") or () if s.get("ResourceId") in by_zone}
