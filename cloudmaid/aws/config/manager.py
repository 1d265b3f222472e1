"""The config-recorder manager: each recorder merged with its status and the region's
delivery channel, as Custodian does (a region has one or two recorders: a few calls)."""
from botocore.exceptions import ClientError

from ...resources.manager import ResourceManager, register_manager


@register_manager("config-recorder")
class RecorderManager(ResourceManager):
    #: IAM actions of the calls the row does not describe
    permissions = ("config:DescribeConfigurationRecorderStatus", "config:DescribeDeliveryChannels")

    def describe(self, params):
        recorders = super().describe(params)
        if not recorders:
            return recorders
        client = self.client()
        status = {s["name"]: s for s in client.describe_configuration_recorder_status(
            ConfigurationRecorderNames=[r["name"] for r in recorders]).get(
            "ConfigurationRecordersStatus") or ()}
        channels = client.describe_delivery_channels().get("DeliveryChannels") or ()
        for r in recorders:
            if r["name"] in status:
                r["status"] = status[r["name"]]
            if channels:
                # Custodian keeps the last channel listed (a region has at most one)
                r["deliveryChannel"] = channels[-1]
        return recorders

    def get_resources(self, ids):
        found = []
        for name in dict.fromkeys(i for i in ids if i):
            try:
                found.extend(self.describe({"ConfigurationRecorderNames": [name]}))
            except ClientError as e:
                if e.response["Error"]["Code"] != "NoSuchConfigurationRecorderException":
                    raise
        return found
