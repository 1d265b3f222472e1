"""The KMS managers: keys carry Custodian's ``AliasNames`` and tags read from ListResourceTags;
aliases are only those pointing at a key, found by ARN or by name (CloudTrail names them)."""
from botocore.exceptions import ClientError

from ...resources import details
from ...resources.manager import ResourceManager, register_manager

DENIED = ("AccessDenied", "AccessDeniedException")


def alias_names(manager):
    """``{key id: [alias names]}`` of the context's region, one paginated ListAliases a run."""
    key = ("kms-alias-names", manager.ctx.region)
    found = manager.ctx.cache.get(key)
    if found is None:
        found = {}
        for page in manager.client("kms").get_paginator("list_aliases").paginate():
            for a in page.get("Aliases") or ():
                if a.get("TargetKeyId"):
                    found.setdefault(a["TargetKeyId"], []).append(a["AliasName"])
        manager.ctx.cache[key] = found
    return found


def key_tags(client, key_id):
    """A key's tags as Custodian's ``Key``/``Value`` list (KMS says TagKey/TagValue)."""
    tags = []
    for page in client.get_paginator("list_resource_tags").paginate(KeyId=key_id):
        tags.extend({"Key": t["TagKey"], "Value": t.get("TagValue", "")}
                    for t in page.get("Tags") or ())
    return tags


@register_manager("kms-key")
class KeyManager(ResourceManager):
    #: IAM actions of the calls the row does not describe
    permissions = ("kms:ListAliases", "kms:DescribeKey", "kms:ListResourceTags")

    def with_aliases(self, keys):
        if keys:
            names = alias_names(self)
            for k in keys:
                if names.get(k.get("KeyId")):
                    k["AliasNames"] = list(names[k["KeyId"]])
        return keys

    def describe(self, params):
        return self.with_aliases(super().describe(params))

    def get_resources(self, ids):
        # DescribeKey also takes ARNs and alias names: keep each answer, whatever it was asked by
        ids = list(dict.fromkeys(i for i in ids if i))
        if not ids or self.query.source == "config":
            return super().get_resources(ids)
        found = {}
        for got in self._get_each(ids).values():
            found.setdefault(got["KeyId"], {"KeyArn": got.get("Arn"), **got})   # as listed
        return self.with_aliases(list(found.values()))

    def _get_each(self, ids, denied=None):
        """``{asked id: key metadata}``; keys gone are absent; keys whose DescribeKey is
        denied are ``denied`` (absent when None)."""
        client = self.client()

        def one(key_id):
            try:
                return client.describe_key(KeyId=key_id)["KeyMetadata"]
            except ClientError as e:
                code = e.response["Error"]["Code"]
                if details.not_found(code):
                    return None
                if code in DENIED:
                    return denied
                raise
        return {asked: got for asked, got in zip(ids, details.pmap(one, ids))
                if got is not None}

    def _complete(self, items):
        # a key whose DescribeKey is denied stays listed with its ARN, as in Custodian
        found = self._get_each([i["KeyId"] for i in items], denied={})
        return [{**i, **(found[i["KeyId"]] or {"Arn": i.get("KeyArn")})}
                for i in items if i["KeyId"] in found]

    def fetch(self, resource, key):
        if key != "Tags":
            return super().fetch(resource, key)
        try:
            return True, key_tags(self.client(), resource["KeyId"])
        except ClientError as e:
            code = e.response["Error"]["Code"]
            if details.not_found(code):
                return True, []
            if code in DENIED:
                resource.setdefault(details.DENIED, []).append("list_resource_tags")
                return False, None
            raise


@register_manager("kms")
class AliasManager(ResourceManager):
    #: IAM actions of the calls the row does not describe
    permissions = ("kms:ListAliases",)

    def describe(self, params):
        return [a for a in super().describe(params) if a.get("TargetKeyId")]

    def get_resources(self, ids):
        wanted = set(ids)
        if not wanted or self.query.source == "config":
            return super().get_resources(ids)
        return [a for a in self.resources()
                if a.get("AliasArn") in wanted or a.get("AliasName") in wanted]
