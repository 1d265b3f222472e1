"""SSM's resource type, as data (see cloudmaid/resources/declaration.py for the fields).

DescribeParameters returns parameter metadata (never values); tags come from
ListTagsForResource (manager.py).
"""
from ...resources.declaration import DETAIL, ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="ssm-parameter", service="ssm", enum_op="describe_parameters",
        enum_path="Parameters[]", id="Name", name_key="Name", batch_size=50,
        # a name may begin with "/": manager.arn writes the ARN without doubling it
        arn="arn:{partition}:ssm:{region}:{account}:parameter/{id}",
        tags=DETAIL, tagger="ssm",
        trail={"PutParameter": Shortcut("requestParameters.name")},
    ),
)
