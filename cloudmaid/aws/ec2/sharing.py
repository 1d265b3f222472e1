"""Who else may use a snapshot or an image: ``cross-account`` over snapshot create-volume
permissions and image launch permissions, and the actions changing them (Custodian's names,
keys and semantics).

The principals outside the account and ``whitelist``/``whitelist_from`` are kept as
``c7n:CrossAccountViolations`` (``all`` stands for public), which ``remove: matched`` /
``accounts: matched`` then remove.
"""
import re

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters.core import filters
from ...filters.crossaccount import CrossAccountFilter
from .usage import gone, policy_filters

SNAPSHOT, AMI = ("ebs-snapshot",), ("ami",)
VIOLATIONS = "c7n:CrossAccountViolations"
_STRINGS = {"type": "array", "items": {"type": "string"}}
_ACCOUNTS = {"type": "array", "items": {"type": "string", "minLength": 12, "maxLength": 12}}
ACCOUNT = re.compile(r"\d{12}")
ORG = re.compile(r"arn:[a-zA-Z-]+:organizations::\d{12}:organization/o-[a-z0-9]{10,32}")
OU = re.compile(r"arn:[a-zA-Z-]+:organizations::\d{12}:ou/o-[a-z0-9]{10,32}/"
                r"ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}")


class SharedWith(CrossAccountFilter):
    """Resources shared with principals outside the account and the allowed lists."""
    schema = {"whitelist": _STRINGS, "whitelist_from": CrossAccountFilter.schema["whitelist_from"]}
    annotation = VIOLATIONS
    gone_codes = ()

    def principals(self, client, resource):
        raise NotImplementedError

    def process(self, resources, event=None):
        allowed = self.allowed("whitelist") | ({self.own_account()} - {None})
        client = self.manager.client()
        out = []
        for r in resources:
            try:
                shared = self.principals(client, r)
            except ClientError as e:
                if gone(e, *self.gone_codes):
                    continue
                raise
            outside = sorted(shared - allowed)
            if outside:
                r[self.annotation] = outside
                out.append(r)
        return out

    def keys(self):
        return None


@filters.register("cross-account", resources=SNAPSHOT)
class SnapshotCrossAccount(SharedWith):
    """Snapshots whose create-volume permission names other accounts or ``all`` (public);
    ``everyone_only``: only public ones."""
    schema = dict(SharedWith.schema, everyone_only={"type": "boolean"})
    permissions = ("ec2:DescribeSnapshotAttribute",)
    gone_codes = ("InvalidSnapshot.NotFound",)

    def principals(self, client, snapshot):
        found = client.describe_snapshot_attribute(
            SnapshotId=snapshot["SnapshotId"],
            Attribute="createVolumePermission")["CreateVolumePermissions"]
        if self.data.get("everyone_only"):
            return {"all"} if any(p.get("Group") == "all" for p in found) else set()
        return {p.get("Group") or p.get("UserId") for p in found} - {None}


@filters.register("cross-account", resources=AMI)
class ImageCrossAccount(SharedWith):
    """Images whose launch permission names other accounts, organizations, organizational
    units or ``all`` (public); the permissions are kept as ``c7n:LaunchPermissions``."""
    permissions = ("ec2:DescribeImageAttribute",)
    gone_codes = ("InvalidAMIID.NotFound", "InvalidAMIID.Unavailable")

    def principals(self, client, image):
        found = client.describe_image_attribute(
            ImageId=image["ImageId"], Attribute="launchPermission")["LaunchPermissions"]
        image["c7n:LaunchPermissions"] = found
        return {p.get("Group") or p.get("UserId") or p.get("OrganizationArn")
                or p.get("OrganizationalUnitArn") for p in found} - {None}


def needs_cross_account(action, key):
    """``key: matched`` reads what a cross-account filter of the policy matched."""
    names = policy_filters(action.manager)
    if action.data.get(key) == "matched" and names is not None and "cross-account" not in names:
        return [((key,), f"{key}: matched needs a cross-account filter in the policy")]
    return []


def principals(values):
    """Launch permission entries: ``all`` -> Group, account ids, organization and OU ARNs
    (anything else is not a principal EC2 knows, and is left out)."""
    out = []
    for v in values or ():
        if v == "all":
            out.append({"Group": "all"})
        elif OU.match(v):
            out.append({"OrganizationalUnitArn": v})
        elif ORG.match(v):
            out.append({"OrganizationArn": v})
        elif ACCOUNT.match(v):
            out.append({"UserId": v})
    return out


