"""CloudFormation stacks, as data (see cloudmaid/resources/declaration.py for the fields).

Tags are inline; they are written with UpdateStack (tagger.py), as Custodian does, so that
the stack propagates them to its resources.
"""
from ...resources.declaration import ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="cfn", service="cloudformation", enum_op="describe_stacks", enum_path="Stacks[]",
        id="StackName", name_key="StackName", date="CreationTime", arn_key="StackId",
        arn="arn:{partition}:cloudformation:{region}:{account}:stack/{id}",
        tagger="cloudformation", config_type="AWS::CloudFormation::Stack",
        trail={"CreateStack": Shortcut("requestParameters.stackName")},
    ),
)
