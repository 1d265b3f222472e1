"""The classic ELB manager: tags 20 load balancers per DescribeTags call (batchtags.py); an
unknown name fails a whole DescribeLoadBalancers or DescribeTags call, so such a batch is
asked again one name at a time and the names still there are found."""
from botocore.exceptions import ClientError

from ...resources.manager import register_manager
from .batchtags import BatchTagsManager

GONE = ("LoadBalancerNotFound", "AccessPointNotFound", "AccessPointNotFoundException")


def gone(error):
    return error.response["Error"]["Code"] in GONE


@register_manager("elb")
class ElbManager(BatchTagsManager):
    #: IAM actions of the calls the row does not describe
    permissions = ("elasticloadbalancing:DescribeTags",)
    gone_codes = GONE
    tag_op = "describe_tags"

    def batch_tags(self, resources):
        names = [r["LoadBalancerName"] for r in resources]
        try:
            found = self.client().describe_tags(LoadBalancerNames=names)
        except ClientError as e:
            if not gone(e):
                raise
            if len(resources) == 1:
                return {}
            out = {}
            for r in resources:
                out.update(self.batch_tags([r]))
            return out
        return {d["LoadBalancerName"]: d.get("Tags") or []
                for d in found.get("TagDescriptions") or ()}
