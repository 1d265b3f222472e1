"""``role: auto``: the execution role deploy makes for a policy's function.

The role is named after the function (``FUNCTION-role``, shortened with a hash of the name
when that exceeds IAM's 64 characters), lives under the path ``/cloudmaid/``, trusts
lambda.amazonaws.com and holds one inline policy: the least-privilege document ``maid iam``
prints for the policy. It carries the function's tags (TAG_POLICY, TAG_INFO, the mode's
``tags``) and TAG_FUNCTION, which names its function for ``maid gc``.

IAM is global: a policy deployed to several regions shares one role (its document does not
depend on the region). For that reason deploy never deletes a role: the auto role of a policy
that now names its own role (or was removed) is left to ``maid gc``, which deletes it (inline
policies first, then the role) once no policy in the given files says ``role: auto`` for that
function.

A role that is new (or whose trust policy was just fixed) is not yet assumable by Lambda for a
few seconds: the function's create/update that follows is retried while Lambda says so.
Deploy side only: the Lambda runtime never imports this module.
"""
import hashlib
import json
import urllib.parse
from dataclasses import dataclass, field, replace
from typing import Mapping

from botocore.exceptions import ClientError

from ..errors import PolicyError
from ..modes.core import AUTO_ROLE
from .models import TAG_POLICY, Deployment, Function, tag_list
from .planner import APICall, diff_tags

PATH = "/cloudmaid/"
#: the inline policy holding the derived document
POLICY_NAME = "maid-least-privilege"
#: tag naming the function a role was made for (gc keys what it keeps by function name)
TAG_FUNCTION = "maid-function"
MAX_NAME = 64
#: IAM's limit on a role's inline policies together (whitespace not counted; ours has none)
MAX_INLINE = 10240
SUFFIX = "-role"
PRINCIPAL = "lambda.amazonaws.com"
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": PRINCIPAL}, "Action": "sts:AssumeRole"}]}
#: what Lambda says while IAM has not propagated a new role yet ("The role defined for the
#: function cannot be assumed by Lambda.")
NOT_YET = ("InvalidParameterValueException",)


def is_auto(policy_data):
    """Whether a policy (its dict form) says ``role: auto``."""
    mode = policy_data.get("mode") if isinstance(policy_data, dict) else None
    return isinstance(mode, dict) and mode.get("role") == AUTO_ROLE


def role_name(function):
    """``FUNCTION-role``; a name too long for IAM keeps its start and gains a hash of the
    whole function name (distinct functions, distinct roles)."""
    name = function + SUFFIX
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha256(function.encode()).hexdigest()[:8]
    return f"{function[:MAX_NAME - len(SUFFIX) - len(digest) - 1]}-{digest}{SUFFIX}"


def role_arn(function, account, partition="aws"):
    return f"arn:{partition}:iam::{account}:role{PATH}{role_name(function)}"


def canonical(document):
    """A policy document as one stable string (IAM hands documents back decoded by botocore,
    or URL-encoded JSON text)."""
    if isinstance(document, str):
        document = json.loads(urllib.parse.unquote(document))
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _no_entity(call, **params):
    try:
        return call(**params)
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") == "NoSuchEntity":
            return None
        raise


