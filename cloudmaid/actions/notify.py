"""``notify``: send the matched resources to c7n-mailer (or anything reading its messages)
through an SQS queue or an SNS topic, in Cloud Custodian's message format:

    {"event", "account_id", "partition", "account", "version", "region", "execution_id",
     "execution_start", "policy", "action", "resources"}

JSON, zlib-compressed, base64-encoded, with the message attribute ``mtype: maidmsg/1.0``.
``action`` is the notify action's own data (``to_from``/``cc_from`` read and added to
``to``/``cc``), so the mailer keys (``to``, ``cc``, ``from``, ``subject``, ``template``,
``priority_header``, ``violation_desc``, ``action_desc``, ``owner_absent_contact``, ...) reach
it unchanged. A message holds at most 256 KiB: more resources are split over several.
"""
import base64
import copy
import zlib

from .. import __version__
from ..aws import once
from ..filters import valuefrom
from ..output import dumps
from .core import AWS_ERRORS, Action, actions

DATA_MESSAGE = "maidmsg/1.0"
MAX_MESSAGE = 262144
_STRINGS = {"type": "array", "items": {"type": "string"}}
TRANSPORT = {"oneOf": [
    {"type": "object", "required": ["type", "queue"], "additionalProperties": False,
     "properties": {"type": {"enum": ["sqs"]}, "queue": {"type": "string"},
                    "region": {"type": "string"}}},
    {"type": "object", "required": ["type", "topic"], "additionalProperties": False,
     "properties": {"type": {"enum": ["sns"]}, "topic": {"type": "string"},
                    "region": {"type": "string"}, "attributes": {"type": "object"}}}]}
#: keys the mailer reads from the action (delivered as written)
MAILER_KEYS = ("from", "subject", "template", "priority_header", "violation_desc",
               "action_desc", "cc_manager", "slack_template", "slack_msg_color")


def account_alias(manager):
    """The account's first IAM alias, "" when it has none (or may not be read)."""
    from botocore.exceptions import ClientError
    try:
        aliases = manager.client("iam").list_account_aliases().get("AccountAliases")
    except ClientError:
        return ""
    return aliases[0] if aliases else ""


def pack(payload):
    return base64.b64encode(zlib.compress(payload.encode("utf-8"))).decode("ascii")


def queue_url(queue, region, account_id):
    """``(url, region)`` of a queue given as URL, ARN or name (Custodian's forms)."""
    if queue.startswith("https://queue.amazonaws.com"):
        return queue, "us-east-1"
    if "queue.amazonaws.com" in queue:
        return queue, queue[len("https://"):].split(".", 1)[0]
    if queue.startswith("https://sqs."):
        return queue, queue[len("https://sqs."):].split(".", 1)[0]
    if queue.startswith("arn:"):
        _, _, _, qregion, owner, name = queue.split(":", 5)
        return f"https://sqs.{qregion}.amazonaws.com/{owner}/{name}", qregion
    if queue.startswith(("http://", "https://")):   # a local endpoint (the sandbox)
        return queue, region
    return f"https://sqs.{region}.amazonaws.com/{account_id}/{queue}", region


def topic_arn(topic, region, account_id, partition="aws"):
    if topic.startswith("arn:"):
        return topic, topic.split(":", 5)[3]
    return f"arn:{partition}:sns:{region}:{account_id}:{topic}", region


