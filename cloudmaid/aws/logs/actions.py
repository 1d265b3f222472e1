"""Log group actions with Cloud Custodian's names, keys and defaults: ``retention``,
``delete``, ``set-encryption``, ``put-subscription-filter``. One group per call; a group already gone counts as done."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters.crossaccount import fill

LOG_GROUP = ("log-group",)
#: PutRetentionPolicy's allowed values (days)
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                  2192, 2557, 2922, 3288, 3653)


class GroupAction(Action):
    def process(self, resources):
        self.prepare()
        client = self.manager.client()

        def one(group):
            try:
                self.apply(client, group)
            except ClientError as e:
                if e.response["Error"]["Code"] != "ResourceNotFoundException":
                    raise
        self.each(resources, one)
        self.manager.invalidate()

    def prepare(self):
        pass

    def apply(self, client, group):
        raise NotImplementedError


@actions.register("retention", resources=LOG_GROUP)
class Retention(GroupAction):
    """Keep events ``days`` days (one of the values CloudWatch Logs accepts)."""
    schema = {"days": {"type": "integer"}}
    required = ("days",)
    permissions = ("logs:PutRetentionPolicy",)

    def validate(self):
        if self.data.get("days") not in RETENTION_DAYS:
            return [(("days",), "days is one of " + ", ".join(map(str, RETENTION_DAYS)))]
        return []

    def apply(self, client, group):
        client.put_retention_policy(logGroupName=group["logGroupName"],
                                    retentionInDays=self.data["days"])


@actions.register("delete", resources=LOG_GROUP)
class Delete(GroupAction):
    permissions = ("logs:DeleteLogGroup",)

    def apply(self, client, group):
        client.delete_log_group(logGroupName=group["logGroupName"])


@actions.register("set-encryption", resources=LOG_GROUP)
class SetEncryption(GroupAction):
    """``state: true`` (default) associates ``kms-key`` (a key ARN, or an alias resolved to
    its key's ARN); ``state: false`` disassociates the group's key."""
    schema = {"kms-key": {"type": "string"}, "state": {"type": "boolean"}}
    permissions = ("logs:AssociateKmsKey", "logs:DisassociateKmsKey", "kms:DescribeKey")

    def validate(self):
        key = self.data.get("kms-key")
        if not self.data.get("state", True):
            return [(("kms-key",), "state: false removes the key: give no kms-key")] \
                if key else []
        if not key:
            return [(("kms-key",), "give kms-key (a key ARN or alias)")]
        if "alias/" not in key and ":key/" not in key:
            return [(("kms-key",), f"invalid KMS key '{key}' (a key ARN or alias/...)")]
        return []

    def prepare(self):
        key = self.data.get("kms-key")
        if self.data.get("state", True) and not (key.startswith("arn:") and ":key/" in key):
            key = self.manager.client("kms").describe_key(KeyId=key)["KeyMetadata"]["Arn"]
        self.key = key

    def apply(self, client, group):
        if self.data.get("state", True):
            client.associate_kms_key(logGroupName=group["logGroupName"], kmsKeyId=self.key)
        else:
            client.disassociate_kms_key(logGroupName=group["logGroupName"])


@actions.register("put-subscription-filter", resources=LOG_GROUP)
class PutSubscriptionFilter(GroupAction):
    """Create or update subscription filter ``filter_name`` delivering to
    ``destination_arn`` (``filter_pattern`` default '' (every event), ``distribution``
    default ByLogStream, ``role_arn`` when the destination needs one); ``{account_id}`` and
    ``{region}`` in the ARNs are filled in."""
    schema = {"filter_name": {"type": "string"}, "filter_pattern": {"type": "string"},
              "destination_arn": {"type": "string"},
              "distribution": {"enum": ["Random", "ByLogStream"]},
              "role_arn": {"type": "string"}}
    required = ("filter_name", "destination_arn")
    permissions = ("logs:PutSubscriptionFilter",)

    def prepare(self):
        ctx = self.manager.ctx
        args = {"account_id": ctx.account_id, "region": ctx.region}
        self.params = {"filterName": self.data["filter_name"],
                       "filterPattern": self.data.get("filter_pattern", ""),
                       "destinationArn": fill(self.data["destination_arn"], args),
                       "distribution": self.data.get("distribution", "ByLogStream")}
        if self.data.get("role_arn"):
            self.params["roleArn"] = fill(self.data["role_arn"], args)

    def apply(self, client, group):
        client.put_subscription_filter(logGroupName=group["logGroupName"], **self.params)
        group.pop("c7n:SubscriptionFilters", None)
