"""The ELBv2 managers (app-elb, app-elb-target-group): tags 20 ARNs per DescribeTags call
(elb/batchtags.py); attributes as Custodian's mapping; an unknown ARN fails a whole describe
or DescribeTags call, so such a batch is asked again one id at a time."""
from botocore.exceptions import ClientError

from ...resources.manager import register_manager
from ..elb.batchtags import BatchTagsManager

GONE = ("LoadBalancerNotFound", "TargetGroupNotFound", "ValidationError")
#: detail key -> the key a flattened list of {Key, Value} attributes is read into
ATTRIBUTES = ("Attributes", "c7n:TargetGroupAttributes")


def gone(error):
    return error.response["Error"]["Code"] in GONE


def parse_attribute_value(v):
    """Custodian's reading of an attribute value: digits -> int, true/false -> bool."""
    if v.isdigit():
        return int(v)
    return {"true": True, "false": False}.get(v, v)


def serialize_attribute_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return v


class Elbv2Manager(BatchTagsManager):
    #: IAM actions of the calls the row does not describe
    permissions = ("elasticloadbalancing:DescribeTags",)
    gone_codes = GONE
    tag_op = "describe_tags"

    def batch_tags(self, resources):
        arns = [self.resource_id(r) for r in resources]
        try:
            found = self.client().describe_tags(ResourceArns=arns)
        except ClientError as e:
            if not gone(e):
                raise
            out = {}
            for r in resources if len(resources) > 1 else ():
                out.update(self.batch_tags([r]))
            return out
        return {d["ResourceArn"]: d.get("Tags") or []
                for d in found.get("TagDescriptions") or () if "ResourceArn" in d}

    def fetch(self, resource, key):
        found, value = super().fetch(resource, key)
        if found and key in ATTRIBUTES:
            value = {a["Key"]: parse_attribute_value(a["Value"]) for a in value or ()}
        return found, value


@register_manager("app-elb")
class AppElbManager(Elbv2Manager):

    def get_resources(self, ids):
        """By ARN, or by name as Custodian also accepts (CreateLoadBalancer's request names
        the load balancer)."""
        ids = list(dict.fromkeys(ids))
        names = [i for i in ids if not i.startswith("arn:")]
        found = super().get_resources([i for i in ids if i.startswith("arn:")])
        if names and self.query.source != "config":
            for start in range(0, len(names), 20):
                batch = names[start:start + 20]
                found.extend(self._describe_names(batch))
        return found

    def _describe_names(self, names):
        try:
            return self.describe({"Names": names})
        except ClientError as e:
            if not gone(e):
                raise
        return [r for n in names if len(names) > 1 for r in self._describe_names([n])]


@register_manager("app-elb-target-group")
class TargetGroupManager(Elbv2Manager):
    pass
