"""iam-user actions with Cloud Custodian's names, keys and semantics: ``delete`` (the user,
or with ``options`` only the named attachments), ``remove-keys``, ``delete-ssh-keys`` and
``set-groups``."""
import datetime

from ...actions.core import Action, actions
from ...filters.base import now_of
from ...filters.valuetypes import parse_date
from .common import USER, ignore_gone, listed
from .credential import MATCHED

#: delete's options, in the order they are removed (a user cannot be deleted before them)
OPTIONS = ("console-access", "access-keys", "attached-user-policies", "inline-user-policies",
           "mfa-devices", "groups", "ssh-keys", "signing-certificates",
           "service-specific-credentials")
COMPOUND = {"user-policies": ("attached-user-policies", "inline-user-policies")}


def _each(client, op, key, user, **params):
    return ignore_gone(listed, client, op, key, UserName=user, **params) or []


REMOVERS = {
    "console-access": lambda c, u: ignore_gone(c.delete_login_profile, UserName=u),
    "access-keys": lambda c, u: [
        ignore_gone(c.delete_access_key, UserName=u, AccessKeyId=k["AccessKeyId"])
        for k in _each(c, "list_access_keys", "AccessKeyMetadata", u)],
    "attached-user-policies": lambda c, u: [
        ignore_gone(c.detach_user_policy, UserName=u, PolicyArn=p["PolicyArn"])
        for p in _each(c, "list_attached_user_policies", "AttachedPolicies", u)],
    "inline-user-policies": lambda c, u: [
        ignore_gone(c.delete_user_policy, UserName=u, PolicyName=p)
        for p in _each(c, "list_user_policies", "PolicyNames", u)],
    "mfa-devices": lambda c, u: [
        ignore_gone(c.deactivate_mfa_device, UserName=u, SerialNumber=d["SerialNumber"])
        for d in _each(c, "list_mfa_devices", "MFADevices", u)],
    "groups": lambda c, u: [
        ignore_gone(c.remove_user_from_group, UserName=u, GroupName=g["GroupName"])
        for g in _each(c, "list_groups_for_user", "Groups", u)],
    "ssh-keys": lambda c, u: [
        ignore_gone(c.delete_ssh_public_key, UserName=u, SSHPublicKeyId=k["SSHPublicKeyId"])
        for k in _each(c, "list_ssh_public_keys", "SSHPublicKeys", u)],
    "signing-certificates": lambda c, u: [
        ignore_gone(c.delete_signing_certificate, UserName=u, CertificateId=k["CertificateId"])
        for k in _each(c, "list_signing_certificates", "Certificates", u)],
    "service-specific-credentials": lambda c, u: [
        ignore_gone(c.delete_service_specific_credential, UserName=u,
                    ServiceSpecificCredentialId=k["ServiceSpecificCredentialId"])
        for k in (ignore_gone(c.list_service_specific_credentials, UserName=u) or {}).get(
            "ServiceSpecificCredentials") or ()],
}


@actions.register("delete", resources=USER)
class DeleteUser(Action):
    """Delete users, first removing what AWS requires gone (console password, access keys,
    policies, MFA devices, groups, SSH keys, signing certificates, service-specific
    credentials). With ``options``, remove only those and keep the user."""
    schema = {"options": {"type": "array", "items": {"enum": [*OPTIONS, *COMPOUND]}}}
    permissions = (
        "iam:ListAttachedUserPolicies", "iam:ListAccessKeys", "iam:ListGroupsForUser",
        "iam:ListMFADevices", "iam:ListServiceSpecificCredentials",
        "iam:ListSigningCertificates", "iam:ListSSHPublicKeys", "iam:ListUserPolicies",
        "iam:DeactivateMFADevice", "iam:DeleteAccessKey", "iam:DeleteLoginProfile",
        "iam:DeleteServiceSpecificCredential", "iam:DeleteSigningCertificate",
        "iam:DeleteSSHPublicKey", "iam:DeleteUser", "iam:DeleteUserPolicy",
        "iam:DetachUserPolicy", "iam:RemoveUserFromGroup")

    def process(self, resources):
        given = self.data.get("options")
        wanted = set(given or OPTIONS)
        for name, parts in COMPOUND.items():
            if name in wanted:
                wanted |= set(parts)
        client = self.manager.client("iam")

        def one(user):
            name = user["UserName"]
            for option in OPTIONS:
                if option in wanted:
                    REMOVERS[option](client, name)
            if not given:
                ignore_gone(client.delete_user, UserName=name)
        self.each(resources, one)