@dataclass(frozen=True)
class Role:
    function: str
    document: str                       # the inline policy, canonical JSON
    description: str
    tags: Mapping[str, str] = field(default_factory=dict)
    trust: str = canonical(TRUST)
    arn: str = field(default=None, compare=False)

    @property
    def name(self):
        return role_name(self.function)

    @property
    def key(self):
        return ("Role", self.name)

    def observe(self, view, found):
        """GetRole and GetRolePolicy. A role of this name that is not ours (another path, no
        TAG_POLICY) reads as absent: the plan creates it and IAM refuses (EntityAlreadyExists),
        rather than deploy taking over someone's role."""
        iam = view.client("iam")
        got = _no_entity(iam.get_role, RoleName=self.name)
        if got is None:
            return None
        r = got["Role"]
        tags = r.get("Tags")
        if tags is None:
            tags = iam.list_role_tags(RoleName=self.name).get("Tags") or []
        tags = {t["Key"]: t["Value"] for t in tags}
        if r.get("Path") != PATH or TAG_POLICY not in tags:
            return None
        inline = _no_entity(iam.get_role_policy, RoleName=self.name, PolicyName=POLICY_NAME)
        return Role(function=self.function, document=canonical(inline["PolicyDocument"]) if inline else "",
                    description=r.get("Description", "") or "", tags=tags,
                    trust=canonical(r.get("AssumeRolePolicyDocument") or {}), arn=r.get("Arn"))

    def plan(self, have, state):
        name = self.name
        put = APICall("iam", "put_role_policy", {"RoleName": name, "PolicyName": POLICY_NAME,
                                                  "PolicyDocument": self.document}, name,
                      retry_on=("NoSuchEntity",))
        if have is None:
            state[("role not yet assumable", name)] = True
            return [APICall("iam", "create_role", {
                "RoleName": name, "Path": PATH, "AssumeRolePolicyDocument": self.trust,
                "Description": self.description, "Tags": tag_list(self.tags)}, name), put]
        calls = []
        if have.trust != self.trust:
            state[("role not yet assumable", name)] = True
            calls.append(APICall("iam", "update_assume_role_policy",
                                 {"RoleName": name, "PolicyDocument": self.trust}, name))
        if have.description != self.description:
            calls.append(APICall("iam", "update_role",
                                 {"RoleName": name, "Description": self.description}, name))
        if have.document != self.document:
            calls.append(put)
        add, remove = diff_tags(have.tags, self.tags)
        if add:
            calls.append(APICall("iam", "tag_role", {"RoleName": name, "Tags": tag_list(add)}, name))
        if remove:
            calls.append(APICall("iam", "untag_role", {"RoleName": name, "TagKeys": remove}, name))
        return calls

    @classmethod
    def ours(cls, session_factory):
        """``[(function name, removal steps)]`` for the roles under PATH carrying TAG_POLICY
        and TAG_FUNCTION."""
        iam = session_factory.client("iam")
        out = []
        for page in iam.get_paginator("list_roles").paginate(PathPrefix=PATH):
            for r in page.get("Roles") or ():
                name = r["RoleName"]
                tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name).get("Tags") or ()}
                if r.get("Path") == PATH and TAG_POLICY in tags and tags.get(TAG_FUNCTION):
                    out.append((tags[TAG_FUNCTION], removal(iam, name)))
        return sorted(out, key=lambda x: x[0])


def removal(iam, name):
    """The steps deleting role ``name``: its inline policies first, managed policies someone
    attached are detached, then the role (IAM refuses to delete a role that has either)."""
    def listed(method, key):
        return [x for page in iam.get_paginator(method).paginate(RoleName=name) for x in page.get(key) or ()]
    steps = [APICall("iam", "delete_role_policy", {"RoleName": name, "PolicyName": p}, name)
             for p in listed("list_role_policies", "PolicyNames")]
    steps += [APICall("iam", "detach_role_policy", {"RoleName": name, "PolicyArn": a["PolicyArn"]}, name)
              for a in listed("list_attached_role_policies", "AttachedPolicies")]
    return steps + [APICall("iam", "delete_role", {"RoleName": name}, name)]


@dataclass(frozen=True)
class AutoRoleFunction(Function):
    """A function using its auto role: right after the role was made, Lambda may refuse it
    for a few seconds; its create and configuration update are retried while it does."""

    def plan(self, have, state):
        calls = super().plan(have, state)
        if not state.get(("role not yet assumable", self.role.rsplit("/", 1)[-1])):
            return calls
        return [replace(c, retry_on=c.retry_on + NOT_YET)
                if isinstance(c, APICall) and c.method in ("create_function", "update_function_configuration")
                else c for c in calls]


@dataclass(frozen=True)
class AutoRoleDeployment(Deployment):
    """A Deployment whose role is made by deploy: the role goes before the function."""
    role: Role = None

    def models(self):
        return [self.role, *super().models()]


def role_for(policy, function):
    """The Role of ``function`` (an AutoRoleFunction of ``policy``): the inline policy is the
    document ``maid iam`` prints for the policy (raises PolicyError when it cannot be derived)."""
    from ..iam import document, permissions   # deploy side: the derivation loads every element
    doc = canonical(document(permissions(policy.data)))
    if len(doc) > MAX_INLINE:
        raise PolicyError(f"role auto: the derived permissions take {len(doc)} characters; IAM "
                          f"allows {MAX_INLINE} in a role's inline policies: give the policy a "
                          f"role of your own (maid iam prints the document)", ("mode", "role"))
    return Role(function=function.name, document=doc,
                description=f"cloudmaid: execution role of function {function.name}",
                tags={**function.tags, TAG_FUNCTION: function.name})
