"""CloudFormation seeders."""
import json

from . import seeder

TEMPLATE = json.dumps({"Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}})


@seeder("cfn", "cloudtrail-create-stack.json")
def stack(world, label):
    world.client("cloudformation").create_stack(StackName=label, TemplateBody=TEMPLATE,
                                                Tags=world.tag_list(label))
    return [label]
