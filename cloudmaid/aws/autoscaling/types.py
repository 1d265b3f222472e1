"""Auto Scaling's resource types, and EC2 launch template versions (what groups launch from),
as data (see cloudmaid/resources/declaration.py for the fields)."""
from ...resources.declaration import ResourceType, Shortcut

_GROUP = Shortcut("requestParameters.autoScalingGroupName")

TYPES = (
    ResourceType(
        # tags are inline, each also naming its group and whether it propagates at launch
        name="asg", service="autoscaling", enum_op="describe_auto_scaling_groups",
        enum_path="AutoScalingGroups[]", id="AutoScalingGroupName",
        ids_param="AutoScalingGroupNames", batch_size=50, date="CreatedTime",
        arn_key="AutoScalingGroupARN", tagger="autoscaling",
        config_type="AWS::AutoScaling::AutoScalingGroup",
        trail={"CreateAutoScalingGroup": _GROUP, "UpdateAutoScalingGroup": _GROUP},
        # Custodian's columns; its count:/list: forms written as JMESPath
        report=("AutoScalingGroupName", "CreatedTime", "LaunchConfigurationName",
                "length(Instances)", "DesiredCapacity", "HealthCheckType",
                "LoadBalancerNames"),
    ),
    ResourceType(
        name="launch-config", service="autoscaling", enum_op="describe_launch_configurations",
        enum_path="LaunchConfigurations[]", id="LaunchConfigurationName",
        ids_param="LaunchConfigurationNames", batch_size=50, date="CreatedTime",
        arn_key="LaunchConfigurationARN", tags=None,
        config_type="AWS::AutoScaling::LaunchConfiguration",
        trail={"CreateLaunchConfiguration": Shortcut(
            "requestParameters.launchConfigurationName")},
    ),
    ResourceType(
        # every version of every launch template (manager.py); the id is the template's, a
        # version is LaunchTemplateId + VersionNumber. Versions carry no tags of their own.
        name="launch-template-version", service="ec2",
        enum_op="describe_launch_template_versions", enum_path="LaunchTemplateVersions[]",
        id="LaunchTemplateId", id_prefix="lt-", name_key="LaunchTemplateName",
        date="CreateTime", arn="arn:{partition}:ec2:{region}:{account}:launch-template/{id}",
        tags=None,
        trail={"CreateLaunchTemplate": Shortcut(
            "responseElements.CreateLaunchTemplateResponse.launchTemplate.launchTemplateId"),
               "CreateLaunchTemplateVersion": Shortcut(
            "responseElements.CreateLaunchTemplateVersionResponse.launchTemplateVersion"
            ".launchTemplateId")},
    ),
)
