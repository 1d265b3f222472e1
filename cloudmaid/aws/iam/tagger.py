"""IAM's own tag calls (TagRole/UntagRole, TagUser, TagPolicy, TagInstanceProfile ...): one
entity per call, named as each call wants it. An entity already gone has nothing to tag."""
from botocore.exceptions import ClientError

from ...actions.taggers import Tagger, register_tagger
from .common import GONE, code


class IamTagger(Tagger):
    batch_size = 1
    kind = None       # the calls' suffix: tag_<kind>, untag_<kind>
    param = None      # the parameter naming the entity
    key = None        # the resource key holding its value

    def call(self, verb, resource, **params):
        method = getattr(self.manager.client("iam"), f"{verb}_{self.kind}")
        try:
            method(**{self.param: resource[self.key]}, **params)
        except ClientError as e:
            if code(e) not in GONE:
                raise

    def add(self, resources, tags):
        for r in resources:
            self.call("tag", r, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])

    def remove(self, resources, keys, values=None):
        for r in resources:
            self.call("untag", r, TagKeys=list(keys))


@register_tagger("iam-role")
class RoleTagger(IamTagger):
    kind, param, key = "role", "RoleName", "RoleName"
    add_permissions, remove_permissions = ("iam:TagRole",), ("iam:UntagRole",)


@register_tagger("iam-user")
class UserTagger(IamTagger):
    kind, param, key = "user", "UserName", "UserName"
    add_permissions, remove_permissions = ("iam:TagUser",), ("iam:UntagUser",)


@register_tagger("iam-policy")
class PolicyTagger(IamTagger):
    kind, param, key = "policy", "PolicyArn", "Arn"
    add_permissions, remove_permissions = ("iam:TagPolicy",), ("iam:UntagPolicy",)


@register_tagger("iam-profile")
class InstanceProfileTagger(IamTagger):
    kind, param, key = "instance_profile", "InstanceProfileName", "InstanceProfileName"
    add_permissions = ("iam:TagInstanceProfile",)
    remove_permissions = ("iam:UntagInstanceProfile",)
