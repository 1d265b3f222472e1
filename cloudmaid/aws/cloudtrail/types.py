"""CloudTrail's resource type, as data (see cloudmaid/resources/declaration.py for the fields).

DescribeTrails lists the region's trails and the shadows of multi-region and organization
trails homed elsewhere (their ARNs name their home region); tags come from ListTags, asked in
each trail's home region (manager.py).
"""
from ...resources.declaration import DETAIL, ResourceType, Shortcut

_BY_NAME = Shortcut("requestParameters.name")

TYPES = (
    ResourceType(
        name="cloudtrail", service="cloudtrail", enum_op="describe_trails",
        enum_path="trailList[]", id="TrailARN", ids_param="trailNameList", name_key="Name",
        arn="arn:{partition}:cloudtrail:{region}:{account}:trail/{id}", arn_key="TrailARN",
        tags=DETAIL, tagger="cloudtrail", config_type="AWS::CloudTrail::Trail",
        trail={"CreateTrail": Shortcut("responseElements.trailARN"),
               "StartLogging": _BY_NAME, "StopLogging": _BY_NAME},
    ),
)