@actions.register("notify")
class Notify(Action):
    """Send the resources to c7n-mailer over SQS or SNS (see the module doc)."""
    writes = False
    schema = {"to": _STRINGS, "to_from": valuefrom.SCHEMA, "cc": _STRINGS,
              "cc_from": valuefrom.SCHEMA, "owner_absent_contact": _STRINGS,
              "transport": TRANSPORT, "assume_role": {"type": "boolean"},
              **{k: {"type": "boolean"} if k == "cc_manager" else {"type": "string"}
                 for k in MAILER_KEYS}}
    required = ("transport",)
    permissions = ("sqs:SendMessage", "sns:Publish", "iam:ListAccountAliases")

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        kind = (self.data.get("transport") or {}).get("type")
        self.permissions = ("sns:Publish" if kind == "sns" else "sqs:SendMessage",
                            "iam:ListAccountAliases")

    def validate(self):
        out = []
        if "to" not in self.data and "to_from" not in self.data:
            out.append(((), "notify needs 'to' (or 'to_from'): who the mailer writes to"))
        attrs = (self.data.get("transport") or {}).get("attributes") or {}
        if "mtype" in attrs:
            out.append((("transport", "attributes", "mtype"),
                        "mtype is reserved: it marks the message format for the mailer"))
        return out

    # -- the message -------------------------------------------------------------------------
    def envelope(self):
        m = self.manager
        ctx = m.ctx
        execution = getattr(m, "execution", None) or {}
        message = {"event": getattr(m, "event", None), "account_id": ctx.account_id,
                   "partition": ctx.partition, "account": self.account_alias(),
                   "version": __version__, "region": ctx.region,
                   "execution_id": execution.get("id"),
                   "execution_start": execution.get("start"),
                   "policy": getattr(m, "policy_data", None)}
        message["action"] = self.expanded(message)
        return message

    def account_alias(self):
        return account_alias(self.manager)

    def expanded(self, message):
        """The action's data with the addresses ``to_from``/``cc_from`` read (their url and
        expr may name message fields: ``{account_id}``)."""
        # every key of the action goes to the mailer, which reads them (read one by one:
        # the schema allows only keys the mailer knows)
        data = {"type": self.data.get("type", "notify")}
        for key in self.schema:
            if key in self.data:
                data[key] = copy.deepcopy(self.data[key])
        for source, target in (("to_from", "to"), ("cc_from", "cc")):
            if source in self.data:
                spec = dict(self.data[source])
                spec["url"] = spec["url"].format(**message)
                if isinstance(spec.get("expr"), str):
                    spec["expr"] = spec["expr"].format(**message)
                data.setdefault(target, []).extend(sorted(valuefrom.values(spec, self.manager)))
        return data

    def payloads(self, message, resources):
        """Packed messages of at most MAX_MESSAGE, splitting the resources as needed."""
        packed = pack(dumps(dict(message, resources=resources), indent=None))
        if len(packed) <= MAX_MESSAGE or len(resources) <= 1:
            return [(resources, packed)]
        half = len(resources) // 2
        return self.payloads(message, resources[:half]) + self.payloads(message, resources[half:])

    # -- sending -----------------------------------------------------------------------------
    def client(self, service, region):
        factory = self.manager.ctx.session_factory
        if self.data.get("assume_role", True) is False and getattr(factory, "assume_role", None):
            from ..session import SessionFactory
            factory = SessionFactory(region=region, profile=factory.profile)
        # a delivery is never repeated after an attempt that may have arrived (see once)
        return once.client(factory, service, region)

    def send(self, message, packed, batch=()):
        """Deliver once: a FIFO queue or topic drops a repeat of the same deduplication id
        (the run and the resources), so a lost answer is sent again; elsewhere it fails
        as uncertain instead (OutcomeUnknown)."""
        t = self.data["transport"]
        attrs = {"mtype": {"DataType": "String", "StringValue": DATA_MESSAGE}}
        if t["type"] == "sqs":
            url, region = queue_url(t["queue"].format(**message), t.get("region") or message["region"],
                                    message["account_id"])
            params = {"QueueUrl": url, "MessageBody": packed, "MessageAttributes": attrs}
            method, operation = self.client("sqs", region).send_message, "SendMessage"
        else:
            arn, region = topic_arn(t["topic"].format(**message),
                                    t.get("region") or message["region"],
                                    message["account_id"], message["partition"])
            for k, v in (t.get("attributes") or {}).items():
                attrs[k] = {"DataType": "String", "StringValue": str(v)}
            params = {"TopicArn": arn, "Message": packed, "MessageAttributes": attrs}
            method, operation = self.client("sns", region).publish, "Publish"
        fifo = (params.get("QueueUrl") or params.get("TopicArn")).endswith(".fifo")
        if fifo:    # FIFO needs a group (AWS refuses the message without one)
            params["MessageGroupId"] = getattr(self.manager, "policy_name", None) or "maid"
            params["MessageDeduplicationId"] = once.token(
                self.manager, "notify", params.get("QueueUrl") or params["TopicArn"],
                *self.resource_ids(batch))
        return once.once(method, operation, params, idempotent=fifo)["MessageId"]

    def process(self, resources):
        message = self.envelope()
        for batch, packed in self.payloads(message, list(resources)):
            if len(packed) > MAX_MESSAGE:
                self.fail(batch[0], RuntimeError(f"one resource makes a {len(packed)}-byte "
                                                 f"message, over the {MAX_MESSAGE} limit"))
                continue
            try:
                self.send(message, packed, batch)
                self.result["succeeded"] += len(batch)
            except AWS_ERRORS as e:
                if once.uncertain(e):
                    self.result.setdefault("uncertain", []).extend(self.resource_ids(batch))
                for r in batch:
                    self.fail(r, e)
