"""The ssm-parameter manager: parameters by name (a DescribeParameters name filter), tags
from ListTagsForResource, ARNs as AWS writes them (no "//" for names beginning with "/")."""
from botocore.exceptions import ClientError

from ...resources import details
from ...resources.manager import ResourceManager, register_manager


@register_manager("ssm-parameter")
class ParameterManager(ResourceManager):
    #: IAM actions of the calls the row does not describe
    permissions = ("ssm:ListTagsForResource",)

    def arn(self, resource):
        if resource.get("ARN"):
            return resource["ARN"]
        name = resource["Name"]
        return super().arn({"Name": name[1:] if name.startswith("/") else name})

    def get_resources(self, ids):
        ids = list(dict.fromkeys(i for i in ids if i))
        if not ids or self.query.source == "config":
            return super().get_resources(ids)
        found = []
        for start in range(0, len(ids), self.rtype.batch_size):
            found.extend(self.describe({"ParameterFilters": [
                {"Key": "Name", "Option": "Equals",
                 "Values": ids[start:start + self.rtype.batch_size]}]}))
        return found

    def fetch(self, resource, key):
        if key != "Tags":
            return super().fetch(resource, key)
        try:
            found = self.client().list_tags_for_resource(ResourceType="Parameter",
                                                         ResourceId=resource["Name"])
        except ClientError as e:
            code = e.response["Error"]["Code"]
            if details.not_found(code) or code == "InvalidResourceId":
                return True, []
            if code in ("AccessDenied", "AccessDeniedException"):
                resource.setdefault(details.DENIED, []).append("list_tags_for_resource")
                return False, None
            raise
        return True, found.get("TagList") or []
