"""The cloudtrail manager: per-trail calls go to the trail's home region (the region in its
ARN), where a shadow trail's configuration lives; tags come from ListTags there."""
from botocore.exceptions import ClientError

from ...resources import details
from ...resources.manager import ResourceManager, register_manager


def home_region(trail, default=None):
    parts = (trail.get("TrailARN") or "").split(":")
    return parts[3] if len(parts) > 3 and parts[3] else default


@register_manager("cloudtrail")
class TrailManager(ResourceManager):
    #: IAM actions of the calls the row does not describe
    permissions = ("cloudtrail:ListTags",)

    def trail_client(self, trail):
        return self.client("cloudtrail", home_region(trail, self.ctx.region))

    def get_resources(self, ids):
        # trails by ARN or name (CloudTrail events name them either way); only those asked
        wanted = set(ids)
        return [t for t in super().get_resources(ids)
                if t.get("TrailARN") in wanted or t.get("Name") in wanted]

    def fetch(self, trail, key):
        if key != "Tags":
            return super().fetch(trail, key)
        try:
            found = self.trail_client(trail).list_tags(ResourceIdList=[trail["TrailARN"]])
        except ClientError as e:
            code = e.response["Error"]["Code"]
            if details.not_found(code):
                return True, []
            if code in ("AccessDenied", "AccessDeniedException"):
                trail.setdefault(details.DENIED, []).append("list_tags")
                return False, None
            raise
        for item in found.get("ResourceTagList") or ():
            if item.get("ResourceId") == trail["TrailARN"]:
                return True, item.get("TagsList") or []
        return True, []
