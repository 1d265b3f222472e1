"""config-recorder filters and actions with Cloud Custodian's names and semantics:
``retention`` (DescribeRetentionConfigurations) and ``toggle-recording``."""
from ...actions.core import Action, actions
from ...filters.base import filters, now_of
from ...filters.value import ValueFilter

RECORDERS = ("config-recorder",)


@filters.register("retention", resources=RECORDERS)
class Retention(ValueFilter):
    """A value filter over the region's retention configuration (AWS allows one), kept in
    ``c7n:ConfigRetentionConfigs`` ({} without one). With neither key nor value it matches
    recorders whose region has a retention configuration."""
    predicate = False
    annotation = "c7n:ConfigRetentionConfigs"
    permissions = ("config:DescribeRetentionConfigurations",)

    def validate(self):
        if "key" not in self.data and "value" not in self.data:
            return []
        return super().validate()

    def process(self, resources, event=None):
        found = self.manager.client().describe_retention_configurations().get(
            "RetentionConfigurations") or [{}]
        for r in resources:
            r[self.annotation] = found[0]
        if "key" not in self.data and "value" not in self.data:
            return [r for r in resources if r[self.annotation]]
        match = self.matcher(now_of(self.manager), event)
        return [r for r in resources if match(r[self.annotation])]

    def keys(self):
        return set()


@actions.register("toggle-recording", resources=RECORDERS)
class ToggleRecording(Action):
    """Start the recorder (``enabled: true``, the default) or stop it."""
    schema = {"enabled": {"type": "boolean"}}
    permissions = ("config:StartConfigurationRecorder", "config:StopConfigurationRecorder")

    def process(self, resources):
        client = self.manager.client()
        if self.data.get("enabled", True):
            self.each(resources, lambda r: client.start_configuration_recorder(
                ConfigurationRecorderName=r["name"]))
        else:
            self.each(resources, lambda r: client.stop_configuration_recorder(
                ConfigurationRecorderName=r["name"]))
