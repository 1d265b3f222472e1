"""The distribution manager: tags from ListTagsForResource (``{Items: [...]}``) as Custodian's
``Tags`` list; ids given as ARNs (Custodian accepts them) are read as distribution ids."""
from botocore.exceptions import ClientError

from ...resources import details
from ...resources.manager import ResourceManager, register_manager
from ...resources.tagsource import DENIED_CODES


@register_manager("distribution")
class DistributionManager(ResourceManager):

    def fetch(self, resource, key):
        if key != "Tags":
            return super().fetch(resource, key)
        try:
            answer = self.client().list_tags_for_resource(Resource=self.arn(resource))
        except ClientError as e:
            code = e.response["Error"]["Code"]
            if details.not_found(code):
                return True, []
            if code in DENIED_CODES:
                resource.setdefault(details.DENIED, []).append("list_tags_for_resource")
                return False, None
            raise
        return True, list((answer.get("Tags") or {}).get("Items") or ())

    def get_resources(self, ids):
        return super().get_resources([i.rsplit("/", 1)[-1] if i.startswith("arn:") else i
                                      for i in ids])
