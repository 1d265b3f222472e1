"""Lambda's resource types, as data (see cloudmaid/resources/declaration.py for the fields).

Functions are listed with ListFunctions, tagged through the Resource Groups Tagging API, and
fetched by name with GetFunction (manager.py flattens its answer as Custodian does). Details
read per function only for the filters that need them carry Custodian's annotation names.
Layers are modelled per version, as Custodian does: every version of every layer.
"""
from ...resources.declaration import TAGGING_API, Detail, Get, ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="lambda", service="lambda", enum_op="list_functions", enum_path="Functions[]",
        id="FunctionName", date="LastModified", arn_key="FunctionArn",
        arn="arn:{partition}:lambda:{region}:{account}:function:{id}", tags=TAGGING_API,
        get=Get("get_function", "FunctionName"), config_type="AWS::Lambda::Function",
        details=(
            Detail("c7n:Policy", "get_policy", "FunctionName", "Policy"),
            Detail("c7n:FunctionInfo", "get_function", "FunctionName"),
            Detail("c7n:UrlConfig", "get_function_url_config", "FunctionName", default={}),
        ),
        trail={"CreateFunction": Shortcut("requestParameters.functionName",
                                          event="CreateFunction20150331")},
        related={"security-group": "VpcConfig.SecurityGroupIds[]",
                 "subnet": "VpcConfig.SubnetIds[]", "vpc": "VpcConfig.VpcId"},
    ),
    ResourceType(
        # one item per layer version (manager.py: ListLayerVersions of each layer listed),
        # each with its LayerName; its ARN is the version's (LayerVersionArn)
        name="lambda-layer", service="lambda", enum_op="list_layers", enum_path="Layers[]",
        id="LayerName", arn="arn:{partition}:lambda:{region}:{account}:layer:{id}",
        tags=None, report=("LayerName", "Version", "CreatedDate"),
        trail={"PublishLayerVersion": Shortcut("requestParameters.layerName",
                                               event="PublishLayerVersion20181031")},
    ),
)
