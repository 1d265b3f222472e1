"""EC2 instance filters and actions on instance attributes and settings, Cloud Custodian's names,
keys and semantics: ``termination-protected``, ``stop-protected``, ``instance-attribute``,
``user-data``, ``ephemeral``, ``singleton``; ``set-monitoring``, ``set-metadata-access``.
Attributes are read once per instance and run (DescribeInstanceAttribute), kept under
Custodian's annotation keys."""
import base64
import zlib

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters.core import Filter, filters
from ...filters.value import VALUE_SCHEMA, ValueFilter
from ...resources.tagsource import tag_value

EC2 = ("ec2",)
ATTRIBUTES = ("instanceType", "kernel", "ramdisk", "userData", "disableApiTermination",
              "instanceInitiatedShutdownBehavior", "rootDeviceName", "blockDeviceMapping",
              "productCodes", "sourceDestCheck", "groupSet", "ebsOptimized", "sriovNetSupport",
              "enaSupport", "disableApiStop")


def attribute_fetcher(manager, attribute, annotation):
    """``fetch(instance)`` storing DescribeInstanceAttribute's answer (its one value key) under
    ``annotation``; an instance gone meanwhile gets None."""
    client = manager.client()

    def fetch(instance):
        try:
            answer = client.describe_instance_attribute(Attribute=attribute,
                                                        InstanceId=instance["InstanceId"])
        except ClientError as e:
            if e.response["Error"]["Code"] != "InvalidInstanceID.NotFound":
                raise
            instance[annotation] = None
            return
        values = [v for k, v in answer.items() if k not in ("ResponseMetadata", "InstanceId")]
        instance[annotation] = values[0] if values else None
    return fetch


class AttributeFilter(Filter):
    predicate = False
    attribute = None
    permissions = ("ec2:DescribeInstanceAttribute",)

    @property
    def annotation(self):
        return f"c7n:attribute-{self.attribute}"

    def process(self, resources, event=None):
        self.manager.cached(resources, self.annotation,
                            attribute_fetcher(self.manager, self.attribute, self.annotation))
        return [r for r in resources if self.decide(r[self.annotation])]

    def decide(self, value):
        return bool((value or {}).get("Value"))

    def keys(self):
        return {"InstanceId"}


@filters.register("termination-protected", resources=EC2)
class TerminationProtected(AttributeFilter):
    """Instances whose ``disableApiTermination`` is set."""
    attribute = "disableApiTermination"


@filters.register("stop-protected", resources=EC2)
class StopProtected(AttributeFilter):
    """Instances whose ``disableApiStop`` is set."""
    attribute = "disableApiStop"


