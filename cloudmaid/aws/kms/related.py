"""The related ``kms-key`` filter's base (Custodian's KmsRelatedFilter): a resource names its
key by id, key ARN, alias name or alias ARN; each is read as the key's id (aliases through
the region's ListAliases), and each related key carries ``c7n:AliasName``, its first alias
('' without one), for policies matching on the alias."""
from ...resources.manager import ResourceManager
from ...resources.related import RelatedFilter
from .manager import alias_names


class RelatedBase(RelatedFilter):

    def key_manager(self):
        return ResourceManager.for_type(self.manager.ctx, "kms-key")

    def alias_ids(self):
        if getattr(self, "_alias_ids", None) is None:
            self._alias_ids = {alias: key for key, aliases in
                               alias_names(self.key_manager()).items() for alias in aliases}
        return self._alias_ids

    def related_ids(self, resource):
        out = []
        for rid in super().related_ids(resource):
            if rid.startswith("arn:"):
                rid = rid.rsplit(":", 1)[-1] if ":alias/" in rid else rid.rsplit("/", 1)[-1]
            if rid.startswith("alias/"):
                rid = self.alias_ids().get(rid, rid)
            out.append(rid)
        return list(dict.fromkeys(out))

    def related(self, resources):
        found = super().related(resources)
        for key in found.values():
            key["c7n:AliasName"] = (key.get("AliasNames") or [""])[0]
        return found
