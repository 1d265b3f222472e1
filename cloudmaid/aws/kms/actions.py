"""KMS key actions with Cloud Custodian's names and semantics: ``set-rotation``,
``schedule-deletion``. AWS managed keys (KeyManager AWS) cannot be changed by their account:
they are skipped, as Custodian skips them, and counted in the result's ``skipped``."""
import json

from ...actions.core import Action, actions
from ...actions.statements import RemoveStatementsAction
from .filters import key_id

KEYS = ("kms-key",)


class CustomerKeyAction(Action):

    def process(self, resources):
        own = [k for k in resources if k.get("KeyManager") != "AWS"]
        self.result["skipped"] = len(resources) - len(own)
        client = self.manager.client("kms")
        self.each(own, lambda key: self.change(client, key))

    def change(self, client, key):
        raise NotImplementedError


@actions.register("set-rotation", resources=KEYS)
class SetRotation(CustomerKeyAction):
    """Turn automatic rotation on (``state: true``, the default) or off."""
    schema = {"state": {"type": "boolean"}}
    permissions = ("kms:EnableKeyRotation", "kms:DisableKeyRotation")

    def change(self, client, key):
        if self.data.get("state", True):
            client.enable_key_rotation(KeyId=key["KeyId"])
        else:
            client.disable_key_rotation(KeyId=key["KeyId"])


@actions.register("schedule-deletion", resources=KEYS)
class ScheduleDeletion(CustomerKeyAction):
    """ScheduleKeyDeletion after ``days`` (7 to 30, default 30)."""
    schema = {"days": {"type": "integer", "minimum": 7, "maximum": 30}}
    permissions = ("kms:ScheduleKeyDeletion",)

    def change(self, client, key):
        client.schedule_key_deletion(KeyId=key["KeyId"],
                                     PendingWindowInDays=self.data.get("days", 30))


class KeyPolicy:
    """The key policy (of the key, or of an alias's key): read once, written whole."""
    policy_key = "Policy"

    def fetch_policies(self, resources):
        client = self.manager.client("kms")

        def fetch(resource):
            resource["Policy"] = client.get_key_policy(
                KeyId=key_id(resource), PolicyName="default")["Policy"]
        self.manager.cached(resources, "Policy", fetch)

    def set_policy(self, resource, policy):
        # a key always has a policy: with no statement left, an empty one
        policy = policy or {"Version": "2012-10-17", "Statement": []}
        self.manager.client("kms").put_key_policy(
            KeyId=key_id(resource), PolicyName="default", Policy=json.dumps(policy))


@actions.register("remove-statements", resources=("kms-key", "kms"))
class RemoveKeyStatements(KeyPolicy, RemoveStatementsAction):
    """Remove key policy statements by Sid, those ``cross-account`` matched (``matched``),
    or all (``*``). AWS managed keys are skipped."""
    permissions = ("kms:GetKeyPolicy", "kms:PutKeyPolicy")

    def process(self, resources):
        own = [k for k in resources if k.get("KeyManager") != "AWS"]
        self.result["skipped"] = len(resources) - len(own)
        super().process(own)
