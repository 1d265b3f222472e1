"""Launch configuration filters and actions (Custodian's names): age, unused, delete."""
from ...actions.core import actions
from ...filters.core import filters
from ...resources.related import AgeFilter, RelatedValueFilter
from .actions import GroupAction

LC = ("launch-config",)


@filters.register("age", resources=LC)
class LaunchConfigAge(AgeFilter):
    date_key = "CreatedTime"
    schema = {"days": {"type": "number"}, "op": AgeFilter.schema["op"]}


@filters.register("unused", resources=LC)
class Unused(RelatedValueFilter):
    """Configurations no group launches from (a group without a launch template and no
    configuration name uses the configuration named after it)."""
    predicate = False
    schema = {}
    permissions = ("autoscaling:DescribeAutoScalingGroups",)

    def validate(self):
        return []

    def process(self, resources, event=None):
        from ...resources.manager import ResourceManager
        groups = ResourceManager.for_type(self.manager.ctx, "asg").resources()
        used = {g.get("LaunchConfigurationName", g["AutoScalingGroupName"])
                for g in groups if not g.get("LaunchTemplate")}
        return [c for c in resources if c["LaunchConfigurationName"] not in used]


@actions.register("delete", resources=LC)
class Delete(GroupAction):
    """DeleteLaunchConfiguration; one already gone counts as done. One still in use by a
    group fails alone (ResourceInUse)."""
    schema = {}
    permissions = ("autoscaling:DeleteLaunchConfiguration",)

    def process(self, resources):
        client = self.client()
        self.each_group(resources, lambda c: client.delete_launch_configuration(
            LaunchConfigurationName=c["LaunchConfigurationName"]))
