"""Lambda managers: functions fetched by name (GetFunction's answer flattened as Custodian
does: the configuration, plus Code, Concurrency and Tags as a list), and layer versions
(every version of every layer, each carrying its LayerName)."""
from botocore.exceptions import ClientError

from ...resources import details, tagsource
from ...resources.manager import ResourceManager, register_manager


def flatten(answer):
    """GetFunction's answer as a listed function."""
    answer = dict(answer)
    answer.pop("ResponseMetadata", None)
    out = dict(answer.pop("Configuration", {}))
    out.update(answer)
    if isinstance(out.get("Tags"), dict):
        out["Tags"] = [{"Key": k, "Value": v} for k, v in out["Tags"].items()]
    return out


@register_manager("lambda")
class FunctionManager(ResourceManager):

    def get_resources(self, ids):
        if self.query.source == "config":
            return super().get_resources(ids)
        client = self.client()

        def one(name):
            try:
                return flatten(client.get_function(FunctionName=name))
            except ClientError as e:
                if details.not_found(e.response["Error"]["Code"]):
                    return None
                raise
        found = details.pmap(one, list(dict.fromkeys(i for i in ids if i)))
        return tagsource.normalise(self.rtype, [f for f in found if f is not None])


@register_manager("lambda-layer")
class LayerManager(ResourceManager):
    #: IAM actions of the calls the row does not describe
    permissions = ("lambda:ListLayers", "lambda:ListLayerVersions")

    def arn(self, resource):
        return resource.get("LayerVersionArn") or super().arn(resource)

    def describe(self, params):
        client = self.client()
        names = [layer["LayerName"]
                 for page in client.get_paginator("list_layers").paginate()
                 for layer in page.get("Layers") or ()]
        return self.versions(names)

    def versions(self, names):
        client = self.client()
        out = []
        for name in names:
            try:
                for page in client.get_paginator("list_layer_versions").paginate(LayerName=name):
                    out.extend(dict(v, LayerName=name) for v in page.get("LayerVersions") or ())
            except ClientError as e:
                if not details.not_found(e.response["Error"]["Code"]):
                    raise
        return out

    def get_resources(self, ids):
        if self.query.source == "config":
            return super().get_resources(ids)
        return self.versions(list(dict.fromkeys(i for i in ids if i)))
