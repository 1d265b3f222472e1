"""CloudFormation stack actions with Cloud Custodian's names, keys and defaults: ``delete``
and ``set-protection``. One stack per call."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions

CFN = ("cfn",)


def protected(error):
    err = error.response["Error"]
    return err["Code"] == "ValidationError" and "TerminationProtection is enabled" in \
        (err.get("Message") or "")


@actions.register("delete", resources=CFN)
class Delete(Action):
    """DeleteStack; a stack with termination protection fails alone unless ``force: true``,
    which turns the protection off first."""
    schema = {"force": {"type": "boolean"}}
    permissions = ("cloudformation:DeleteStack", "cloudformation:UpdateTerminationProtection")

    def process(self, resources):
        client = self.manager.client()

        def delete(stack):
            try:
                client.delete_stack(StackName=stack["StackName"])
            except ClientError as e:
                if not (protected(e) and self.data.get("force", False)):
                    raise
                client.update_termination_protection(EnableTerminationProtection=False,
                                                     StackName=stack["StackName"])
                client.delete_stack(StackName=stack["StackName"])
        self.each(resources, delete)
        self.manager.invalidate()


@actions.register("set-protection", resources=CFN)
class SetProtection(Action):
    """Termination protection on (``state: true``) or off (``state: false``, the default)."""
    schema = {"state": {"type": "boolean"}}
    permissions = ("cloudformation:UpdateTerminationProtection",)

    def process(self, resources):
        client = self.manager.client()
        self.each(resources, lambda stack: client.update_termination_protection(
            EnableTerminationProtection=bool(self.data.get("state", False)),
            StackName=stack["StackName"]))
        self.manager.invalidate()