@actions.register("set-permissions", resources=SNAPSHOT)
class SetSnapshotPermissions(Action):
    """Create-volume permissions: ``remove`` (account ids, or ``matched``: what the
    cross-account filter found) and ``add`` (account ids); with neither, the permission is
    reset (only the owner may create volumes)."""
    schema = {"remove": {"oneOf": [{"enum": ["matched"]}, _ACCOUNTS]}, "add": _ACCOUNTS}
    permissions = ("ec2:ModifySnapshotAttribute", "ec2:ResetSnapshotAttribute")

    def validate(self):
        return needs_cross_account(self, "remove")

    def process(self, resources):
        client = self.manager.client()
        add, remove = self.data.get("add") or [], self.data.get("remove") or []

        def change(snapshot):
            sid = snapshot["SnapshotId"]
            if not add and not remove:
                client.reset_snapshot_attribute(SnapshotId=sid, Attribute="createVolumePermission")
                return
            drop = snapshot.get(VIOLATIONS) or [] if remove == "matched" else remove
            for operation, accounts in (("remove", drop), ("add", add)):
                users = [a for a in accounts if a != "all"]
                groups = ["all"] if "all" in accounts else []
                if users or groups:
                    client.modify_snapshot_attribute(
                        SnapshotId=sid, Attribute="createVolumePermission",
                        OperationType=operation,
                        **({"UserIds": users} if users else {}),
                        **({"GroupNames": groups} if groups else {}))
        self.each(resources, change)


class ImagePermissionAction(Action):
    permissions = ("ec2:ResetImageAttribute", "ec2:ModifyImageAttribute")

    def change(self, client, image, remove, add=()):
        iid = image["ImageId"]
        for operation, entries in (("Remove", principals(remove)), ("Add", principals(add))):
            if entries:
                client.modify_image_attribute(ImageId=iid, LaunchPermission={operation: entries},
                                              OperationType=operation.lower())

    def reset(self, client, image):
        client.reset_image_attribute(ImageId=image["ImageId"], Attribute="launchPermission")


@actions.register("set-permissions", resources=AMI)
class SetImagePermissions(ImagePermissionAction):
    """Launch permissions: ``remove`` (``all`` for public, account ids, organization or OU
    ARNs, or ``matched``: what the cross-account filter found) and ``add`` (the same
    principals); with neither, the permission is reset (only the owner may launch)."""
    schema = {"remove": {"oneOf": [{"enum": ["matched"]}, _STRINGS]}, "add": _STRINGS}

    def validate(self):
        return needs_cross_account(self, "remove")

    def process(self, resources):
        client = self.manager.client()
        add, remove = self.data.get("add"), self.data.get("remove")

        def change(image):
            if not add and not remove:
                return self.reset(client, image)
            # matched includes "all" for a public image: it is removed too (Custodian's
            # test for "all" runs before it reads the matched list, and keeps it public)
            drop = image.get(VIOLATIONS) if remove == "matched" else remove
            self.change(client, image, drop, add)
        self.each(resources, change)


@actions.register("remove-launch-permissions", resources=AMI)
class RemoveLaunchPermissions(ImagePermissionAction):
    """Removes launch permissions: all of them (reset) by default, ``accounts: matched``
    those the cross-account filter found, or one account id. (Custodian deprecates it for
    set-permissions; it still runs.)"""
    schema = {"accounts": {"oneOf": [{"enum": ["matched"]},
                                     {"type": "string", "minLength": 12, "maxLength": 12}]}}

    def validate(self):
        return needs_cross_account(self, "accounts")

    def process(self, resources):
        client = self.manager.client()
        accounts = self.data.get("accounts")

        def change(image):
            if not accounts:
                return self.reset(client, image)
            found = image.get(VIOLATIONS) if accounts == "matched" else [accounts]
            # organization principals are left: this action names accounts (and public)
            self.change(client, image, [a for a in found or () if not a.startswith("arn:")])
        self.each(resources, change)


@actions.register("cancel-launch-permission", resources=AMI)
class CancelLaunchPermission(Action):
    """Gives up this account's permission to launch images another account shared with it
    (select them with ``query: [{ExecutableUsers: [self]}, {Owners: []}]``). Not reversible
    from here, so by default only AWS's dry run of the call is made (``dryrun: false`` to
    cancel); a dry run that would succeed counts as done."""
    schema = {"dryrun": {"type": "boolean"}}
    permissions = ("ec2:CancelImageLaunchPermission",)

    def process(self, resources):
        client = self.manager.client()
        dry = self.data.get("dryrun", True)

        def cancel(image):
            try:
                client.cancel_image_launch_permission(ImageId=image["ImageId"], DryRun=dry)
            except ClientError as e:
                if not (dry and gone(e, "DryRunOperation")):
                    raise
        self.each(resources, cancel)
