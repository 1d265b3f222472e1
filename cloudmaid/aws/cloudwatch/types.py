"""CloudWatch metric alarms, as data (see cloudmaid/resources/declaration.py for the fields).
Tags come from the Resource Groups Tagging API (Custodian's universal_taggable)."""
from ...resources.declaration import TAGGING_API, ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="alarm", service="cloudwatch", enum_op="describe_alarms", enum_path="MetricAlarms[]",
        id="AlarmName", ids_param="AlarmNames", batch_size=100, name_key="AlarmName",
        date="AlarmConfigurationUpdatedTimestamp", arn_key="AlarmArn",
        arn="arn:{partition}:cloudwatch:{region}:{account}:alarm:{id}", tags=TAGGING_API,
        config_type="AWS::CloudWatch::Alarm", trail_source="monitoring.amazonaws.com",
        trail={"PutMetricAlarm": Shortcut("requestParameters.alarmName")},
    ),
)
