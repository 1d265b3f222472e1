"""Stack tags: UpdateStack with the previous template, parameters, capabilities and
notification topics and the new whole tag set, as Custodian does (CloudFormation then
propagates them to the stack's resources). The tag set is read fresh, so tags set since
the describe are kept."""
from ...actions.taggers import Tagger, register_tagger


@register_tagger("cloudformation")
class StackTagger(Tagger):
    add_permissions = ("cloudformation:DescribeStacks", "cloudformation:UpdateStack")
    remove_permissions = add_permissions

    def modify(self, stack, add=None, remove=(), values=None):
        client = self.manager.client()
        current = client.describe_stacks(StackName=stack["StackId"])["Stacks"][0]
        values = values or {}
        tags = {t["Key"]: t["Value"] for t in current.get("Tags") or ()
                if t["Key"] not in remove or values.get(t["Key"], t["Value"]) != t["Value"]}
        tags.update(add or {})
        client.update_stack(
            StackName=current["StackId"], UsePreviousTemplate=True,
            Capabilities=current.get("Capabilities") or [],
            Parameters=[{"ParameterKey": p["ParameterKey"], "UsePreviousValue": True}
                        for p in current.get("Parameters") or ()],
            NotificationARNs=current.get("NotificationARNs") or [],
            Tags=[{"Key": k, "Value": v} for k, v in tags.items()])

    def add(self, resources, tags):
        for s in resources:
            self.modify(s, add=tags)

    def remove(self, resources, keys, values=None):
        for s in resources:
            self.modify(s, remove=set(keys), values=values)
