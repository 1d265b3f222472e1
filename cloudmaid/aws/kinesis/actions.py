"""Kinesis stream and Firehose delivery stream actions with Cloud Custodian's names, keys
and defaults: ``encrypt`` and ``delete`` (streams), ``delete`` (delivery streams). Streams
not in a state allowing the change are skipped (reported under ``skipped``), as Custodian
does; one stream per call; one gone counts as done."""
import re

from botocore.exceptions import ClientError

from ...actions.core import Action, actions

_KEY_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class StreamAction(Action):
    name_key = "StreamName"
    status_key = "StreamStatus"
    states = ("ACTIVE",)

    def process(self, resources):
        ready = [r for r in resources if r.get(self.status_key) in self.states]
        skipped = [r[self.name_key] for r in resources if r not in ready]
        if skipped:
            self.result["skipped"] = skipped
        self.prepare()
        client = self.manager.client()

        def one(stream):
            try:
                self.apply(client, stream)
            except ClientError as e:
                if e.response["Error"]["Code"] != "ResourceNotFoundException":
                    raise
        self.each(ready, one)
        self.manager.invalidate()

    def prepare(self):
        pass

    def apply(self, client, stream):
        raise NotImplementedError


@actions.register("encrypt", resources=("kinesis",))
class Encrypt(StreamAction):
    """Server-side encryption of active streams with KMS ``key``: a key id, key ARN, alias
    (``alias/name``) or alias name (Custodian prefixes every key with ``alias/``, so only
    alias names work there)."""
    schema = {"key": {"type": "string"}}
    required = ("key",)
    permissions = ("kinesis:StartStreamEncryption", "kms:DescribeKey")

    def prepare(self):
        key = self.data["key"]
        if not (key.startswith(("alias/", "arn:")) or _KEY_ID.match(key)):
            key = "alias/" + key
        kms = self.manager.client("kms")
        self.key_id = kms.describe_key(KeyId=key)["KeyMetadata"]["KeyId"]

    def apply(self, client, stream):
        client.start_stream_encryption(StreamName=stream["StreamName"], EncryptionType="KMS",
                                       KeyId=self.key_id)


@actions.register("delete", resources=("kinesis",))
class DeleteStream(StreamAction):
    """Delete active streams; ``force: true`` deletes their registered consumers too."""
    schema = {"force": {"type": "boolean"}}
    permissions = ("kinesis:DeleteStream", "kinesis:DeregisterStreamConsumer")

    def apply(self, client, stream):
        client.delete_stream(StreamName=stream["StreamName"],
                             EnforceConsumerDeletion=bool(self.data.get("force", False)))


@actions.register("delete", resources=("firehose",))
class DeleteDeliveryStream(StreamAction):
    """Delete delivery streams that are ACTIVE or SUSPENDED."""
    name_key = "DeliveryStreamName"
    status_key = "DeliveryStreamStatus"
    states = ("ACTIVE", "SUSPENDED")
    permissions = ("firehose:DeleteDeliveryStream",)

    def apply(self, client, stream):
        client.delete_delivery_stream(DeliveryStreamName=stream["DeliveryStreamName"])
