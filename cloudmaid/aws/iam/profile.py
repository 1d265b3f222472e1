"""iam-profile's ``set-role`` and iam-certificate's ``delete`` (Cloud Custodian's)."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from .common import PROFILE, code, ignore_gone


@actions.register("set-role", resources=PROFILE)
class SetRole(Action):
    """Put ``role`` in the instance profile, replacing the role it has; an empty or absent
    ``role`` removes the profile's role."""
    schema = {"role": {"type": "string"}}
    permissions = ("iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile")

    def process(self, resources):
        client = self.manager.client("iam")
        role = self.data.get("role") or ""

        def one(profile):
            name = profile["InstanceProfileName"]
            current = [r["RoleName"] for r in profile.get("Roles") or ()]
            if current == [role] or (not role and not current):
                return
            for r in current:
                ignore_gone(client.remove_role_from_instance_profile,
                            InstanceProfileName=name, RoleName=r)
            if role:
                client.add_role_to_instance_profile(InstanceProfileName=name, RoleName=role)
        self.each(resources, one)


@actions.register("delete", resources=("iam-certificate",))
class DeleteServerCertificate(Action):
    """Delete server certificates. One still in use by a load balancer (DeleteConflict) is
    skipped, as Custodian does, and counted in the result's ``skipped``; one gone counts as
    deleted."""
    permissions = ("iam:DeleteServerCertificate",)

    def process(self, resources):
        client = self.manager.client("iam")
        skipped = self.result.setdefault("skipped", [])

        def one(cert):
            name = cert["ServerCertificateName"]
            try:
                ignore_gone(client.delete_server_certificate, ServerCertificateName=name)
            except ClientError as e:
                if code(e) not in ("DeleteConflict", "DeleteConflictException"):
                    raise
                skipped.append(name)
        self.each(resources, one)
