"""``auto-tag-user``: in cloudtrail mode, tag the resources an API call created or changed with
who made the call, Cloud Custodian's keys and rules.

``tag`` (required) receives the caller: an IAM user's name, or the session name of an assumed
role or federated user (the part of the ARN after its last ``/``), unless ``value`` picks
``userName`` (the role's own name for roles), ``arn``, ``sourceIPAddress`` or ``principalId``.
``principal_id_tag`` also records the principal id (without the session part). Calls by
instance roles (session ``i-...``) and old-style Lambda sessions (``awslambda...``) are not
attributed; ``user-type`` limits the identities considered (all three by default).
Resources that already carry ``tag`` keep it unless ``update: true``.
"""
from . import taggers
from .core import actions
from .tags import TagAction

USER_TYPES = ("IAMUser", "AssumedRole", "FederatedUser")


def caller(identity, source_ip, value_kind, user_types=USER_TYPES):
    """``{user, id, value}`` of a CloudTrail ``userIdentity``, None when not attributed."""
    utype = identity.get("type")
    if utype not in user_types:
        return None
    if utype == "IAMUser":
        user = identity.get("userName")
        principal = identity.get("principalId", "")
    elif utype in ("AssumedRole", "FederatedUser"):
        user = (identity.get("arn") or "").rsplit("/", 1)[-1]
        principal = identity.get("principalId", "").split(":")[0]
        if user.startswith(("i-", "awslambda")):
            return None
    else:
        return None
    value = None
    if value_kind == "userName":
        value = identity.get("userName", "") if utype == "IAMUser" else \
            identity.get("sessionContext", {}).get("sessionIssuer", {}).get("userName", "")
    elif value_kind == "arn":
        value = identity.get("arn", "")
    elif value_kind == "sourceIPAddress":
        value = source_ip or ""
    elif value_kind == "principalId":
        value = identity.get("principalId", "")
    return {"user": user, "id": principal, "value": value}


@actions.register("auto-tag-user")
class AutoTagUser(TagAction):
    """Tag resources with the caller of the CloudTrail event (see the module doc)."""
    schema = {"tag": {"type": "string"}, "update": {"type": "boolean"},
              "principal_id_tag": {"type": "string"},
              "user-type": {"type": "array", "items": {"enum": list(USER_TYPES)}},
              "value": {"enum": ["userName", "arn", "sourceIPAddress", "principalId"]}}
    required = ("tag",)

    def validate(self):
        problems = super().validate()
        mode = (getattr(self.manager, "policy_data", None) or {}).get("mode") or {}
        if isinstance(mode, dict) and mode.get("type") != "cloudtrail":
            problems.append(((), "auto-tag-user needs the CloudTrail event: use it in a policy "
                                 "with mode type cloudtrail"))
        return problems

    def tags_for(self, event):
        detail = (event or {}).get("detail") or {}
        info = caller(detail.get("userIdentity") or {}, detail.get("sourceIPAddress"),
                      self.data.get("value"), self.data.get("user-type", USER_TYPES))
        if info is None:
            return {}
        tags = {}
        if info["value"] or info["user"]:
            tags[self.data["tag"]] = info["value"] or info["user"]
        if self.data.get("principal_id_tag") and info["id"]:
            tags[self.data["principal_id_tag"]] = info["id"]
        return tags

    def process(self, resources):
        tags = self.tags_for(getattr(self.manager, "event", None))
        if not tags:
            return
        if not self.data.get("update", False):
            resources = [r for r in resources if self.data["tag"] not in taggers.tag_map(r)]
        self.write(resources, lambda b: self.tagger.add(b, tags),
                   lambda b: [taggers.set_tags(r, add=tags) for r in b])