@filters.register("instance-attribute", resources=EC2)
class InstanceAttribute(AttributeFilter):
    """A value filter over one instance attribute's answer (``key: Value`` for most)."""
    schema = dict(VALUE_SCHEMA, attribute={"enum": list(ATTRIBUTES[:-1])})
    required = ("attribute",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self.attribute = self.data.get("attribute")
        vf = {k: v for k, v in self.data.items() if k != "attribute"}
        self._vf = ValueFilter(dict(vf, type="value"), manager)

    def validate(self):
        return self._vf.validate()

    def decide(self, value):
        return self._vf.match(value or {})


def user_data_text(value):
    """UserData's base64 value as text (gzip-compressed user data is read too)."""
    data = base64.b64decode(value)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return zlib.decompress(data, 16 + zlib.MAX_WBITS).decode("utf-8")


@filters.register("user-data", resources=EC2)
class UserData(Filter):
    """A value filter on the instance's user data as text (``c7n:user-data``; None when it
    has none). Custodian's advice holds: regexes with ``(?smi)``, as matching starts at the
    beginning."""
    predicate = False
    schema = VALUE_SCHEMA
    annotation = "c7n:user-data"
    permissions = ("ec2:DescribeInstanceAttribute",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        vf = {k: v for k, v in self.data.items() if k != "key"}
        self._vf = ValueFilter(dict(vf, type="value", key='"c7n:user-data"'), manager)

    def validate(self):
        return self._vf.validate()

    def process(self, resources, event=None):
        raw = "c7n:attribute-userData"
        self.manager.cached(resources, raw, attribute_fetcher(self.manager, "userData", raw))
        for r in resources:
            value = (r.get(raw) or {}).get("Value")
            r[self.annotation] = user_data_text(value) if value else None
        return [r for r in resources if self._vf.match(r)]

    def keys(self):
        return {"InstanceId"}


@filters.register("ephemeral", resources=EC2)
class Ephemeral(Filter):
    """Instances whose root device is instance store (not EBS)."""

    def match(self, resource, event=None):
        for bd in resource.get("BlockDeviceMappings") or ():
            if bd.get("DeviceName") in ("/dev/sda1", "/dev/xvda", "xvda"):
                return "Ebs" not in bd
        return True

    def keys(self):
        return {"BlockDeviceMappings"}


@filters.register("singleton", resources=EC2)
class Singleton(Filter):
    """Instances (pending, running, stopping or stopped) outside any Auto Scaling group and
    without a CloudWatch alarm that recovers them."""
    predicate = False
    states = ("running", "stopped", "pending", "stopping")
    permissions = ("cloudwatch:DescribeAlarmsForMetric",)

    def recovers(self, client, instance):
        alarms = client.describe_alarms_for_metric(
            MetricName="StatusCheckFailed_System", Namespace="AWS/EC2",
            Dimensions=[{"Name": "InstanceId", "Value": instance["InstanceId"]}])
        return any(a.startswith("arn:aws:automate:") and a.endswith(":ec2:recover")
                   for alarm in alarms.get("MetricAlarms") or () for a in alarm.get("AlarmActions") or ())

    def process(self, resources, event=None):
        client = self.manager.client("cloudwatch")
        return [r for r in resources
                if (r.get("State") or {}).get("Name") in self.states
                and tag_value(r, "aws:autoscaling:groupName") is None
                and not self.recovers(client, r)]

    def keys(self):
        return {"State", "Tags", "InstanceId"}


@actions.register("set-monitoring", resources=EC2)
class SetMonitoring(Action):
    """Detailed monitoring on (``state: enable``) or off (``disable``), 20 instances a call;
    instances gone meanwhile are skipped."""
    schema = {"state": {"enum": ["enable", "disable"]}}
    required = ("state",)
    permissions = ("ec2:MonitorInstances", "ec2:UnmonitorInstances")

    def process(self, resources):
        client = self.manager.client()
        call = client.monitor_instances if self.data["state"] == "enable" \
            else client.unmonitor_instances
        self.batched(resources, lambda b: call(InstanceIds=self.resource_ids(b)), size=20)


METADATA = {"endpoint": ("HttpEndpoint", ["enabled", "disabled"]),
            "tokens": ("HttpTokens", ["required", "optional"]),
            "metadata-tags": ("InstanceMetadataTags", ["enabled", "disabled"]),
            "hop-limit": ("HttpPutResponseHopLimit", list(range(1, 65)))}


@actions.register("set-metadata-access", resources=EC2)
class SetMetadataAccess(Action):
    """Instance metadata service options (IMDSv2: ``tokens: required``), only on instances
    whose options differ; at least one of ``endpoint``, ``tokens``, ``metadata-tags``,
    ``hop-limit``."""
    schema = {"endpoint": {"enum": METADATA["endpoint"][1]},
              "tokens": {"enum": METADATA["tokens"][1]},
              "metadata-tags": {"enum": METADATA["metadata-tags"][1]},
              "hop-limit": {"type": "integer", "minimum": 1, "maximum": 64}}
    permissions = ("ec2:ModifyInstanceMetadataOptions",)

    def params(self):
        return {METADATA[k][0]: self.data[k] for k in METADATA if self.data.get(k) is not None}

    def validate(self):
        if not self.params():
            return [((), "give at least one of endpoint, tokens, metadata-tags, hop-limit")]
        return []

    def process(self, resources):
        params = self.params()
        todo = [r for r in resources
                if any((r.get("MetadataOptions") or {}).get(k) != v for k, v in params.items())]
        client = self.manager.client()

        def modify(instance):
            try:
                client.modify_instance_metadata_options(InstanceId=instance["InstanceId"],
                                                        **params)
            except ClientError as e:
                if e.response["Error"]["Code"] != "InvalidInstanceID.NotFound":
                    raise
        self.each(todo, modify)
        self.result["unchanged"] = len(resources) - len(todo)
