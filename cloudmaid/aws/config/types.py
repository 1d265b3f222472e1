"""AWS Config's resource type, as data (see cloudmaid/resources/declaration.py).

A recorder carries, as in Custodian, its ``status`` (DescribeConfigurationRecorderStatus) and
the region's ``deliveryChannel`` (manager.py); recorders have no tags.
"""
from ...resources.declaration import ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="config-recorder", service="config", enum_op="describe_configuration_recorders",
        enum_path="ConfigurationRecorders[]", id="name", name_key="name",
        ids_param="ConfigurationRecorderNames", arn_key="arn", tags=None,
        trail={"PutConfigurationRecorder": Shortcut(
            "requestParameters.configurationRecorder.name")},
    ),
)
