"""The secrets-manager manager: secrets by name or ARN (CloudTrail names them either way);
a secret whose DescribeSecret its resource policy denies stays listed as ListSecrets shows it,
with ``c7n:DeniedMethods``, as in Custodian."""
from botocore.exceptions import ClientError

from ...resources import details, tagsource
from ...resources.manager import ResourceManager, register_manager


@register_manager("secrets-manager")
class SecretManager(ResourceManager):

    def get_resources(self, ids):
        ids = list(dict.fromkeys(i for i in ids if i))
        if not ids or self.query.source == "config":
            return super().get_resources(ids)
        # DescribeSecret takes either; each answer is keyed by the secret's name. Its
        # VersionIdsToStages is what the listing calls SecretVersionsToStages.
        found = list(self._get_each(ids).values())
        for s in found:
            if "VersionIdsToStages" in s:
                s.setdefault("SecretVersionsToStages", s["VersionIdsToStages"])
        return tagsource.normalise(self.rtype, found)

    def _complete(self, items):
        client = self.client()

        def one(item):
            try:
                got = client.describe_secret(SecretId=item["ARN"])
            except ClientError as e:
                code = e.response["Error"]["Code"]
                if details.not_found(code):
                    return None
                if code not in ("AccessDenied", "AccessDeniedException"):
                    raise
                return dict(item, **{details.DENIED: ["describe_secret"]})
            got.pop("ResponseMetadata", None)
            return {**item, **got}
        return [r for r in details.pmap(one, items) if r is not None]