@actions.register("remove-keys", resources=USER)
class RemoveKeys(Action):
    """Delete the user's access keys, or deactivate them with ``disable: true``: those older
    than ``age`` days, or with ``matched: true`` only those the policy's ``access-key`` and
    ``credential`` filters matched (a user with none matched is left alone)."""
    schema = {"matched": {"type": "boolean"}, "age": {"type": "number"},
              "disable": {"type": "boolean"}}
    permissions = ("iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:DeleteAccessKey")

    def validate(self):
        if self.data.get("matched") and self.data.get("age"):
            return [((), "remove-keys cannot mix 'matched' and 'age'")]
        return []

    def process(self, resources):
        client = self.manager.client("iam")
        age, disable, matched = (self.data.get(k) for k in ("age", "disable", "matched"))
        threshold = now_of(self.manager) - datetime.timedelta(days=age) if age else None

        def one(user):
            name = user["UserName"]
            if "c7n:AccessKeys" not in user:
                user["c7n:AccessKeys"] = _each(client, "list_access_keys", "AccessKeyMetadata",
                                               name)
            keys = user["c7n:AccessKeys"]
            if matched:
                keys = matched_keys(user.get(MATCHED) or (), keys)
            for k in keys:
                created = parse_date(k.get("CreateDate"))
                if threshold is not None and (created is None or not created < threshold):
                    continue
                if disable:
                    ignore_gone(client.update_access_key, UserName=name,
                                AccessKeyId=k["AccessKeyId"], Status="Inactive")
                else:
                    ignore_gone(client.delete_access_key, UserName=name,
                                AccessKeyId=k["AccessKeyId"])
        self.each(resources, one)


def matched_keys(matched, keys):
    """The access keys among ``keys`` that filters matched: ``access-key`` matches are keys
    themselves; a credential report entry names its key by ``last_rotated``, its creation
    to the second (the report's precision; Custodian compares to the microsecond, so it
    finds none where AWS keeps fractions)."""
    out = []
    for m in matched:
        if m.get("c7n:match-type") == "credential":
            rotated = seconds(m.get("last_rotated"))
            found = [k for k in keys if rotated is not None
                     and seconds(k.get("CreateDate")) == rotated]
        else:
            found = [m]
        out.extend(k for k in found if k not in out)
    return out


def seconds(value):
    found = parse_date(value) if value else None
    return found.replace(microsecond=0) if found else None


@actions.register("delete-ssh-keys", resources=USER)
class DeleteSshKeys(Action):
    """Delete the user's SSH public keys, or deactivate them with ``disable: true``; with
    ``matched: true`` only those the policy's ``ssh-key`` filters matched."""
    schema = {"matched": {"type": "boolean"}, "disable": {"type": "boolean"}}
    permissions = ("iam:ListSSHPublicKeys", "iam:UpdateSSHPublicKey", "iam:DeleteSSHPublicKey")

    def process(self, resources):
        client = self.manager.client("iam")
        matched, disable = self.data.get("matched"), self.data.get("disable")

        def one(user):
            name = user["UserName"]
            if "c7n:SSHKeys" not in user:
                user["c7n:SSHKeys"] = _each(client, "list_ssh_public_keys", "SSHPublicKeys", name)
            keys = user.get("c7n:matched-ssh-keys") or [] if matched else user["c7n:SSHKeys"]
            for k in keys:
                if disable:
                    ignore_gone(client.update_ssh_public_key, UserName=name,
                                SSHPublicKeyId=k["SSHPublicKeyId"], Status="Inactive")
                else:
                    ignore_gone(client.delete_ssh_public_key, UserName=name,
                                SSHPublicKeyId=k["SSHPublicKeyId"])
        self.each(resources, one)


@actions.register("set-groups", resources=USER)
class SetGroups(Action):
    """Add the user to (``state: add``) or remove it from (``remove``) ``group``."""
    schema = {"state": {"enum": ["add", "remove"]}, "group": {"type": "string"}}
    required = ("state", "group")
    permissions = ("iam:AddUserToGroup", "iam:RemoveUserFromGroup")

    def validate(self):
        if self.data.get("group") == "":
            return [(("group",), "group cannot be empty")]
        return []

    def process(self, resources):
        client = self.manager.client("iam")
        call = client.add_user_to_group if self.data["state"] == "add" \
            else client.remove_user_from_group
        group = self.data["group"]
        self.each(resources, lambda u: ignore_gone(call, GroupName=group,
                                                   UserName=u["UserName"]))
